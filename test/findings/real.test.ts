// Findings on real Windows captures (read in place from ../shared/etl-samples; skipped when absent). The
// expected values were checked independently: ARP requests counted by (PktGroupId, PktNumber) straight from the
// packet bytes, truncation from captured vs original lengths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { diagnose } from "../../src/findings/mod.js";
import { PacketReader } from "../../src/packets/mod.js";
import { missing, sample } from "../helpers/samples.js";

const VPN2 = "pktmon-wifi-vpn-2.etl";

test("pktmon-wifi-vpn-2: unanswered ARP for the VPN gateway, one reset, truncation", { skip: missing(VPN2) }, () => {
  const file = sample(VPN2)!;
  // Independent count from the bytes.
  const req = new Set<string>();
  let replies = 0;
  let truncated = 0;
  let packets = 0;
  const r = new PacketReader(file);
  for (let p = r.next(); p; p = r.next()) {
    packets++;
    if (p.bytes.length < p.originalLength) truncated++;
    const b = p.bytes;
    if (p.linkType !== 1 || b.length < 42 || ((b[12] << 8) | b[13]) !== 0x0806) continue;
    const op = (b[20] << 8) | b[21];
    if (op === 1 && b.subarray(38, 42).join(".") === "192.168.153.2") req.add(`${p.pktmon!.groupId}/${p.pktmon!.pktNumber}`);
    if (op === 2 && b.subarray(28, 32).join(".") === "192.168.153.2") replies++;
  }
  r.close();
  assert.equal(replies, 0);

  const d = diagnose(file);
  assert.equal(d.packets, packets);
  assert.deepEqual(d.findings.findings.map((f) => f.code), ["arp-no-reply", "tcp-reset", "capture-truncated"]);
  const [arp, rst, trunc] = d.findings.findings;
  assert.equal(arp.count, req.size);
  assert.equal(arp.count, 15);
  assert.deepEqual(arp.subject, { ip: "192.168.153.2", peer: "192.168.153.1" });
  assert.equal(arp.evidence.packets[0], 14);
  assert.equal(rst.subject.ip, "104.26.10.240");
  assert.equal(rst.subject.port, 443);
  assert.equal(rst.severity, "warning");
  assert.equal(trunc.count, truncated);
  assert.equal(trunc.title, `${truncated} of ${packets} packets captured truncated (at most 128 bytes kept)`);
  assert.equal(d.findings.summary.warning, 2);
});

test("demikernel and tritonpilot pktmon captures: nothing wrong", { skip: missing("demikernel-ws2022-azure-pktmon.etl", "tritonpilot-win11-vmswitch-pktmon.etl") }, () => {
  for (const n of ["demikernel-ws2022-azure-pktmon.etl", "tritonpilot-win11-vmswitch-pktmon.etl"]) {
    const d = diagnose(sample(n)!);
    assert.ok(d.packets > 0);
    assert.deepEqual(d.findings.findings, [], n);
  }
});

test("a netsh capture without VmSwitch events: the exact command that would capture them", { skip: missing("attackhost-netsh-ndiscap-1001.etl") }, () => {
  const d = diagnose(sample("attackhost-netsh-ndiscap-1001.etl")!);
  const f = d.findings.findings.filter((x) => x.code === "capture-missing-provider");
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, "info");
  assert.match(f[0].title, /no Hyper-V VmSwitch events/);
  assert.ok(f[0].next.some((n) => n.includes("netsh trace start capture=yes captureMultilayer=yes capturetype=both scenario=Virtualization")));
});

test("traces without packets: one finding saying so, nothing else", { skip: missing("airbus-lxcore_kernel-tracelogging.etl", "perfview-smallEtlFile-32bit-compressed.etl") }, () => {
  for (const n of ["airbus-lxcore_kernel-tracelogging.etl", "perfview-smallEtlFile-32bit-compressed.etl"]) {
    const d = diagnose(sample(n)!);
    assert.equal(d.packets, 0);
    assert.deepEqual(d.findings.findings.map((f) => [f.code, f.title]), [["capture-missing-provider", "no packets in the capture"]]);
  }
});

test("stmcast: every pktmon drop is in a drop finding once, per reason and component; host-stack housekeeping is info", { skip: missing("stmcast-win11-26k-packets-pktmon.etl") }, () => {
  const file = sample("stmcast-win11-26k-packets-pktmon.etl")!;
  // Independent tally: distinct (PktGroupId, PktNumber) per (reason, component) among the 170 drop records.
  const seen = new Map<string, Set<string>>();
  const r = new PacketReader(file);
  for (let p = r.next(); p; p = r.next()) {
    const m = p.pktmon;
    if (!m || !m.drop) continue;
    const k = `${m.dropReason}/${m.componentId}`;
    if (!seen.has(k)) seen.set(k, new Set());
    seen.get(k)!.add(`${m.groupId}/${m.pktNumber}`);
  }
  r.close();
  const d = diagnose(file);
  const drops = d.findings.findings.filter((f) => f.code === "drop");
  assert.equal(drops.length, seen.size);
  let total = 0;
  for (const s of seen.values()) total += s.size;
  assert.equal(drops.reduce((a, f) => a + f.count, 0), total);
  assert.equal(total, 3428);
  const session = drops.find((f) => f.subject.reason === "INET: session state error" && /component 98\]/.test(f.subject.location ?? ""))!;
  assert.equal(session.count, seen.get(`1206/98`)!.size);
  assert.equal(session.severity, "info");
  assert.match(session.explanation, /does not fit the connection's state/);
  const inspect = drops.find((f) => f.subject.reason === "INET: receive inspection")!;
  assert.equal(inspect.severity, "warning");
  assert.match(inspect.explanation, /Windows Filtering Platform/);
});
