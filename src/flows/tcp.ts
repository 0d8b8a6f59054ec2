/**
 * TCP analysis of one connection, per packet counted once, in capture order (Wireshark's tcp.analysis, kept
 * small):
 *   - handshake: SYN, SYN-ACK, and the ACK that acknowledges the SYN-ACK; SYN → ACK is the initial RTT;
 *   - each direction tracks the highest sequence number sent (nextSeq) and up to MAX_GAPS holes: a segment
 *     starting beyond nextSeq opens a hole (data the capture did not see), a later segment inside a hole fills
 *     it — out-of-order when it comes within the reordering threshold (the handshake RTT, at least 3 ms) of the
 *     hole opening, a retransmission after that — and a segment wholly below nextSeq outside any hole is a
 *     retransmission (the same data again). Keep-alives (one byte or none at nextSeq − 1) are not;
 *   - zero windows (window 0 on a segment without SYN/FIN/RST), duplicate ACKs (no data, same ACK and window as
 *     the previous segment, the other side having sent data beyond it), FIN and RST per direction.
 * Sequence numbers compare modulo 2^32.
 */
import type { TcpDirectionInfo, TcpInfo, TcpState } from "./types.js";

const MAX_GAPS = 8;
/** Reordering threshold floor: 3 ms (Wireshark's default ooo threshold) in 100 ns ticks. */
const OOO_MIN_TICKS = 30_000;

const SYN = 0x02, FIN = 0x01, RST = 0x04, ACK = 0x10;

/** Signed distance a − b modulo 2^32. */
function sdiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpDir {
  /** Sequence number of this side's SYN (ISN), or -1. */
  isn = -1;
  /** Highest sequence number sent + 1, or -1 before the first segment. */
  nextSeq = -1;
  lastAck = -1;
  lastWin = -1;
  payloadBytes = 0;
  retransmissions = 0;
  outOfOrder = 0;
  gapsOpened = 0;
  gapsFilled = 0;
  zeroWindows = 0;
  duplicateAcks = 0;
  keepAlives = 0;
  fin = false;
  rst = false;
  /** Holes: start, end, ticks when opened (flat triples). */
  gaps: number[] | null = null;

  info(): TcpDirectionInfo {
    return {
      payloadBytes: this.payloadBytes, retransmissions: this.retransmissions, outOfOrder: this.outOfOrder,
      lost: this.gapsOpened - this.gapsFilled, zeroWindows: this.zeroWindows, duplicateAcks: this.duplicateAcks,
      keepAlives: this.keepAlives, fin: this.fin, rst: this.rst,
    };
  }
}

export class TcpConn {
  readonly ab = new TcpDir();
  readonly ba = new TcpDir();
  synTicks = -1;
  synAckTicks = -1;
  ackTicks = -1;
  synRetries = 0;
  /** Direction that sent the SYN: 0 A→B, 1 B→A, -1 unknown. */
  synDir = -1;
  resetBy = -1;
  /** Data (or a bare ACK) seen before any SYN: the capture started mid-connection. */
  midstream = false;

  /** Would a SYN with this ISN from direction `dir` start a new connection on the same ports? */
  isNewConnection(dir: number, flags: number, seq: number): boolean {
    if ((flags & (SYN | ACK)) !== SYN) return false;
    const d = dir === 0 ? this.ab : this.ba;
    if (d.isn >= 0) return d.isn !== seq;
    // No SYN from this side yet: new when the old connection is over.
    return this.resetBy >= 0 || (this.ab.fin && this.ba.fin);
  }

  /**
   * One segment from direction `dir` (0 A→B, 1 B→A): flags (th_flags), seq, ack, window and payload length.
   */
  segment(dir: number, ticks: number, flags: number, seq: number, ack: number, win: number, len: number): void {
    const me = dir === 0 ? this.ab : this.ba;
    const other = dir === 0 ? this.ba : this.ab;
    const syn = (flags & SYN) !== 0;
    const fin = (flags & FIN) !== 0;
    const rst = (flags & RST) !== 0;
    const hasAck = (flags & ACK) !== 0;
    if (syn && !hasAck) {
      if (this.synTicks < 0) {
        this.synTicks = ticks;
        this.synDir = dir;
        me.isn = seq;
      } else if (me.isn === seq) this.synRetries++;
    } else if (syn && hasAck) {
      if (this.synAckTicks < 0) {
        this.synAckTicks = ticks;
        me.isn = seq;
        if (this.synDir < 0) this.synDir = dir ^ 1;
      } else if (me.isn === seq) this.synRetries++;
    } else if (hasAck && !rst && this.synAckTicks >= 0 && this.ackTicks < 0 && dir === this.synDir && other.isn >= 0 && ack === ((other.isn + 1) >>> 0)) {
      this.ackTicks = ticks;
    }
    if (this.synTicks < 0 && this.synAckTicks < 0 && !syn && !rst) this.midstream = true;
    if (fin) me.fin = true;
    if (rst) {
      me.rst = true;
      if (this.resetBy < 0) this.resetBy = dir;
    }
    if (win === 0 && !syn && !fin && !rst) me.zeroWindows++;
    me.payloadBytes += len;
    const segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (!rst) this.sequence(me, other, ticks, flags, seq, ack, win, len, segLen);
    if (hasAck) me.lastAck = ack;
    me.lastWin = win;
  }

  private sequence(me: TcpDir, other: TcpDir, ticks: number, flags: number, seq: number, ack: number, win: number, len: number, segLen: number): void {
    if (segLen === 0) {
      // Pure ACK: duplicate when nothing changed and the other side has unacknowledged data.
      if ((flags & ACK) && me.lastAck === ack && me.lastWin === win && other.nextSeq >= 0 && sdiff(other.nextSeq, ack) > 0 && (me.nextSeq < 0 || seq === me.nextSeq)) me.duplicateAcks++;
      else if (me.nextSeq >= 0 && seq === ((me.nextSeq - 1) >>> 0)) me.keepAlives++;
      return;
    }
    if (me.nextSeq < 0) {
      me.nextSeq = (seq + segLen) >>> 0;
      return;
    }
    const delta = sdiff(seq, me.nextSeq);
    const end = (seq + segLen) >>> 0;
    if (delta === 0) {
      me.nextSeq = end;
      return;
    }
    if (delta > 0) {
      // A hole: the capture did not see [nextSeq, seq) (yet).
      me.gapsOpened++;
      if (!me.gaps) me.gaps = [];
      if (me.gaps.length >= MAX_GAPS * 3) me.gaps.splice(0, 3);
      me.gaps.push(me.nextSeq, seq, ticks);
      me.nextSeq = end;
      return;
    }
    // Below nextSeq.
    if (len <= 1 && !(flags & (SYN | FIN)) && seq === ((me.nextSeq - 1) >>> 0)) {
      me.keepAlives++;
      return;
    }
    const g = me.gaps;
    if (g) {
      for (let i = 0; i < g.length; i += 3) {
        if (sdiff(seq, g[i]) >= 0 && sdiff(seq, g[i + 1]) < 0) {
          const threshold = Math.max(OOO_MIN_TICKS, this.ackTicks >= 0 && this.synTicks >= 0 ? this.ackTicks - this.synTicks : 0);
          if (ticks - g[i + 2] <= threshold) me.outOfOrder++;
          else me.retransmissions++;
          // Shrink the hole by what this segment covers.
          if (seq === g[i]) {
            if (sdiff(end, g[i + 1]) >= 0) {
              g.splice(i, 3);
              me.gapsFilled++;
            } else g[i] = end;
          } else if (sdiff(end, g[i + 1]) >= 0) g[i + 1] = seq;
          if (sdiff(end, me.nextSeq) > 0) me.nextSeq = end;
          return;
        }
      }
    }
    me.retransmissions++;
    if (sdiff(end, me.nextSeq) > 0) me.nextSeq = end;
  }

  state(): TcpState {
    if (this.resetBy >= 0) return "reset";
    if (this.ab.fin && this.ba.fin) return "closed";
    if (this.ab.fin || this.ba.fin) return "half-closed";
    if (this.ackTicks >= 0) return "established";
    if (this.synAckTicks >= 0) return this.ab.payloadBytes + this.ba.payloadBytes > 0 ? "established" : "syn-received";
    if (this.synTicks >= 0) return "syn-sent";
    return "midstream";
  }

  info(): TcpInfo {
    const ms = (t: number): number => Math.round(t) / 10_000;
    const o: { -readonly [K in keyof TcpInfo]: TcpInfo[K] } = {
      state: this.state(),
      handshake: { syn: this.synTicks >= 0, synAck: this.synAckTicks >= 0, ack: this.ackTicks >= 0 },
      synRetries: this.synRetries,
      aToB: this.ab.info(),
      bToA: this.ba.info(),
    };
    if (this.synTicks >= 0 && this.synAckTicks >= 0) o.synToSynAckMs = ms(this.synAckTicks - this.synTicks);
    if (this.synAckTicks >= 0 && this.ackTicks >= 0) o.synAckToAckMs = ms(this.ackTicks - this.synAckTicks);
    if (this.synTicks >= 0 && this.ackTicks >= 0) o.handshakeRttMs = ms(this.ackTicks - this.synTicks);
    if (this.resetBy >= 0) o.resetBy = this.resetBy === 0 ? "a" : "b";
    return o;
  }
}
