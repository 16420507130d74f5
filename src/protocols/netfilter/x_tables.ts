// net/netfilter/x_tables.c: what a match or a target sees of the packet (struct xt_action_param)
// and the verdicts a target gives.
import type { Draft } from 'immer';
import type { Kctx } from '../../kernel/machine.ts';
import type { Device } from '../../kernel/types.ts';

export type NfHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

export interface XtPkt {
  k: Kctx;
  nsId: number;
  hook: NfHook;
  frame: Uint8Array;
  /** offset of the IPv4 header in frame */
  ip: number;
  indev?: Device | Draft<Device>;
  outdev?: Device | Draft<Device>;
  /** the route's next hop (POSTROUTING): MASQUERADE picks the address toward it */
  nexthop?: number;
}

/** NF_ACCEPT, NF_DROP, or XT_CONTINUE (go on with the next rule, as LOG does). */
export type XtVerdict = 'ACCEPT' | 'DROP' | 'CONTINUE';
