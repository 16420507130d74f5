// The emulated network programs, by name (the shell adds its own tools and builtins).
import type { Command } from './command.ts';
import { ping } from './ping.ts';
import { ip } from './ip/ip.ts';
import { ethtool } from './ethtool.ts';
import { ifconfig } from './nettools/ifconfig.ts';
import { route } from './nettools/route.ts';
import { netstat } from './nettools/netstat.ts';

export const programs: Record<string, Command> = {
  ip,
  ping,
  ethtool,
  ifconfig,
  route,
  netstat,
};
