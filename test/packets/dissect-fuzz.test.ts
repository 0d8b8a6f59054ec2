/**
 * Robustness: hand-made frames of every new dissector, truncated at every length and mutated at random (seeded,
 * reproducible); dissecting, summarizing, building every tree and reading every field must never throw, and the
 * layer table never overflows.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MAX_LAYERS, Proto, summarize } from "../../src/packets/mod.js";
import { dissect, ip4, prng, touchEverything, u16 } from "./build.js";
import { VECTORS } from "./vectors.js";

const TEMPLATES = VECTORS.map((v): [number, Uint8Array] => [v.linkType, v.bytes]);


/** The protocols of this issue, whose detail trees must stay inside the captured bytes. */
const MINE = new Set<number>([Proto.Dns, Proto.Dhcp, Proto.Icmpv6, Proto.Vxlan, Proto.Gre, Proto.Dot11, Proto.Llc]);

function check(linkType: number, bytes: Uint8Array, wire: number): void {
  const d = dissect(bytes, linkType, wire);
  assert.ok(d.n <= MAX_LAYERS);
  summarize(d);
  summarize(d, { pktmonQuirks: false });
  assert.deepEqual(touchEverything(d, MINE), []);
}

test("every template dissects whole and at every truncation without throwing", () => {
  for (const [lt, f] of TEMPLATES) {
    check(lt, f, f.length);
    for (let n = 0; n < f.length; n++) check(lt, f.subarray(0, n), f.length);
  }
});

test("random mutations of the templates never throw (seeded)", () => {
  const rnd = prng(0x5eed);
  for (let round = 0; round < 400; round++) {
    for (const [lt, f] of TEMPLATES) {
      const b = Uint8Array.from(f);
      const k = 1 + Math.floor(rnd() * 6);
      for (let j = 0; j < k; j++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
      const cut = rnd() < 0.5 ? b.length : Math.floor(rnd() * b.length);
      check(lt, b.subarray(0, cut), b.length);
    }
  }
});

test("random bytes on every link type never throw (seeded)", () => {
  const rnd = prng(42);
  for (let round = 0; round < 3000; round++) {
    const b = new Uint8Array(Math.floor(rnd() * 160));
    for (let j = 0; j < b.length; j++) b[j] = Math.floor(rnd() * 256);
    // Steer some towards the interesting paths: IPv4/UDP to the DNS/DHCP/VXLAN ports, GRE, 802.11 data.
    if (round % 3 === 0 && b.length > 40) {
      b.set([0x45, 0, ...u16(b.length), 0, 0, 0, 0, 64, round % 2 ? 17 : 47, 0, 0, ...ip4("10.0.0.1"), ...ip4("10.0.0.2")], 0);
      b.set(u16([53, 67, 4789, 5353][round % 4]), 22);
      check(101, b, b.length);
    }
    check(1, b, b.length + (round % 7));
    check(105, b, b.length);
    check(101, b, b.length);
  }
});
