// net/ipv4/ip_input.c + ip_forward.c: ip_rcv (sanity checks), the input route, local delivery
// (ip_local_deliver → icmp_rcv / raw) or forwarding (TTL, then out via the next hop).
import type { Draft } from 'immer';
import type { Kctx } from '../../kernel/machine.ts';
import type { Device } from '../../kernel/types.ts';
import { ETH_HLEN } from '../wire/ethernet.ts';
import { ipv4ChecksumValid, ipv4DecTtl, ipv4Dst, ipv4HeaderLen, ipv4Proto, ipv4Src, ipv4TotalLength, ipv4Ttl, ipv4Version, IPPROTO_ICMP } from '../wire/ipv4.ts';
import { ICMP_DEST_UNREACH, ICMP_EXC_TTL, ICMP_TIME_EXCEEDED } from '../wire/icmp.ts';
import type { PktType } from '../../devices/rx.ts';
import { ipRouteInput } from './route.ts';
import { icmpRcv, icmpSend } from './icmp.ts';
import { rawV4Input } from './raw.ts';
import { ipOutput } from './ip_output.ts';
import { nfHookIpv4 } from '../netfilter/nf_hook.ts';
import { nfCtMove } from '../netfilter/nf_conntrack_core.ts';

/** ip_rcv */
export function ipRcv(k: Kctx, nsId: number, d: Draft<Device>, rxFrame: Uint8Array, pt: PktType): void {
  if (pt === 'otherhost') return;
  const ip = ETH_HLEN;
  if (rxFrame.length < ip + 20 || ipv4Version(rxFrame, ip) !== 4) return;
  const hl = ipv4HeaderLen(rxFrame, ip);
  const total = ipv4TotalLength(rxFrame, ip);
  if (hl < 20 || total < hl || rxFrame.length < ip + total || !ipv4ChecksumValid(rxFrame, ip)) return;
  // PREROUTING: conntrack, and DNAT before the route is chosen
  const frame = nfHookIpv4(k, nsId, 'PREROUTING', rxFrame, ip, d);
  if (!frame) return;
  const ns = k.w.netns[nsId]!;
  const v = ipRouteInput(ns, ipv4Dst(frame, ip), ipv4Src(frame, ip), d);
  switch (v.kind) {
    case 'drop':
      return;
    case 'unreachable':
      icmpSend(k, nsId, frame, ip, ICMP_DEST_UNREACH, v.code);
      return;
    case 'local': {
      const f = nfHookIpv4(k, nsId, 'INPUT', frame, ip, d);
      if (f) ipLocalDeliver(k, nsId, d, f, ip, v.brd);
      return;
    }
    case 'forward': {
      // ip_forward: TTL expiry answers with time exceeded; otherwise decrement and send on
      if (ipv4Ttl(frame, ip) <= 1) {
        icmpSend(k, nsId, frame, ip, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL);
        return;
      }
      const out = frame.slice();
      nfCtMove(k, frame, out);
      ipv4DecTtl(out, ip);
      if (!nfHookIpv4(k, nsId, 'FORWARD', out, ip, d, k.w.netns[nsId]!.devs[v.route.dev])) return;
      ipOutput(k, nsId, v.route, out);
      return;
    }
  }
}

/** ip_local_deliver_finish */
function ipLocalDeliver(k: Kctx, nsId: number, d: Draft<Device>, frame: Uint8Array, ip: number, brd: boolean): void {
  const proto = ipv4Proto(frame, ip);
  if (proto === IPPROTO_ICMP) icmpRcv(k, nsId, d, frame, ip, brd);
  else rawV4Input(k, nsId, frame.subarray(ip, ip + ipv4TotalLength(frame, ip)), proto);
}
