/**
 * PktMon component inventory in two Windows 11 captures with Hyper-V virtual switch components:
 *  - gobang-…: components only, a vmswitch "FSE Switch" (ports 142–147, types VmsVmNic / VmsMiniport /
 *    VmsExtMiniport), VFP extension, VirtualBox filters;
 *  - tritonpilot-…: "Default Switch" and a Realtek USB NIC.
 * Event 20 = component (Id, Type, Name, Description); event 73 = VMSwitch name property of a component.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TraceDecoder } from "../../src/events/mod.js";
import type { EtwEvent } from "../../src/events/mod.js";
import { missing, sample } from "../helpers/samples.js";

const PKTMON = "4d4f80d9-c8bd-4d73-bb5b-19c90402c5ac";

interface Component {
  id: number;
  type: number;
  name: string;
  description: string;
  message: string;
}

function inventory(name: string): { comps: Map<number, Component>; n20: number; switches: EtwEvent[]; all: EtwEvent[] } {
  const d = new TraceDecoder(sample(name)!);
  const all: EtwEvent[] = [];
  try {
    while (d.next()) {
      const e = d.decode();
      if (e.providerId === PKTMON) all.push(e);
    }
  } finally {
    d.close();
  }
  assert.deepEqual(d.reader.diagnostics, []);
  const comps = new Map<number, Component>();
  let n20 = 0;
  for (const e of all) {
    if (e.id !== 20) continue;
    n20++;
    assert.equal(e.schemaSource, "embedded");
    const f = e.fields!;
    assert.deepEqual(Object.keys(f), ["Id", "Type", "Name", "Description"]);
    assert.equal(typeof f.Id, "number");
    assert.ok(!comps.has(f.Id as number), `component ${f.Id} listed once`);
    comps.set(f.Id as number, { id: f.Id as number, type: f.Type as number, name: f.Name as string, description: f.Description as string, message: e.message ?? "" });
  }
  const switches = all.filter((e) => e.id === 73);
  for (const e of switches) {
    assert.equal(e.schemaSource, "embedded");
    assert.deepEqual(Object.keys(e.fields!), ["ComponentId", "Type", "Value"]);
    assert.equal(e.fields!.Type, 10, "property type VMSwitchName");
  }
  return { comps, n20, switches, all };
}

const GOBANG = "gobang-win11-vmswitch-components-pktmon.etl";

test(`${GOBANG}: 161 components (event 20); 6 vmswitch ports named "FSE Switch" (event 73)`, { skip: missing(GOBANG) }, (t) => {
  const { comps, n20, switches, all } = inventory(GOBANG);
  assert.equal(all.length, 1096, "PktMon events");
  assert.equal(all.filter((e) => e.id === 160).length, 0, "no packets in this capture");
  assert.equal(n20, 161);
  assert.equal(comps.size, 161);
  assert.deepEqual([...comps.keys()].sort((a, b) => a - b), Array.from({ length: 161 }, (_, i) => i + 1), "ids 1…161");

  assert.equal(switches.length, 6);
  assert.deepEqual(switches.map((e) => e.fields!.Value), Array(6).fill("FSE Switch"));
  assert.deepEqual(switches.map((e) => e.fields!.ComponentId).sort(), [142, 143, 144, 145, 146, 147]);
  const s147 = switches.find((e) => e.fields!.ComponentId === 147)!;
  assert.equal(s147.message, "Property: Component 147, VMSwitchName  = FSE Switch ");

  // The named components are exactly the vmswitch.sys port components.
  const ports = [...comps.values()].filter((c) => c.name === "vmswitch.sys" && c.type >= 5 && c.type <= 7);
  assert.deepEqual(ports.map((c) => c.id).sort(), [142, 143, 144, 145, 146, 147]);
  assert.deepEqual(ports.map((c) => [c.id, c.type]).sort((a, b) => a[0] - b[0]), [[142, 7], [143, 6], [144, 5], [145, 5], [146, 5], [147, 5]]);
  assert.equal(comps.get(143)!.description, "FSE HostVnic");
  assert.equal(comps.get(143)!.message, "Component 143, Type VmsMiniport , Name vmswitch.sys, FSE HostVnic ");
  assert.equal(comps.get(142)!.message, "Component 142, Type VmsExtMiniport , Name vmswitch.sys, NULL ");
  for (const id of [144, 145, 146, 147]) {
    assert.equal(comps.get(id)!.description, "03EDF5A9-77E5-4BC9-8358-C5273F2C7C6B", `port ${id}: VM NIC id`);
    assert.match(comps.get(id)!.message, /, Type VmsVmNic , Name vmswitch\.sys, /);
  }
  assert.deepEqual(comps.get(2), {
    id: 2, type: 2, name: "VmsProxyHNic.sys", description: "Hyper-V Virtual Ethernet Container Adapter",
    message: "Component 2, Type Miniport , Name VmsProxyHNic.sys, Hyper-V Virtual Ethernet Container Adapter ",
  });
  assert.equal(comps.get(141)!.description, "VFP Extension");
  assert.equal([...comps.values()].filter((c) => c.name === "VBoxNetLwf.sys").length, 5, "VirtualBox filters");

  const byType: Record<number, number> = {};
  for (const c of comps.values()) byType[c.type] = (byType[c.type] ?? 0) + 1;
  assert.deepEqual(byType, { 2: 15, 3: 45, 4: 64, 5: 4, 6: 1, 7: 1, 10: 12, 11: 16, 13: 1, 14: 1, 15: 1 });
  t.diagnostic(`${comps.size} components, types ${JSON.stringify(byType)}`);
});

const TRITON = "tritonpilot-win11-vmswitch-pktmon.etl";

test(`${TRITON}: 137 components (event 20); "Default Switch" on components 120 and 121 (event 73)`, { skip: missing(TRITON) }, (t) => {
  const { comps, n20, switches, all } = inventory(TRITON);
  assert.equal(all.length, 979, "PktMon events");
  assert.equal(all.filter((e) => e.id === 160).length, 51, "packet events");
  assert.equal(n20, 137);
  assert.equal(comps.size, 137);
  assert.deepEqual([...comps.keys()].sort((a, b) => a - b), Array.from({ length: 137 }, (_, i) => i + 1), "ids 1…137");

  assert.equal(switches.length, 2);
  assert.deepEqual(switches.map((e) => [e.fields!.ComponentId, e.fields!.Value]), [[121, "Default Switch"], [120, "Default Switch"]]);
  assert.deepEqual(switches.map((e) => e.message), [
    "Property: Component 121, VMSwitchName  = Default Switch ",
    "Property: Component 120, VMSwitchName  = Default Switch ",
  ]);
  assert.deepEqual(comps.get(121), { id: 121, type: 6, name: "vmswitch.sys", description: "Default Switch", message: "Component 121, Type VmsMiniport , Name vmswitch.sys, Default Switch " });
  assert.deepEqual([comps.get(120)!.type, comps.get(120)!.name, comps.get(120)!.description], [7, "vmswitch.sys", ""]);
  assert.deepEqual([comps.get(137)!.type, comps.get(137)!.name, comps.get(137)!.description], [14, "rtucx22x64.sys", "Realtek USB GbE Family Controller #3"]);
  assert.equal(comps.get(4)!.description, "Hyper-V Virtual Switch Extension Adapter");
  assert.equal(comps.get(26)!.description, "Hyper-V Virtual Switch Extension Filter");

  const byType: Record<number, number> = {};
  for (const c of comps.values()) byType[c.type] = (byType[c.type] ?? 0) + 1;
  assert.deepEqual(byType, { 2: 15, 3: 26, 4: 63, 6: 1, 7: 1, 10: 14, 11: 14, 13: 1, 14: 1, 15: 1 });
  t.diagnostic(`${comps.size} components, types ${JSON.stringify(byType)}`);
});
