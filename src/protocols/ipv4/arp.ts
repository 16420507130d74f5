// net/ipv4/arp.c: arp_rcv/arp_process (answer requests for local addresses, learn senders) and
// arp_solicit (the requests neighbour resolution sends).
import type { Kctx } from '../../kernel/machine.ts';
import { ktrace } from '../../kernel/trace.ts';
import type { Device, Neighbour, Netns } from '../../kernel/types.ts';
import { confAny, confMax, devInt } from '../../kernel/sysctl.ts';
import { NS_PER_MS } from '../../kernel/machine.ts';
import { findDevById } from '../../kernel/link_watch.ts';
import { ARP_LEN, ARPHRD_ETHER, ARPOP_REPLY, ARPOP_REQUEST, arpEmit, arpParse } from '../wire/arp.ts';
import { ETH_HLEN, ETH_P_ARP, ETH_P_IP } from '../wire/ethernet.ts';
import { inPrefix, ipv4IsLoopback, ipv4IsMulticast, ipv4ToText, MAC_BROADCAST, MAC_ZERO, macFromText, macToText, prefixNetwork } from '../wire/addr.ts';
import { ipv4Src } from '../wire/ipv4.ts';
import type { PktType } from '../../devices/rx.ts';
import { devQueueXmit, neighKey, neighUpdate } from '../neighbour.ts';
import { ipRouteInput } from './route.ts';
import { fibLookup } from './fib.ts';
import { inetSelectAddr } from './devinet.ts';
import { allocSkb } from '../../kernel/skbuff.ts';

function arpSend(k: Kctx, nsId: number, d: Device, op: number, dstHw: Uint8Array, tip: number, sip: number, tha: Uint8Array): void {
  const frame = allocSkb(ETH_HLEN + ARP_LEN);
  const src = macFromText(d.mac)!;
  frame.set(dstHw, 0);
  frame.set(src, 6);
  frame[12] = ETH_P_ARP >> 8;
  frame[13] = ETH_P_ARP & 0xff;
  arpEmit({ htype: ARPHRD_ETHER, ptype: ETH_P_IP, op, sha: src, spa: sip, tha, tpa: tip }, frame, ETH_HLEN);
  devQueueXmit(k, nsId, d, frame);
}

/** arp_solicit: broadcast while INCOMPLETE, unicast to the cached address in PROBE. The sender
 *  address follows arp_announce: by default the source of the packet that needs resolving. */
export function arpSolicit(k: Kctx, nsId: number, d: Device, n: Neighbour, pending: Uint8Array | undefined): void {
  const ns = k.w.netns[nsId]!;
  const announce = confMax(ns, d, 'arp_announce');
  let saddr = 0;
  const pktSrc = pending && pending.length >= ETH_HLEN + 20 ? ipv4Src(pending, ETH_HLEN) : 0;
  if (announce === 0 && pktSrc && fibLookup(ns, pktSrc)?.type === 'local') saddr = pktSrc;
  else if (announce === 1 && pktSrc && d.addrs.some((a) => inPrefix(n.ip, prefixNetwork(a.address, a.prefixlen), a.prefixlen) && a.local === pktSrc)) saddr = pktSrc;
  if (!saddr) saddr = inetSelectAddr(ns, d, n.ip, 253);
  const unicast = n.state === 'PROBE' && n.lladdr !== undefined;
  arpSend(k, nsId, d, ARPOP_REQUEST, unicast ? macFromText(n.lladdr!)! : MAC_BROADCAST, n.ip, saddr, unicast ? macFromText(n.lladdr!)! : MAC_ZERO);
}

/** pneigh_enqueue: a broadcast request for a proxied address is answered after a random delay
 *  below proxy_delay (then re-processed: parp_redo), if the device is still up. */
function pneighEnqueue(k: Kctx, nsId: number, d: Device, delay: number, sha: Uint8Array, sip: number, tip: number): void {
  const id = d.id;
  k.m.schedule(delay, (k2) => {
    const f = findDevById(k2, id);
    if (f?.dev.up) arpSend(k2, f.ns, f.dev, ARPOP_REPLY, sha, sip, tip, sha);
  });
}

/** arp_rcv → arp_process */
export function arpRcv(k: Kctx, nsId: number, d: Device, frame: Uint8Array, pt: PktType): void {
  if (pt === 'otherhost' || d.noarp) return;
  let arp;
  try {
    arp = arpParse(frame, ETH_HLEN);
  } catch {
    return;
  }
  if (arp.htype !== ARPHRD_ETHER || arp.ptype !== ETH_P_IP) return;
  if (arp.op !== ARPOP_REQUEST && arp.op !== ARPOP_REPLY) return;
  const ns = k.w.netns[nsId]!;
  const { spa: sip, tpa: tip } = arp;
  if (k.m.tracer) ktrace(k, nsId, d.name, 'arp_process', frame, arp.op === ARPOP_REQUEST ? `request who-has ${ipv4ToText(tip)} tell ${ipv4ToText(sip)}` : `reply ${ipv4ToText(sip)} is-at ${macToText(arp.sha)}`);
  if (ipv4IsMulticast(tip) || (!confAny(ns, d, 'route_localnet') && ipv4IsLoopback(tip))) return;
  const sha = macToText(arp.sha);
  if (sip === 0) {
    // duplicate address detection probe: answer only for our own address on this device
    if (arp.op === ARPOP_REQUEST && d.addrs.some((a) => a.local === tip)) arpSend(k, nsId, d, ARPOP_REPLY, arp.sha, sip, tip, arp.sha);
    return;
  }
  if (arp.op === ARPOP_REQUEST) {
    // a request whose input route fails still refreshes an entry we have (below)
    const v = ipRouteInput(ns, tip, sip, d);
    if (v.kind === 'local' && !v.brd) {
      const ignore = confMax(ns, d, 'arp_ignore');
      const onDev = d.addrs.some((a) => a.local === tip);
      if (ignore === 1 && !onDev) return;
      if (ignore === 2 && !d.addrs.some((a) => a.local === tip && inPrefix(sip, prefixNetwork(a.address, a.prefixlen), a.prefixlen))) return;
      if (ignore >= 8) return;
      // neigh_event_ns: the sender is learned as STALE
      neighUpdate(k, nsId, d, sip, sha, 'STALE', true);
      arpSend(k, nsId, d, ARPOP_REPLY, arp.sha, sip, tip, arp.sha);
      return;
    }
    // proxy ARP: the input route forwards the target out of another device, and proxy_arp is
    // on for this one (or a static proxy entry exists) — answer with our own MAC
    if (v.kind === 'forward' && v.route.type === 'unicast' && v.route.dev !== d.ifindex && (confAny(ns, d, 'proxy_arp') || ns.pneigh.has(neighKey(d.ifindex, tip)))) {
      neighUpdate(k, nsId, d, sip, sha, 'STALE', true);
      if (k.m.tracer) ktrace(k, nsId, d.name, 'arp_process', frame, `proxy ARP for ${ipv4ToText(tip)}`);
      const delay = devInt(d, 'neigh/proxy_delay') * 10 * NS_PER_MS;
      if (pt === 'host' || delay === 0) arpSend(k, nsId, d, ARPOP_REPLY, arp.sha, sip, tip, arp.sha);
      else pneighEnqueue(k, nsId, d, Math.floor(k.m.random(k.w) * delay), arp.sha, sip, tip);
      return;
    }
  }
  // anything else only refreshes an entry we already have (arp_accept 0)
  if (k.m.tracer && arp.op === ARPOP_REQUEST) {
    const v = ipRouteInput(ns, tip, sip, d);
    const why = v.kind === 'drop' ? (v.reason === 'martian' ? `martian source ${ipv4ToText(sip)} on ${d.name}` : v.reason === 'rpfilter' ? `rp_filter: the reverse path to ${ipv4ToText(sip)} is not through ${d.name}` : v.reason === 'noforward' ? `${ipv4ToText(tip)} is not ours and ${d.name} does not forward` : 'fib lookup: no route') : v.kind === 'forward' ? `${ipv4ToText(tip)} is not ours (no proxy_arp on ${d.name})` : `not answered (arp_ignore / arp_filter on ${d.name})`;
    ktrace(k, nsId, d.name, 'arp_process', frame, undefined, `no reply: ${why}`);
  }
  const state = arp.op === ARPOP_REPLY && pt === 'host' ? 'REACHABLE' : 'STALE';
  neighUpdate(k, nsId, d, sip, sha, state, confAny(ns, d, 'arp_accept') && arp.op === ARPOP_REPLY);
}

/** arp_seq_show: /proc/net/arp, the neighbours (not NOARP ones) in table order, then the proxy
 *  entries (ATF_PUBL | ATF_PERM). Flags: ATF_COM once the address is valid, ATF_PERM. */
export function arpSeqShow(ns: Netns): string {
  let out = 'IP address       HW type     Flags       HW address            Mask     Device\n';
  const line = (ip: number, flags: number, hw: string, dev: string): string => `${ipv4ToText(ip).padEnd(16)} 0x${'1'.padEnd(10)}0x${flags.toString(16).padEnd(10)}${hw.padEnd(17)}     *        ${dev}\n`;
  for (const n of ns.neigh.values()) {
    if (n.state === 'NOARP' || n.state === 'NONE') continue;
    const valid = n.state !== 'INCOMPLETE' && n.state !== 'FAILED';
    const flags = (valid ? 0x2 : 0) | (n.state === 'PERMANENT' ? 0x4 : 0);
    out += line(n.ip, flags, valid && n.lladdr ? n.lladdr : '00:00:00:00:00:00', ns.devs[n.dev]?.name ?? '');
  }
  for (const p of ns.pneigh.values()) out += line(p.ip, 0xc, '00:00:00:00:00:00', ns.devs[p.dev]?.name ?? '*');
  return out;
}
