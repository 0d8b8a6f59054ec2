// Lint: typescript-eslint's recommended rules, plus "no any" and type-only imports.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // The browser app: no Node globals (the bundle would reference them at run time).
    files: ["web/app/**/*.ts"],
    rules: { "no-restricted-globals": ["error", "Buffer", "process", "require", "__dirname", "global"] },
  },
  {
    files: ["web/dev/**/*.mjs"],
    languageOptions: { globals: { Buffer: "readonly", setTimeout: "readonly", location: "readonly", document: "readonly", window: "readonly" } },
    rules: { "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_" }] },
  },
);
