// conntrack (conntrack-tools 1.4.7) on the namespace's table: -L (list), -D (delete), -F (flush)
// and -C (count), with the flow filters -p, -s/-d (original direction) and -r/-q (reply
// direction). Lines as libnetfilter_conntrack prints them; the summary goes to stderr, which
// is unbuffered, so it comes before the flows when both reach one pipe.
import type { Command } from './command.ts';
import type { Kctx } from '../kernel/machine.ts';
import { NS_PER_SEC } from '../kernel/machine.ts';
import type { CtEntry, CtTuple } from '../kernel/types.ts';
import { ctDelete, ctLive, IPS_SEEN_REPLY } from '../protocols/netfilter/nf_conntrack_core.ts';
import { ipv4FromTextAton, ipv4ToText } from '../protocols/wire/addr.ts';

const PROG = 'conntrack v1.4.7 (conntrack-tools)';
const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp' };
const PROTOS: Record<string, number> = { icmp: 1, tcp: 6, udp: 17 };

type Filter = Partial<Record<'src' | 'dst' | 'rsrc' | 'rdst' | 'proto', number>>;

function tupleText(t: CtTuple): string {
  let s = `src=${ipv4ToText(t.src)} dst=${ipv4ToText(t.dst)} `;
  if (t.proto === 1) s += `type=${t.dport >> 8} code=${t.dport & 0xff} id=${t.sport} `;
  return s;
}

/** nfct_snprintf's default output */
function flowLine(e: CtEntry, now: number): string {
  const name = PROTO_NAMES[e.orig.proto] ?? 'unknown';
  // seconds left as jiffies / HZ, truncated: the kernel is always a little past the packet
  // that refreshed it, so a flow refreshed just now shows 29, never 30
  const left = Math.max(0, Math.ceil((e.expires - now) / NS_PER_SEC) - 1);
  let s = `${name.padEnd(8)} ${e.orig.proto} ${left} `;
  s += tupleText(e.orig);
  if (!(e.status & IPS_SEEN_REPLY)) s += '[UNREPLIED] ';
  s += tupleText(e.reply);
  return `${s}mark=0 use=1\n`;
}

function matches(e: CtEntry, f: Filter): boolean {
  return (
    (f.proto === undefined || e.orig.proto === f.proto) &&
    (f.src === undefined || e.orig.src === f.src) &&
    (f.dst === undefined || e.orig.dst === f.dst) &&
    (f.rsrc === undefined || e.reply.src === f.rsrc) &&
    (f.rdst === undefined || e.reply.dst === f.rdst)
  );
}

class Usage extends Error {}

/** usage(): what `conntrack`, `-h` and `--help` print (on stdout, status 0). */
const HELP = `Command line interface for the connection tracking system. Version 1.4.7
Usage: conntrack [commands] [options]

Commands:
  -L [table] [options]		List conntrack or expectation table
  -G [table] parameters		Get conntrack or expectation
  -D [table] parameters		Delete conntrack or expectation
  -I [table] parameters		Create a conntrack or expectation
  -U [table] parameters		Update a conntrack
  -E [table] [options]		Show events
  -F [table]			Flush table
  -C [table]			Show counter
  -S				Show statistics

Tables: conntrack, expect, dying, unconfirmed

Conntrack parameters and options:
  -n, --src-nat ip			source NAT ip
  -g, --dst-nat ip			destination NAT ip
  -j, --any-nat ip			source or destination NAT ip
  -m, --mark mark			Set mark
  -c, --secmark secmark			Set selinux secmark
  -e, --event-mask eventmask		Event mask, eg. NEW,DESTROY
  -z, --zero 				Zero counters while listing
  -o, --output type[,...]		Output format, eg. xml
  -l, --label label[,...]		conntrack labels

Expectation parameters and options:
  --tuple-src ip	Source address in expect tuple
  --tuple-dst ip	Destination address in expect tuple

Updating parameters and options:
  --label-add label	Add label
  --label-del label	Delete label

Common parameters and options:
  -s, --src, --orig-src ip		Source address from original direction
  -d, --dst, --orig-dst ip		Destination address from original direction
  -r, --reply-src ip		Source addres from reply direction
  -q, --reply-dst ip		Destination address from reply direction
  -p, --protonum proto		Layer 4 Protocol, eg. 'tcp'
  -f, --family proto		Layer 3 Protocol, eg. 'ipv6'
  -t, --timeout timeout		Set timeout
  -u, --status status		Set status, eg. ASSURED
  -w, --zone value		Set conntrack zone
  --orig-zone value		Set zone for original direction
  --reply-zone value		Set zone for reply direction
  -b, --buffer-size		Netlink socket buffer size
  --mask-src ip			Source mask address
  --mask-dst ip			Destination mask address

`;

export const conntrack: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  let cmd: 'L' | 'D' | 'F' | 'C' | undefined;
  const f: Filter = {};
  let extended = false;
  /** -f ipv6: nsemu tracks no IPv6 flows, so such a listing is empty */
  let ipv6 = false;
  if (args.length === 0 || args[0] === '-h' || args[0] === '--help') {
    ctx.stdout.write(HELP);
    return 0;
  }
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const val = (): string => {
        const v = args[++i];
        if (v === undefined) throw new Usage(`option \`${a}' requires an argument`);
        return v;
      };
      const addr = (): number => {
        const v = val();
        const n = ipv4FromTextAton(v);
        if (n === null) throw new Usage(`Bad parameter \`${v}'`);
        return n;
      };
      const setCmd = (c: typeof cmd): void => {
        if (cmd && cmd !== c) throw new Usage('Invalid parameters');
        cmd = c;
      };
      switch (a) {
        case '-L':
        case '--dump':
          setCmd('L');
          break;
        case '-D':
        case '--delete':
          setCmd('D');
          break;
        case '-F':
        case '--flush':
          setCmd('F');
          break;
        case '-C':
        case '--count':
          setCmd('C');
          break;
        case '-s':
        case '--src':
        case '--orig-src':
          f.src = addr();
          break;
        case '-d':
        case '--dst':
        case '--orig-dst':
          f.dst = addr();
          break;
        case '-r':
        case '--reply-src':
          f.rsrc = addr();
          break;
        case '-q':
        case '--reply-dst':
          f.rdst = addr();
          break;
        case '-o':
        case '--output': {
          const v = val();
          for (const w of v.split(',')) {
            if (!['extended', 'xml', 'timestamp', 'id', 'ktimestamp', 'labels', 'userspace'].includes(w)) throw new Usage(`Bad parameter \`${v}'`);
            if (w !== 'extended') throw new Usage(`nsemu: -o ${w} is not emulated (only extended)`);
          }
          extended = true;
          break;
        }
        case '-f':
        case '--family': {
          const v = val();
          if (v !== 'ipv4' && v !== 'ipv6') throw new Usage(`Bad parameter \`${v}'`);
          ipv6 = v === 'ipv6';
          break;
        }
        case '-p':
        case '--protonum': {
          const v = val();
          const n = /^\d+$/.test(v) ? Number(v) : PROTOS[v.toLowerCase()];
          if (n === undefined) throw new Usage(`\`${v}' unsupported protocol`);
          f.proto = n;
          break;
        }
        default:
          throw new Usage(`unknown option \`${a}'`);
      }
    }
    if (!cmd) throw new Usage('no command specified');
  } catch (e) {
    if (!(e instanceof Usage)) throw e;
    ctx.stderr.write(`${PROG}: ${e.message}\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`);
    return 2;
  }
  if (ctx.proc.uid !== 0) {
    ctx.stderr.write(`${PROG}: Operation failed: sorry, you must be root or get CAP_NET_ADMIN capability to do this\n`);
    return 1;
  }
  const nsId = ctx.proc.netns;
  let out = '';
  let n = 0;
  ctx.m.mutate((k: Kctx) => {
    const ns = k.w.netns[nsId]!;
    const flows = ipv6 ? [] : ctLive(ns, k.m.now).filter((e) => matches(e as CtEntry, f));
    n = flows.length;
    if (cmd === 'L' || cmd === 'D') out = flows.map((e) => (extended ? 'ipv4     2 ' : '') + flowLine(e as CtEntry, k.m.now)).join('');
    if (cmd === 'D' || cmd === 'F') for (const e of cmd === 'F' ? ctLive(ns, k.m.now) : flows) ctDelete(ns, e.id);
  });
  switch (cmd) {
    case 'L':
      ctx.stderr.write(`${PROG}: ${n} flow entries have been shown.\n`);
      break;
    case 'D':
      ctx.stderr.write(`${PROG}: ${n} flow entries have been deleted.\n`);
      break;
    case 'F':
      ctx.stderr.write(`${PROG}: connection tracking table has been emptied.\n`);
      break;
    case 'C':
      out = `${n}\n`;
      break;
  }
  ctx.stdout.write(out);
  return cmd === 'D' && n === 0 ? 1 : 0;
};
