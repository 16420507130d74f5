// `ip` (iproute2 6.1 ip/ip.c): global options, then one object (link, address, route, neigh,
// netns) whose handler returns what the C function returns; the exit status is -ret & 0xff as
// do_cmd() makes it (so -1 is 1, -2 is 2), and helpers that call exit() throw IpExit.
import type { Command, CommandContext } from '../command.ts';
import { AF, EXIT_M1, IpExit, matches, Printer, readFamily, type Ip, type IpOpts } from './utils.ts';
import { doIplink } from './link.ts';
import { doIpaddr } from './addr.ts';
import { doIproute } from './route.ts';
import { doIpneigh } from './neigh.ts';
import { doNetns, netnsSwitch } from './netns.ts';

type Handler = (ip: Ip, argv: string[]) => Promise<number> | number;

function usage(ip: Ip): never {
  ip.err(
    'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\n' +
      '       ip [ -force ] -batch filename\n' +
      'where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |\n' +
      '                   link | macsec | maddress | monitor | mptcp | mroute | mrule |\n' +
      '                   neighbor | neighbour | netconf | netns | nexthop | ntable |\n' +
      '                   ntbl | route | rule | sr | tap | tcpmetrics |\n' +
      '                   token | tunnel | tuntap | vrf | xfrm }\n' +
      '       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |\n' +
      '                    -h[uman-readable] | -iec | -j[son] | -p[retty] |\n' +
      '                    -f[amily] { inet | inet6 | mpls | bridge | link } |\n' +
      '                    -4 | -6 | -M | -B | -0 |\n' +
      '                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |\n' +
      '                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |\n' +
      '                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |\n' +
      '                    -c[olor]}\n',
  );
  throw new IpExit(EXIT_M1);
}

/** Objects that exist in iproute2 but not here: they answer as a kernel without the feature would. */
function notEmulated(name: string): Handler {
  return (ip) => {
    ip.err(`nsemu: "ip ${name}" is not emulated\n`);
    return -1;
  };
}

const CMDS: [string, Handler][] = [
  ['address', doIpaddr],
  ['addrlabel', notEmulated('addrlabel')],
  ['maddress', notEmulated('maddress')],
  ['route', doIproute],
  ['rule', notEmulated('rule')],
  ['neighbor', doIpneigh],
  ['neighbour', doIpneigh],
  ['ntable', notEmulated('ntable')],
  ['ntbl', notEmulated('ntable')],
  ['link', doIplink],
  ['l2tp', notEmulated('l2tp')],
  ['fou', notEmulated('fou')],
  ['ila', notEmulated('ila')],
  ['macsec', notEmulated('macsec')],
  ['tunnel', notEmulated('tunnel')],
  ['tunl', notEmulated('tunnel')],
  ['tuntap', notEmulated('tuntap')],
  ['tap', notEmulated('tuntap')],
  ['token', notEmulated('token')],
  ['tcpmetrics', notEmulated('tcpmetrics')],
  ['tcp_metrics', notEmulated('tcpmetrics')],
  ['monitor', notEmulated('monitor')],
  ['xfrm', notEmulated('xfrm')],
  ['mroute', notEmulated('mroute')],
  ['mrule', notEmulated('mrule')],
  ['netns', doNetns],
  ['netconf', notEmulated('netconf')],
  ['vrf', notEmulated('vrf')],
  ['sr', notEmulated('sr')],
  ['nexthop', notEmulated('nexthop')],
  ['mptcp', notEmulated('mptcp')],
  ['ioam', notEmulated('ioam')],
  ['help', (ip) => usage(ip)],
  ['stats', notEmulated('stats')],
];

async function doCmd(ip: Ip, argv0: string, argv: string[]): Promise<number> {
  for (const [name, fn] of CMDS) {
    if (matches(argv0, name)) return -(await fn(ip, argv.slice(1)));
  }
  ip.err(`Object "${argv0}" is unknown, try "ip help".\n`);
  return 1;
}

function defaultOpts(): IpOpts {
  return { family: AF.UNSPEC, stats: 0, details: 0, oneline: 0, brief: 0, json: 0, pretty: 0, numeric: 0, all: false, force: 0, echo: 0, resolve: 0, timestamp: 0, human: 0, iec: 0 };
}

/** `-c`, `-color[=always|auto|never]` (lib/color.c matches_color) */
function matchesColor(opt: string): boolean {
  const eq = opt.indexOf('=');
  const name = eq >= 0 ? opt.slice(0, eq) : opt;
  const val = eq >= 0 ? opt.slice(eq + 1) : '';
  if (!matches(name, '-color')) return false;
  return eq < 0 || val === '' || val === 'always' || val === 'auto' || val === 'never';
}

/** NEXT_ARG of ip.c: the option's argument (argv[0] after shifting the option off), or usage. */
function needArg(ip: Ip, argv: string[]): string {
  argv.shift();
  if (argv.length === 0) usage(ip);
  return argv[0]!;
}

export async function runIp(ctx: CommandContext, args: string[]): Promise<number> {
  const opts = defaultOpts();
  let color = false;
  const ip: Ip = {
    c: ctx,
    m: ctx.m,
    netns: ctx.proc.netns,
    opts,
    p: new Printer((s) => ctx.stdout.write(s), false, false, false),
    err: (s) => ctx.stderr.write(s),
  };
  try {
    const argv = [...args];
    while (argv.length > 0) {
      let opt = argv[0]!;
      if (opt === '--') {
        argv.shift();
        break;
      }
      if (!opt.startsWith('-')) break;
      if (opt[1] === '-') opt = opt.slice(1);
      if (matches(opt, '-loops')) {
        needArg(ip, argv);
      } else if (matches(opt, '-family')) {
        const f = needArg(ip, argv);
        if (f === 'help') usage(ip);
        opts.family = readFamily(f);
        if (opts.family === AF.UNSPEC) {
          ip.err(`Error: argument "${f}" is wrong: invalid protocol family\n`);
          throw new IpExit(EXIT_M1);
        }
      } else if (opt === '-4') opts.family = AF.INET;
      else if (opt === '-6') opts.family = AF.INET6;
      else if (opt === '-0') opts.family = AF.PACKET;
      else if (opt === '-M') opts.family = AF.MPLS;
      else if (opt === '-B') opts.family = AF.BRIDGE;
      else if (matches(opt, '-human') || matches(opt, '-human-readable')) opts.human++;
      else if (matches(opt, '-iec')) opts.iec++;
      else if (matches(opt, '-stats') || matches(opt, '-statistics')) opts.stats++;
      else if (matches(opt, '-details')) opts.details++;
      else if (matches(opt, '-resolve')) opts.resolve++;
      else if (matches(opt, '-oneline')) opts.oneline++;
      else if (matches(opt, '-timestamp')) opts.timestamp++;
      else if (matches(opt, '-tshort')) opts.timestamp++;
      else if (matches(opt, '-Version')) {
        ctx.stdout.write('ip utility, iproute2-6.1.0, libbpf 1.1.2\n');
        return 0;
      } else if (matches(opt, '-force')) opts.force++;
      else if (matches(opt, '-batch')) {
        const file = needArg(ip, argv);
        argv.shift();
        return await batch(ip, file);
      } else if (matches(opt, '-brief')) opts.brief++;
      else if (matches(opt, '-json')) opts.json++;
      else if (matches(opt, '-pretty')) opts.pretty++;
      else if (matches(opt, '-rcvbuf')) {
        const v = needArg(ip, argv);
        if (!/^\d+$/.test(v)) {
          ip.err(`Invalid rcvbuf size '${v}'\n`);
          throw new IpExit(EXIT_M1);
        }
      } else if (matchesColor(opt)) {
        // check_enable_color: `always` colours, `auto` only on a terminal (nsemu's output never is)
        const val = opt.includes('=') ? opt.slice(opt.indexOf('=') + 1) : '';
        color = val === '' || val === 'always';
      } else if (matches(opt, '-help')) usage(ip);
      else if (matches(opt, '-netns')) {
        argv.shift();
        // NEXT_ARG of ip.c counts argv[0]: a missing name is argv[1] == NULL
        if (argv.length === 0) {
          ip.err('Cannot open network namespace "(null)": No such file or directory\n');
          throw new IpExit(EXIT_M1);
        }
        if (!netnsSwitch(ip, argv[0]!)) throw new IpExit(EXIT_M1);
      } else if (matches(opt, '-Numeric')) opts.numeric++;
      else if (matches(opt, '-all')) opts.all = true;
      else if (opt === '-echo') opts.echo++;
      else {
        ip.err(`Option "${opt}" is unknown, try "ip -help".\n`);
        throw new IpExit(EXIT_M1);
      }
      argv.shift();
    }
    ip.p = new Printer((s) => ctx.stdout.write(s), opts.json > 0, opts.pretty > 0, opts.oneline > 0);
    if (color && !opts.json) {
      ip.p.color = true;
      const bg = /;([0-68])$/.exec(ctx.env.COLORFGBG ?? '');
      ip.p.dark = bg !== null;
    }
    if (argv.length > 0) {
      const rc = await doCmd(ip, argv[0]!, argv);
      ip.p.flush();
      return rc & 0xff;
    }
    usage(ip);
  } catch (e) {
    ip.p.flush();
    if (e instanceof IpExit) return e.code & 0xff;
    throw e;
  }
}

/** ip -batch FILE: one command per line ("-" is stdin); stops at the first failure unless -force. */
async function batch(ip: Ip, file: string): Promise<number> {
  let text: string;
  try {
    text = file === '-' ? await ip.c.stdin.readAll() : await ip.c.readFile(file);
  } catch {
    ip.err(`Cannot open file "${file}" for reading: No such file or directory\n`);
    return 1;
  }
  const family = ip.opts.family;
  let ret = 0;
  let lineno = 0;
  for (const line of text.split('\n')) {
    lineno++;
    const words = line.replace(/#.*/, '').trim().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) continue;
    ip.opts.family = family;
    let rc: number;
    try {
      rc = (await doCmd(ip, words[0]!, words)) & 0xff;
    } catch (e) {
      if (!(e instanceof IpExit)) throw e;
      rc = e.code;
    }
    ip.p.flush();
    if (rc !== 0) {
      ip.err(`Command failed ${file}:${lineno}\n`);
      ret = 1;
      if (!ip.opts.force) break;
    }
  }
  return ret;
}

export const ip: Command = (ctx) => runIp(ctx, ctx.argv.slice(1));
