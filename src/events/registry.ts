/**
 * Schema resolution for a trace, in a fixed order (first hit wins):
 *   1. TRACE_EVENT_INFO embedded in the trace (relogged pktmon / netsh files), keyed by (provider, id, version);
 *   2. TraceLogging metadata carried by the event itself (EVENT_SCHEMA_TL extended item);
 *   3. the bundled provider schemas in src/schemas/*.json (same version, else the nearest lower, else any).
 * Compiled plans are cached per (provider, id, version).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { EventSchema, ProviderSchema, ValueMap } from "./schema.js";
import { Plan } from "./plan.js";
import type { EmbeddedEventInfo } from "./tdh.js";

export type SchemaSource = "embedded" | "tracelogging" | "bundled";

export interface ResolvedSchema {
  readonly plan: Plan;
  readonly schema: EventSchema;
  readonly maps: Readonly<Record<string, ValueMap>>;
  readonly providerName: string;
  readonly source: SchemaSource;
}

const BUNDLED_DIR = join(fileURLToPath(new URL(".", import.meta.url)), "..", "schemas");

/** Loads the bundled provider schemas lazily (the directory is listed once; a file is parsed on first use). */
export class BundledSchemas {
  private readonly files = new Map<string, string>();
  private readonly loaded = new Map<string, ProviderSchema | null>();
  private readonly byName = new Map<string, string>();

  constructor(dir: string = BUNDLED_DIR) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    for (const n of names) {
      const m = /^([0-9a-f-]{36})\.(.+)\.json$/.exec(n);
      if (!m) continue;
      this.files.set(m[1], join(dir, n));
      this.byName.set(m[2].toLowerCase(), m[1]);
    }
  }

  /** GUIDs of all bundled providers. */
  guids(): string[] {
    return [...this.files.keys()];
  }

  get(guid: string): ProviderSchema | null {
    if (this.loaded.has(guid)) return this.loaded.get(guid) ?? null;
    const f = this.files.get(guid);
    let p: ProviderSchema | null = null;
    if (f) {
      try {
        p = JSON.parse(readFileSync(f, "utf8")) as ProviderSchema;
      } catch {
        p = null;
      }
    }
    this.loaded.set(guid, p);
    return p;
  }

  /** Provider GUID by name (case-insensitive). */
  guidOf(name: string): string | undefined {
    return this.byName.get(name.toLowerCase());
  }
}

let sharedBundled: BundledSchemas | null = null;
export function bundledSchemas(): BundledSchemas {
  return (sharedBundled ??= new BundledSchemas());
}

export class SchemaRegistry {
  private readonly embedded = new Map<string, EmbeddedEventInfo>();
  private readonly embeddedMaps = new Map<string, Record<string, ValueMap>>();
  private readonly providerNames = new Map<string, string>();
  private readonly cache = new Map<string, ResolvedSchema | null>();
  private readonly tlCache = new Map<string, ResolvedSchema>();
  readonly bundled: BundledSchemas;
  /** Counts of embedded records read (for `info`). */
  embeddedEvents = 0;
  embeddedMapCount = 0;

  constructor(bundled: BundledSchemas = bundledSchemas()) {
    this.bundled = bundled;
  }

  addEmbedded(info: EmbeddedEventInfo): void {
    const k = key(info.providerGuid, info.schema.id, info.schema.version);
    if (!this.embedded.has(k)) this.embeddedEvents++;
    this.embedded.set(k, info);
    if (info.providerName) this.providerNames.set(info.providerGuid, info.providerName);
    this.cache.delete(k);
    this.fast.get(info.providerGuid)?.delete(info.schema.id * 256 + info.schema.version);
    this.lastGuid = "";
  }

  addEmbeddedMap(providerGuid: string, name: string, map: ValueMap): void {
    let m = this.embeddedMaps.get(providerGuid);
    if (!m) this.embeddedMaps.set(providerGuid, (m = {}));
    if (!m[name]) this.embeddedMapCount++;
    m[name] = map;
    // Schemas resolved earlier for this provider copied its maps: resolve them again.
    this.fast.delete(providerGuid);
    for (const k of [...this.cache.keys()]) if (k.startsWith(providerGuid + "|")) this.cache.delete(k);
    this.lastGuid = "";
  }

  /** Provider name from embedded metadata, TraceLogging traits, or the bundled schemas. */
  providerName(guid: string): string | undefined {
    const n = this.providerNames.get(guid);
    if (n) return n;
    const b = this.bundled.get(guid);
    if (b) {
      this.providerNames.set(guid, b.name);
      return b.name;
    }
    return undefined;
  }

  setProviderName(guid: string, name: string): void {
    if (!this.providerNames.has(guid)) this.providerNames.set(guid, name);
  }

  private lastGuid = "";
  private lastIdv = -1;
  private lastHit: ResolvedSchema | null = null;
  private readonly fast = new Map<string, Map<number, ResolvedSchema | null>>();

  /** Schema from embedded metadata or bundled files for a manifest event (cached; no allocation on a hit). */
  resolve(guid: string, id: number, version: number): ResolvedSchema | null {
    const idv = id * 256 + version;
    if (guid === this.lastGuid && idv === this.lastIdv) return this.lastHit;
    let byId = this.fast.get(guid);
    if (!byId) this.fast.set(guid, (byId = new Map()));
    let r = byId.get(idv);
    if (r === undefined) {
      r = this.resolveSlow(guid, id, version);
      byId.set(idv, r);
    }
    this.lastGuid = guid;
    this.lastIdv = idv;
    this.lastHit = r;
    return r;
  }

  private resolveSlow(guid: string, id: number, version: number): ResolvedSchema | null {
    const k = key(guid, id, version);
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit;
    let r: ResolvedSchema | null = null;
    const bundled = this.bundled.get(guid);
    const e = this.embedded.get(k);
    if (e) {
      const maps: Record<string, ValueMap> = { ...(bundled?.maps ?? {}), ...(this.embeddedMaps.get(guid) ?? {}) };
      // Embedded metadata has no event symbol; borrow the bundled one for display.
      const b = bundled ? pick(bundled.events, id, version) : null;
      const schema: EventSchema = b && e.schema.name.startsWith("event") ? { ...e.schema, name: b.name } : e.schema;
      r = { plan: new Plan(schema), schema, maps, providerName: e.providerName || bundled?.name || "", source: "embedded" };
    } else if (bundled) {
      const s = pick(bundled.events, id, version);
      if (s) {
        const maps = { ...(bundled.maps ?? {}), ...(this.embeddedMaps.get(guid) ?? {}) };
        r = { plan: new Plan(s), schema: s, maps, providerName: bundled.name, source: "bundled" };
      }
    }
    this.cache.set(k, r);
    return r;
  }

  /** Caches TraceLogging schemas by their metadata bytes. */
  traceLogging(guid: string, metaKey: string, make: () => EventSchema | null, providerName: string): ResolvedSchema | null {
    const k = guid + "|" + metaKey;
    const hit = this.tlCache.get(k);
    if (hit) return hit;
    const s = make();
    if (!s) return null;
    const r: ResolvedSchema = { plan: new Plan(s), schema: s, maps: {}, providerName, source: "tracelogging" };
    this.tlCache.set(k, r);
    return r;
  }
}

function key(guid: string, id: number, version: number): string {
  return `${guid}|${id}|${version}`;
}

/** The schema for (id, version): exact version, else the highest lower version, else the lowest higher one. */
function pick(events: readonly EventSchema[], id: number, version: number): EventSchema | null {
  let best: EventSchema | null = null;
  for (const e of events) {
    if (e.id !== id) continue;
    if (e.version === version) return e;
    if (!best) best = e;
    else if (e.version < version && (best.version > version || e.version > best.version)) best = e;
    else if (best.version > version && e.version < best.version) best = e;
  }
  return best;
}
