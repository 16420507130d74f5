// man: there are no manual pages offline in nsemu, so `man CMD` prints the usage text the
// command itself prints (ip help, ping -h, CMD --help, ...), found by running it as a child; a
// command without one, or no command of that name, gets man-db's "No manual entry for CMD"
// (status 16) and a note that the pages are not here. `man ip-link` is `ip link help`.
import type { Command, CommandContext, Input } from './command.ts';

/** How a command prints its usage, where `CMD --help` is not the way. */
const USAGE_ARGS: Record<string, string[]> = {
  ip: ['ip', 'help'],
  bridge: ['bridge', 'help'],
  ping: ['ping', '-h'],
  ethtool: ['ethtool', '-h'],
  conntrack: ['conntrack', '-h'],
  nstat: ['nstat', '-h'],
  sysctl: ['sysctl', '-h'],
  sudo: ['sudo', '-h'],
  clear: ['clear', '-?'],
};
/** iproute2's pages per object: ip-link(8) is `ip link help`. */
const IP_PAGES: Record<string, string> = {
  'ip-link': 'link', 'ip-address': 'address', 'ip-addr': 'address', 'ip-route': 'route', 'ip-neighbour': 'neigh',
  'ip-neigh': 'neigh', 'ip-netns': 'netns', 'ip-rule': 'rule', 'ip-monitor': 'monitor',
  'bridge-link': 'link', 'bridge-fdb': 'fdb', 'bridge-vlan': 'vlan',
};

const NO_INPUT: Input = { read: async () => null, readAll: async () => '' };

/** The usage text CMD prints for ARGS (stdout and stderr as written), or undefined. */
async function usageOf(ctx: CommandContext, args: string[]): Promise<string | undefined> {
  let text = '';
  const sink = { write: (d: string | Uint8Array) => (text += typeof d === 'string' ? d : new TextDecoder().decode(d)) };
  await ctx.run(args, { stdin: NO_INPUT, stdout: sink, stderr: sink });
  const lines = text.split('\n');
  const u = lines.findIndex((l) => /^\s*usage\b/i.test(l));
  if (u < 0) return undefined;
  // `ping -h` says "invalid option -- 'h'" before its usage: only the usage is the page
  const before = lines.slice(0, u).join('\n');
  return /(invalid|unknown|unrecognized) option|requires an argument/.test(before) ? `${lines.slice(u).join('\n')}` : text;
}

export const man: Command = async (ctx) => {
  const names = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  let section: string | undefined;
  if (names.length > 1 && /^[1-9][a-z]*$/.test(names[0]!)) section = names.shift();
  if (names.length === 0) {
    ctx.stderr.write("What manual page do you want?\nFor example, try 'man man'.\n");
    return 1;
  }
  let st = 0;
  for (const name of names) {
    const page = IP_PAGES[name];
    const args = page ? [name.split('-')[0]!, page, 'help'] : (USAGE_ARGS[name] ?? [name, '--help']);
    const text = ctx.has(args[0]!) ? await usageOf(ctx, args) : undefined;
    if (text === undefined) {
      ctx.stderr.write(`No manual entry for ${name}${section ? ` in section ${section}` : ''}\n`);
      ctx.stderr.write(`(nsemu has no manual pages offline; \`man CMD\` shows the usage a command prints itself${ctx.has(name) ? `, and ${name} prints none here` : ''})\n`);
      st = 16;
      continue;
    }
    ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return st;
};
