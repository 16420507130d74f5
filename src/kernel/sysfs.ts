// /sys/class/net/DEV/*: what net/core/net-sysfs.c shows for a device, read in the namespace of
// the reading process.
import { kerr } from './errors.ts';
import type { Machine } from './machine.ts';
import type { Device, World } from './types.ts';
import { devByName, devFlags, ARPHRD } from './dev.ts';

const ATTRS = [
  'addr_assign_type',
  'addr_len',
  'address',
  'broadcast',
  'carrier',
  'carrier_changes',
  'dev_id',
  'dormant',
  'flags',
  'ifalias',
  'ifindex',
  'iflink',
  'link_mode',
  'mtu',
  'name_assign_type',
  'operstate',
  'proto_down',
  'tx_queue_len',
  'type',
];

function findDev(w: World, netns: number, name: string): Device | undefined {
  const ns = w.netns[netns];
  return ns && devByName(ns, name);
}

export function sysfsNetAttrs(w: World, netns: number, dev: string): string[] | undefined {
  return findDev(w, netns, dev) ? ATTRS : undefined;
}

/** dev_get_iflink: a veth's peer ifindex, else its own */
export function iflinkOf(d: Device): number {
  return d.peer ? d.peer.ifindex : d.ifindex;
}

export function sysfsNetRead(m: Machine, netns: number, dev: string, attr: string): string | undefined {
  const d = findDev(m.world, netns, dev);
  if (!d) return undefined;
  const v = ((): string | undefined => {
    switch (attr) {
      case 'addr_assign_type':
        return String(d.addrAssignType);
      case 'addr_len':
        return '6';
      case 'address':
        return d.mac;
      case 'broadcast':
        return d.broadcast;
      case 'carrier':
        // netif_running check: reading carrier of a down device fails with EINVAL
        if (!d.up) throw kerr('EINVAL');
        return d.carrier ? '1' : '0';
      case 'carrier_changes':
        return String(d.carrierChanges);
      case 'dev_id':
        return '0x0';
      case 'dormant':
        if (!d.up) throw kerr('EINVAL');
        return '0';
      case 'flags':
        return `0x${devFlags(d, false).toString(16)}`;
      case 'ifalias':
        return d.alias ?? '';
      case 'ifindex':
        return String(d.ifindex);
      case 'iflink':
        return String(iflinkOf(d));
      case 'link_mode':
        return '0';
      case 'mtu':
        return String(d.mtu);
      case 'name_assign_type':
        return d.kind === 'loopback' ? undefined : '3';
      case 'operstate':
        return (d.up ? d.operstate : 'DOWN').toLowerCase();
      case 'proto_down':
        return '0';
      case 'tx_queue_len':
        return String(d.txqlen);
      case 'type':
        return String(d.kind === 'loopback' ? ARPHRD.LOOPBACK : ARPHRD.ETHER);
      default:
        return undefined;
    }
  })();
  return v === undefined ? undefined : `${v}\n`;
}
