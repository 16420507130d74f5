// net/netfilter/x_tables.c: what a match or a target sees of the packet (struct xt_action_param)
// and the verdicts a target gives.
import { Machine, type Kctx } from '../../kernel/machine.ts';
import type { Device } from '../../kernel/types.ts';

export type NfHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export interface XtPkt {
  k: Kctx;
  nsId: number;
  hook: NfHook;
  frame: Uint8Array;
  /** offset of the IPv4 header in frame */
  ip: number;
  indev?: Device | Device;
  outdev?: Device | Device;
  /** the route's next hop (POSTROUTING): MASQUERADE picks the address toward it */
  nexthop?: number;
  /** br_netfilter's nf_bridge_info (set only for IPv4 frames that came in through a bridge
   *  port): the port it came in on, and the port it leaves by once the bridge has chosen one */
  physin?: Device | Device;
  physout?: Device | Device;
  /** a match saw a header it could not read: the packet is dropped (par->hotdrop) */
  hotdrop?: boolean;
  /** what decided the verdict (`FORWARD rule 2 -j DROP`, `policy DROP`), set while tracing */
  decided?: string;
}

/** NF_ACCEPT, NF_DROP, or XT_CONTINUE (go on with the next rule, as LOG does). */
export type XtVerdict = 'ACCEPT' | 'DROP' | 'CONTINUE';

/** The bridge ports br_netfilter records for a frame (skb->nf_bridge). */
export interface NfBridgePhys {
  physin?: Device | Device;
  physout?: Device | Device;
}

/** A frame a bridge passes up to its own stack keeps its in port (beside the frame, as
 *  conntrack's reference is): by namespace, bridge and port ifindex. */
interface UpFrame {
  ns: number;
  br: number;
  port: number;
}

// a fork's frames in flight are copies: they start without the originals' nf_bridge mark
Machine.sideCopiers.set('nf_bridge', () => undefined);

const upFrames = (k: Kctx): WeakMap<Uint8Array, UpFrame> => {
  let w = k.m.side.get('nf_bridge') as WeakMap<Uint8Array, UpFrame> | undefined;
  if (!w) k.m.side.set('nf_bridge', (w = new WeakMap()));
  return w;
};

export function nfBridgeUp(k: Kctx, nsId: number, frame: Uint8Array, br: number, port: number): void {
  upFrames(k).set(frame, { ns: nsId, br, port });
}

/** The in port of a frame the bridge `indev` passed up, if it is one. */
export function nfBridgeUpPort(k: Kctx, nsId: number, frame: Uint8Array, indev: Device | Device | undefined): Device | Device | undefined {
  const e = upFrames(k).get(frame);
  return e && e.ns === nsId && e.br === indev?.ifindex ? k.w.netns[nsId]?.devs[e.port] : undefined;
}

/** The skb was copied (NAT rewrote it): the copy carries the same bridge info. */
export function nfBridgeMove(k: Kctx, from: Uint8Array, to: Uint8Array): void {
  const e = upFrames(k).get(from);
  if (e) upFrames(k).set(to, e);
}
