/**
 * The lab: runs a scenario through the model and writes, in one streaming pass, the .etl flavours, the host
 * state an admin would collect, and ground-truth.json. Journeys go to the writers as they complete; nothing
 * accumulates except the ground truth of the first repetition, so `--scale N` writes multi-GB files in flat
 * memory.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EtlSink } from "../etl/mod.js";
import { fileSink } from "../etl/mod.js";
import { WnvError } from "../bytes/errors.js";
import { loadScenarioFile } from "./scenario.js";
import type { Scenario } from "./scenario.js";
import { World } from "./model/world.js";
import { Conversations } from "./model/traffic.js";
import type { Journey } from "./model/journey.js";
import { NetshEmitter } from "./emit-netsh.js";
import { PktmonEmitter } from "./emit-pktmon.js";
import { TruthBuilder } from "./truth.js";
import { writeHostState } from "./host-state.js";

export type Flavor = "netsh" | "pktmon";

export const SCENARIO_DIR = join(fileURLToPath(new URL(".", import.meta.url)), "scenarios");

/** Names of the bundled scenarios (src/lab/scenarios/*.yaml). */
export function bundledScenarios(): string[] {
  if (!existsSync(SCENARIO_DIR)) return [];
  return readdirSync(SCENARIO_DIR).filter((n) => n.endsWith(".yaml")).map((n) => n.slice(0, -5)).sort();
}

/** A bundled scenario by name, or a YAML file by path. */
export function loadScenario(nameOrPath: string): Scenario {
  if (/\.ya?ml$/i.test(nameOrPath) || nameOrPath.includes("/") || nameOrPath.includes("\\")) return loadScenarioFile(nameOrPath);
  const p = join(SCENARIO_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(p)) throw new WnvError("usage", `no bundled scenario "${nameOrPath}" (wnvtrace lab --list shows them; or give a .yaml path)`);
  return loadScenarioFile(p);
}

export interface SimulateOptions {
  readonly netsh?: EtlSink | null;
  readonly pktmon?: EtlSink | null;
  /** Compress the netsh file (default false) / the pktmon file (default true). */
  readonly compressNetsh?: boolean;
  readonly compressPktmon?: boolean;
  /** Repeat the traffic this many times (default 1). */
  readonly scale?: number;
  /** Called after each repetition with the bytes written so far. */
  readonly onProgress?: (repetition: number, bytes: number) => void;
}

export interface SimulateResult {
  readonly scenario: Scenario;
  readonly world: World;
  /** Journeys of the first repetition. */
  readonly journeys: Journey[];
  readonly truth: TruthBuilder;
  readonly events: { netsh: number; pktmon: number };
  readonly bytes: { netsh: number; pktmon: number };
  readonly controlEvents: { netsh: number[]; pktmon: number[] };
  readonly packets: number;
}

/** Runs the scenario and writes the requested flavours to their sinks (closing them). */
export function simulate(scn: Scenario, o: SimulateOptions): SimulateResult {
  const scale = o.scale ?? 1;
  let netsh: NetshEmitter | null = null;
  let pktmon: PktmonEmitter | null = null;
  let truth: TruthBuilder | null = null;
  const journeys: Journey[] = [];
  let rep = 0;
  let packets = 0;
  const world = new World(scn, (j) => {
    packets++;
    netsh?.journey(j);
    pktmon?.journey(j);
    if (rep === 0) {
      journeys.push(j);
      truth!.add(j);
    }
  });
  if (o.netsh) netsh = new NetshEmitter(scn, world, o.netsh, { compress: o.compressNetsh ?? false });
  if (o.pktmon) pktmon = new PktmonEmitter(scn, world, o.pktmon, { compress: o.compressPktmon ?? true });
  truth = new TruthBuilder(scn, world, pktmon ? pktmon.components : null);
  netsh?.start();
  pktmon?.start();
  const conv = new Conversations(world);
  for (rep = 0; rep < scale; rep++) {
    scn.traffic.forEach((t, i) => {
      if (i > 0 || rep > 0) world.wait(t.gapTicks);
      conv.run(t);
    });
    if (rep === 0) truth.packetsPerRepetition = packets;
    world.detail = false;
    world.expireSessions();
    o.onProgress?.(rep + 1, (netsh?.w.written ?? 0) + (pktmon?.w.written ?? 0));
  }
  rep = 0;
  netsh?.close();
  pktmon?.close();
  return {
    scenario: scn, world, journeys, truth,
    events: { netsh: netsh?.w.eventsWritten ?? 0, pktmon: pktmon?.w.eventsWritten ?? 0 },
    bytes: { netsh: netsh?.w.written ?? 0, pktmon: pktmon?.w.written ?? 0 },
    controlEvents: { netsh: netsh ? [...netsh.control] : [], pktmon: pktmon ? [...pktmon.control] : [] },
    packets,
  };
}

export interface LabOptions {
  readonly outDir: string;
  readonly flavor: Flavor | "both";
  /** Force compression on (true) or off (false) for every flavour; default: pktmon compressed, netsh not. */
  readonly compress?: boolean;
  readonly scale?: number;
  readonly onProgress?: (repetition: number, bytes: number) => void;
}

export interface LabResult {
  readonly dir: string;
  readonly files: { netsh?: string; pktmon?: string; truth: string; host: string[] };
  readonly packets: number;
  readonly events: { netsh: number; pktmon: number };
  readonly bytes: { netsh: number; pktmon: number };
  readonly seconds: number;
}

/** Writes a scenario's lab output to a directory. */
export function runLab(scn: Scenario, o: LabOptions): LabResult {
  const t0 = process.hrtime.bigint();
  mkdirSync(o.outDir, { recursive: true });
  const want = (f: Flavor): boolean => o.flavor === "both" || o.flavor === f;
  const files: { netsh?: string; pktmon?: string; truth: string; host: string[] } = { truth: join(o.outDir, "ground-truth.json"), host: [] };
  if (want("netsh")) files.netsh = join(o.outDir, `${scn.name}.netsh.etl`);
  if (want("pktmon")) files.pktmon = join(o.outDir, `${scn.name}.pktmon.etl`);
  const r = simulate(scn, {
    netsh: files.netsh ? fileSink(files.netsh) : null, pktmon: files.pktmon ? fileSink(files.pktmon) : null,
    compressNetsh: o.compress ?? false, compressPktmon: o.compress ?? true, scale: o.scale ?? 1, onProgress: o.onProgress,
  });
  files.host = writeHostState(scn, r.world, join(o.outDir, "host"));
  const rel = (p: string): string => p.slice(o.outDir.length + 1);
  const doc = r.truth.build({
    files: { ...(files.netsh ? { netsh: rel(files.netsh) } : {}), ...(files.pktmon ? { pktmon: rel(files.pktmon) } : {}), host: files.host.map(rel) },
    scale: o.scale ?? 1, controlEvents: r.controlEvents,
  });
  writeFileSync(files.truth, JSON.stringify(doc, null, 1) + "\n");
  return { dir: o.outDir, files, packets: r.packets, events: r.events, bytes: r.bytes, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}
