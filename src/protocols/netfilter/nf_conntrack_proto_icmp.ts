// net/netfilter/nf_conntrack_proto_icmp.c: an ICMP query's tuple (id, type, code) and its
// inverse (echo ↔ echo reply …); icmp_new (only queries start a flow) and the error types whose
// quoted packet makes them RELATED to a flow (nf_conntrack_icmpv4_error).
import type { CtTuple } from '../../kernel/types.ts';
import { NS_PER_SEC } from '../../kernel/machine.ts';

/** nf_ct_icmp_timeout */
export const ICMP_CT_TIMEOUT = 30 * NS_PER_SEC;

/** invmap: the reply type of each query type (echo, timestamp, info, address mask) */
const INVMAP: Record<number, number> = { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 };

/** icmp_pkt_to_tuple: `l4` is the ICMP header's offset. */
export function icmpPktToTuple(frame: Uint8Array, l4: number, src: number, dst: number): CtTuple {
  return { src, dst, proto: 1, sport: (frame[l4 + 4]! << 8) | frame[l4 + 5]!, dport: (frame[l4]! << 8) | frame[l4 + 1]! };
}

/** icmp_invert_tuple: undefined for a type without a reply type (it cannot be tracked). */
export function icmpInvertTuple(t: CtTuple): CtTuple | undefined {
  const rtype = INVMAP[t.dport >> 8];
  if (rtype === undefined) return undefined;
  return { src: t.dst, dst: t.src, proto: 1, sport: t.sport, dport: (rtype << 8) | (t.dport & 0xff) };
}

/** icmp_new: only the query types (echo, timestamp, info, address mask requests) start a flow. */
export function icmpIsNew(type: number): boolean {
  return type === 8 || type === 13 || type === 15 || type === 17;
}

/** icmp_is_error: destination unreachable, source quench, redirect, time exceeded, parameter problem. */
export function icmpIsError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}
