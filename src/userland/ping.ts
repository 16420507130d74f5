// ping (iputils 20221126, ping/ping.c + ping_common.c) over an emulated raw ICMP socket.
// Timing follows iputils: one echo request per interval; after the last, wait up to the -W
// linger time for what is outstanding; -w is an overall deadline.
import type { Command, CommandContext } from './command.ts';
import { NS_PER_MS, NS_PER_SEC, SIG } from '../kernel/machine.ts';
import { Errno, KernelError, strError } from '../kernel/errors.ts';
import { devByName } from '../kernel/dev.ts';
import { ipv4FromTextAton, ipv4ToText, ipv6FromText, ipv6ToText } from '../protocols/wire/addr.ts';
import { LOOPBACK_LATENCY_NS, loopbackCount } from '../devices/loopback.ts';
import { ETH_HLEN } from '../protocols/wire/ethernet.ts';
import { IPPROTO_ICMP, IPV4_HLEN, ipv4HeaderLen, ipv4Src, ipv4Ttl } from '../protocols/wire/ipv4.ts';
import { ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_REDIRECT, ICMP_TIME_EXCEEDED, icmpEmit } from '../protocols/wire/icmp.ts';
import { ipRouteOutput, isLocalAddr } from '../protocols/ipv4/route.ts';
import { allocIpFrame, fillIpHeader, ipPushPendingFrames, nextIpId } from '../protocols/ipv4/ip_output.ts';
import { ipIncStats } from '../protocols/ipv4/snmp.ts';
import { RawSocket } from '../protocols/ipv4/raw.ts';

interface Opts {
  count: number;
  interval: number; // ns
  linger: number; // ns (-W)
  deadline: number; // ns (-w), 0 = none
  size: number;
  ttl: number;
  quiet: boolean;
  broadcast: boolean;
  iface?: string;
  host?: string;
  /** -e: the ICMP identifier (else the pid, as a raw socket's ping uses) */
  ident?: number;
}

const UNREACH: Record<number, string> = {
  0: 'Destination Net Unreachable',
  1: 'Destination Host Unreachable',
  2: 'Destination Protocol Unreachable',
  3: 'Destination Port Unreachable',
  4: 'Frag needed and DF set',
  5: 'Source Route Failed',
  6: 'Destination Net Unknown',
  7: 'Destination Host Unknown',
  9: 'Destination Net Prohibited',
  10: 'Destination Host Prohibited',
  13: 'Packet filtered',
};

/** iputils' usage(), printed after an unknown option (exit 2). */
const USAGE = `
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -C                 call connect() syscall on socket creation
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -e <identifier>    define identifier for ping session, default is random for
                     SOCK_RAW and kernel defined for SOCK_DGRAM
                     Imply using SOCK_RAW (for IPv4 only for identifier 0)
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
`;

/** error(EXIT_FAILURE, …): a bad option value. */
function usageError(ctx: CommandContext, msg: string, rc = 1): number {
  ctx.stderr.write(`ping: ${msg}\n`);
  return rc;
}

function parseSeconds(v: string): number | undefined {
  if (!/^\d*\.?\d+$/.test(v)) return undefined;
  return Number.parseFloat(v);
}

function parseArgs(ctx: CommandContext): Opts | number {
  const o: Opts = { count: 0, interval: NS_PER_SEC, linger: 10 * NS_PER_SEC, deadline: 0, size: 56, ttl: 0, quiet: false, broadcast: false };
  const args = ctx.argv.slice(1);
  const withArg = new Set(['c', 'e', 'W', 'w', 'i', 'I', 's', 't', 'l', 'p', 'Q', 'M', 'm', 'T', 'F', 'S']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o.host ??= args[i + 1];
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      if (o.host !== undefined) return usageError(ctx, 'usage error: Only one destination address allowed');
      o.host = a;
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      let val: string | undefined;
      if (withArg.has(f)) {
        val = a.slice(j + 1) || args[++i];
        if (val === undefined) {
          ctx.stderr.write(`ping: option requires an argument -- '${f}'\n`);
          return 2;
        }
        j = a.length;
      }
      switch (f) {
        case 'c': {
          const n = Number(val);
          if (!/^\d+$/.test(val!)) return usageError(ctx, `invalid argument: '${val}'`);
          if (n < 1) return usageError(ctx, `invalid argument: '${val}': out of range: 1 <= value <= 9223372036854775807`);
          o.count = n;
          break;
        }
        case 'e': {
          if (!/^-?\d+$/.test(val!)) return usageError(ctx, `invalid argument: '${val}'`);
          const n = Number(val);
          if (n < 0 || n > 0xffff) return usageError(ctx, `invalid argument: '${val}': out of range: 0 <= value <= 65535`);
          o.ident = n;
          break;
        }
        case 'W': {
          const s = parseSeconds(val!);
          if (s === undefined) return usageError(ctx, `bad linger time: ${val}`, 2);
          o.linger = Math.round(s * NS_PER_SEC);
          break;
        }
        case 'w': {
          const s = parseSeconds(val!);
          if (s === undefined) return usageError(ctx, `invalid argument: '${val}'`);
          o.deadline = Math.round(s * NS_PER_SEC);
          break;
        }
        case 'i': {
          // strtod: trailing garbage is (for now) only a warning, the number read is used
          let s = parseSeconds(val!);
          if (s === undefined) {
            ctx.stderr.write(`ping: option argument contains garbage: ${val}\nping: this will become fatal error in the future\n`);
            s = Number.parseFloat(val!) || 0;
          }
          if (s < 0.002 && ctx.proc.uid !== 0) return usageError(ctx, 'cannot flood; minimal interval allowed for user is 2ms');
          o.interval = Math.round(s * NS_PER_SEC);
          break;
        }
        case 'I':
          o.iface = val;
          break;
        case 's': {
          const n = Number(val);
          if (!/^\d+$/.test(val!)) return usageError(ctx, `invalid argument: '${val}'`);
          if (n > 127992) return usageError(ctx, `invalid argument: '${val}': out of range: 0 <= value <= 127992`);
          o.size = n;
          break;
        }
        case 't': {
          const n = Number(val);
          if (!/^\d+$/.test(val!)) return usageError(ctx, `invalid argument: '${val}'`);
          if (n > 255) return usageError(ctx, `invalid argument: '${val}': out of range: 0 <= value <= 255`);
          o.ttl = n;
          break;
        }
        case 'q':
          o.quiet = true;
          break;
        case 'b':
          o.broadcast = true;
          break;
        case 'n':
        case '4':
        case 'D':
        case 'O':
        case 'v':
        case 'U':
        case 'A':
        case 'f':
          break;
        default:
          ctx.stderr.write(`ping: invalid option -- '${f}'\n${USAGE}`);
          return 2;
      }
    }
  }
  if (o.host === undefined) {
    ctx.stderr.write('ping: usage error: Destination address required\n');
    return 1;
  }
  return o;
}

/** The least virtual time between two echo requests (what a send costs the host). */
const MIN_SEND_GAP_NS = 10_000;

/** iputils' time formatting: 3 decimals below 1 ms … none from 100 ms. */
function fmtMs(ns: number): string {
  const us = Math.round(ns / 1000);
  if (us >= 100000 - 50) return `${Math.floor(us / 1000)}`;
  if (us >= 10000 - 5) return `${Math.floor(us / 1000)}.${String(Math.floor((us % 1000) / 100))}`;
  if (us >= 1000) return `${Math.floor(us / 1000)}.${String(Math.floor((us % 1000) / 10)).padStart(2, '0')}`;
  return `${Math.floor(us / 1000)}.${String(us % 1000).padStart(3, '0')}`;
}

function fmtUs(us: number): string {
  return `${Math.floor(us / 1000)}.${String(Math.floor(us % 1000)).padStart(3, '0')}`;
}

export const ping: Command = async (ctx) => {
  const parsed = parseArgs(ctx);
  if (typeof parsed === 'number') return parsed;
  const o = parsed;
  const m = ctx.m;
  if (o.host!.includes(':')) return ping6(ctx, o);
  let dst = ipv4FromTextAton(o.host!);
  if (dst === null) {
    // nsemu has no resolver: names fail as they do on a machine without DNS
    ctx.stderr.write(`ping: ${o.host}: Temporary failure in name resolution\n`);
    return 2;
  }
  // connect() to INADDR_ANY means the loopback address (ip_route_output_key_hash_rcu)
  if (dst === 0) dst = 0x7f000001;
  const target = dst;
  const ns = m.world.netns[ctx.proc.netns];
  if (!ns) return 2;
  let oif: number | undefined;
  let saddr: number | undefined;
  if (o.iface !== undefined) {
    const a = ipv4FromTextAton(o.iface);
    if (a !== null) saddr = a;
    else {
      const d = devByName(ns, o.iface);
      if (!d) {
        ctx.stderr.write(`ping: SO_BINDTODEVICE ${o.iface}: No such device\n`);
        return 2;
      }
      oif = d.ifindex;
    }
  }
  // bind() to -I ADDR needs one of our addresses
  if (saddr !== undefined && !isLocalAddr(ns, saddr)) {
    ctx.stderr.write('ping: bind: Cannot assign requested address\n');
    return 2;
  }
  let route;
  try {
    route = ipRouteOutput(ns, dst, { oif, saddr, now: m.now });
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    // ip4_datagram_connect (of the probe socket) counts a destination without a route
    if (e.errno === Errno.ENETUNREACH) m.mutate((k) => ipIncStats(k.w.netns[ctx.proc.netns]!, 'OutNoRoutes'));
    if (e.errno === 13) {
      ctx.stderr.write('ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n');
      return 2;
    }
    ctx.stderr.write(`ping: connect: ${strError(e.errno)}\n`);
    return 2;
  }
  // a broadcast destination needs SO_BROADCAST (-b); without it connect() fails with EACCES
  if (route.type === 'broadcast' && !o.broadcast) {
    ctx.stderr.write('ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n');
    return 2;
  }
  if (route.type === 'broadcast') ctx.stderr.write('WARNING: pinging broadcast address\n');
  const timing = o.size >= 16;
  const src = saddr ?? route.src;
  const from = o.iface === undefined ? '' : oif !== undefined ? ` from ${ipv4ToText(src)} ${o.iface}:` : ` from ${ipv4ToText(src)} :`;
  ctx.stdout.write(`PING ${o.host} (${ipv4ToText(dst)})${from} ${o.size}(${o.size + 28}) bytes of data.\n`);

  const sock = new RawSocket(m, ctx.proc.netns, IPPROTO_ICMP);
  if (oif !== undefined) sock.bindDev = oif;
  const ident = o.ident ?? ctx.proc.pid & 0xffff;
  const ttl = o.ttl || Number.parseInt(ns.sysctl['ipv4/ip_default_ttl'] ?? '64', 10);
  ctx.proc.handled.add(SIG.SIGINT);
  ctx.proc.handled.add(SIG.SIGALRM);

  // sending takes time too: even `-i 0` lets the clock move between packets
  const interval = Math.max(o.interval, MIN_SEND_GAP_NS);
  const start = m.now;
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  let transmitted = 0;
  let received = 0;
  let errors = 0;
  let dups = 0;
  let pipe = 0;
  let lastSend = start;
  const seen = new Set<number>();
  /** probes whose sendmsg failed with EPERM (an OUTPUT hook dropped them) */
  const eperm = new Set<number>();

  const send = (): void => {
    transmitted++;
    const seq = transmitted & 0xffff;
    const data = new Uint8Array(o.size);
    const t = m.now;
    if (o.size >= 16) {
      // struct timeval of the send time, as iputils stamps it
      const sec = Math.floor(t / NS_PER_SEC);
      const usec = Math.floor((t % NS_PER_SEC) / 1000);
      new DataView(data.buffer).setUint32(0, sec, true);
      new DataView(data.buffer).setUint32(8, usec, true);
    }
    for (let i = 16; i < o.size; i++) data[i] = i & 0xff;
    sentAt.set(seq, t);
    lastSend = t;
    // larger than an IPv4 datagram: sendmsg fails with EMSGSIZE, which ping does not report
    if (o.size + 28 > 65535) return;
    try {
      let sent = true;
      m.mutate((k) => {
        const kns = k.w.netns[ctx.proc.netns]!;
        const rt = ipRouteOutput(kns, target, { oif, saddr, now: k.m.now });
        const frame = allocIpFrame(8 + o.size);
        icmpEmit({ kind: 'echoRequest', code: 0, id: ident, seq, data }, frame, ETH_HLEN + IPV4_HLEN);
        fillIpHeader(k, ctx.proc.netns, frame, { src, dst: target, protocol: IPPROTO_ICMP, ttl, df: true, id: nextIpId(k, ctx.proc.netns) });
        sent = ipPushPendingFrames(k, ctx.proc.netns, rt, frame);
      });
      // OUTPUT dropped it: sendmsg failed with EPERM. receive_error_msg then finds the ICMP
      // error a REJECT sent back (in the kernel it is queued before sendmsg returns; here it
      // comes round lo a moment later), reports it and only then the EPERM; after a plain DROP
      // the queue is empty and ping says nothing.
      if (!sent) eperm.add(seq);
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      ctx.stderr.write(`ping: sendmsg: ${strError(e.errno)}\n`);
      errors++;
    }
  };

  /** acknowledge(): how far behind the newest probe an answer comes is the pipe */
  const acknowledge = (seq: number): void => {
    const diff = (transmitted - seq) & 0xffff;
    if (diff <= 0x7fff) pipe = Math.max(pipe, diff + 1);
  };

  /** The sequence of our echo request an ICMP error quotes, else undefined. */
  const quotedSeq = (pkt: Uint8Array): number | undefined => {
    const hl = ipv4HeaderLen(pkt, 0);
    const type = pkt[hl];
    if (type !== ICMP_DEST_UNREACH && type !== ICMP_TIME_EXCEEDED && type !== ICMP_REDIRECT) return undefined;
    const inner = hl + 8;
    if (pkt.length < inner + 28) return undefined;
    const ihl = ipv4HeaderLen(pkt, inner);
    if (pkt[inner + 9] !== IPPROTO_ICMP || pkt[inner + ihl] !== ICMP_ECHO) return undefined;
    if (((pkt[inner + ihl + 4]! << 8) | pkt[inner + ihl + 5]!) !== ident) return undefined;
    return (pkt[inner + ihl + 6]! << 8) | pkt[inner + ihl + 7]!;
  };

  const handle = (pkt: Uint8Array, t: number): void => {
    const hl = ipv4HeaderLen(pkt, 0);
    const type = pkt[hl]!;
    if (type === ICMP_ECHOREPLY) {
      const id = (pkt[hl + 4]! << 8) | pkt[hl + 5]!;
      if (id !== ident) return;
      const seq = (pkt[hl + 6]! << 8) | pkt[hl + 7]!;
      const sent = sentAt.get(seq);
      if (sent === undefined) return;
      const rtt = t - sent;
      acknowledge(seq);
      const dup = seen.has(seq);
      if (dup) dups++;
      else {
        seen.add(seq);
        received++;
        rtts.push(rtt);
      }
      if (!o.quiet) {
        const time = timing ? ` time=${fmtMs(rtt)} ms` : '';
        ctx.stdout.write(`${pkt.length - hl} bytes from ${ipv4ToText(ipv4Src(pkt, 0))}: icmp_seq=${seq} ttl=${ipv4Ttl(pkt, 0)}${time}${dup ? ' (DUP!)' : ''}\n`);
      }
      return;
    }
    // an error quoting our echo request
    const seq = quotedSeq(pkt);
    if (seq !== undefined) {
      const code = pkt[hl + 1]!;
      let text: string;
      if (type === ICMP_DEST_UNREACH) text = UNREACH[code] ?? `Dest Unreachable, Bad Code: ${code}`;
      else if (type === ICMP_TIME_EXCEEDED) text = code === 0 ? 'Time to live exceeded' : 'Frag reassembly time exceeded';
      else {
        const gw = ipv4ToText((pkt[hl + 4]! << 24) | (pkt[hl + 5]! << 16) | (pkt[hl + 6]! << 8) | pkt[hl + 7]!);
        text = `${code === 1 ? 'Redirect Host' : 'Redirect Network'}(New nexthop: ${gw})`;
      }
      if (type !== ICMP_REDIRECT) {
        errors++;
        acknowledge(seq);
      }
      // errors come through the socket's error queue ("From A icmp_seq=N"); a redirect is no
      // error there and is read as a packet (ping4_parse_reply: "From A: icmp_seq=N")
      if (!o.quiet) ctx.stdout.write(`From ${ipv4ToText(ipv4Src(pkt, 0))}${type === ICMP_REDIRECT ? ':' : ''} icmp_seq=${seq} ${text}\n`);
      if (eperm.delete(seq) && !o.quiet) ctx.stderr.write('ping: sendmsg: Operation not permitted\n');
    }
  };

  send();
  let nextSend = start + interval;
  const hardEnd = o.deadline ? start + o.deadline : Infinity;
  for (;;) {
    const done = o.count ? received + errors >= o.count && !o.deadline : false;
    if (done) break;
    if (o.deadline && o.count && received >= o.count) break;
    const allSent = o.count > 0 && transmitted >= o.count;
    let until = allSent ? (o.deadline ? hardEnd : lastSend + o.linger) : nextSend;
    until = Math.min(until, hardEnd);
    if (m.now >= until) {
      if (m.now >= hardEnd) break;
      if (allSent) break;
      send();
      nextSend += interval;
      continue;
    }
    const r = await sock.recv(ctx.proc, until - m.now);
    if (r === 'signal') {
      const sig = ctx.proc.takeSignal();
      if (sig === SIG.SIGINT || sig === SIG.SIGALRM) {
        break;
      }
      sock.close();
      ctx.proc.pending.unshift(sig!);
      ctx.proc.checkSignals();
    }
    if (r && r !== 'signal') handle(r.data, r.t);
  }
  sock.close();

  return finish(ctx, o, { transmitted, received, errors, dups, pipe, rtts: timing ? rtts : [], elapsed: lastSend - start });
};

interface Stats {
  transmitted: number;
  received: number;
  errors: number;
  dups: number;
  pipe: number;
  rtts: number[];
  elapsed: number;
}

/** iputils finish(): the statistics and the exit status. */
function finish(ctx: CommandContext, o: Opts, st: Stats): number {
  const { transmitted, received, errors, dups, pipe, rtts } = st;
  const loss = transmitted ? ((transmitted - received) * 100) / transmitted : 0;
  const lossText = Number.isInteger(loss) ? String(loss) : String(Number(loss.toPrecision(6)));
  let line = `\n--- ${o.host} ping statistics ---\n${transmitted} packets transmitted, ${received} received`;
  if (dups) line += `, +${dups} duplicates`;
  if (errors) line += `, +${errors} errors`;
  line += `, ${lossText}% packet loss, time ${Math.floor(st.elapsed / NS_PER_MS)}ms\n`;
  let tail = '';
  let comma = '';
  if (rtts.length > 0) {
    const us = rtts.map((r) => Math.round(r / 1000));
    const min = Math.min(...us);
    const max = Math.max(...us);
    const avg = us.reduce((s, x) => s + x, 0) / us.length;
    const avg2 = us.reduce((s, x) => s + x * x, 0) / us.length;
    const mdev = Math.sqrt(Math.max(0, avg2 - avg * avg));
    tail += `rtt min/avg/max/mdev = ${fmtUs(min)}/${fmtUs(Math.round(avg))}/${fmtUs(max)}/${fmtUs(Math.round(mdev))} ms`;
    comma = ', ';
  }
  if (pipe > 1) tail += `${comma}pipe ${pipe}`;
  ctx.stdout.write(`${line}${tail}\n`);
  return received > 0 ? 0 : 1;
}

/**
 * IPv6 echo, as far as nsemu has IPv6: only to the namespace's own addresses (::1 and the
 * addresses of up devices), answered at once through lo; anything else has no route.
 */
async function ping6(ctx: CommandContext, o: Opts): Promise<number> {
  const m = ctx.m;
  const ns = m.world.netns[ctx.proc.netns];
  const addr = ipv6FromText(o.host!);
  if (!ns || !addr) {
    ctx.stderr.write(`ping: ${o.host}: Name or service not known\n`);
    return 2;
  }
  const text = ipv6ToText(addr);
  const lo = Object.values(ns.devs).find((d) => d.kind === 'loopback');
  const local = Object.values(ns.devs).some((d) => d.up && d.addrs6.some((a) => a.address === text));
  if (!local) {
    const anyAddr = Object.values(ns.devs).some((d) => d.addrs6.length > 0);
    ctx.stderr.write(`ping: connect: ${anyAddr ? 'Network is unreachable' : 'Cannot assign requested address'}\n`);
    return 2;
  }
  ctx.stdout.write(`PING ${o.host}(${text}) ${o.size} data bytes\n`);
  const count = o.count || Infinity;
  const rtts: number[] = [];
  const start = m.now;
  let lastSend = start;
  let n = 0;
  ctx.proc.handled.add(SIG.SIGINT);
  while (n < count) {
    n++;
    lastSend = m.now;
    if (lo?.up) {
      // request and reply both cross lo (IPv6 header + ICMPv6)
      const len = 40 + 8 + o.size;
      m.mutate((k) => {
        const l = k.w.netns[ctx.proc.netns]?.devs[lo.ifindex];
        if (l) for (let i = 0; i < 2; i++) loopbackCount(l, len);
      });
      rtts.push(LOCAL_RTT_NS);
      if (!o.quiet) ctx.stdout.write(`${o.size + 8} bytes from ${text}: icmp_seq=${n} ttl=64${o.size >= 16 ? ` time=${fmtMs(LOCAL_RTT_NS)} ms` : ''}\n`);
    }
    if (n >= count) break;
    const r = await m.sleep(ctx.proc, o.interval);
    if (r === 'signal') {
      if (ctx.proc.takeSignal() === SIG.SIGINT) break;
      ctx.proc.checkSignals();
    }
  }
  if (!lo?.up && o.linger) await m.sleep(ctx.proc, o.linger);
  return finish(ctx, o, { transmitted: n, received: rtts.length, errors: 0, dups: 0, pipe: 0, rtts: o.size >= 16 ? rtts : [], elapsed: lastSend - start });
}

/** Round trip of an echo through lo (two loopback crossings). */
const LOCAL_RTT_NS = 2 * LOOPBACK_LATENCY_NS;
