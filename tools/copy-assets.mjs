// Copies data files next to the compiled code (tsc does not copy them): the provider schema JSON files and the
// lab's bundled scenarios.
import { cpSync, mkdirSync } from "node:fs";
mkdirSync("dist/src/schemas", { recursive: true });
cpSync("src/schemas", "dist/src/schemas", { recursive: true });
mkdirSync("dist/src/lab/scenarios", { recursive: true });
cpSync("src/lab/scenarios", "dist/src/lab/scenarios", { recursive: true });
