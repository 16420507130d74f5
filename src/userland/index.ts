// The emulated network programs, by name (the shell adds its own tools and builtins).
import type { Command } from './command.ts';
import { ping } from './ping.ts';
import { ip } from './ip/ip.ts';
import { ethtool } from './ethtool.ts';

export const programs: Record<string, Command> = {
  ip,
  ping,
  ethtool,
};
