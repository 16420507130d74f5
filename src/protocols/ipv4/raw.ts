// net/ipv4/raw.c: raw sockets (what ping uses with ping_group_range "1 0"). Each gets a copy of
// every IPv4 packet of its protocol that the namespace delivers locally. Sockets belong to
// processes, so they live beside the World.
import type { Kctx, Machine, Process } from '../../kernel/machine.ts';
import { Machine as MachineClass, WaitQueue } from '../../kernel/machine.ts';
import { skbCopy } from '../../kernel/skbuff.ts';

export interface RawPacket {
  t: number;
  /** the IPv4 packet, header included */
  data: Uint8Array;
}

export class RawSocket {
  readonly queue: RawPacket[] = [];
  readonly wait = new WaitQueue();
  /** SO_BINDTODEVICE */
  bindDev = 0;
  closed = false;
  constructor(
    readonly m: Machine,
    public ns: number,
    readonly protocol: number,
  ) {
    sockets(m).add(this);
  }

  close(): void {
    this.closed = true;
    sockets(this.m).delete(this);
  }

  /** Block the process until a packet arrives or `timeout` ns pass; returns it or undefined. */
  async recv(p: Process, timeout: number): Promise<RawPacket | 'signal' | undefined> {
    const deadline = this.m.now + timeout;
    while (this.queue.length === 0) {
      const left = deadline - this.m.now;
      if (left <= 0) return undefined;
      const r = await this.m.block(p, { queue: this.wait, timeout: left });
      if (r === 'signal' || r === 'deadlock') return 'signal';
    }
    return this.queue.shift();
  }
}

function sockets(m: Machine): Set<RawSocket> {
  let s = m.side.get('raw') as Set<RawSocket> | undefined;
  if (!s) {
    s = new Set();
    m.side.set('raw', s);
  }
  return s;
}

/** raw_v4_input: true if some socket took a copy. */
// raw sockets belong to processes, which a fork does not copy
MachineClass.sideCopiers.set('raw', () => undefined);

export function rawV4Input(k: Kctx, nsId: number, packet: Uint8Array, protocol: number): boolean {
  const s = k.m.side.get('raw') as Set<RawSocket> | undefined;
  let delivered = false;
  for (const sock of s ?? []) {
    if (sock.ns !== nsId || sock.protocol !== protocol || sock.closed) continue;
    sock.queue.push({ t: k.m.now, data: skbCopy(packet) });
    sock.wait.wakeAll(k.m);
    delivered = true;
  }
  return delivered;
}

/** raw_icmp_error's raw_v4_match: the sockets that hear of an ICMP error about a packet of
 *  `protocol` that arrived on device `dif` (their raw_err acts on it). */
export function rawIcmpError(k: Kctx, nsId: number, protocol: number, dif: number): RawSocket[] {
  const s = k.m.side.get('raw') as Set<RawSocket> | undefined;
  return [...(s ?? [])].filter((sock) => sock.ns === nsId && sock.protocol === protocol && !sock.closed && (sock.bindDev === 0 || sock.bindDev === dif));
}
