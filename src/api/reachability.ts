// Reachability: which namespace can reach which address, and if not, why — computed by sending
// real probes through the emulated kernel in a fork (the machine passed in is never touched).
//
// Per source namespace one fork; in it, one probe after another as `ping -c 1 -W 1` sends it
// (the output route, an ICMP echo request, ip_push_pending_frames, a raw ICMP socket for what
// comes back), with the machine's events run between probes, so everything the kernel did in a
// probe's window belongs to that probe. What it did is read from:
//   * the output route's error (connect(): ENETUNREACH, EINVAL, EHOSTUNREACH, EACCES),
//   * the ICMP errors the raw socket got (time exceeded, destination unreachable by code),
//   * a tap on every device of the machine (the frames of the probe, in order: the hops),
//   * the netfilter rule and policy counters of the namespaces the probe passed (a DROP or
//     REJECT that moved), and the SNMP counters there (InNoRoutes, InAddrErrors,
//     TcpExt:IPReversePathFilter, InHdrErrors),
//   * for a silent stop, the kernel's own verdict at the last hop asked again (ip_route_input,
//     ip_route_output, the neighbour entry of the next hop, the carrier of the output device).
import type { Kctx, Machine } from '../kernel/machine.ts';
import { NS_PER_SEC } from '../kernel/machine.ts';
import type { Device, Netns, NfTable } from '../kernel/types.ts';
import { Errno, KernelError } from '../kernel/errors.ts';
import { ipv4FromTextAton, ipv4ToText } from '../protocols/wire/addr.ts';
import { ETH_HLEN } from '../protocols/wire/ethernet.ts';
import { IPPROTO_ICMP, IPV4_HLEN, ipv4Dst, ipv4HeaderLen, ipv4Src, ipv4Ttl } from '../protocols/wire/ipv4.ts';
import { ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED, icmpEmit } from '../protocols/wire/icmp.ts';
import { ipRouteInput, ipRouteOutput, type OutRoute } from '../protocols/ipv4/route.ts';
import { allocIpFrame, fillIpHeader, ipPushPendingFrames, nextIpId } from '../protocols/ipv4/ip_output.ts';
import { RawSocket } from '../protocols/ipv4/raw.ts';
import { machineTaps, type Tap } from '../capture/taps.ts';
import { neighLookup } from '../protocols/neighbour.ts';
import { snmpReader } from '../protocols/ipv4/snmp.ts';
import { INIT_NS } from './snapshot.ts';
import type { NsemuMachine } from './machine.ts';
import { UNREACH } from '../userland/ping.ts';
import { icmpErrorDisposition, socketError, type Disposition } from './probe.ts';

export { DISPOSITIONS, type Disposition } from './probe.ts';

export interface ReachabilityRow {
  /** the source namespace, by its snapshot name ("(init)" for the initial one) */
  from: string;
  /** the destination address */
  to: string;
  disposition: Disposition;
  /** the namespaces the probe's frames passed, in order (request, then reply or ICMP error);
   *  a coarse path: consecutive repeats are one entry */
  hops: string[];
  /** why it was not delivered, in the kernel's and the tools' words */
  reason?: string;
}

export interface ReachabilityOptions {
  /** source namespaces (snapshot names); default: every namespace */
  from?: string[];
  /** destination addresses; default: every IPv4 address configured anywhere except 127/8 */
  to?: string[];
  /** the probe: only `ping` (an ICMP echo as `ping -c 1 -W 1` sends it) for now */
  probe?: 'ping';
  /** 'sweep' (default): one fork for the whole sweep, the probes one after another, each run to
   *  completion, as pings typed one after another would be (what one leaves behind — neighbour,
   *  FDB and conntrack entries, ICMP rate-limit tokens — the next one finds); 'source': a fresh
   *  fork for each source namespace (a fork copies the whole machine: ~30 ms at 100 namespaces) */
  fork?: 'sweep' | 'source';
}

/** ping -W 1: how long a reply may take. */
const LINGER_NS = NS_PER_SEC;
/** when a probe first looks for its reply */
const EARLY_NS = 1_000_000;
/** how long a probe waiting for a neighbour is followed: mcast_solicit × retrans_time and the
 *  ICMP host unreachable that neigh_invalidate sends back */
const NEIGH_WAIT_NS = 4 * NS_PER_SEC;
/** the ICMP id of the probes (ping's would be its pid) */
const IDENT = 0x7e57;
/** the marker at the start of each probe's data, then the probe number */
const MARK = [0x6e, 0x73, 0x72, 0x63]; // "nsrc"
const PAYLOAD = 56;

/** The snapshot names of the live namespaces (as snapshotOf gives them), by inode. */
export function namespaceNames(m: Machine): Map<number, string> {
  const w = m.world;
  const names = new Map<number, string>();
  names.set(w.initNs, INIT_NS);
  for (const e of [...w.netnsNames].reverse()) if (!names.has(e.ns)) names.set(e.ns, e.name);
  const out = new Map<number, string>();
  for (const ns of Object.values(w.netns).sort((a, b) => a.id - b.id)) if (!ns.dead) out.set(ns.id, names.get(ns.id) ?? `netns:${ns.id}`);
  return out;
}

/** Every IPv4 address configured on some device, except 127/8, in namespace and device order. */
export function configuredAddresses(m: Machine): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const id of namespaceNames(m).keys()) {
    const ns = m.world.netns[id]!;
    for (const d of Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex))
      for (const a of d.addrs) {
        if (a.local >>> 24 === 127 || seen.has(a.local >>> 0)) continue;
        seen.add(a.local >>> 0);
        out.push(ipv4ToText(a.local));
      }
  }
  return out;
}

/** What a tap saw of a probe. */
interface Seen {
  ns: number;
  dev: Device;
  dir: 'in' | 'out';
  /** request, reply, an ICMP error about the probe, or ARP */
  kind: 'req' | 'rep' | 'err' | 'arp';
  src: number;
  dst: number;
  ttl: number;
}

/** What probeOf found: a request or reply of ours, or an ICMP error quoting one. */
let probeKind: 'req' | 'rep' | 'err' = 'req';

/** The probe number in an echo request/reply of ours (probeKind 'req' or 'rep'), or the low 16
 *  bits of the one an ICMP error quotes ('err'); -1 when the packet is none of those. */
function probeOf(f: Uint8Array, ip: number): number {
  if (f.length < ip + IPV4_HLEN || f[ip + 9] !== IPPROTO_ICMP) return -1;
  const icmp = ip + ipv4HeaderLen(f, ip);
  const type = f[icmp];
  if (type === ICMP_ECHO || type === ICMP_ECHOREPLY) {
    const d = icmp + 8;
    if (f.length < d + 8 || f[d] !== MARK[0] || f[d + 1] !== MARK[1] || f[d + 2] !== MARK[2] || f[d + 3] !== MARK[3]) return -1;
    probeKind = type === ICMP_ECHO ? 'req' : 'rep';
    return ((f[d + 4]! << 24) | (f[d + 5]! << 16) | (f[d + 6]! << 8) | f[d + 7]!) >>> 0;
  }
  if (type === ICMP_DEST_UNREACH || type === ICMP_TIME_EXCEEDED) {
    const inner = icmp + 8;
    if (f.length < inner + 28 || f[inner + 9] !== IPPROTO_ICMP) return -1;
    const ihl = ipv4HeaderLen(f, inner);
    if (f[inner + ihl] !== ICMP_ECHO) return -1;
    // the quoted header's id and sequence number: the probe number's low 16 bits
    probeKind = 'err';
    return (f[inner + ihl + 6]! << 8) | f[inner + ihl + 7]!;
  }
  return -1;
}

/** The counters of a namespace a probe may move, flattened in a fixed order. */
const SNMP_KEYS = ['Ip:InNoRoutes', 'Ip:InAddrErrors', 'TcpExt:IPReversePathFilter', 'Ip:InHdrErrors', 'Ip:OutDiscards', 'Icmp:InErrors'] as const;

interface NfCounter {
  text: string;
  verdict: 'DROP' | 'REJECT' | 'other';
}

/** Each rule and policy counter of a namespace's netfilter tables, with how iptables names it. */
function nfCounterList(ns: Netns): NfCounter[] {
  const out: NfCounter[] = [];
  for (const [table, t] of Object.entries(ns.nf)) {
    if (!t) continue;
    for (const [chain, c] of Object.entries(t as NfTable)) {
      c.rules.forEach((r, i) => out.push({ text: `iptables -t ${table} ${chain} rule ${i + 1} (-j ${r.target || 'none'}${r.targinfo?.name === 'REJECT' ? ` --reject-with ${r.targinfo.rejectWith}` : ''})`, verdict: r.target === 'DROP' ? 'DROP' : r.target === 'REJECT' ? 'REJECT' : 'other' }));
      if (c.policy) out.push({ text: `iptables -t ${table} ${chain} policy ${c.policy}`, verdict: c.policy === 'DROP' ? 'DROP' : 'other' });
    }
  }
  return out;
}

function nfCounterValues(ns: Netns): number[] {
  const out: number[] = [];
  for (const t of Object.values(ns.nf)) {
    if (!t) continue;
    for (const c of Object.values(t as NfTable)) {
      for (const r of c.rules) out.push(r.pkts);
      if (c.policy) out.push(c.pkts);
    }
  }
  return out;
}

/** How each of SNMP_KEYS is read, resolved once (a probe reads them in every namespace it passes). */
const SNMP_READERS = SNMP_KEYS.map(snmpReader);

function snmpValue(ns: Netns, i: number): number {
  return SNMP_READERS[i]!(ns);
}

function snmpValues(ns: Netns): number[] {
  return SNMP_KEYS.map((_, i) => snmpValue(ns, i));
}


/** One source namespace's probes, in its own fork. */
class Prober {
  private readonly k: Machine;
  private sock: RawSocket;
  /** what the taps saw of the current probe: seen[0 … seenLen); the entries are reused */
  private readonly seen: Seen[] = [];
  private seenLen = 0;
  /** the namespaces the current probe touched (the source first), each once */
  private readonly touchedNs: number[] = [];
  private current = -1;
  /** the echo request's data: the marker, the probe number (bytes 4 … 7), then ping's pattern */
  private readonly payload = new Uint8Array(PAYLOAD);
  /** the counters as the last probe left them, per namespace */
  private readonly snmpBase = new Map<number, number[]>();
  private readonly nfBase = new Map<number, number[]>();
  private n = 0;

  private src: number;

  constructor(
    fork: NsemuMachine,
    src: number,
    private readonly names: Map<number, string>,
  ) {
    this.k = fork.kernel;
    this.src = src;
    this.sock = new RawSocket(this.k, src, IPPROTO_ICMP);
    for (const id of names.keys()) {
      const ns = this.k.world.netns[id]!;
      this.snmpBase.set(id, snmpValues(ns));
      if (ns.nfHooks) this.nfBase.set(id, nfCounterValues(ns));
    }
    const tap: Tap = {
      ns: -1,
      ifindex: 0,
      deliver: (_t, dev, frame, dir, nsId) => {
        if (this.current < 0 || frame[12] !== 0x08) return;
        if (frame[13] === 0x06) {
          this.see(nsId, dev, dir, 'arp', 0, 0, 0);
          return;
        }
        if (frame[13] !== 0x00) return;
        const n = probeOf(frame, ETH_HLEN);
        if (n < 0 || n !== (probeKind === 'err' ? this.current & 0xffff : this.current)) return;
        this.see(nsId, dev, dir, probeKind, ipv4Src(frame, ETH_HLEN), ipv4Dst(frame, ETH_HLEN), ipv4Ttl(frame, ETH_HLEN));
      },
    };
    machineTaps(this.k).add(tap);
    this.payload.set(MARK, 0);
    for (let i = 16; i < PAYLOAD; i++) this.payload[i] = i;
  }

  /** Records a frame of the current probe (into a reused entry) and the namespace it was in. */
  private see(ns: number, dev: Device, dir: 'in' | 'out', kind: Seen['kind'], src: number, dst: number, ttl: number): void {
    const s = this.seen[this.seenLen];
    if (s) {
      s.ns = ns;
      s.dev = dev;
      s.dir = dir;
      s.kind = kind;
      s.src = src;
      s.dst = dst;
      s.ttl = ttl;
    } else this.seen.push({ ns, dev, dir, kind, src, dst, ttl });
    this.seenLen++;
    if (!this.touchedNs.includes(ns)) this.touchedNs.push(ns);
  }

  /** Probe from another namespace now (its own raw socket, as another ping would have). */
  setSource(src: number): void {
    if (src === this.src) return;
    this.sock.close();
    this.src = src;
    this.sock = new RawSocket(this.k, src, IPPROTO_ICMP);
  }

  close(): void {
    this.sock.close();
  }

  private name(id: number): string {
    return this.names.get(id) ?? `netns:${id}`;
  }

  probe(to: string, dst: number): ReachabilityRow {
    const from = this.name(this.src);
    this.dstOfCurrent = dst;
    const m = this.k;
    const ns = m.world.netns[this.src]!;
    const n = ++this.n;
    const seq = n & 0xffff;
    let rt: OutRoute;
    // ping's connect(): the output route, or the error it fails with
    try {
      rt = ipRouteOutput(ns, dst, { now: m.now });
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      return { from, to, hops: [from], ...routeError(e.errno, from) };
    }
    if (rt.type === 'broadcast') return { from, to, hops: [from], disposition: 'unreachable', reason: `${from}: ${to} is a broadcast address (ping: Do you want to ping broadcast? Then -b)` };
    const ttl = Number.parseInt(ns.sysctl['ipv4/ip_default_ttl'] ?? '64', 10);
    const payload = this.payload;
    payload[4] = (n >>> 24) & 0xff;
    payload[5] = (n >>> 16) & 0xff;
    payload[6] = (n >>> 8) & 0xff;
    payload[7] = n & 0xff;
    this.seenLen = 0;
    this.touchedNs.length = 0;
    this.touchedNs.push(this.src);
    this.current = n;
    const t0 = m.now;
    let sent = true;
    try {
      // sendmsg(): the route connect() found (nothing ran in between), the request, out
      m.mutate((k: Kctx) => {
        const frame = allocIpFrame(8 + PAYLOAD);
        icmpEmit({ kind: 'echoRequest', code: 0, id: IDENT, seq, data: payload }, frame, ETH_HLEN + IPV4_HLEN);
        fillIpHeader(k, this.src, frame, { src: rt.src, dst, protocol: IPPROTO_ICMP, ttl, df: true, id: nextIpId(k, this.src) });
        sent = ipPushPendingFrames(k, this.src, rt, frame);
      });
      // most replies are in within a millisecond: the clock need not run the whole second
      m.runUntil(t0 + EARLY_NS);
      let got = this.take(seq);
      if (!got.reply && !got.error) {
        m.runUntil(t0 + LINGER_NS);
        got = this.take(seq);
      }
      if (!got.reply && !got.error && this.waitingForNeighbour()) {
        m.runUntil(t0 + NEIGH_WAIT_NS);
        const more = this.take(seq);
        got = { reply: false, error: more.error };
      }
      const hops = this.hops();
      if (got.reply) return this.settle({ from, to, disposition: 'delivered', hops });
      return this.settle({ from, to, hops, ...this.classify(sent, got.error) });
    } finally {
      this.current = -1;
    }
  }

  /** What the raw socket got: our reply (within ping's wait), or the first ICMP error about us. */
  private take(seq: number): { reply: boolean; error?: { type: number; code: number; from: number } } {
    let reply = false;
    let error: { type: number; code: number; from: number } | undefined;
    const q = this.sock.queue;
    for (let i = 0; i < q.length; i++) {
      const data = q[i]!.data;
      const n = probeOf(data, 0);
      if (n < 0) continue;
      const hl = ipv4HeaderLen(data, 0);
      if (probeKind === 'rep' && n === this.current) reply = true;
      else if (probeKind === 'err' && n === seq) error ??= { type: data[hl]!, code: data[hl + 1]!, from: ipv4Src(data, 0) };
    }
    q.length = 0;
    return { reply, error };
  }

  /** The last thing the probe did was to ask for a neighbour (an ARP request out, no IP frame after). */
  private waitingForNeighbour(): boolean {
    for (let i = this.seenLen - 1; i >= 0; i--) {
      const s = this.seen[i]!;
      if (s.kind !== 'arp') return false;
      if (s.dir === 'out') return true;
    }
    // nothing at all left the source: it may be resolving its next hop
    return this.seenLen === 0;
  }

  private hops(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.seenLen; i++) {
      const s = this.seen[i]!;
      if (s.kind === 'arp') continue;
      const nm = this.name(s.ns);
      if (out[out.length - 1] !== nm) out.push(nm);
    }
    if (out.length === 0) out.push(this.name(this.src));
    return out;
  }

  /** The counter moves of this probe (and the new bases for the next one). */
  private deltas(): { nf: { ns: number; c: NfCounter }[]; snmp: Map<number, number[]> } {
    const nf: { ns: number; c: NfCounter }[] = [];
    const snmp = new Map<number, number[]>();
    // the namespaces the probe touched: whose counters may have moved
    for (const id of this.touchedNs) {
      const ns = this.k.world.netns[id];
      if (!ns) continue;
      const sv = snmpValues(ns);
      const sb = this.snmpBase.get(id) ?? sv.map(() => 0);
      snmp.set(
        id,
        sv.map((v, i) => v - sb[i]!),
      );
      this.snmpBase.set(id, sv);
      if (!ns.nfHooks && !this.nfBase.has(id)) continue;
      const nv = nfCounterValues(ns);
      const nb = this.nfBase.get(id) ?? nv.map(() => 0);
      let list: NfCounter[] | undefined;
      for (let i = 0; i < nv.length; i++)
        if (nv[i]! > (nb[i] ?? 0)) {
          list ??= nfCounterList(ns);
          nf.push({ ns: id, c: list[i]! });
        }
      this.nfBase.set(id, nv);
    }
    return { nf, snmp };
  }

  private lastDeltas: ReturnType<Prober['deltas']> | undefined;

  /** After a probe whose counters nobody reads (delivered): bring the bases of the namespaces it
   *  touched up to date in place, without allocating. */
  private settle(row: ReachabilityRow): ReachabilityRow {
    if (this.lastDeltas) {
      this.lastDeltas = undefined;
      return row;
    }
    const w = this.k.world;
    for (const id of this.touchedNs) this.syncBase(id, w.netns[id]);
    return row;
  }

  private syncBase(id: number, ns: Netns | undefined): void {
    if (!ns) return;
    const sb = this.snmpBase.get(id);
    if (sb) for (let i = 0; i < SNMP_KEYS.length; i++) sb[i] = snmpValue(ns, i);
    else this.snmpBase.set(id, snmpValues(ns));
    if (ns.nfHooks || this.nfBase.has(id)) this.nfBase.set(id, nfCounterValues(ns));
  }

  private classify(sent: boolean, error: { type: number; code: number; from: number } | undefined): { disposition: Disposition; reason: string } {
    const d = (this.lastDeltas = this.deltas());
    const drops = d.nf.filter((x) => x.c.verdict !== 'other');
    const filtered = (): { disposition: Disposition; reason: string } => ({ disposition: 'filtered', reason: drops.map((x) => `${this.name(x.ns)}: ${x.c.text}`).join('; ') });
    const errText = error && `From ${ipv4ToText(error.from)} icmp_seq=1 ${error.type === ICMP_TIME_EXCEEDED ? 'Time to live exceeded' : (UNREACH[error.code] ?? `Dest Unreachable, Bad Code: ${error.code}`)}`;
    const from = this.name(this.src);
    if (!sent) return drops.length ? filtered() : { disposition: 'filtered', reason: `${from}: OUTPUT dropped it (ping: sendmsg: ${socketError(Errno.EPERM)!.text})` };
    const requestArrived = this.last('rep') !== undefined;
    if (requestArrived) {
      // the destination answered; the answer was lost on the way back
      const why = drops.length ? filtered().reason : this.stopped('rep');
      return { disposition: 'no-reply', reason: `the request arrived, the reply did not: ${why}` };
    }
    if (drops.length) return filtered();
    if (error) {
      // Host Unreachable: the hop that sent it says why (its neighbour FAILED, or no link)
      const why = error.type !== ICMP_TIME_EXCEEDED && error.code === 1 ? this.stopInfo('req') : undefined;
      const host = why?.disposition === 'neighbour-failed' || why?.disposition === 'link-down' ? why.disposition : undefined;
      return { disposition: icmpErrorDisposition(error, { netfilterDropped: false, host }), reason: host ? `${errText!} (${why!.reason})` : errText! };
    }
    const why = this.stopInfo('req');
    if (why) return why;
    return { disposition: 'no-reply', reason: this.stopped('req') };
  }

  private stopped(kind: 'req' | 'rep'): string {
    const why = this.stopInfo(kind);
    if (why) return `${why.disposition}: ${why.reason}`;
    const last = this.last(kind);
    return last ? `lost after ${this.name(last.ns)} ${last.dev.name} (${last.dir})` : 'nothing was sent';
  }

  private last(kind: 'req' | 'rep'): Seen | undefined {
    for (let i = this.seenLen - 1; i >= 0; i--) if (this.seen[i]!.kind === kind) return this.seen[i];
    return undefined;
  }

  /** Why the frames of `kind` stopped where they did, asked of the kernel at that place. */
  private stopInfo(kind: 'req' | 'rep'): { disposition: Disposition; reason: string } | undefined {
    const w = this.k.world;
    const last = this.last(kind);
    if (!last) {
      // nothing left the source (or, for a reply, the destination): its output step
      if (kind === 'rep') return undefined;
      return this.outputStop(this.src, undefined);
    }
    const ns = w.netns[last.ns]!;
    const nm = this.name(last.ns);
    const snmp = this.lastDeltas?.snmp.get(last.ns);
    const moved = (key: (typeof SNMP_KEYS)[number]): string => {
      const v = snmp?.[SNMP_KEYS.indexOf(key)] ?? 0;
      return v ? ` (${key.replace(':', ' ')} +${v})` : '';
    };
    if (last.dir === 'out') {
      // it left a device and did not arrive: the link
      const dev = last.dev;
      if (dev.peer) {
        const peer = w.netns[dev.peer.ns]?.devs[dev.peer.ifindex];
        if (!peer || !peer.up) return { disposition: 'link-down', reason: `${nm}: ${dev.name} sent it, its peer ${peer ? `${this.name(dev.peer.ns)} ${peer.name}` : ''} is down (tx_dropped)` };
      }
      if (!dev.carrier) return { disposition: 'link-down', reason: `${nm}: ${dev.name} has no carrier` };
      return undefined;
    }
    // it arrived at last.dev in last.ns: the input route decides what happens next
    const dev = ns.devs[last.dev.ifindex] ?? last.dev;
    if (dev.master !== undefined) {
      const br = ns.devs[dev.master];
      return { disposition: 'link-down', reason: `${nm}: bridge ${br?.name ?? '?'} did not pass it on from port ${dev.name}${br && !br.up ? ' (the bridge is down)' : dev.port && dev.port.state !== 'forwarding' ? ` (port ${dev.port.state})` : ''}` };
    }
    const v = ipRouteInput(ns, last.dst, last.src, dev, this.k.now);
    switch (v.kind) {
      case 'drop':
        if (v.reason === 'martian') return { disposition: 'martian', reason: `${nm}: martian ${ipv4ToText(last.src)} → ${ipv4ToText(last.dst)} on ${dev.name} (ip_route_input_slow)` };
        if (v.reason === 'rpfilter') return { disposition: 'rp-filter', reason: `${nm}: rp_filter dropped ${ipv4ToText(last.src)} → ${ipv4ToText(last.dst)} on ${dev.name}${moved('TcpExt:IPReversePathFilter')}` };
        if (v.reason === 'noforward') return { disposition: 'unreachable', reason: `${nm}: forwarding is off on ${dev.name}${moved('Ip:InAddrErrors')}` };
        return { disposition: 'blackhole', reason: `${nm}: blackhole route to ${ipv4ToText(last.dst)}` };
      case 'unreachable':
        // ip_error rate-limited its answer
        return { disposition: v.code === 0 ? 'no-route' : v.code === 13 ? 'prohibit' : 'unreachable', reason: `${nm}: ${UNREACH[v.code] ?? 'unreachable'} (not sent: rate limit)${moved('Ip:InNoRoutes')}` };
      case 'forward':
        if (last.ttl <= 1) return { disposition: 'ttl-exceeded', reason: `${nm}: TTL exceeded${moved('Ip:InHdrErrors')}` };
        return this.outputStop(last.ns, v.route);
      case 'local':
        if (kind === 'rep') return undefined;
        if (ns.sysctl['ipv4/icmp_echo_ignore_all'] === '1') return { disposition: 'no-reply', reason: `${nm}: net.ipv4.icmp_echo_ignore_all = 1` };
        // icmp_reply: the reply's own output route
        try {
          const back = ipRouteOutput(ns, last.src, { saddr: last.dst, now: this.k.now });
          const stop = this.outputStop(last.ns, back);
          if (stop) return { disposition: 'no-reply', reason: `the reply did not leave: ${stop.disposition}: ${stop.reason}` };
        } catch (e) {
          if (!(e instanceof KernelError)) throw e;
          return { disposition: 'no-reply', reason: `${nm}: no route back to ${ipv4ToText(last.src)} for the reply (${routeError(e.errno, nm).reason.replace(/^[^:]*: ping: connect: /, '')})` };
        }
        return { disposition: 'no-reply', reason: `${nm} did not answer the echo request` };
    }
  }

  /** A packet routed out of `nsId` by `rt` that did not leave: the device or the neighbour. */
  private outputStop(nsId: number, rt: OutRoute | undefined): { disposition: Disposition; reason: string } | undefined {
    const ns = this.k.world.netns[nsId]!;
    const nm = this.name(nsId);
    let route = rt;
    if (!route) {
      try {
        route = ipRouteOutput(ns, this.dstOfCurrent, {});
      } catch {
        return undefined;
      }
    }
    const dev = ns.devs[route.dev];
    if (!dev) return undefined;
    if (!dev.carrier || !dev.up) return { disposition: 'link-down', reason: `${nm}: ${dev.name} is down (carrier ${dev.carrier ? 'on' : 'off'}, operstate ${dev.operstate})` };
    const n = neighLookup(ns, dev.ifindex, route.nexthop);
    if (n && (n.state === 'FAILED' || n.state === 'INCOMPLETE')) return { disposition: 'neighbour-failed', reason: `${nm}: neighbour ${ipv4ToText(route.nexthop)} dev ${dev.name} ${n.state}` };
    return undefined;
  }

  dstOfCurrent = 0;
}

/** connect()'s error, as ping reports it. */
function routeError(errno: number, from: string): { disposition: Disposition; reason: string } {
  const e = socketError(errno);
  if (!e) return { disposition: 'no-route', reason: `${from}: ping: connect: errno ${errno}` };
  return { disposition: e.disposition, reason: `${from}: ping: connect: ${e.text}${e.route ? ` (${e.route} route)` : ''}` };
}

/** The rows for some sources: one fork of `m` (or one per source), the probes one after another. */
export function probeFrom(m: NsemuMachine, from: readonly string[], to: readonly string[], fork: 'sweep' | 'source' = 'sweep'): ReachabilityRow[] {
  const names = namespaceNames(m.kernel);
  const byName = new Map([...names].map(([id, n]) => [n, id]));
  const ids = from.map((f) => {
    const id = byName.get(f);
    if (id === undefined) throw new RangeError(`reachability: no namespace ${f}`);
    return id;
  });
  const dsts = to.map((a) => {
    const d = ipv4FromTextAton(a);
    if (d === null) throw new RangeError(`reachability: not an IPv4 address: ${a}`);
    return d;
  });
  const rows: ReachabilityRow[] = [];
  let p: Prober | undefined;
  for (const id of ids) {
    if (!p || fork === 'source') {
      p?.close();
      p = new Prober(m.fork(), id, names);
    } else p.setSource(id);
    for (let i = 0; i < to.length; i++) rows.push(p.probe(to[i]!, dsts[i]!));
  }
  p?.close();
  return rows;
}

/**
 * One row per (source namespace, destination address): whether an ICMP echo from there gets
 * its reply (as `ping -c 1 -W 1` would), and if not where and why it stopped. Real probes
 * through the emulated kernel, in a fork: `m` itself is unchanged.
 */
export async function reachability(m: NsemuMachine, opts: ReachabilityOptions = {}): Promise<ReachabilityRow[]> {
  if (opts.probe !== undefined && opts.probe !== 'ping') throw new RangeError(`reachability: unknown probe ${String(opts.probe)}`);
  const k = m.kernel;
  const from = opts.from ?? [...namespaceNames(k).values()];
  const to = opts.to ?? configuredAddresses(k);
  return probeFrom(m, from, to, opts.fork ?? 'sweep');
}
