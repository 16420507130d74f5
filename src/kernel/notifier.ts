// The netdevice notifier chain (include/linux/netdevice.h NETDEV_*): every protocol that keeps
// per-device state hears about a device's events here, in the kernel's registration order.
import type { Kctx } from './machine.ts';
import type { Device } from './types.ts';
import { inetdevEvent } from '../protocols/ipv4/devinet.ts';
import { fibNetdevEvent } from '../protocols/ipv4/fib_frontend.ts';
import { neighNetdevEvent } from '../protocols/neighbour.ts';
import { addrconfNotify } from '../protocols/ipv6/addrconf.ts';
import { brDeviceEvent } from '../devices/bridge.ts';
import { tapsNetdevEvent } from '../capture/taps.ts';
import { ovsNetdevEvent } from '../devices/ovs.ts';

export type NetdevEvent = 'REGISTER' | 'UP' | 'GOING_DOWN' | 'DOWN' | 'CHANGE' | 'CHANGEADDR' | 'UNREGISTER';

export function netdevNotify(k: Kctx, nsId: number, d: Device, ev: NetdevEvent): void {
  brDeviceEvent(k, nsId, d, ev);
  inetdevEvent(k, nsId, d, ev);
  fibNetdevEvent(k, nsId, d, ev);
  neighNetdevEvent(k, nsId, d, ev);
  addrconfNotify(k, nsId, d, ev);
  tapsNetdevEvent(k, nsId, d, ev);
  ovsNetdevEvent(k, nsId, d, ev);
}
