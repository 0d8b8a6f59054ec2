// Scenario YAML: clear one-line errors naming the file, line and YAML path; deterministic defaults.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseScenario } from "../../src/lab/scenario.js";
import { WnvError } from "../../src/bytes/errors.js";
import { macText } from "../../src/lab/frames.js";

const BASE = `name: t
networks:
  - name: n1
    driver: nat
  - name: n2
    driver: nat
containers:
  - { name: c1, network: n1 }
  - { name: c2, network: n1 }
traffic:
  - ping: { from: c1, to: c2 }
`;

function err(yaml: string): string {
  try {
    parseScenario(yaml, "s.yaml");
  } catch (e) {
    assert.ok(e instanceof WnvError, String(e));
    assert.equal(e.code, "usage");
    assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
    return e.message;
  }
  assert.fail("expected an error");
}

test("a valid scenario resolves with defaults", () => {
  const s = parseScenario(BASE, "s.yaml");
  assert.equal(s.networks.length, 2);
  assert.equal(s.networks[0].vswitch.type, "Internal");
  assert.equal(s.networks[0].hnsName, s.networks[0].dockerId, "HNS names a docker network by its ID unless networkname is set");
  assert.match(s.networks[0].dockerId, /^[0-9a-f]{64}$/);
  assert.equal(s.containers[0].ip, s.networks[0].subnet.replace(/0\/\d+$/, "2"));
  assert.match(macText(s.containers[0].mac), /^00-15-5D-/);
  assert.equal(s.containers[0].compartment, 3);
  assert.equal(s.containers[1].compartment, 4);
  assert.equal(s.containers[0].nicFriendlyName, s.containers[0].id.slice(0, 15));
  assert.match(s.containers[0].nicName, /^[0-9A-F-]{36}$/);
  // Deterministic: the same text gives the same identities.
  const again = parseScenario(BASE, "s.yaml");
  assert.equal(again.containers[1].endpointId, s.containers[1].endpointId);
  assert.equal(again.networks[1].vswitch.name, s.networks[1].vswitch.name);
  // A different seed gives different ones.
  const other = parseScenario(BASE.replace("name: t\n", "name: t\nseed: other\n"), "s.yaml");
  assert.notEqual(other.containers[0].endpointId, s.containers[0].endpointId);
});

test("a container's HNS endpoint, vNIC and port names can be given (e.g. the blog's)", () => {
  const s = parseScenario(BASE.replace("{ name: c1, network: n1 }", "{ name: c1, network: n1, endpoint: eef2649d-bb17-4d53-9937-295a8efe6f2c, vnic: { name: 5aa3ffac-ab7f-41da-bd02-a4404fca9241, friendlyName: f82c3ec1d0fe590 }, port: { friendlyName: Dynamic Ethernet Switch Port } }"), "s.yaml");
  const c = s.containers[0];
  assert.equal(c.endpointId, "eef2649d-bb17-4d53-9937-295a8efe6f2c");
  assert.equal(c.nicName, "5AA3FFAC-AB7F-41DA-BD02-A4404FCA9241");
  assert.equal(c.nicFriendlyName, "f82c3ec1d0fe590");
  assert.match(err(BASE.replace("{ name: c1, network: n1 }", "{ name: c1, network: n1, vnic: { name: not-a-guid } }")), /^s\.yaml:8: containers\[0\]\.vnic\.name: "not-a-guid" is not a GUID/);
});

test("bad driver: the path, the line and the allowed values", () => {
  assert.equal(err(BASE.replace("driver: nat\n  - name: n2", "driver: natt\n  - name: n2")),
    's.yaml:4: networks[0].driver: "natt" is not one of nat, transparent, l2bridge, l2tunnel, overlay, internal, private');
});

test("unknown network, duplicate IP, duplicate name, unknown key", () => {
  assert.equal(err(BASE.replace("{ name: c2, network: n1 }", "{ name: c2, network: n9 }")), 's.yaml:9: containers[1].network: unknown network "n9" (networks: n1, n2)');
  assert.equal(err(BASE.replace("{ name: c1, network: n1 }", "{ name: c1, network: n1, ip: 172.20.0.9 }").replace("{ name: c2, network: n1 }", "{ name: c2, network: n1, ip: 172.20.0.9 }").replace("driver: nat\n  - name: n2", "driver: nat\n    subnet: 172.20.0.0/24\n  - name: n2")),
    "s.yaml:10: containers[1].ip: IP 172.20.0.9 is already used by container c1");
  assert.equal(err(BASE.replace("{ name: c2, network: n1 }", "{ name: c1, network: n1 }")), 's.yaml:9: containers[1].name: the name "c1" is already taken');
  assert.equal(err(BASE.replace("{ name: c2, network: n1 }", "{ name: c2, network: n1, colour: red }")), "s.yaml:9: containers[1].colour: unknown key (expected one of name, network, ip, mac, ports, listen, compartment, id, dns, endpoint, vnic, port)");
});

test("traffic and faults are checked against the scenario", () => {
  assert.equal(err(BASE.replace("from: c1, to: c2", "from: c7, to: c2")), 's.yaml:11: traffic[0].ping.from: unknown sender "c7" (a container, external host, remote endpoint or "host")');
  assert.equal(err(BASE.replace("ping: { from: c1, to: c2 }", "pong: { from: c1 }")), "s.yaml:11: traffic[0]: expected exactly one of ping, arp, dns, tcp, udp, http");
  assert.match(err(BASE + "faults:\n  - drop: { at: nowhere, reason: 8 }\n"), /^s\.yaml:13: faults\[0\]\.drop\.at: unknown hop "nowhere" \(one of c1, c2, n1, vfp:n1, vEthernet/);
  assert.match(err(BASE + "faults:\n  - drop: { at: c1, reason: Gremlins }\n"), /^s\.yaml:13: faults\[0\]\.drop\.reason: unknown drop reason "Gremlins"/);
  assert.equal(err(BASE + "faults:\n  - noEncap: { network: n1 }\n"), 's.yaml:13: faults[0].noEncap.network: "n1" is nat; missing VXLAN encapsulation needs an overlay network');
});

test("driver-specific rules: adapters, VNI, port publishing, overlay remote hosts", () => {
  assert.equal(err(BASE.replace("driver: nat\n  - name: n2", "driver: nat\n    vni: 5000\n  - name: n2")), "s.yaml:5: networks[0].vni: only overlay networks have a VXLAN id");
  assert.equal(err(BASE.replace("driver: nat\n  - name: n2\n    driver: nat", "driver: nat\n  - name: n2\n    driver: transparent\n    adapter: Ethernet 9")),
    's.yaml:7: networks[1].adapter: "Ethernet 9" is not a host NIC (host.nics: Ethernet)');
  assert.match(err(BASE.replace("driver: nat\n  - name: n2\n    driver: nat", "driver: nat\n  - name: n2\n    driver: overlay")), /networks\[1\]\.remoteHosts: an overlay network needs at least one remote host/);
  assert.match(err(BASE.replace("{ name: c1, network: n1 }", '{ name: c1, network: n1, ports: ["80"] }')), /containers\[0\]\.ports\[0\]: "80" is not a port mapping like 8080:80/);
});

test("YAML syntax errors name the line", () => {
  assert.match(err("name: x\nnetworks: [\n  - a: 1\n"), /^s\.yaml:\d+: not valid YAML: /);
  assert.match(err("networks: []\n"), /^s\.yaml(:1)?: name: is required$/);
});

test("new faults and capture options: each bad input names its line and path", () => {
  const OV = `name: t
host:
  nics:
    - { name: Ethernet, ip: 10.0.0.4/24 }
    - { name: Ethernet 2, ip: 10.0.1.4/24 }
networks:
  - { name: n1, driver: nat }
  - { name: ov, driver: overlay, vni: 4097, remoteHosts: [{ pa: 10.0.0.7, endpoints: [{ name: r1, ip: 10.244.2.20 }] }] }
containers:
  - { name: c1, network: n1, ports: ["8080:80"] }
  - { name: c2, network: n1 }
traffic:
  - { id: p, ping: { from: c2, to: c1 } }
`;
  const f = (yaml: string): string => err(OV + "faults:\n  - " + yaml + "\n");
  assert.equal(f("wrongVni: { network: n1, vni: 4096 }"), 's.yaml:15: faults[0].wrongVni.network: "n1" is nat; a VXLAN id belongs to an overlay network');
  assert.equal(f("wrongVni: { network: ov, vni: 4097 }"), 's.yaml:15: faults[0].wrongVni.vni: 4097 is the VNI "ov" is configured with; give the wrong one the frames leave with');
  assert.equal(f("wrongVni: { network: ov }"), "s.yaml:15: faults[0].wrongVni.vni: is required");
  assert.equal(f("noPortForward: { container: c2 }"), 's.yaml:15: faults[0].noPortForward.container: c2 publishes no ports (containers[].ports, e.g. "8080:80")');
  assert.equal(f("noPortForward: { container: c1, port: 9090 }"), "s.yaml:15: faults[0].noPortForward.port: c1 does not publish host port 9090 (published: 8080)");
  assert.equal(f("noPortForward: { container: c9 }"), 's.yaml:15: faults[0].noPortForward.container: unknown container "c9"');
  assert.equal(f("noHairpin: { on: yes }"), "s.yaml:15: faults[0].noHairpin.on: unknown key (noHairpin takes no options: noHairpin: {})");
  assert.equal(f("staleEndpoint: { container: c2 }"), 's.yaml:15: faults[0].staleEndpoint.container: c2 is gone and cannot send (traffic "p" is from it)');
  assert.equal(f("asymmetric: { traffic: nope, via: Ethernet 2 }"), 's.yaml:15: faults[0].asymmetric.traffic: unknown traffic id "nope"');
  assert.equal(f("asymmetric: { traffic: p, via: Wi-Fi }"), 's.yaml:15: faults[0].asymmetric.via: "Wi-Fi" is not a host NIC (host.nics: Ethernet, Ethernet 2)');
  assert.equal(f("asymmetric: { traffic: p, via: Ethernet }"), 's.yaml:15: faults[0].asymmetric.via: "Ethernet" holds the default route, so requests leave by it; name the other NIC the replies come back on');
  assert.match(err(BASE.replace("driver: nat\n  - name: n2\n    driver: nat", "driver: internal\n  - name: n2\n    driver: internal") + "faults:\n  - noHairpin: {}\n"), /^s\.yaml:13: faults\[0\]\.noHairpin: WinNAT hairpin needs a nat network$/);
  assert.equal(err(BASE + "faults:\n  - asymmetric: { traffic: \"0\", via: Ethernet }\n"), 's.yaml:13: faults[0].asymmetric.via: an asymmetric path needs a second host NIC (host.nics)');
  const cap = (yaml: string): string => err(BASE + "capture:\n" + yaml);
  assert.equal(cap("  snaplen: 20\n"), "s.yaml:13: capture.snaplen: expected a whole number from 60 to 65535, got 20");
  assert.equal(cap("  providers: [ndis, etw]\n"), 's.yaml:13: capture.providers[1]: "etw" is not one of ndis, vmswitch, winnat');
  assert.equal(cap("  providers: [vmswitch]\n"), "s.yaml:13: capture.providers: the netsh flavour needs ndis (NDIS-PacketCapture carries the packets)");
  assert.equal(cap("  lostEvents: { events: 0 }\n"), "s.yaml:13: capture.lostEvents: give events and/or buffers (a number above 0)");
  assert.equal(cap("  snaplen: 128\n  ring: 3\n"), "s.yaml:14: capture.ring: unknown key (expected one of snaplen, lostEvents, providers)");
  assert.equal(err(BASE.replace("{ name: c2, network: n1 }", '{ name: c2, network: n1, listen: [80, "53/sctp"] }')), 's.yaml:9: containers[1].listen[1]: "53/sctp" is not a port like 80, "80/tcp" or "53/udp"');
});

test("new faults and capture options resolve", () => {
  const s = parseScenario(BASE.replace("{ name: c2, network: n1 }", '{ name: c2, network: n1, listen: [80, "53/udp"] }') + "faults:\n  - noHairpin: {}\ncapture:\n  snaplen: 128\n  lostEvents: { events: 7 }\n  providers: [ndis]\n", "s.yaml");
  assert.deepEqual(s.faults, [{ kind: "noHairpin", line: 13 }]);
  assert.deepEqual([s.capture.snaplen, s.capture.lostEvents, [...s.capture.providers], s.capture.lines], [128, { events: 7, buffers: 0 }, ["ndis"], { snaplen: 15, lostEvents: 16, providers: 17 }]);
  assert.deepEqual([[...s.containers[1].listen], [...s.containers[1].listenUdp!]], [[80], [53]]);
  assert.equal(s.containers[0].listenUdp, null, "no UDP ports declared: UDP is absorbed silently");
  const d = parseScenario(BASE, "s.yaml").capture;
  assert.deepEqual([d.snaplen, d.lostEvents, [...d.providers]], [null, null, ["ndis", "vmswitch", "winnat"]]);
});
