/**
 * The subcommands. Each module exports `register(program, ctx)`; adding a command is one line here.
 */
import type { Command } from "commander";
import type { CliContext } from "../util.js";
import { registerInfo } from "./info-cmd.js";
import { registerEvents } from "./events-cmd.js";
import { registerDemo } from "./demo-cmd.js";
import { registerPackets } from "./packets-cmd.js";
import { registerExport } from "./export-cmd.js";
import { registerLab } from "./lab-cmd.js";
import { registerInventory } from "./inventory-cmd.js";
import { registerFlows } from "./flows-cmd.js";
import { registerTopology } from "./topology-cmd.js";
import { registerFollow } from "./follow-cmd.js";
import { registerDiagnose } from "./diagnose-cmd.js";
import { registerReport, registerServe } from "./web-cmd.js";

export type { CliContext } from "../util.js";
export { warnProblems, collect, intArg } from "../util.js";

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: RegisterCommand[] = [registerInfo, registerEvents, registerPackets, registerExport, registerInventory, registerFlows, registerTopology, registerFollow, registerDiagnose, registerServe, registerReport, registerDemo, registerLab];
