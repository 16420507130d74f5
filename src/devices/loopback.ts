// drivers/net/loopback.c: every namespace's `lo`, ifindex 1, carrier on from birth (so its
// operstate is never computed: UNKNOWN); what it transmits it receives.
import type { Kctx } from '../kernel/machine.ts';
import type { Device } from '../kernel/types.ts';
import { ETH_HLEN } from '../protocols/wire/ethernet.ts';
import { registerNetdevice } from '../kernel/dev.ts';
import type { DeviceOps } from './ops.ts';
import { netifRx } from './rx.ts';

/** Virtual time a frame spends going round the loopback. */
export const LOOPBACK_LATENCY_NS = 5_000;

export const loopbackOps: DeviceOps = {
  // loopback_xmit counts once for both directions, after eth_type_trans pulled the header
  xmit(k, nsId, d, frame) {
    loopbackCount(d, frame.length - ETH_HLEN);
    netifRx(k, nsId, d, frame, LOOPBACK_LATENCY_NS);
  },
};

/** dev_lstats_add: lo's rx and tx counters are the same numbers. */
export function loopbackCount(d: Device, len: number): void {
  d.stats.txPackets++;
  d.stats.txBytes += len;
  d.stats.rxPackets++;
  d.stats.rxBytes += len;
}

/** loopback_net_init */
export function loopbackNetInit(k: Kctx, nsId: number): void {
  registerNetdevice(k, nsId, {
    name: 'lo',
    kind: 'loopback',
    mac: '00:00:00:00:00:00',
    addrAssignType: 0,
    mtu: 65536,
    minMtu: 0,
    maxMtu: 0x7fffffff,
    txqlen: 1000,
    carrier: true,
  });
}
