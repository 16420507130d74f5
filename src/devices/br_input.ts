// net/bridge/br_input.c, br_forward.c, br_fdb.c: the bridge's data path.
import type { Kctx } from '../kernel/machine.ts';
import { ktrace } from '../kernel/trace.ts';
import type { Device } from '../kernel/types.ts';
import { macEqualsText, macIsMulticast, macKey, macToText } from '../protocols/wire/addr.ts';
import { deviceOps } from './ops.ts';
import { deliverToStack } from './rx.ts';
import { runTaps } from '../capture/taps.ts';
import { nfHookIpv4 } from '../protocols/netfilter/nf_hook.ts';
import { nfBridgeUp } from '../protocols/netfilter/x_tables.ts';
import { brFdbFind, brFdbUpdate } from './br_fdb.ts';

/** br_handle_frame → br_handle_frame_finish */
export function brHandleFrame(k: Kctx, nsId: number, port: Device, rxFrame: Uint8Array): void {
  const ns = k.w.netns[nsId]!;
  const br = ns.devs[port.master!];
  if (!br?.bridge || !port.port) return;
  const st = port.port.state;
  if (k.m.tracer) ktrace(k, nsId, port.name, 'br_handle_frame', rxFrame, `port of ${br.name}, ${st}`, st === 'disabled' || st === 'blocking' || st === 'listening' ? `${port.name} is ${st} (STP)` : undefined);
  if (st === 'disabled' || st === 'blocking' || st === 'listening') return;
  // br_nf_pre_routing: an IPv4 frame passes PREROUTING once, as it enters (conntrack, DNAT),
  // with the bridge as in device and the port as physdev in; from then on it carries its in
  // port (skb->nf_bridge) to the hooks it meets later
  let frame = rxFrame;
  let nfIn: Device | undefined;
  if (brNfCallIptables(k, nsId, br, frame)) {
    const f = nfHookIpv4(k, nsId, 'PREROUTING', frame, 14, br, undefined, undefined, { physin: port });
    if (!f) return;
    frame = f;
    nfIn = port;
  }
  if (port.port.learning && !macIsMulticast(frame, 6)) brFdbUpdate(k, nsId, br, port.ifindex, frame, 6);
  if (st === 'learning') return;
  if (macIsMulticast(frame, 0)) {
    brFlood(k, nsId, br, port.ifindex, frame, nfIn);
    brPassFrameUp(k, nsId, br, frame, nfIn);
    return;
  }
  const e = brFdbFind(k, br, macKey(frame, 0));
  if (e && !e.local) e.used = k.m.now;
  if (e?.local || macEqualsText(frame, 0, br.mac)) {
    brPassFrameUp(k, nsId, br, frame, nfIn);
    return;
  }
  if (br.promiscuity > 0) brPassFrameUp(k, nsId, br, frame, nfIn);
  if (e) {
    if (e.port !== port.ifindex) brForward(k, nsId, br, ns.devs[e.port], frame, nfIn);
    else if (k.m.tracer) ktrace(k, nsId, port.name, 'br_handle_frame', frame, undefined, `the FDB has ${macToText(frame, 0)} on ${port.name}, the port it came in by`);
  } else brFlood(k, nsId, br, port.ifindex, frame, nfIn);
}

/** br_pass_frame_up: the bridge device receives it (its taps, then its own stack; br_netfilter
 *  remembers the port an IPv4 frame came in on). */
function brPassFrameUp(k: Kctx, nsId: number, br: Device, frame: Uint8Array, nfIn: Device | undefined): void {
  if (k.m.tracer) ktrace(k, nsId, br.name, 'br_pass_frame_up', frame, undefined, br.up ? undefined : `${br.name} is down`);
  if (!br.up) return;
  br.stats.rxPackets++;
  br.stats.rxBytes += frame.length;
  runTaps(k, nsId, br, frame, 'in');
  if (nfIn) nfBridgeUp(k, nsId, frame, br.ifindex, nfIn.ifindex);
  deliverToStack(k, nsId, br, frame);
}

/** `nfIn`: the port an IPv4 frame br_netfilter took in came by (none for frames it does not
 *  see, and for the bridge's own transmissions). */
function brForward(k: Kctx, nsId: number, br: Device, to: Device | undefined, frame: Uint8Array, nfIn?: Device): void {
  if (k.m.tracer) ktrace(k, nsId, to?.name, 'br_forward', frame, undefined, !to?.port ? 'no such port' : to.port.state !== 'forwarding' ? `${to.name} is ${to.port.state}` : !to.up ? `${to.name} is down` : undefined);
  if (!to?.port || to.port.state !== 'forwarding' || !to.up) return;
  // br_netfilter: a bridged IPv4 frame passes iptables as `-i br -o br`
  const f = nfIn ? brNfForward(k, nsId, br, nfIn, to, frame) : frame;
  if (!f) return;
  runTaps(k, nsId, to, f, 'out');
  deviceOps(to.kind).xmit(k, nsId, to, f);
}

/** Does br_netfilter hand this frame to iptables: IPv4 (never ARP), with
 *  bridge-nf-call-iptables (the namespace's sysctl, or the bridge's nf_call_iptables)? */
function brNfCallIptables(k: Kctx, nsId: number, br: Device, frame: Uint8Array): boolean {
  if (frame.length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00) return false;
  return k.w.netns[nsId]?.sysctl['bridge/bridge-nf-call-iptables'] === '1' || br.bridge?.nfCallIptables === 1;
}

/** br_nf_forward_ip, br_nf_post_routing: an IPv4 frame crossing the bridge (it passed
 *  PREROUTING on the way in) passes FORWARD and POSTROUTING (SNAT, confirm) for each port it
 *  leaves by, with the bridge as both devices and the ports as physdev in/out. */
function brNfForward(k: Kctx, nsId: number, br: Device, from: Device, to: Device, frame: Uint8Array): Uint8Array | null {
  const fwd = nfHookIpv4(k, nsId, 'FORWARD', frame, 14, br, br, undefined, { physin: from, physout: to });
  return fwd && nfHookIpv4(k, nsId, 'POSTROUTING', fwd, 14, undefined, br, undefined, { physin: from, physout: to });
}

/** br_flood: every other forwarding port. */
function brFlood(k: Kctx, nsId: number, br: Device, ingress: number, frame: Uint8Array, nfIn?: Device): void {
  const ns = k.w.netns[nsId]!;
  for (const i of br.bridge!.ports) {
    const p = ns.devs[i];
    if (!p || p.master !== br.ifindex || p.ifindex === ingress || !p.port?.flood) continue;
    brForward(k, nsId, br, p, frame, nfIn);
  }
}

/** br_dev_xmit: the bridge's own transmissions are switched like received ones (no ingress port). */
export function brDevXmit(k: Kctx, nsId: number, br: Device, frame: Uint8Array): void {
  br.stats.txPackets++;
  br.stats.txBytes += frame.length;
  const e = macIsMulticast(frame, 0) ? undefined : brFdbFind(k, br, macKey(frame, 0));
  if (e && !e.local) brForward(k, nsId, br, k.w.netns[nsId]!.devs[e.port], frame);
  else if (!e) brFlood(k, nsId, br, 0, frame);
}
