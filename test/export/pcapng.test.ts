// The pcapng writer on its own: block layout, options, batching, and the exact FILETIME → Unix ns conversion.
import { test } from "node:test";
import assert from "node:assert/strict";
import { filetimeToUnixNs } from "../../src/bytes/time.js";
import { newEpbInput, PcapngWriter, pcapngMemorySink, readPcapng, UnixNsClock, VerdictType } from "../../src/export/mod.js";
import type { PcapngSink } from "../../src/export/mod.js";
import { u64Halves } from "../../src/export/export.js";

test("UnixNsClock equals the BigInt conversion for any start and tick count", () => {
  const starts = [116444736000000000n, 131759208000000000n, 133600000000000001n, 133628507154891721n, 139999999999999999n];
  const ticks = [0, 1, 9, 9_999_999, 10_000_000, 10_000_001, 123_456_789_012, 2 ** 40 + 7, 28 * 365 * 86400 * 1e7, -1, -9_999_999];
  for (const s of starts) {
    const c = new UnixNsClock(s);
    for (const t of ticks) {
      const want = filetimeToUnixNs(s + BigInt(t));
      if (want < 0n) continue;
      assert.equal(c.bigint(t), want, `start ${s} ticks ${t}`);
    }
  }
  // Randomised: 10k pairs.
  let x = 12345;
  const rnd = (): number => (x = (x * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < 10_000; i++) {
    const s = 125000000000000000n + BigInt(rnd()) * 1000003n;
    const t = rnd() * 1000 + (rnd() % 1000);
    assert.equal(new UnixNsClock(s).bigint(t), filetimeToUnixNs(s + BigInt(t)));
  }
});

test("SHB, IDB and EPB round-trip through our reader with every option we write", () => {
  const sink = pcapngMemorySink();
  const w = new PcapngWriter(sink, { hardware: "8 CPUs", os: "Windows 10.0 build 20348", userAppl: "wnvtrace" });
  const a = w.addInterface({ linkType: 1, name: "eth:7:0", description: "LWF over IfIndex 3", mac: Uint8Array.of(0, 0x15, 0x5d, 1, 2, 3) });
  const e = newEpbInput();
  e.interfaceId = a;
  e.tsHigh = 0x17d8f3a2;
  e.tsLow = 0x9abcdef0;
  e.data = Uint8Array.from({ length: 61 }, (_, i) => i);
  e.originalLength = 1514;
  e.flags = 2;
  e.comment = "PID=4 TID=424 é ✓";
  e.hasPacketId = true;
  e.packetIdHigh = 0x10000000;
  e.packetIdLow = 5;
  e.verdictType = VerdictType.EbpfXdp;
  e.verdictValue = 1;
  w.writePacket(e);
  const b = w.addInterface({ linkType: 105, name: "wifi:12" });
  const e2 = newEpbInput();
  e2.interfaceId = b;
  e2.data = new Uint8Array(0);
  w.writePacket(e2);
  w.close();
  const bytes = sink.bytes();
  assert.equal(bytes.length % 4, 0);
  assert.equal(w.bytesWritten, bytes.length);
  const f = readPcapng(bytes);
  assert.deepEqual([f.sections[0].hardware, f.sections[0].os, f.sections[0].userAppl], ["8 CPUs", "Windows 10.0 build 20348", "wnvtrace"]);
  assert.equal(f.interfaces.length, 2);
  assert.deepEqual([f.interfaces[0].name, f.interfaces[0].description, f.interfaces[0].tsresol, f.interfaces[0].linkType], ["eth:7:0", "LWF over IfIndex 3", 9, 1]);
  assert.deepEqual([...f.interfaces[0].mac!], [0, 0x15, 0x5d, 1, 2, 3]);
  assert.deepEqual([f.interfaces[1].name, f.interfaces[1].description, f.interfaces[1].linkType], ["wifi:12", undefined, 105]);
  const [p, q] = f.packets;
  assert.equal(p.timestamp, (0x17d8f3a2n << 32n) | 0x9abcdef0n);
  assert.equal(p.timeNs, p.timestamp);
  assert.deepEqual([p.capturedLength, p.originalLength, p.flags, p.packetId], [61, 1514, 2, (0x10000000n << 32n) | 5n]);
  assert.deepEqual(p.comments, ["PID=4 TID=424 é ✓"]);
  assert.deepEqual(p.data, e.data);
  assert.deepEqual(p.verdicts.map((v) => [v.type, [...v.value]]), [[2, [1, 0, 0, 0, 0, 0, 0, 0]]]);
  assert.deepEqual([q.interfaceIndex, q.capturedLength, q.originalLength, q.comments, q.flags, q.packetId], [1, 0, 0, [], undefined, undefined]);
});

test("batching: a tiny buffer and a big one give the same bytes; oversized packets grow the buffer", () => {
  const run = (bufferSize: number): { bytes: Uint8Array; writes: number } => {
    const mem = pcapngMemorySink();
    let writes = 0;
    const counting: PcapngSink = { write: (b, n) => (writes++, mem.write(b, n)), close: () => mem.close() };
    const w = new PcapngWriter(counting, { userAppl: "wnvtrace" }, { bufferSize });
    const id = w.addInterface({ linkType: 1, name: "eth:1:0" });
    const e = newEpbInput();
    e.interfaceId = id;
    for (const len of [0, 1, 2, 3, 4, 5, 100, 1514, 70000, 9, 65535]) {
      e.data = Uint8Array.from({ length: len }, (_, i) => (i * 7 + len) & 255);
      e.originalLength = len;
      e.tsLow = len;
      e.comment = len % 2 ? `odd ${len}` : "";
      w.writePacket(e);
    }
    w.close();
    return { bytes: mem.bytes(), writes };
  };
  const small = run(256);
  const big = run(1 << 20);
  assert.deepEqual(small.bytes, big.bytes);
  assert.equal(big.writes, 1, "one write for everything with a 1 MiB buffer");
  assert.ok(small.writes > 1, `${small.writes} writes`);
  const f = readPcapng(big.bytes);
  assert.deepEqual(f.packets.map((p) => p.capturedLength), [0, 1, 2, 3, 4, 5, 100, 1514, 70000, 9, 65535]);
  for (const p of f.packets) assert.equal(p.data[p.data.length - 1], p.data.length ? ((p.data.length - 1) * 7 + p.data.length) & 255 : undefined);
});

test("a packet for an interface not yet described is refused", () => {
  const w = new PcapngWriter(pcapngMemorySink());
  const e = newEpbInput();
  assert.throws(() => w.writePacket(e), /before its IDB/);
});

test("the reader rejects what is not pcapng", () => {
  assert.throws(() => readPcapng(new Uint8Array(64).fill(7)), /not a pcapng file/);
});

test("u64Halves parses decimal u64 strings exactly (PktGroupId → epb_packetid)", () => {
  const out = { hi: 0, lo: 0 };
  let x = 987654321n;
  const cases = ["0", "1", "4294967295", "4294967296", "9007199254740993", "1970324836976764", "18446744073709551615"];
  for (let i = 0; i < 2000; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    cases.push((x >> BigInt(i % 64)).toString());
  }
  for (const c of cases) {
    u64Halves(c, out);
    assert.equal((BigInt(out.hi) << 32n) | BigInt(out.lo), BigInt(c), c);
  }
});
