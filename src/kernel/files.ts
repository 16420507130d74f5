// The kernel side of the virtual files a process sees: /proc/sys/net (sysctl), /proc/net,
// /sys/class/net, /run/netns and /proc/PID/ns/net. Each call is bound to the namespace of the reading process.
// The shell's filesystem (src/shell) mounts these; nothing here knows about paths' prefixes.
import type { Machine } from './machine.ts';
import { sysctlList, sysctlRead, sysctlWrite } from './sysctl.ts';
import { sysfsNetAttrs, sysfsNetRead } from './sysfs.ts';
import type { Netns } from './types.ts';
import { procNetNetstat, procNetSnmp, procNetSnmp6 } from '../protocols/ipv4/snmp.ts';
import { arpSeqShow } from '../protocols/ipv4/arp.ts';
import { fibRouteSeqShow } from '../protocols/ipv4/fib.ts';
import { devSeqShow } from './net_procfs.ts';

/** The /proc/net files nsemu has, each shown for one namespace. */
const PROC_NET: Record<string, (ns: Netns) => string> = { arp: arpSeqShow, dev: devSeqShow, netstat: procNetNetstat, route: fibRouteSeqShow, snmp: procNetSnmp, snmp6: procNetSnmp6 };

export interface KernelFiles {
  /** `/proc/sys/net/<path>` (path like "ipv4/ip_forward"); undefined if there is no such file */
  sysctlRead(netns: number, path: string): string | undefined;
  /** write a value as `echo V > /proc/sys/net/<path>`; throws KernelError (EINVAL, ENOENT, EPERM) */
  sysctlWrite(netns: number, path: string, value: string, uid: number): void;
  /** entries of a /proc/sys/net directory ("" = /proc/sys/net itself); undefined if not a directory */
  sysctlList(netns: number, dir: string): string[] | undefined;
  /** device names in /sys/class/net of that namespace, in ifindex order */
  sysfsNetList(netns: number): string[];
  /** attribute files of /sys/class/net/DEV; undefined if no such device */
  sysfsNetAttrs(netns: number, dev: string): string[] | undefined;
  /** `/sys/class/net/DEV/ATTR` content (with trailing newline); undefined if absent */
  sysfsNetRead(netns: number, dev: string, attr: string): string | undefined;
  /** the files of /proc/net */
  procNetList(): string[];
  /** `/proc/net/NAME` of that namespace; undefined if there is no such file */
  procNetRead(netns: number, name: string): string | undefined;
  /** names in /run/netns (= /var/run/netns), in readdir order */
  netnsNames(): string[];
  /** the namespace a /run/netns name refers to */
  netnsByName(name: string): number | undefined;
}

export function kernelFiles(m: Machine): KernelFiles {
  return {
    sysctlRead: (ns, path) => sysctlRead(m.world, ns, path),
    sysctlWrite: (ns, path, value, uid) => m.mutate((k) => sysctlWrite(k, ns, path, value, uid)),
    sysctlList: (ns, dir) => sysctlList(m.world, ns, dir),
    sysfsNetList: (ns) => {
      const n = m.world.netns[ns];
      return n ? Object.values(n.devs).sort((a, b) => a.ifindex - b.ifindex).map((d) => d.name) : [];
    },
    sysfsNetAttrs: (ns, dev) => sysfsNetAttrs(m.world, ns, dev),
    sysfsNetRead: (ns, dev, attr) => sysfsNetRead(m, ns, dev, attr),
    procNetList: () => Object.keys(PROC_NET),
    procNetRead: (ns, name) => {
      const n = m.world.netns[ns];
      return n && Object.hasOwn(PROC_NET, name) ? PROC_NET[name]!(n) : undefined;
    },
    netnsNames: () => m.world.netnsNames.map((e) => e.name),
    netnsByName: (name) => m.world.netnsByName.get(name),
  };
}
