// The VmSwitch NBL fixture: written by the tests with EtlWriter from the bundled schemas, read back by exactly the
// code that reads Windows' files, it must render the blog's Get-WinEvent lines character for character.
import { test } from "node:test";
import assert from "node:assert/strict";
import { memorySink } from "../../src/etl/mod.js";
import type { EtwEvent } from "../../src/events/mod.js";
import { decodeAll as decodeInput } from "../helpers/decode.js";
import { SEED, SEED_LINES, seedFrame, writeSeedCapture } from "../../src/lab/seed.js";


function decodeAll(bytes: Uint8Array): EtwEvent[] {
  const { events, decoder } = decodeInput(bytes);
  assert.deepEqual(decoder.reader.diagnostics, []);
  return events;
}

for (const compress of [false, true]) {
  test(`seed capture (${compress ? "Xpress-compressed" : "uncompressed"}) renders the blog's five Get-WinEvent lines exactly`, () => {
    const sink = memorySink();
    const written = writeSeedCapture(sink, { compress });
    assert.equal(written, 7);
    const events = decodeAll(sink.bytes());
    assert.equal(events.length, 8); // logfile header + 7
    const packet = events.filter((e) => [56, 57, 58, 1003].includes(e.id) && e.kind === "EVENT_HEADER");
    assert.deepEqual(packet.map((e) => e.message), [...SEED_LINES]);
    assert.deepEqual(packet.map((e) => e.id), [56, 1003, 57, 1003, 58]);
  });
}

test("seed capture: VmSwitch 56 fields decode with WCHAR-counted strings and a 64-bit pointer", () => {
  const sink = memorySink();
  writeSeedCapture(sink);
  const e = decodeAll(sink.bytes()).find((x) => x.id === 56);
  assert.ok(e && e.fields);
  assert.equal(e.providerName, "Microsoft-Windows-Hyper-V-VmSwitch");
  assert.equal(e.schemaSource, "bundled");
  assert.equal(e.fields.NicNameLen, 36);
  assert.equal(e.fields.NicName, SEED.containerNic);
  assert.equal(e.fields.NicFName, "f82c3ec1d0fe590");
  assert.equal(e.fields.SwitchFName, "nat");
  assert.equal(e.fields.BufferAddress, 0xffff9383cbf21490n);
  assert.equal(e.pid, 4);
  assert.equal(e.tid, 0x1a8);
  assert.equal(e.cpu, 1);
  assert.equal(e.time, "2018-07-13T02:00:00.5000000Z");
  assert.equal(e.keywords, "0x8000000000000002");
});

test("seed capture: NDIS 1003 carries the 155-byte frame and its source port/NIC", () => {
  const sink = memorySink();
  writeSeedCapture(sink);
  const frags = decodeAll(sink.bytes()).filter((x) => x.id === 1003);
  assert.equal(frags.length, 2);
  const f = frags[0].fields!;
  assert.equal(f.FragmentSize, 155);
  assert.deepEqual(f.Fragment, seedFrame());
  assert.equal(f.SourceNicName, SEED.containerNic);
  assert.equal(f.SourcePortId, 2);
  assert.equal(f.DestinationCount, 0);
  assert.equal(frags[0].time, "2018-07-13T02:00:00.5000009Z");
});

test("NDIS 1003 renders the newer message (with MiniportIfIndex) for builds ≥ 22000", async () => {
  const { formatMessage, messageFor, bundledSchemas } = await import("../../src/events/mod.js");
  const s = bundledSchemas().get("2ed6006e-4729-4609-b423-3ee7bcd678ef")!.events.find((e) => e.id === 1003)!;
  const texts = ["7", "3", "2", "p", "n", "t", "0", "", "155"];
  assert.equal(formatMessage(messageFor(s, 17763)!, texts), "VMSwitch Packet Fragment (155 bytes)");
  assert.equal(formatMessage(messageFor(s, 22621)!, texts), "VMSwitch Packet Fragment (155 bytes), MiniportIfIndex 7, LowerIfIndex 3");
});
