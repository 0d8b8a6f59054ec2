/**
 * Checks the generated provider schemas in src/schemas/ (tools/gen-schemas.ts): structural validity against
 * src/events/schema.ts and a few layouts the decoder depends on.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import type { EventSchema, FieldDef, InType, ProviderSchema } from "../src/events/schema.js";

// From dist/test/ this resolves to the repository's src/schemas/.
const SCHEMA_DIR = new URL("../../src/schemas/", import.meta.url);

const IN_TYPES: ReadonlySet<InType> = new Set<InType>([
  "UnicodeString", "AnsiString", "Int8", "UInt8", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
  "Float", "Double", "Boolean", "Binary", "GUID", "Pointer", "FILETIME", "SYSTEMTIME", "SID", "HexInt32", "HexInt64",
  "CountedString", "CountedAnsiString", "ReversedCountedString", "ReversedCountedAnsiString",
  "NonNullTerminatedString", "NonNullTerminatedAnsiString", "UnicodeChar", "AnsiChar", "SizeT", "HexDump",
  "WbemSID", "CountedBinary", "Struct",
]);

interface Loaded {
  readonly file: string;
  readonly schema: ProviderSchema;
}

function loadAll(): Loaded[] {
  const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith(".json")).sort();
  return files.map((file) => ({
    file,
    schema: JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), "utf8")) as ProviderSchema,
  }));
}

const all = loadAll();

function provider(name: string): ProviderSchema {
  const p = all.find((l) => l.schema.name === name);
  assert.ok(p, `schema for ${name} not found`);
  return p.schema;
}

function event(p: ProviderSchema, id: number, version = 0): EventSchema {
  const e = p.events.find((x) => x.id === id && x.version === version);
  assert.ok(e, `${p.name}: event ${id} v${version} not found`);
  return e;
}

function field(e: EventSchema, name: string): FieldDef {
  const f = e.fields.find((x) => x.name === name);
  assert.ok(f, `event ${e.id}: field ${name} not found`);
  return f;
}

/** The message the renderer would pick for a build: highest messageByBuild key <= build, else `message`. */
function messageFor(e: EventSchema, build: number): string | undefined {
  let best = -1;
  let text = e.message;
  const byBuild: Readonly<Record<string, string>> = e.messageByBuild ?? {};
  for (const [k, v] of Object.entries(byBuild)) {
    const b = Number(k);
    if (b <= build && b > best) {
      best = b;
      text = v;
    }
  }
  return text;
}

test("schema files exist and are named <guid>.<ProviderName>.json", () => {
  assert.ok(all.length >= 10, `only ${all.length} schema files`);
  for (const { file, schema } of all) {
    assert.match(schema.guid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, file);
    assert.equal(file, `${schema.guid}.${schema.name}.json`);
  }
  const guids = new Set(all.map((l) => l.schema.guid));
  assert.equal(guids.size, all.length, "duplicate provider GUID");
});

test("every schema is valid per src/events/schema.ts", () => {
  for (const { file, schema } of all) {
    assert.equal(typeof schema.name, "string", file);
    assert.ok(Array.isArray(schema.events) && schema.events.length > 0, `${file}: no events`);
    for (const [mapName, m] of Object.entries(schema.maps ?? {})) {
      assert.ok(m.kind === "value" || m.kind === "bitmap", `${file}: map ${mapName} kind ${String(m.kind)}`);
      for (const [k, v] of Object.entries(m.entries)) {
        assert.match(k, /^\d+$/, `${file}: map ${mapName} key ${k} is not a decimal number`);
        assert.equal(typeof v, "string");
      }
    }
    let prev: EventSchema | undefined;
    for (const e of schema.events) {
      const where = `${file} event ${e.id} v${e.version}`;
      assert.ok(Number.isInteger(e.id) && e.id >= 0 && e.id <= 0xffff, where);
      assert.ok(Number.isInteger(e.version) && e.version >= 0 && e.version <= 0xff, where);
      assert.equal(typeof e.name, "string", where);
      if (prev) assert.ok(prev.id < e.id || (prev.id === e.id && prev.version < e.version), `${where}: not sorted by id, version`);
      prev = e;
      if (e.message !== undefined) assert.equal(typeof e.message, "string", where);
      const byBuild: Readonly<Record<string, string>> = e.messageByBuild ?? {};
      for (const [k, v] of Object.entries(byBuild)) {
        assert.match(k, /^\d+$/, `${where}: messageByBuild key ${k}`);
        assert.equal(typeof v, "string", where);
        assert.ok(!v.endsWith("\\r\\n"), `${where}: message not stripped`);
      }
      if (e.message !== undefined) assert.ok(!e.message.endsWith("\\r\\n"), `${where}: message not stripped`);
      const seen = new Set<string>();
      for (const f of e.fields) {
        const fw = `${where} field ${f.name}`;
        assert.ok(IN_TYPES.has(f.inType), `${fw}: unknown inType ${String(f.inType)}`);
        for (const ref of [f.length, f.count]) {
          if (ref === undefined) continue;
          if (typeof ref === "number") assert.ok(Number.isInteger(ref) && ref >= 0, `${fw}: bad constant ${ref}`);
          else assert.ok(seen.has(ref), `${fw}: ${ref} is not an earlier field of the event`);
        }
        if (f.map !== undefined) assert.ok(schema.maps?.[f.map], `${fw}: map ${f.map} not in maps`);
        seen.add(f.name);
      }
    }
  }
});

test("VmSwitch 56/57/58 NBL events", () => {
  const vms = provider("Microsoft-Windows-Hyper-V-VmSwitch");
  assert.equal(vms.guid, "67dc0d66-3695-47c0-9642-33f76f7bd7ad");
  const e56 = event(vms, 56);
  assert.equal(e56.fields.length, 9);
  const last = e56.fields[8];
  assert.equal(last.name, "BufferAddress");
  assert.equal(last.inType, "Pointer");
  assert.equal(field(e56, "NicName").inType, "UnicodeString");
  assert.equal(field(e56, "NicName").length, "NicNameLen");
  assert.equal(e56.message, "NBL %9 received from Nic %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8)");

  const e57 = event(vms, 57);
  assert.equal(e57.fields.length, 13);
  assert.equal(e57.fields[12].name, "BufferAddress");
  assert.equal(e57.fields[12].inType, "Pointer");
  assert.equal(
    e57.message,
    "NBL %13 routed from Nic %2 (Friendly Name: %4) to Nic %6 (Friendly Name: %8) on switch %10 (Friendly Name: %12)",
  );
  assert.equal(event(vms, 58).message, "NBL %9 delivered to Nic %2 (Friendly Name: %4) in switch %6 (Friendly Name: %8)");
  assert.equal(
    event(vms, 232).message,
    "NIC %2 (Friendly Name: %4) successfully connected to port %6 (Friendly Name: %8) on switch %10(Friendly Name: %12).",
  );
  // All events of the ws2022 dump (277).
  assert.equal(vms.events.length, 277);
});

test("NDIS-PacketCapture 1001 and 1003", () => {
  const nc = provider("Microsoft-Windows-NDIS-PacketCapture");
  const e1001 = event(nc, 1001);
  assert.deepEqual(
    e1001.fields.map((f) => f.name),
    ["MiniportIfIndex", "LowerIfIndex", "FragmentSize", "Fragment", "GftFlowEntryId", "GftOffloadInformation"],
  );
  assert.equal(field(e1001, "Fragment").inType, "Binary");
  assert.equal(field(e1001, "Fragment").length, "FragmentSize");

  const e1003 = event(nc, 1003);
  assert.equal(messageFor(e1003, 10586), "VMSwitch Packet Fragment (%9 bytes)");
  assert.equal(messageFor(e1003, 19041), "VMSwitch Packet Fragment (%9 bytes)");
  assert.equal(messageFor(e1003, 22000), "VMSwitch Packet Fragment (%9 bytes), MiniportIfIndex %1, LowerIfIndex %2");
  const dest = field(e1003, "Destination");
  assert.equal(dest.inType, "Double");
  assert.equal(dest.count, "DestinationCount");
  assert.equal(field(e1003, "Fragment").length, "FragmentSize");
  assert.equal(field(e1003, "OOBData").length, "OOBDataSize");
});

test("PktMon 160 packet event and maps", () => {
  const pm = provider("Microsoft-Windows-PktMon");
  const e160 = event(pm, 160);
  assert.equal(e160.fields.length, 13);
  const payload = e160.fields[12];
  assert.equal(payload.name, "Payload");
  assert.equal(payload.inType, "Binary");
  assert.equal(payload.length, "LoggedPayloadSize");
  assert.equal(field(e160, "DirTag").map, "PacketDirectionTag");
  assert.equal(field(e160, "PacketType").map, "PacketType");
  assert.equal(field(e160, "DropReason").map, "DropReason");
  // What `pktmon format` prints on build 19042 (golden text).
  assert.equal(
    messageFor(e160, 19042),
    "PktGroupId %1, PktNumber %2, Appearance %3, Direction %4, Type %5, Component %6, Edge %7, Filter %8, OriginalSize %11, LoggedSize %12",
  );
  assert.equal(messageFor(event(pm, 20), 19042), "Component %1, Type %2, Name %3, %4");
  assert.equal(messageFor(event(pm, 30), 19042), "Property: Component %1, %2 = %3");
  // 66 shares 30's message (golden: "Property: Component 141, IP Address = fe80::...").
  assert.equal(messageFor(event(pm, 66), 19042), "Property: Component %1, %2 = %3");
  assert.equal(field(event(pm, 66), "IpAddress").length, 16);
  const maps = pm.maps ?? {};
  assert.equal(maps.PacketDirectionTag.entries["3"], "Rx");
  assert.equal(maps.PacketDirectionTag.entries["4"], "Tx");
  assert.equal(maps.PacketType.entries["1"], "Ethernet");
  assert.equal(maps.PacketType.entries["2"], "WiFi");
  assert.equal(maps.ComponentType.entries["10"], "HTTP Protocol");
  assert.equal(maps.PropertyType.entries["13"], "IP Address");
  assert.equal(maps.DropReason.entries["0"], "Unspecified");
  assert.equal(event(pm, 70).fields[3].length, "Size");
});
