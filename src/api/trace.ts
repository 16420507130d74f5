// trace(m, { from, to }): the path of one ping and its reply through the emulated kernel, hop by
// hop — each kernel step with its namespace and device, and where the way ends, why. It runs in
// a fork of the machine, so the machine given is unchanged.
import type { TraceEvent } from '../kernel/trace.ts';
import { ipv4FromText, ipv4ToText } from '../protocols/wire/addr.ts';
import { ETH_HLEN } from '../protocols/wire/ethernet.ts';
import { ICMP_ECHO, ICMP_ECHOREPLY } from '../protocols/wire/icmp.ts';
import { IPPROTO_ICMP, ipv4Dst, ipv4HeaderLen, ipv4Proto, ipv4Src } from '../protocols/wire/ipv4.ts';
import type { NsemuMachine } from './machine.ts';
import { INIT_NS, type MachineSnapshot } from './snapshot.ts';
import { icmpErrorDisposition, socketErrorDisposition, type Disposition } from './probe.ts';

export interface Hop {
  /** virtual seconds after the probe was sent */
  t: number;
  /** the namespace, by its snapshot name */
  ns: string;
  dev?: string;
  /** the kernel function (`ip_route_input`, `nf_hook FORWARD filter`, `neigh_resolve_output` …) */
  step: string;
  /** what the step decided */
  note?: string;
  /** the way ended here, and why */
  drop?: string;
  /** which way the packet was going: the probe, or the reply coming back */
  dir: 'request' | 'reply' | 'other';
}

export interface TraceResult {
  disposition: Disposition;
  /** the reason, in a sentence, when it was not delivered */
  reason?: string;
  hops: Hop[];
  /** what ping printed */
  output: string;
}

export interface TraceOptions {
  /** the source namespace (its snapshot name; the initial namespace is '(init)') */
  from: string;
  /** the destination address */
  to: string;
  /** ICMP echo now; UDP/TCP once sockets exist */
  probe?: { proto: 'icmp' };
  /** seconds ping waits for the reply (default 1) */
  wait?: number;
  /** more of ping's options, as the probe's own command line had them (`-I`, `-t`, `-s` …) */
  args?: string[];
}

/** The kind of failure a drop's reason names. */
function classify(drop: string): Disposition {
  if (drop.startsWith('martian')) return 'martian';
  if (drop.startsWith('rp_filter')) return 'rp-filter';
  if (drop.includes('no route')) return 'no-route';
  if (drop.includes('(') && /table\)/.test(drop)) return 'filtered';
  if (/no carrier|is down|peer of .* is down|link down/.test(drop)) return 'link-down';
  if (drop.startsWith('time to live exceeded')) return 'ttl-exceeded';
  if (drop.includes('FAILED') || drop.startsWith('no reply:')) return 'neighbour-failed';
  if (drop.includes('does not forward') || drop.includes('unreachable type')) return 'unreachable';
  return 'no-reply';
}

/** Which way an IPv4/ICMP frame goes: the probe (from → to) or its answer. */
function direction(f: Uint8Array | undefined, src: number, dst: number): Hop['dir'] {
  if (!f || f.length < 34 || f[12] !== 0x08 || f[13] !== 0x00) return 'other';
  const s = ipv4Src(f, ETH_HLEN);
  const d = ipv4Dst(f, ETH_HLEN);
  const icmpType = ipv4Proto(f, ETH_HLEN) === IPPROTO_ICMP ? f[ETH_HLEN + ipv4HeaderLen(f, ETH_HLEN)] : undefined;
  if (icmpType === ICMP_ECHO && d === dst) return 'request';
  if (icmpType === ICMP_ECHOREPLY && s === dst) return 'reply';
  if (s === src || d === dst) return 'request';
  if (d === src) return 'reply';
  return 'other';
}

/** The way of one probe and its reply (see TraceResult); `m` is left as it was. */
export async function trace(m: NsemuMachine, o: TraceOptions): Promise<TraceResult> {
  const dst = ipv4FromText(o.to);
  if (dst === null) throw new TypeError(`trace: not an IPv4 address: ${o.to}`);
  const f = m.fork();
  const snap = f.snapshot();
  if (!(o.from in snap.namespaces)) throw new TypeError(`trace: no namespace ${o.from} (there are ${Object.keys(snap.namespaces).join(', ')})`);
  const names = new Map(Object.entries(snap.namespaces).map(([n, s]) => [s.id, n]));
  const srcNs = snap.namespaces[o.from]!.id;
  const events: TraceEvent[] = [];
  const k = f.kernel;
  const t0 = k.now;
  k.tracer = (e) => void events.push(e);
  const q = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const ping = ['ping', '-c', '1', '-W', String(o.wait ?? 1), ...(o.args ?? []).map(q), ipv4ToText(dst)].join(' ');
  const r = await f.exec(o.from === INIT_NS ? ping : `ip netns exec '${o.from.replace(/'/g, `'\\''`)}' ${ping}`);
  k.tracer = undefined;
  // the source address is the one the probe left with
  const first = events.find((e) => e.frame && e.step === 'ip_output');
  const src = first?.frame ? ipv4Src(first.frame, ETH_HLEN) : 0;
  const hops: Hop[] = events.map((e) => {
    const h: Hop = { t: (e.t - t0) / 1e9, ns: names.get(e.ns) ?? `netns:${e.ns}`, step: e.step, dir: direction(e.frame, src, dst) };
    if (e.dev !== undefined) h.dev = e.dev;
    if (e.note !== undefined) h.note = e.note;
    if (e.drop !== undefined) h.drop = e.drop;
    return h;
  });
  const output = r.stdout + r.stderr;
  // the steps that ended some frame's way: the causes behind an error ping reports
  const causes = [...new Set(hops.filter((h) => h.drop).map((h) => `${h.step} in ${h.ns}${h.dev ? ` on ${h.dev}` : ''}: ${h.drop}`))];
  let because = causes.length ? ` (${causes.join('; ')})` : '';
  if (/ 1 received/.test(r.stdout)) return { disposition: 'delivered', hops, output };
  // ping's own errors: the route said no before any frame left
  const err = /ping: (?:connect|sendmsg): (.*)/.exec(r.stderr)?.[1];
  if (err) {
    because = because || downCovering(snap.namespaces[o.from]!, dst);
    return { disposition: socketErrorDisposition(err, hops.some((h) => h.step.startsWith('nf_hook') && h.drop)), reason: `ping: ${err}${because}`, hops, output };
  }
  // an ICMP error came back: who sent it, and what the kernel did to make it send one
  const from = /From .*/.exec(r.stdout)?.[0];
  if (from) {
    // the error as the source's icmp_rcv saw it
    const rcv = events.find((e) => e.step === 'icmp_rcv' && e.ns === srcNs && /^type (3|11) /.test(e.note ?? ''));
    const [type, code] = (rcv?.note ?? 'type 3 code -1').split(' ').filter((_, i) => i % 2 === 1).map(Number);
    const d = icmpErrorDisposition({ type: type!, code: code! }, { netfilterDropped: hops.some((h) => h.step.startsWith('nf_hook') && h.drop), host: hops.some((h) => h.step === 'neigh_invalidate') ? 'neighbour-failed' : undefined });
    return { disposition: d, reason: from.replace(/ icmp_seq=\d+/, '') + because, hops, output };
  }
  // the probe waited for a neighbour that never answered where it was asked
  const lastReq = [...hops].reverse().find((h) => h.dir === 'request');
  if (lastReq?.step === 'neigh_resolve_output' && /(NONE|INCOMPLETE|FAILED)$/.test(lastReq.note ?? '')) {
    const ip = lastReq.note!.split(' ')[0]!;
    const elsewhere = hops.find((h) => h.step === 'arp_process' && h.ns === lastReq.ns && h.dev !== lastReq.dev && h.note?.startsWith(`reply ${ip} `));
    // the ARP request itself could not leave: the link is the reason
    const down = hops.find((h) => h.drop && classify(h.drop) === 'link-down');
    if (down) return { disposition: 'link-down', reason: `${down.drop} (${down.step} in ${down.ns}${down.dev ? ` on ${down.dev}` : ''}): no ARP reply for ${ip}`, hops, output };
    return {
      disposition: 'neighbour-failed',
      reason: `no ARP reply for ${ip} on ${lastReq.dev} in ${lastReq.ns}: the probe waited in neigh_resolve_output${elsewhere ? `; the reply arrived on ${elsewhere.dev} instead` : ''}${because}`,
      hops,
      output,
    };
  }
  // a silent drop: the first step that ended the probe's way (or its reply's)
  const delivered = hops.some((h) => h.dir === 'request' && h.step === 'icmp_rcv' && h.note?.startsWith(`type ${ICMP_ECHO} `));
  const dropped = hops.find((h) => h.drop && (h.dir !== 'other' || !delivered));
  if (dropped) {
    const where = `${dropped.step} in ${dropped.ns}${dropped.dev ? ` on ${dropped.dev}` : ''}`;
    if (delivered) return { disposition: 'no-reply', reason: `the reply was lost: ${dropped.drop} (${where})`, hops, output };
    return { disposition: classify(dropped.drop!), reason: `${dropped.drop} (${where})`, hops, output };
  }
  return { disposition: 'no-reply', reason: delivered ? 'the request arrived; no reply came back' : 'the probe vanished without a trace', hops, output };
}

/** A device of the namespace that is down and whose address's prefix holds `dst`: its prefix
 *  route went with it. */
function downCovering(ns: MachineSnapshot['namespaces'][string], dst: number): string {
  for (const [name, d] of Object.entries(ns.devices)) {
    if (d.up && d.carrier) continue;
    for (const a of d.addresses) {
      const [addr, len] = a.split(' ')[0]!.split('/');
      const n = Number(len);
      const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
      const base = ipv4FromText(addr!);
      if (base !== null && ((base & mask) >>> 0) === ((dst & mask) >>> 0)) return ` (${name} holds ${a} but is ${d.up ? 'without carrier' : 'down'}: its route to that prefix is not in use)`;
    }
  }
  return '';
}
