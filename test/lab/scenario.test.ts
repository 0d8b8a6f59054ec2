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
