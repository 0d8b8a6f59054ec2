/**
 * The pktmon component table: event 20 (component: id, type, name, description) and the property events
 * 30–75 (IfIndex, MAC, IP, VMSwitch name, …). Packets name their component through it.
 */
export interface PktmonComponent {
  readonly id: number;
  type: number;
  typeName: string;
  name: string;
  description: string;
  /** Properties by PropertyType name ("IfIndex", "PhysAddress", "VMSwitchName", "IP Address", …); repeated ones accumulate. */
  readonly props: Record<string, (string | number)[]>;
}

export const COMPONENT_TYPES: Record<number, string> = {
  1: "NDIS", 2: "Miniport", 3: "Filter", 4: "Protocol", 5: "VmsVmNic", 6: "VmsMiniport", 7: "VmsExtMiniport",
  8: "VmsProtocolNic", 9: "NetVsc Miniport", 10: "HTTP Protocol", 12: "Slbmux", 13: "IPSec", 14: "NetCx",
};

export const PROPERTY_TYPES: Record<number, string> = {
  1: "IfIndex", 2: "MiniportIfIndex", 3: "LowerIfIndex", 4: "IfGuid", 5: "NdisMedium", 6: "PhysAddress",
  7: "EtherType", 8: "OptDataPath", 9: "NdisObject", 10: "VMSwitchName", 11: "VmsExtIfIndex", 12: "LowestIfIndex",
  13: "IP Address", 14: "IpIfIndex", 15: "VSID", 16: "VLAN", 17: "Compartment ID",
};

export class PktmonComponents {
  private readonly byId = new Map<number, PktmonComponent>();
  private readonly labels = new Map<number, string | undefined>();

  get(id: number): PktmonComponent | undefined {
    return this.byId.get(id);
  }

  all(): PktmonComponent[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  get size(): number {
    return this.byId.size;
  }

  private ensure(id: number): PktmonComponent {
    let c = this.byId.get(id);
    if (!c) this.byId.set(id, (c = { id, type: 0, typeName: "", name: "", description: "", props: {} }));
    return c;
  }

  setComponent(id: number, type: number, name: string, description: string): void {
    const c = this.ensure(id);
    c.type = type;
    c.typeName = COMPONENT_TYPES[type] ?? `Type${type}`;
    c.name = name;
    c.description = description;
    this.labels.delete(id);
  }

  addProperty(id: number, propType: number, value: string | number): void {
    const c = this.ensure(id);
    const k = PROPERTY_TYPES[propType] ?? `Property${propType}`;
    const list = (c.props[k] ??= []);
    if (!list.includes(value)) list.push(value);
  }

  /** A display name: "Name" or "Description" (pktmon prints both; the description is usually more telling). */
  label(id: number): string | undefined {
    if (this.labels.has(id)) return this.labels.get(id);
    const l = this.makeLabel(id);
    this.labels.set(id, l);
    return l;
  }

  private makeLabel(id: number): string | undefined {
    const c = this.byId.get(id);
    if (!c) return undefined;
    if (c.description && c.name && c.description !== c.name) return `${c.description} (${c.name})`;
    return c.description || c.name || undefined;
  }
}
