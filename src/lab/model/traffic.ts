/**
 * Conversations: each traffic item of a scenario (ping, ARP, DNS, TCP, UDP, HTTP) as the packets the two ends
 * would exchange. Every reply is built from the frame as the receiver got it (after NAT, MAC rewrite or
 * decapsulation), so translations show up on the way back exactly as Windows would show them.
 */
import type { Traffic } from "../scenario.js";
import {
  BROADCAST_MAC, EtherType, IpProto, TcpFlag, ZERO_MAC, arp, dnsQuery, dnsResponse, ethernet, httpRequest, httpResponse, icmpEcho, icmpUnreachable,
  ipv4Frame, peek, pingData, synOptions, tcp, udp,
} from "../frames.js";
import type { Delivery, Journey, Party } from "./journey.js";
import { partyName } from "./journey.js";
import type { World } from "./world.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const MSS = 1460;

interface Meta {
  traffic: number;
  trafficId: string;
  packet: number;
  description: string;
}

export class Conversations {
  private readonly eph = new Map<string, number>();
  private readonly pingSeq = new Map<string, number>();
  private dnsId: number;
  private isn: number;

  constructor(private readonly w: World) {
    this.dnsId = 0x2a1f + w.scn.ids.int("dns-id", "x", 0x1000);
    this.isn = w.scn.ids.int("isn", "x", 0x7fffffff);
  }

  /** Runs one traffic item; journeys go to the World's callback as they complete. */
  run(t: Traffic): void {
    const from = this.w.party(t.from)!;
    const m = { traffic: t.index, trafficId: t.id, n: 0 };
    const meta = (description: string): Meta => ({ traffic: m.traffic, trafficId: m.trafficId, packet: ++m.n, description });
    switch (t.kind) {
      case "ping": {
        const dst = this.resolve(from, t.to, meta);
        if (dst) this.ping(from, dst, t, meta);
        break;
      }
      case "arp":
        this.arp(from, t.name, meta);
        break;
      case "dns":
        this.dns(from, t.name, t.to || null, meta);
        break;
      case "tcp":
      case "http": {
        const dst = this.resolve(from, t.to, meta);
        if (dst) this.tcp(from, dst, t, meta);
        break;
      }
      case "udp": {
        const dst = this.resolve(from, t.to, meta);
        if (dst) this.udp(from, dst, t, meta);
        break;
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private ephemeral(who: string): number {
    const v = this.eph.get(who) ?? 49700 + this.w.scn.ids.int("eph", who, 12000);
    this.eph.set(who, v >= 65535 ? 49152 : v + 1);
    return v;
  }

  private name(p: Party): string {
    return partyName(p);
  }

  /** Destination IP for a traffic item's `to` (DNS lookup first for DNS names, as ping does). */
  private resolve(from: Party, to: string, meta: (d: string) => Meta): string | null {
    const p = this.w.party(to);
    const dnsName = to.includes(".") && !/^\d+\.\d+\.\d+\.\d+$/.test(to);
    if (dnsName && (from.kind === "container" || from.kind === "host")) {
      const r = this.dns(from, to, null, meta);
      return r && r.length ? r[0] : null;
    }
    if (p) return this.w.addressOf(p, from);
    return to;
  }

  /** Source addressing for a party sending to dst. */
  private l2l3(from: Party, dst: string): { srcMac: Uint8Array; dstMac: Uint8Array; src: string } {
    switch (from.kind) {
      case "container":
        return { srcMac: from.c.mac, dstMac: this.w.containerNextHop(from.c, dst), src: from.c.ip };
      case "host": {
        const r = this.w.route(dst);
        return { srcMac: r.via.mac, dstMac: r.nextHop, src: r.via.ip };
      }
      case "external":
        return { srcMac: this.w.externalSrcMac(from.e, dst), dstMac: this.w.wireMacFor(dst), src: from.e.ip };
      case "remote": {
        const c = this.w.scn.containers.find((k) => k.ip === dst);
        return { srcMac: from.r.mac, dstMac: c ? c.mac : from.r.network.drMac!, src: from.r.ip };
      }
      case "router":
        return { srcMac: this.w.scn.host.nics[0].gatewayMac, dstMac: this.w.wireMacFor(dst), src: this.w.scn.host.nics[0].gateway };
    }
  }

  private ipFrame(from: Party, dst: string, proto: number, build: (src: string) => Uint8Array, df = false): Uint8Array {
    const a = this.l2l3(from, dst);
    return ipv4Frame({ ethSrc: a.srcMac, ethDst: a.dstMac, src: a.src, dst, proto, id: this.w.nextIpId(this.name(from)), ttl: from.kind === "external" ? 116 : 128, df, payload: build(a.src) });
  }

  /** A reply to `d` (what the receiver got): addresses and ports swapped, MACs from the receiver's side. */
  private replyFrame(d: Delivery, proto: number, build: (src: string, dst: string, sport: number, dport: number) => Uint8Array, df = false): Uint8Array {
    const p = peek(d.frame);
    const src = p.dst, dst = p.src;
    let srcMac: Uint8Array, dstMac: Uint8Array;
    switch (d.party.kind) {
      case "container": srcMac = d.party.c.mac; dstMac = p.srcMac.slice(); break;
      case "host": srcMac = d.via ? d.via.mac : p.dstMac.slice(); dstMac = p.srcMac.slice(); break;
      case "remote": srcMac = d.party.r.mac; dstMac = p.srcMac.slice(); break;
      case "external": srcMac = this.w.externalSrcMac(d.party.e, dst); dstMac = this.w.wireMacFor(dst); break;
      default: srcMac = this.w.adapterFor(dst).gatewayMac; dstMac = this.w.wireMacFor(dst); break;
    }
    return ipv4Frame({ ethSrc: srcMac, ethDst: dstMac, src, dst, proto, id: this.w.nextIpId(this.name(d.party)), ttl: d.party.kind === "external" ? 116 : 128, df, payload: build(src, dst, p.dport, p.sport) });
  }

  private replyDelay(p: Party): number {
    return this.w.reply(p.kind === "container" ? "container" : p.kind === "host" ? "host" : "remote");
  }

  /** The delivery that reached the owner of `ip` (a broadcast reaches several parties). */
  private deliveredTo(j: Journey, ip: string): Delivery | undefined {
    return j.deliveries.find((d) => {
      const p = peek(d.frame);
      if (p.arp) return this.owns(d, ip);
      return p.dst === ip || this.owns(d, ip);
    });
  }

  private owns(d: Delivery, ip: string): boolean {
    switch (d.party.kind) {
      case "container": return d.party.c.ip === ip;
      case "host": return d.via ? d.via.ip === ip : false;
      case "external": return d.party.e.ip === ip;
      case "remote": return d.party.r.ip === ip;
      case "router": return this.w.scn.host.nics.some((n) => n.gateway === ip);
    }
  }

  // ---- ping ------------------------------------------------------------------------------------------------

  private ping(from: Party, dst: string, t: Traffic, meta: (d: string) => Meta): void {
    for (let i = 0; i < t.count; i++) {
      if (i) this.w.wait(10_000_000 - 3_000_000);
      const seq = (this.pingSeq.get(this.name(from)) ?? 16) + 1;
      this.pingSeq.set(this.name(from), seq);
      const req = this.ipFrame(from, dst, IpProto.ICMP, () => icmpEcho(8, 1, seq, pingData(t.size)));
      const j = this.w.send(from, req, meta(`ICMP echo request ${this.name(from)} → ${t.to} (${dst}) seq ${seq}, ${t.size} bytes of data`));
      const d = j.deliveries.find((x) => peek(x.frame).icmpType === 8 && (x.party.kind !== "container" || x.party.c.ip === peek(x.frame).dst));
      if (!d || !this.answersPing(d.party)) continue;
      this.w.wait(this.replyDelay(d.party));
      const p = peek(d.frame);
      const data = d.frame.subarray(p.l4 + 8, p.l3 + p.l3Length);
      const id = (d.frame[p.l4 + 4] << 8) | d.frame[p.l4 + 5];
      const rseq = (d.frame[p.l4 + 6] << 8) | d.frame[p.l4 + 7];
      const rep = this.replyFrame(d, IpProto.ICMP, () => icmpEcho(0, id, rseq, data));
      this.w.send(d.party, rep, meta(`ICMP echo reply ${this.name(d.party)} → ${this.name(from)} seq ${seq}`));
    }
  }

  private answersPing(p: Party): boolean {
    return p.kind === "external" ? p.e.ping : p.kind !== "router";
  }

  // ---- ARP -------------------------------------------------------------------------------------------------

  private arp(from: Party, target: string, meta: (d: string) => Meta): void {
    if (from.kind !== "container") return;
    const c = from.c;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt) this.w.wait(10_000_000);
      const req = ethernet({ dst: BROADCAST_MAC, src: c.mac, type: EtherType.ARP, payload: arp({ op: 1, senderMac: c.mac, senderIp: c.ip, targetMac: ZERO_MAC, targetIp: target }) });
      const j = this.w.send(from, req, meta(`ARP who-has ${target} tell ${c.ip} (${c.name})${attempt ? `, retry ${attempt}` : ""}`));
      const d = j.deliveries.find((x) => this.owns(x, target));
      const silent = d ? this.w.noArpReply(target) : null;
      if (silent) this.w.hit(silent, j.id);
      if (!d || silent) continue;
      this.w.wait(this.replyDelay(d.party));
      const mac = d.party.kind === "container" ? d.party.c.mac : d.party.kind === "host" ? d.via!.mac : d.party.kind === "router" ? this.w.scn.host.nics[0].gatewayMac : BROADCAST_MAC;
      const rep = ethernet({ dst: c.mac, src: mac, type: EtherType.ARP, payload: arp({ op: 2, senderMac: mac, senderIp: target, targetMac: c.mac, targetIp: c.ip }) });
      this.w.send(d.party, rep, meta(`ARP ${target} is-at ${[...mac].map((x) => x.toString(16).padStart(2, "0")).join(":")} (${this.name(d.party)})`));
      return;
    }
  }

  // ---- DNS -------------------------------------------------------------------------------------------------

  /** Resolves `name`; returns the addresses, [] for NXDOMAIN, null when no answer came. */
  private dns(from: Party, name: string, server: string | null, meta: (d: string) => Meta): string[] | null {
    const srv = server ?? (from.kind === "container" ? from.c.dns[0] : this.w.scn.host.dns[0]);
    const sport = this.ephemeral(this.name(from));
    const id = this.dnsId++ & 0xffff;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt) this.w.wait(10_000_000);
      const q = this.ipFrame(from, srv, IpProto.UDP, (src) => udp({ sport, dport: 53, payload: dnsQuery(id, name) }, src, srv));
      const j = this.w.send(from, q, meta(`DNS query A ${name} ${this.name(from)} → ${srv}${attempt ? " (retry)" : ""}`));
      const d = j.deliveries.find((x) => x.party.kind === "external" && x.party.e.dnsServer);
      const silent = d ? this.w.noDnsAnswer(name) : null;
      if (silent) this.w.hit(silent, j.id);
      if (!d || silent) continue;
      this.w.wait(this.w.reply("remote") + 2_000);
      const answers = this.w.scn.dnsRecords.get(name.toLowerCase()) ?? [];
      const rep = this.replyFrame(d, IpProto.UDP, (s, dd, sp, dp) => udp({ sport: sp, dport: dp, payload: dnsResponse(id, name, answers) }, s, dd));
      const r = this.w.send(d.party, rep, meta(`DNS response ${name} ${answers.length ? answers.join(", ") : "NXDOMAIN"} → ${this.name(from)}`));
      if (r.deliveries.length === 0) return null;
      this.w.wait(2_000);
      return answers;
    }
    return null;
  }

  // ---- TCP / HTTP ------------------------------------------------------------------------------------------

  private listens(p: Party, port: number): boolean {
    switch (p.kind) {
      case "container": return p.c.listen.has(port);
      case "external": return p.e.listen.has(port);
      case "remote": return p.r.listen.has(port);
      default: return false;
    }
  }

  private tcp(from: Party, dst: string, t: Traffic, meta: (d: string) => Meta): void {
    const sport = this.ephemeral(this.name(from));
    const port = t.port;
    const cIsn = (this.isn = (this.isn * 1103515245 + 12345) >>> 0);
    const label = `${this.name(from)}:${sport} → ${t.to}:${port}`;
    // SYN, retransmitted after 1 s and 2 s when nothing comes back.
    let d: Delivery | undefined;
    for (let attempt = 0; attempt < 3 && !d; attempt++) {
      if (attempt) this.w.wait(attempt * 10_000_000);
      const syn = this.ipFrame(from, dst, IpProto.TCP, (src) => tcp({ sport, dport: port, seq: cIsn, ack: 0, flags: TcpFlag.SYN, window: 64240, options: synOptions() }, src, dst), true);
      const j = this.w.send(from, syn, meta(`TCP SYN ${label}${attempt ? ` (retransmission ${attempt})` : ""}`));
      d = j.deliveries[0];
    }
    if (!d) return;
    const server = d.party;
    const sp = peek(d.frame);
    this.w.wait(this.replyDelay(server));
    if (!this.listens(server, sp.dport)) {
      const rst = this.replyFrame(d, IpProto.TCP, (s, dd, a, b) => tcp({ sport: a, dport: b, seq: 0, ack: cIsn + 1, flags: TcpFlag.RST | TcpFlag.ACK, window: 0 }, s, dd), true);
      const jr = this.w.send(server, rst, meta(`TCP RST (nothing listens on ${sp.dport}) ${this.name(server)} → ${this.name(from)}`));
      this.w.condition(t, "tcp-reset", jr.id);
      return;
    }
    const sIsn = (this.isn = (this.isn * 1103515245 + 12345) >>> 0);
    const synack = this.replyFrame(d, IpProto.TCP, (s, dd, a, b) => tcp({ sport: a, dport: b, seq: sIsn, ack: cIsn + 1, flags: TcpFlag.SYN | TcpFlag.ACK, window: 65535, options: synOptions() }, s, dd), true);
    const ja = this.w.send(server, synack, meta(`TCP SYN-ACK ${this.name(server)} → ${this.name(from)}`));
    const back = ja.deliveries[0];
    if (!back) return;
    this.w.wait(this.replyDelay(from));
    let cSeq = cIsn + 1, sSeq = sIsn + 1;
    const clientSend = (flags: number, payload: Uint8Array, what: string): Delivery | undefined => {
      const f = this.replyFrame(back, IpProto.TCP, (s, dd, a, b) => tcp({ sport: a, dport: b, seq: cSeq, ack: sSeq, flags, window: 1026, payload }, s, dd), true);
      cSeq += payload.length + (flags & TcpFlag.FIN ? 1 : 0);
      return this.w.send(from, f, meta(`TCP ${what} ${label}`)).deliveries[0];
    };
    const serverSend = (flags: number, payload: Uint8Array, what: string): Delivery | undefined => {
      const f = this.replyFrame(d!, IpProto.TCP, (s, dd, a, b) => tcp({ sport: a, dport: b, seq: sSeq, ack: cSeq, flags, window: 8212, payload }, s, dd), true);
      sSeq += payload.length + (flags & TcpFlag.FIN ? 1 : 0);
      return this.w.send(server, f, meta(`TCP ${what} ${this.name(server)} → ${this.name(from)}`)).deliveries[0];
    };
    if (!clientSend(TcpFlag.ACK, new Uint8Array(0), "ACK")) return;
    const host = t.kind === "http" ? t.to : "";
    const request = t.kind === "http" ? httpRequest(port === 80 ? host : `${host}:${port}`, t.name) : enc.encode(t.send || "hello\n");
    const response = t.kind === "http"
      ? httpResponse(200, `<html><body>${this.name(server)} says hello</body></html>\n`, server.kind === "external" ? "ECAcc (lab)" : "Microsoft-IIS/10.0")
      : enc.encode(typeof t.reply === "string" && t.reply ? t.reply : "ok\n");
    for (let o = 0; o < request.length; o += MSS) {
      this.w.wait(200);
      if (!clientSend(TcpFlag.PSH | TcpFlag.ACK, request.subarray(o, o + MSS), t.kind === "http" ? `HTTP ${dec.decode(request.subarray(0, request.indexOf(13)))}` : `data (${Math.min(MSS, request.length - o)} bytes)`)) return;
    }
    this.w.wait(this.replyDelay(server));
    for (let o = 0; o < response.length; o += MSS) {
      if (!serverSend(TcpFlag.PSH | TcpFlag.ACK, response.subarray(o, o + MSS), t.kind === "http" ? `HTTP/1.1 200 OK (${response.length} bytes)` : `data (${Math.min(MSS, response.length - o)} bytes)`)) return;
      this.w.wait(100);
    }
    this.w.wait(this.replyDelay(from));
    if (!clientSend(TcpFlag.ACK, new Uint8Array(0), "ACK")) return;
    this.w.wait(400);
    if (!clientSend(TcpFlag.FIN | TcpFlag.ACK, new Uint8Array(0), "FIN")) return;
    this.w.wait(this.replyDelay(server));
    if (!serverSend(TcpFlag.FIN | TcpFlag.ACK, new Uint8Array(0), "FIN")) return;
    this.w.wait(this.replyDelay(from));
    clientSend(TcpFlag.ACK, new Uint8Array(0), "ACK (close)");
  }

  // ---- UDP -------------------------------------------------------------------------------------------------

  private udpPorts(p: Party): ReadonlySet<number> | null {
    switch (p.kind) {
      case "container": return p.c.listenUdp;
      case "external": return p.e.listenUdp;
      case "remote": return p.r.listenUdp;
      default: return null;
    }
  }

  private udp(from: Party, dst: string, t: Traffic, meta: (d: string) => Meta): void {
    const sport = this.ephemeral(this.name(from));
    const payload = t.send ? enc.encode(t.send) : pingData(t.size);
    const f = this.ipFrame(from, dst, IpProto.UDP, (src) => udp({ sport, dport: t.port, payload }, src, dst));
    const j = this.w.send(from, f, meta(`UDP ${this.name(from)}:${sport} → ${t.to}:${t.port} (${payload.length} bytes)`));
    const d = j.deliveries[0];
    if (!d) return;
    // A closed UDP port on a party that declares its UDP ports: ICMP port unreachable quoting the datagram.
    const udpPorts = this.udpPorts(d.party);
    const dport = peek(d.frame).dport;
    if (udpPorts && !udpPorts.has(dport)) {
      this.w.wait(this.replyDelay(d.party));
      const q = peek(d.frame);
      const rep = this.replyFrame(d, IpProto.ICMP, () => icmpUnreachable(3, d.frame.subarray(q.l3, q.l3 + q.l3Length)));
      const ju = this.w.send(d.party, rep, meta(`ICMP destination unreachable (port unreachable, UDP ${dport}) ${this.name(d.party)} → ${this.name(from)}`));
      this.w.condition(t, "icmp-unreachable", ju.id);
      return;
    }
    if (t.reply === false) return;
    this.w.wait(this.replyDelay(d.party));
    const back = enc.encode(typeof t.reply === "string" && t.reply ? t.reply : "pong\n");
    const rep = this.replyFrame(d, IpProto.UDP, (s, dd, a, b) => udp({ sport: a, dport: b, payload: back }, s, dd));
    this.w.send(d.party, rep, meta(`UDP reply ${this.name(d.party)} → ${this.name(from)} (${back.length} bytes)`));
  }
}
