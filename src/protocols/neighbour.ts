// net/core/neighbour.c (+ net/ipv4/arp.c's table): the ARP cache of each namespace, its NUD
// states and timers in virtual time. Frames waiting for resolution are kept beside the World
// (they are bytes in flight, not state); the entry itself lives in the World.
import type { Kctx } from '../kernel/machine.ts';
import type { Device, Neighbour, Netns, NudState } from '../kernel/types.ts';
import type { NetdevEvent } from '../kernel/notifier.ts';
import { kerr } from '../kernel/errors.ts';

/** The key of an entry: the device's ifindex and the address, as one number (below 2^53). */
export const neighKey = (dev: number, ip: number): number => dev * 0x100000000 + (ip >>> 0);

export function neighLookup(ns: Netns | Netns, dev: number, ip: number): Neighbour | Neighbour | undefined {
  return ns.neigh.get(neighKey(dev, ip));
}

Machine.sideCopiers.set('neigh.queue', (v) => new Map([...(v as Map<string, Uint8Array[]>)].map(([key, q]) => [key, q.map((f) => f.slice())])));

/** Frames queued on unresolved entries (arp_queue), keyed by namespace and entry. */
export function neighQueue(k: Kctx, nsId: number, key: number): Uint8Array[] {
  let all = k.m.side.get('neigh.queue') as Map<string, Uint8Array[]> | undefined;
  if (!all) {
    all = new Map();
    k.m.side.set('neigh.queue', all);
  }
  const qk = `${nsId}:${key}`;
  let q = all.get(qk);
  if (!q) {
    q = [];
    all.set(qk, q);
  }
  return q;
}

export function neighQueueDrop(k: Kctx, nsId: number, key: number): Uint8Array[] {
  const all = k.m.side.get('neigh.queue') as Map<string, Uint8Array[]> | undefined;
  const qk = `${nsId}:${key}`;
  const q = all?.get(qk) ?? [];
  all?.delete(qk);
  return q;
}

/** neigh_add's __neigh_create: an empty (NONE) entry that an update then fills. */
export function neighCreate(k: Kctx, nsId: number, d: Device, ip: number): Neighbour {
  const ns = k.w.netns[nsId]!;
  const key = neighKey(d.ifindex, ip);
  const n: Neighbour = { ip, dev: d.ifindex, state: 'NONE', probes: 0, confirmed: neverConfirmed(k, d), updated: k.m.now, used: k.m.now, timerGen: 0 };
  ns.neigh.set(key, n);
  return n;
}

/** neigh_delete / neigh_flush_dev: the entry goes, with its timer and whatever waited on it. */
export function neighDelete(k: Kctx, nsId: number, dev: number, ip: number): void {
  const ns = k.w.netns[nsId]!;
  const key = neighKey(dev, ip);
  const n = ns.neigh.get(key);
  if (!n) throw kerr('ENOENT');
  n.timerGen++;
  ns.neigh.delete(key);
  neighQueueDrop(k, nsId, key);
}

/** pneigh_lookup(creat): a static proxy entry; adding it again is not an error. */
export function pneighAdd(ns: Netns, dev: number, ip: number): void {
  ns.pneigh.set(neighKey(dev, ip), { ip, dev });
}

/** pneigh_delete */
export function pneighDelete(ns: Netns, dev: number, ip: number): void {
  const key = neighKey(dev, ip);
  if (!ns.pneigh.delete(key)) throw kerr('ENOENT');
}

/** Remove a device's entries: all of them (admin down, unregister) or all but permanent (carrier loss). */
export function neighFlushDev(k: Kctx, nsId: number, dev: number, skipPerm: boolean): void {
  const ns = k.w.netns[nsId];
  if (!ns) return;
  for (const [key, n] of ns.neigh) {
    if (n.dev !== dev) continue;
    if (skipPerm && (n.state === 'PERMANENT' || n.state === 'NOARP')) continue;
    ns.neigh.delete(key);
    neighQueueDrop(k, nsId, key);
  }
  // pneigh_ifdown: proxy entries of the device go on down and unregister
  if (!skipPerm) for (const [key, p] of ns.pneigh) if (p.dev === dev) ns.pneigh.delete(key);
}

/** arp_netdev_event / neigh_ifdown / neigh_carrier_down */
export function neighNetdevEvent(k: Kctx, nsId: number, d: Device, ev: NetdevEvent): void {
  if (ev === 'DOWN' || ev === 'UNREGISTER') neighFlushDev(k, nsId, d.ifindex, false);
  else if (ev === 'CHANGE' && !d.carrier) {
    const evict = d.sysctl['ipv4/arp_evict_nocarrier'] !== '0';
    if (evict) neighFlushDev(k, nsId, d.ifindex, true);
  }
}

// ---- resolution and timers (neigh_resolve_output, __neigh_event_send, neigh_timer_handler) ----

import { Machine, NS_PER_MS, NS_PER_SEC } from '../kernel/machine.ts';
import { ktrace } from '../kernel/trace.ts';
import { findDevById } from '../kernel/link_watch.ts';
import { deviceOps } from '../devices/ops.ts';
import { runTaps } from '../capture/taps.ts';
import { ipv4ToText, macFromText, macWriteText } from './wire/addr.ts';
import { devInt } from '../kernel/sysctl.ts';
import { arpSolicit } from './ipv4/arp.ts';
import { ipv4LinkFailure } from './ipv4/icmp.ts';

/** A neighbour parameter of the device (its neigh_parms). */
function parm(d: Device | Device, key: string): number {
  return devInt(d, `neigh/${key}`);
}

/** neigh_rand_reach_time: uniformly in [base/2, 3·base/2). */
function reachableTime(k: Kctx, d: Device): number {
  const base = parm(d, 'base_reachable_time_ms') * NS_PER_MS;
  return Math.floor(base / 2 + k.m.random(k.w) * base);
}

/** Put the Ethernet header on and hand the frame to the device (neigh_hh_output / dev_queue_xmit). */
export function devQueueXmit(k: Kctx, nsId: number, d: Device, frame: Uint8Array): void {
  if (!d.up) {
    if (k.m.tracer) ktrace(k, nsId, d.name, 'dev_queue_xmit', frame, undefined, `${d.name} is down`);
    d.stats.txDropped++;
    return;
  }
  runTaps(k, nsId, d, frame, 'out');
  if (!d.carrier && d.kind !== 'loopback') {
    if (k.m.tracer) ktrace(k, nsId, d.name, 'dev_queue_xmit', frame, undefined, `${d.name} has no carrier (link down)`);
    // no carrier: the qdisc holds nothing (noqueue) and the frame is dropped
    d.stats.txCarrier++;
    return;
  }
  if (k.m.tracer) ktrace(k, nsId, d.name, 'dev_queue_xmit', frame);
  deviceOps(d.kind).xmit(k, nsId, d, frame);
}

/** Write dst/src MACs into a frame that has its ethertype and payload already. */
export function fillEthHeader(frame: Uint8Array, dst: string, src: string): void {
  // the common case (the kernel's own text form) without allocating; anything else the long way
  if (!macWriteText(frame, 0, dst)) frame.set(macFromText(dst)!, 0);
  if (!macWriteText(frame, 6, src)) frame.set(macFromText(src)!, 6);
}

function armTimer(k: Kctx, nsId: number, n: Neighbour, devId: number, delay: number): void {
  const gen = ++n.timerGen;
  const key = neighKey(n.dev, n.ip);
  k.m.schedule(delay, (k2) => neighTimerHandler(k2, nsId, key, gen, devId));
}

/** __neigh_lookup(creat): the entry, made by arp_constructor if missing — a device without ARP
 *  gets a NOARP entry holding its own address. */
export function neighLookupCreate(k: Kctx, nsId: number, d: Device, ip: number): Neighbour {
  const ns = k.w.netns[nsId]!;
  const key = neighKey(d.ifindex, ip);
  let n = ns.neigh.get(key);
  if (n) return n;
  n = d.noarp
    ? { ip, dev: d.ifindex, state: 'NOARP', lladdr: d.mac, probes: 0, confirmed: k.m.now, updated: k.m.now, used: k.m.now, timerGen: 0 }
    : { ip, dev: d.ifindex, state: 'NONE', probes: 0, confirmed: neverConfirmed(k, d), updated: k.m.now, used: k.m.now, timerGen: 0 };
  ns.neigh.set(key, n);
  return n;
}

/** __neigh_event_send for an entry that is NONE or FAILED: start resolving (INCOMPLETE, the
 *  retransmit timer, the first solicitation — its source taken from `frame` when there is one). */
export function neighStartResolve(k: Kctx, nsId: number, d: Device, n: Neighbour, frame?: Uint8Array): void {
  n.state = 'INCOMPLETE';
  n.probes = parm(d, 'ucast_solicit');
  n.updated = k.m.now;
  armTimer(k, nsId, n, d.id, Math.max(parm(d, 'retrans_time_ms') * NS_PER_MS, 10 * NS_PER_MS));
  n.probes++;
  arpSolicit(k, nsId, d, n, frame);
}

/** neigh_resolve_output: send `frame` (an Ethernet frame whose MACs are still blank) to next hop `ip`. */
export function neighOutput(k: Kctx, nsId: number, d: Device, ip: number, frame: Uint8Array): void {
  const key = neighKey(d.ifindex, ip);
  const n = neighLookupCreate(k, nsId, d, ip);
  n.used = k.m.now;
  if (k.m.tracer) ktrace(k, nsId, d.name, 'neigh_resolve_output', frame, `${ipv4ToText(ip)} ${n.state}`);
  switch (n.state) {
    case 'PERMANENT':
    case 'NOARP':
    case 'REACHABLE':
    case 'DELAY':
    case 'PROBE':
      break;
    case 'STALE':
      n.state = 'DELAY';
      n.updated = k.m.now;
      armTimer(k, nsId, n, d.id, parm(d, 'delay_first_probe_time') * NS_PER_SEC);
      break;
    case 'INCOMPLETE': {
      const q = neighQueue(k, nsId, key);
      q.push(frame);
      let bytes = q.reduce((s, f) => s + f.length, 0);
      while (bytes > parm(d, 'unres_qlen_bytes') && q.length > 0) bytes -= q.shift()!.length;
      return;
    }
    default:
      // NONE or FAILED: the frame waits for the answer
      neighQueue(k, nsId, key).push(frame);
      neighStartResolve(k, nsId, d, n, frame);
      return;
  }
  fillEthHeader(frame, n.lladdr!, d.mac);
  devQueueXmit(k, nsId, d, frame);
}

function maxProbes(d: Device | Device, state: string): number {
  const u = parm(d, 'ucast_solicit') + parm(d, 'app_solicit');
  return state === 'PROBE' ? u + parm(d, 'mcast_resolicit') : u + parm(d, 'mcast_solicit');
}

function neighTimerHandler(k: Kctx, nsId: number, key: number, gen: number, devId: number): void {
  const ns = k.w.netns[nsId];
  const n = ns?.neigh.get(key);
  if (!ns || !n || n.timerGen !== gen) return;
  const f = findDevById(k, devId);
  if (!ns || !n || n.timerGen !== gen || !f) return;
  const d = f.dev;
  const now = k.m.now;
  const delayProbe = parm(d, 'delay_first_probe_time') * NS_PER_SEC;
  const retrans = parm(d, 'retrans_time_ms') * NS_PER_MS;
  switch (n.state) {
    case 'REACHABLE':
      // the timer was armed for confirmed + reachable_time; a new confirmation re-arms it
      if (now < n.used + delayProbe) {
        n.state = 'DELAY';
        n.updated = now;
        armTimer(k, nsId, n, devId, delayProbe);
      } else {
        n.state = 'STALE';
        n.updated = now;
      }
      return;
    case 'DELAY':
      if (now < n.confirmed + delayProbe) {
        n.state = 'REACHABLE';
        n.updated = now;
        armTimer(k, nsId, n, devId, n.confirmed + reachableTime(k, d) - now);
      } else {
        n.state = 'PROBE';
        n.updated = now;
        n.probes = 0;
        n.probes++;
        arpSolicit(k, nsId, d, n, undefined);
        armTimer(k, nsId, n, devId, retrans);
      }
      return;
    case 'INCOMPLETE':
    case 'PROBE':
      if (n.probes >= maxProbes(d, n.state)) {
        n.state = 'FAILED';
        n.updated = now;
        // neigh_invalidate: every queued packet gets its error report (ICMP host unreachable)
        for (const frame of neighQueueDrop(k, nsId, key)) {
          if (k.m.tracer) ktrace(k, nsId, d.name, 'neigh_invalidate', frame, undefined, `neighbour ${ipv4ToText(n.ip)} FAILED: no ARP reply on ${d.name}`);
          ipv4LinkFailure(k, nsId, frame);
        }
        return;
      }
      n.probes++;
      arpSolicit(k, nsId, d, n, undefined);
      armTimer(k, nsId, n, devId, retrans);
      return;
    default:
      return;
  }
}

/** neigh_update from ARP: a reply to us confirms (REACHABLE), anything else leaves it STALE. */
export function neighUpdate(k: Kctx, nsId: number, d: Device, ip: number, lladdr: string, state: 'REACHABLE' | 'STALE', create: boolean): void {
  const ns = k.w.netns[nsId]!;
  const key = neighKey(d.ifindex, ip);
  let n = ns.neigh.get(key);
  if (!n) {
    if (!create) return;
    n = { ip, dev: d.ifindex, state: 'NONE', probes: 0, confirmed: neverConfirmed(k, d), updated: k.m.now, used: k.m.now - 1, timerGen: 0 };
    ns.neigh.set(key, n);
  }
  if (n.state === 'PERMANENT' || n.state === 'NOARP') return;
  // locktime: a different address within locktime of the last update is ignored
  const lock = parm(d, 'locktime') * 10 * NS_PER_MS;
  if (n.lladdr && n.lladdr !== lladdr && n.state !== 'INCOMPLETE' && k.m.now - n.updated < lock) return;
  const wasResolving = n.state === 'INCOMPLETE';
  if (state === 'STALE' && n.lladdr === lladdr && n.state !== 'INCOMPLETE' && n.state !== 'FAILED' && n.state !== 'NONE') {
    // same address, not a confirmation: the state stays (neigh_update without OVERRIDE)
    n.updated = k.m.now;
    return;
  }
  n.lladdr = lladdr;
  n.state = state;
  n.updated = k.m.now;
  if (state === 'REACHABLE') {
    n.confirmed = k.m.now;
    armTimer(k, nsId, n, d.id, reachableTime(k, d));
  } else {
    n.timerGen++;
  }
  if (wasResolving || state === 'REACHABLE') {
    const queued = neighQueueDrop(k, nsId, key);
    // the queue leaves through n->output (neigh_resolve_output): a STALE entry turns DELAY
    if (queued.length > 0 && n.state === 'STALE') {
      n.state = 'DELAY';
      n.used = k.m.now;
      armTimer(k, nsId, n, d.id, parm(d, 'delay_first_probe_time') * NS_PER_SEC);
    }
    for (const frame of queued) {
      fillEthHeader(frame, lladdr, d.mac);
      devQueueXmit(k, nsId, d, frame);
    }
  }
}

// ---- administrative changes (`ip neigh add/change/replace`: __neigh_update with NEIGH_UPDATE_F_ADMIN) ----

/** NUD_* state bits (include/uapi/linux/neighbour.h) */
export const NUD = { INCOMPLETE: 0x01, REACHABLE: 0x02, STALE: 0x04, DELAY: 0x08, PROBE: 0x10, FAILED: 0x20, NOARP: 0x40, PERMANENT: 0x80, NONE: 0x00 } as const;
export const NUD_VALID = NUD.PERMANENT | NUD.NOARP | NUD.REACHABLE | NUD.PROBE | NUD.STALE | NUD.DELAY;
export const NUD_CONNECTED = NUD.PERMANENT | NUD.NOARP | NUD.REACHABLE;

export const NUD_BIT: Record<NudState, number> = { INCOMPLETE: 0x01, REACHABLE: 0x02, STALE: 0x04, DELAY: 0x08, PROBE: 0x10, FAILED: 0x20, NOARP: 0x40, PERMANENT: 0x80, NONE: 0 };
export const NUD_NAME: [number, NudState][] = [
  [NUD.INCOMPLETE, 'INCOMPLETE'],
  [NUD.REACHABLE, 'REACHABLE'],
  [NUD.STALE, 'STALE'],
  [NUD.DELAY, 'DELAY'],
  [NUD.PROBE, 'PROBE'],
  [NUD.FAILED, 'FAILED'],
  [NUD.NOARP, 'NOARP'],
  [NUD.PERMANENT, 'PERMANENT'],
];

function stateOfBits(bits: number): NudState {
  for (const [b, n] of NUD_NAME) if (bits === b) return n;
  return 'NONE';
}

/** neigh_alloc leaves `confirmed` two base reachable times in the past. */
export function neverConfirmed(k: Kctx, d: Device | Device): number {
  const base = Number.parseInt(d.sysctl['neigh/base_reachable_time_ms'] ?? '30000', 10);
  return k.m.now - 2 * base * NS_PER_MS;
}

/**
 * __neigh_update with NEIGH_UPDATE_F_ADMIN (and OVERRIDE unless `noOverride`): what `ip neigh
 * add/change/replace` asks of an entry. Timed states go through the kernel's neighUpdate so that
 * their timers run; the others are set as the kernel sets them.
 */
export function neighAdminUpdate(k: Kctx, nsId: number, d: Device, n: Neighbour, lladdr: string | undefined, newBits: number, override: boolean): void {
  const key = neighKey(n.dev, n.ip);
  const oldBits = NUD_BIT[n.state];
  const now = k.m.now;
  if (!(newBits & NUD_VALID)) {
    n.timerGen++;
    n.state = stateOfBits(newBits);
    if (newBits & NUD.FAILED || newBits === 0) neighQueueDrop(k, nsId, key);
    return;
  }
  let ll = lladdr;
  if (ll === undefined) {
    if (!(oldBits & NUD_VALID)) throw kerr('EINVAL', 'No link layer address given');
    ll = n.lladdr;
  }
  if (oldBits & NUD_VALID && ll !== n.lladdr && !override) return;
  if (newBits === NUD.REACHABLE) {
    // the kernel arms the reachable timer: hand the entry to neighUpdate as a fresh answer
    if (oldBits & (NUD.PERMANENT | NUD.NOARP)) {
      n.state = 'STALE';
      n.timerGen++;
    }
    n.updated = now - 1e15;
    neighUpdate(k, nsId, d, n.ip, ll!, 'REACHABLE', true);
    return;
  }
  const changed = ll !== n.lladdr;
  const newState = stateOfBits(newBits);
  if (newState !== n.state || changed) n.updated = now;
  if (newBits & NUD_CONNECTED) n.confirmed = now;
  if (newState !== n.state) {
    n.timerGen++;
    if (newBits & NUD.PROBE) n.probes = 0;
    n.state = newState;
  }
  if (changed) {
    n.lladdr = ll;
    if (!(newBits & NUD_CONNECTED)) n.confirmed = neverConfirmed(k, d);
  }
  if (!(oldBits & NUD_VALID)) {
    for (const frame of neighQueueDrop(k, nsId, key)) {
      fillEthHeader(frame, ll!, d.mac);
      devQueueXmit(k, nsId, d, frame);
    }
  }
}
