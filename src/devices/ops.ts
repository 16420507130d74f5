// net_device_ops / rtnl_link_ops per device kind: what dev.c calls into.
import type { Kctx } from '../kernel/machine.ts';
import type { Device, DevKind } from '../kernel/types.ts';
import { loopbackOps } from './loopback.ts';
import { vethOps } from './veth.ts';
import { bridgeOps } from './bridge.ts';
import { tunOps } from './ovs.ts';

export interface DeviceOps {
  /** ndo_open */
  open?(k: Kctx, nsId: number, d: Device): void;
  /** ndo_stop */
  stop?(k: Kctx, nsId: number, d: Device): void;
  /** after __dev_change_net_namespace put the device in `to` (the veth peer's link follows) */
  moved?(k: Kctx, from: number, to: number, d: Device, oldIfindex: number): void;
  /** rtnl_link_ops.dellink: what else goes when this device is deleted */
  dellink?(k: Kctx, nsId: number, d: Device): void;
  /** ndo_start_xmit: the frame leaves this device */
  xmit(k: Kctx, nsId: number, d: Device, frame: Uint8Array): void;
}

export function deviceOps(kind: DevKind): DeviceOps {
  switch (kind) {
    case 'loopback':
      return loopbackOps;
    case 'veth':
      return vethOps;
    case 'bridge':
      return bridgeOps;
    case 'tun':
      return tunOps;
  }
}
