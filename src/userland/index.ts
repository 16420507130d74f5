// The emulated network programs, by name (the shell adds its own tools and builtins).
import type { Command } from './command.ts';
import { ping } from './ping.ts';
import { ip } from './ip/ip.ts';
import { ethtool } from './ethtool.ts';
import { ifconfig } from './nettools/ifconfig.ts';
import { route } from './nettools/route.ts';
import { netstat } from './nettools/netstat.ts';
import { arp } from './nettools/arp.ts';
import { tcpdump } from './tcpdump.ts';
import { brctl } from './brctl.ts';
import { bridge } from './bridge.ts';
import { ovsdbServer, ovsdbTool, ovsVswitchd } from './ovs/daemons.ts';
import { ovsAppctl, ovsVsctl } from './ovs/vsctl.ts';
import { iptables } from './iptables/iptables.ts';
import { iptablesSave } from './iptables/xtables_save.ts';
import { iptablesRestore } from './iptables/xtables_restore.ts';
import { dmesg } from './dmesg.ts';
import { conntrack } from './conntrack.ts';
import { nstat } from './nstat.ts';
import { sudo, su } from './sudo.ts';
import { clear } from './clear.ts';
import { man } from './man.ts';

export const programs: Record<string, Command> = {
  ip,
  ping,
  ethtool,
  ifconfig,
  route,
  netstat,
  arp,
  tcpdump,
  brctl,
  bridge,
  'ovsdb-tool': ovsdbTool,
  'ovsdb-server': ovsdbServer,
  'ovs-vswitchd': ovsVswitchd,
  'ovs-vsctl': ovsVsctl,
  'ovs-appctl': ovsAppctl,
  iptables,
  'iptables-save': iptablesSave,
  'iptables-restore': iptablesRestore,
  dmesg,
  conntrack,
  nstat,
  sudo,
  su,
  clear,
  man,
};
