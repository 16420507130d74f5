// drivers/net/loopback.c: every namespace's `lo`, ifindex 1, carrier on from birth (so its
// operstate is never computed: UNKNOWN); what it transmits it receives.
import type { Kctx } from '../kernel/machine.ts';
import { registerNetdevice } from '../kernel/dev.ts';
import type { DeviceOps } from './ops.ts';
import { netifRx } from './rx.ts';

/** Virtual time a frame spends going round the loopback. */
export const LOOPBACK_LATENCY_NS = 5_000;

export const loopbackOps: DeviceOps = {
  xmit(k, nsId, d, frame) {
    d.stats.txPackets++;
    d.stats.txBytes += frame.length;
    netifRx(k, nsId, d, frame, LOOPBACK_LATENCY_NS);
  },
};

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
