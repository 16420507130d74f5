// NF_HOOK for IPv4 (net/netfilter/core.c nf_hook_slow): at each hook point the tables and
// conntrack run in the order of their priorities (include/uapi/linux/netfilter_ipv4.h):
// raw −300, conntrack −200, mangle −150, nat DNAT −100, filter 0, nat SNAT +100, confirm last.
// A table an iptables command never touched is not registered and sees nothing.
import type { Kctx } from '../../kernel/machine.ts';
import { ktrace } from '../../kernel/trace.ts';
import type { Device } from '../../kernel/types.ts';
import { iptDoTable } from './ip_tables.ts';
import { IP_CT_NEW, nfConntrackConfirm, nfConntrackIn, nfCtGet } from './nf_conntrack_core.ts';
import { natInitialized, nfNatPacket, nfNatSetupInfo, type NatManip } from './nf_nat_core.ts';
import { nfBridgeMove, nfBridgeUpPort, type NfBridgePhys, type NfHook, type XtPkt } from './x_tables.ts';

export type { NfHook } from './x_tables.ts';

/** nf_nat_inet_fn: a flow's first packet runs the nat chain (whose targets bind it; no binding
 *  is the null binding), then every packet of a NATed flow is rewritten. Without conntrack the
 *  nat chains see nothing. */
function natHook(p: XtPkt, manip: NatManip): Uint8Array | null {
  const ct = nfCtGet(p.k, p.nsId, p.frame);
  if (!ct) return p.frame;
  const { c, e } = ct;
  if (c.ctinfo === IP_CT_NEW && !natInitialized(e, manip)) {
    const nat = p.k.w.netns[p.nsId]!.nf.nat;
    if (nat?.[p.hook] && iptDoTable(p, nat) === 'DROP') return null;
    nfNatSetupInfo(p.k, p.nsId, e, manip, undefined);
  }
  return nfNatPacket(p.k, e, c.ctinfo, manip, p.frame, p.ip);
}

/** The packet goes on as NAT left it (a rewritten copy keeps the original's bridge port), or
 *  not at all. */
function step(p: XtPkt, f: Uint8Array | null): boolean {
  if (!f) return false;
  if (f !== p.frame) nfBridgeMove(p.k, p.frame, f);
  p.frame = f;
  return true;
}

function table(p: XtPkt, name: string): boolean {
  const t = p.k.w.netns[p.nsId]!.nf[name];
  if (!t?.[p.hook]) return true;
  if (iptDoTable(p, t) === 'ACCEPT') return true;
  if (p.k.m.tracer) {
    const dev = (p.hook === 'FORWARD' || p.hook === 'POSTROUTING' || p.hook === 'OUTPUT' ? p.outdev : p.indev) ?? p.indev ?? p.outdev;
    ktrace(p.k, p.nsId, dev?.name, `nf_hook ${p.hook} ${name}`, p.frame, undefined, `${p.decided ?? 'DROP'} (${name} table)${p.physin ? ' (bridged: bridge-nf-call-iptables=1)' : ''}`);
  }
  return false;
}

/** NF_HOOK(NFPROTO_IPV4, hook, …): the packet to go on with (NAT may have rewritten it, in a
 *  copy), or null when it was dropped (or stolen by REJECT). `phys`: the bridge ports of a frame
 *  br_netfilter is bridging (a frame a bridge passed up to its stack has its in port recorded). */
export function nfHookIpv4(k: Kctx, nsId: number, hook: NfHook, frame: Uint8Array, ip: number, indev?: Device | Device, outdev?: Device | Device, nexthop?: number, phys?: NfBridgePhys): Uint8Array | null {
  const ns = k.w.netns[nsId];
  if (!ns?.nfHooks) return frame;
  const ct = ns.ct.users > 0;
  // one shape for every packet (no spread, no closure: this runs at every hook of every packet)
  const p: XtPkt = {
    k, nsId, hook, frame, ip, indev, outdev, nexthop,
    physin: phys ? phys.physin : nfBridgeUpPort(k, nsId, frame, indev),
    physout: phys?.physout,
    hotdrop: false,
    decided: undefined,
  };
  switch (hook) {
    case 'PREROUTING':
    case 'OUTPUT':
      if (!table(p, 'raw')) return null;
      if (ct) nfConntrackIn(k, nsId, p.frame, ip);
      if (!table(p, 'mangle')) return null;
      if (ct && !step(p, natHook(p, 'DST'))) return null;
      if (hook === 'OUTPUT' && !table(p, 'filter')) return null;
      return p.frame;
    case 'FORWARD':
      return table(p, 'mangle') && table(p, 'filter') ? p.frame : null;
    case 'INPUT':
    case 'POSTROUTING':
      if (!table(p, 'mangle')) return null;
      if (hook === 'INPUT' && !table(p, 'filter')) return null;
      if (ct && !step(p, natHook(p, 'SRC'))) return null;
      if (ct) nfConntrackConfirm(k, nsId, p.frame);
      return p.frame;
  }
}
