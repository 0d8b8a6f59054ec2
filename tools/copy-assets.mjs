// Copies the provider schema JSON files next to the compiled code (tsc does not copy data files).
import { cpSync, mkdirSync } from "node:fs";
mkdirSync("dist/src/schemas", { recursive: true });
cpSync("src/schemas", "dist/src/schemas", { recursive: true });
