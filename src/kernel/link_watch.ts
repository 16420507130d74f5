// net/core/link_watch.c: operstate follows carrier through link-watch events. The stored
// operstate is recomputed only when an event for that device is processed (default_operstate),
// which the kernel does from a workqueue shortly after the carrier change; here the event runs
// at the same virtual instant, after the operation that caused it (so a device that is being
// moved is judged in its new namespace, as the kernel's deferred work sees it).
import type { Kctx } from './machine.ts';
import type { Device, Operstate } from './types.ts';
import { iflinkOf } from './sysfs.ts';
import { netdevNotify } from './notifier.ts';

/** default_operstate (6.1+): a carrier-less device is LOWERLAYERDOWN only if its iflink names a
 *  carrier-less device in its own namespace. */
function defaultOperstate(k: Kctx, nsId: number, d: Device): Operstate {
  if (!d.carrier) {
    const iflink = iflinkOf(d);
    if (iflink === d.ifindex) return 'DOWN';
    const peer = k.w.netns[nsId]?.devs[iflink];
    if (!peer) return 'DOWN';
    return peer.carrier ? 'DOWN' : 'LOWERLAYERDOWN';
  }
  return 'UP';
}

/** linkwatch_init_dev: a device registered without carrier gets its operstate at once. */
export function linkwatchInitDev(k: Kctx, nsId: number, d: Device): void {
  if (!d.carrier) d.operstate = defaultOperstate(k, nsId, d);
}

/** linkwatch_fire_event: process the device's event after the current operation. */
export function linkwatchFireEvent(k: Kctx, nsId: number, d: Device): void {
  const id = d.id;
  k.m.schedule(0, (k2) => {
    const found = findDevById(k2, id);
    if (found) linkwatchDoDev(k2, found.ns, found.dev);
  });
}

/** The device with this identity, wherever it is now (it may have moved namespace meanwhile):
 *  through the machine's id index (World.devById), what holding a net_device pointer gives. */
export function findDevById(k: Kctx, id: number): { ns: number; dev: Device } | undefined {
  const at = k.w.devById.get(id);
  if (!at) return undefined;
  const dev = k.w.netns[at.ns]?.devs[at.ifindex];
  return dev?.id === id ? { ns: at.ns, dev } : undefined;
}

/** linkwatch_do_dev: rfc2863_policy, then tell the protocols (NETDEV_CHANGE) if it is up. */
function linkwatchDoDev(k: Kctx, nsId: number, d: Device): void {
  d.operstate = defaultOperstate(k, nsId, d);
  if (d.up) netdevNotify(k, nsId, d, 'CHANGE');
}
