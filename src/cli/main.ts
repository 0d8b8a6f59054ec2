#!/usr/bin/env node
/** The `wnvtrace` executable: runs the program and sets the exit code. */
import { main } from "./program.js";

process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
});
process.exitCode = main(process.argv.slice(2));
