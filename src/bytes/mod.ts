export * from "./guid.js";
export * from "./text.js";
export * from "./hex.js";
export * from "./time.js";
export * from "./errors.js";
