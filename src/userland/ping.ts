// ping (iputils 20221126, ping/ping.c + ping_common.c) over an emulated raw ICMP socket.
// Timing follows iputils' main_loop and pinger: one echo request per interval; below 10 ms
// (MININTERVAL) the token logic of pinger() in milliseconds, and with interval 0 (-f, -i 0) the
// next request goes when the reply is in or the socket's receive timeout runs out. After the last
// request schedule_exit() waits for what is outstanding (the -W linger time if nothing came back,
// else twice the longest RTT or the interval); -w is an overall deadline.
import type { Command, CommandContext } from './command.ts';
import { NS_PER_MS, NS_PER_SEC, SIG } from '../kernel/machine.ts';
import { Errno, KernelError, strError } from '../kernel/errors.ts';
import { devByName } from '../kernel/dev.ts';
import { ipv4FromTextAton, ipv4IsMulticast, ipv4ToText, ipv6FromText, ipv6ToText } from '../protocols/wire/addr.ts';
import { LOOPBACK_LATENCY_NS, loopbackCount } from '../devices/loopback.ts';
import { ETH_HLEN } from '../protocols/wire/ethernet.ts';
import { IPPROTO_ICMP, IPV4_HLEN, ipv4HeaderLen, ipv4Src, ipv4Ttl } from '../protocols/wire/ipv4.ts';
import { ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_REDIRECT, ICMP_TIME_EXCEEDED, icmpEmit } from '../protocols/wire/icmp.ts';
import { ipRouteOutput, isLocalAddr } from '../protocols/ipv4/route.ts';
import { allocIpFrame, fillIpHeader, ipPushPendingFrames, nextIpId } from '../protocols/ipv4/ip_output.ts';
import { ipIncStats, IPSTATS_MIB } from '../protocols/ipv4/snmp.ts';
import { RawSocket } from '../protocols/ipv4/raw.ts';
import { HZ } from '../protocols/ipv4/inetpeer.ts';

interface Opts {
  count: number;
  /** -i, in whole milliseconds as iputils keeps it (rts->interval) */
  interval: number;
  /** -i was given (opt_interval): -f leaves the interval alone */
  intervalSet: boolean;
  /** -f */
  flood: boolean;
  linger: number; // ns (-W)
  deadline: number; // ns (-w), 0 = none
  size: number;
  ttl: number;
  quiet: boolean;
  broadcast: boolean;
  /** -v: its start-up lines and its (DUP!) marks are emulated */
  verbose: boolean;
  /** -4 */
  ipv4: boolean;
  iface?: string;
  host?: string;
  /** -e: the ICMP identifier (else the pid, as a raw socket's ping uses) */
  ident?: number;
}

/** How ping names a destination-unreachable code (iputils' pr_icmph). */
export const UNREACH: Record<number, string> = {
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
  const o: Opts = { count: 0, interval: 1000, intervalSet: false, flood: false, linger: 10 * NS_PER_SEC, deadline: 0, size: 56, ttl: 0, quiet: false, broadcast: false, verbose: false, ipv4: false };
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
          // rts.interval = (int)(optval * 1000); the user's 2 ms floor is setup()'s, after PING
          o.interval = Math.trunc(s * 1000);
          o.intervalSet = true;
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
        case 'v':
          o.verbose = true;
          break;
        case '4':
          o.ipv4 = true;
          break;
        case 'n':
        case 'D':
        case 'O':
        case 'U':
        case 'A':
          break;
        case 'f':
          o.flood = true;
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
  // setup(): a flood without -i has interval 0
  if (o.flood && !o.intervalSet) o.interval = 0;
  return o;
}

/** MININTERVAL (ms): the gap an unanswered interval-0 flood keeps, and SCHINT's floor. */
const MININTERVAL = 10;
/** MINUSERINTERVAL (ms): the least interval a user may ask for. */
const MINUSERINTERVAL = 2;
/** MAX_DUP_CHK: bits in the table of received sequence numbers. */
const MAX_DUP_CHK = 0x10000;

/** pinger()'s clock difference in ms: whole seconds × 1000 plus the nanoseconds' difference
 *  truncated toward zero (so 1 ms more than the floor when the nanoseconds wrapped round). */
function elapsedMs(t: number, t0: number): number {
  const ds = Math.floor(t / NS_PER_SEC) - Math.floor(t0 / NS_PER_SEC);
  return ds * 1000 + Math.trunc(((t % NS_PER_SEC) - (t0 % NS_PER_SEC)) / NS_PER_MS);
}

/** The first time t ≥ t0 at which elapsedMs(t, t0) ≥ k (k ≥ 1): k ms on, or the next second
 *  boundary if elapsedMs already says k there. */
function whenElapsedMs(t0: number, k: number): number {
  const a = t0 + k * NS_PER_MS;
  const b = (Math.floor(t0 / NS_PER_SEC) + 1) * NS_PER_SEC;
  return b < a && elapsedMs(b, t0) >= k ? b : a;
}

/** When a recvmsg() under SO_RCVTIMEO of `ms` gives up: sock_set_timeout rounds the time up to
 *  jiffies, and schedule_timeout's timer fires on the tick after the last of them (the timer
 *  wheel rounds up by one), so 10 ms at HZ 250 is 3 jiffies and ends on the 4th tick. */
function rcvtimeoExpiry(now: number, ms: number): number {
  const jiffy = NS_PER_SEC / HZ;
  const usec = (ms % 1000) * 1000;
  const timeo = Math.floor(ms / 1000) * HZ + Math.ceil(usec / (1_000_000 / HZ));
  return (Math.floor(now / jiffy) + timeo + 1) * jiffy;
}

/** iputils' time= (gather_statistics), from a round trip in µs. */
function fmtTrip(t: number): string {
  if (t >= 100000 - 50) return `${Math.trunc((t + 500) / 1000)}`;
  if (t >= 10000 - 5) return `${Math.trunc((t + 50) / 1000)}.${Math.trunc(((t + 50) % 1000) / 100)}`;
  if (t >= 1000) return `${Math.trunc((t + 5) / 1000)}.${String(Math.trunc(((t + 5) % 1000) / 10)).padStart(2, '0')}`;
  return `${Math.trunc(t / 1000)}.${String(t % 1000).padStart(3, '0')}`;
}

/** `%ld.%03ld` of a value in µs, as finish() prints them. */
function fmtUs(us: number): string {
  return `${Math.trunc(us / 1000)}.${String(Math.trunc(us % 1000)).padStart(3, '0')}`;
}

/** gather_statistics' running sums (µs), kept without a list so that a long flood costs nothing. */
interface RttStats {
  /** replies timed (nreceived + nrepeats) */
  total: number;
  tsum: number;
  /** a double in iputils too */
  tsum2: number;
  tmin: number;
  tmax: number;
  /** rts->rtt: the EWMA of the RTT, times 8 */
  ewma: number;
}

const newRttStats = (): RttStats => ({ total: 0, tsum: 0, tsum2: 0, tmin: Number.MAX_SAFE_INTEGER, tmax: 0, ewma: 0 });

function rttAdd(s: RttStats, trip: number): void {
  s.total++;
  s.tsum += trip;
  s.tsum2 += trip * trip;
  if (trip < s.tmin) s.tmin = trip;
  if (trip > s.tmax) s.tmax = trip;
  s.ewma = s.ewma ? s.ewma + trip - Math.trunc(s.ewma / 8) : trip * 8;
}

/** llsqrt: Newton's integer square root, as finish() computes mdev. */
function llsqrt(a: bigint): bigint {
  let prev = BigInt('0x7fffffffffffffff');
  let x = a;
  if (x > 0n) {
    while (x < prev) {
      prev = x;
      x = (x + a / x) / 2n;
    }
  }
  return x;
}

export const ping: Command = async (ctx) => {
  const parsed = parseArgs(ctx);
  if (typeof parsed === 'number') return parsed;
  const o = parsed;
  const m = ctx.m;
  // the sockets ping opened (raw: ping is installed with cap_net_raw) and the getaddrinfo hints
  if (o.verbose) ctx.stderr.write(`ping: sock4.fd: 3 (socktype: SOCK_RAW), sock6.fd: ${o.ipv4 ? '-1 (socktype: 0)' : '4 (socktype: SOCK_RAW)'}, hints.ai_family: ${o.ipv4 ? 'AF_INET' : 'AF_UNSPEC'}\n\n`);
  if (o.host!.includes(':')) return ping6(ctx, o);
  let dst = ipv4FromTextAton(o.host!);
  if (dst === null) {
    // nsemu has no resolver: names fail as they do on a machine without DNS
    ctx.stderr.write(`ping: ${o.host}: Temporary failure in name resolution\n`);
    return 2;
  }
  if (o.verbose) ctx.stdout.write(`ai->ai_family: AF_INET, ai->ai_canonname: '${o.host}'\n`);
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
    if (e.errno === Errno.ENETUNREACH) m.mutate((k) => ipIncStats(k.w.netns[ctx.proc.netns]!, IPSTATS_MIB.OutNoRoutes));
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
  if (userFloodRefused(ctx, o)) return 2;

  const sock = new RawSocket(m, ctx.proc.netns, IPPROTO_ICMP);
  if (oif !== undefined) sock.bindDev = oif;
  const ident = o.ident ?? ctx.proc.pid & 0xffff;
  const ttl = o.ttl || Number.parseInt(ns.sysctl['ipv4/ip_default_ttl'] ?? '64', 10);
  ctx.proc.handled.add(SIG.SIGINT);
  ctx.proc.handled.add(SIG.SIGALRM);

  const interval = o.interval;
  /** below MININTERVAL pinger's token logic paces the probes; above it, one every interval */
  const fast = interval < MININTERVAL;
  const start = m.now;
  let transmitted = 0;
  let received = 0;
  let errors = 0;
  let dups = 0;
  let pipe = 0;
  /** rts->acked: the newest sequence number answered (16 bits) */
  let acked = 0;
  /** rts->cur_time: when pinger last let a probe go (-1: not yet) */
  let curTime = -1;
  let tokens = 0;
  let nextSend = start;
  /** ITIMER_REAL: the -w deadline, or schedule_exit's wait once everything is sent */
  let alarmAt = o.deadline ? start + o.deadline : Infinity;
  let exitScheduled = false;
  /** rcvd_tbl: one bit per sequence number */
  const rcvd = new Uint8Array(MAX_DUP_CHK / 8);
  const rtt = newRttStats();
  /** outpack's data: the pattern, and the send time (a struct timeval) where there is room */
  const payload = new Uint8Array(o.size);
  for (let i = 16; i < o.size; i++) payload[i] = i & 0xff;
  const stamp = new DataView(payload.buffer);
  /** probes whose sendmsg failed with EPERM (an OUTPUT hook dropped them) */
  const eperm = new Set<number>();
  const flood = o.flood && !o.quiet;
  /** rts->multicast: duplicates are expected (many answer), so they are not marked unless -v */
  const multicast = o.broadcast || ipv4IsMulticast(target);

  const inFlight = (): number => {
    const diff = ((transmitted & 0xffff) - acked) & 0xffff;
    return diff <= 0x7fff ? diff : transmitted - received - errors;
  };

  /** acknowledge(): how far behind the newest probe an answer comes is the pipe */
  const acknowledge = (seq: number): void => {
    const nt = transmitted & 0xffff;
    const diff = (nt - seq) & 0xffff;
    if (diff <= 0x7fff) {
      if (diff + 1 > pipe) pipe = diff + 1;
      if (((((seq - acked) & 0xffff) << 16) >> 16) > 0 || nt - acked > 0x7fff) acked = seq;
    }
  };

  /** send_probe and what pinger does with its result */
  const send = (): void => {
    transmitted++;
    // advance_ntransmitted: invalidate acked when the 16-bit sequence wraps
    if ((transmitted & 0xffff) - acked > 0x7fff) acked = (transmitted + 1) & 0xffff;
    const seq = transmitted & 0xffff;
    rcvd[seq >> 3]! &= ~(1 << (seq & 7));
    const t = m.now;
    if (timing) {
      stamp.setUint32(0, Math.floor(t / NS_PER_SEC), true);
      stamp.setUint32(8, Math.floor((t % NS_PER_SEC) / 1000), true);
    }
    // larger than an IPv4 datagram: sendmsg fails with EMSGSIZE, which ping does not report
    if (o.size + 28 > 65535) return;
    try {
      let sent = true;
      m.mutate((k) => {
        const kns = k.w.netns[ctx.proc.netns]!;
        const rt = ipRouteOutput(kns, target, { oif, saddr, now: k.m.now });
        const frame = allocIpFrame(8 + o.size);
        icmpEmit({ kind: 'echoRequest', code: 0, id: ident, seq, data: payload }, frame, ETH_HLEN + IPV4_HLEN);
        fillIpHeader(k, ctx.proc.netns, frame, { src, dst: target, protocol: IPPROTO_ICMP, ttl, df: true, id: nextIpId(k, ctx.proc.netns) });
        sent = ipPushPendingFrames(k, ctx.proc.netns, rt, frame);
      });
      // OUTPUT dropped it: sendmsg failed with EPERM. receive_error_msg then finds the ICMP
      // error a REJECT sent back (in the kernel it is queued before sendmsg returns; here it
      // comes round lo a moment later), reports it and only then the EPERM; after a plain DROP
      // the queue is empty and ping says nothing.
      if (!sent) eperm.add(seq);
      else if (flood) ctx.stdout.write('.');
    } catch (e) {
      if (!(e instanceof KernelError)) throw e;
      if (flood) ctx.stdout.write('E');
      else ctx.stderr.write(`ping: sendmsg: ${strError(e.errno)}\n`);
      errors++;
    }
  };

  /**
   * pinger(): sends the probe that is due, if one is; returns when it wants to run again
   * (absolute virtual time; now: at once; Infinity: everything is sent).
   */
  const pinger = (): number => {
    const now = m.now;
    if (o.count && transmitted >= o.count && !o.deadline) return Infinity;
    if (!fast) {
      if (now < nextSend) return nextSend;
      nextSend += interval * NS_PER_MS;
      curTime = now;
      send();
      return nextSend;
    }
    // packets < rate*time + preload (preload 1), counted in whole milliseconds
    if (curTime >= 0) {
      let ntokens = elapsedMs(now, curTime);
      // an unlimited flood waits MININTERVAL for a reply before it sends again
      if (interval === 0 && ntokens < MININTERVAL && inFlight() >= 1) return now + (MININTERVAL - ntokens) * NS_PER_MS;
      ntokens += tokens;
      if (interval < ntokens) ntokens = interval;
      if (ntokens < interval) return whenElapsedMs(curTime, interval - tokens);
      tokens = ntokens - interval;
    } else tokens = 0;
    curTime = now;
    send();
    return interval - tokens > 0 ? whenElapsedMs(now, interval - tokens) : now;
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
      // gather_statistics
      acknowledge(seq);
      let trip = -1;
      if (timing && pkt.length - hl >= 8 + 16) {
        // the send time the request carried, against the reply's arrival (both in µs)
        const d = hl + 8;
        const sent = (pkt[d]! | (pkt[d + 1]! << 8) | (pkt[d + 2]! << 16)) + pkt[d + 3]! * 0x1000000;
        const usec = (pkt[d + 8]! | (pkt[d + 9]! << 8) | (pkt[d + 10]! << 16)) + pkt[d + 11]! * 0x1000000;
        trip = Math.max(0, Math.floor(t / 1000) - (sent * 1_000_000 + usec));
        rttAdd(rtt, trip);
      }
      const bit = 1 << (seq & 7);
      const dup = (rcvd[seq >> 3]! & bit) !== 0;
      if (dup) dups++;
      else {
        rcvd[seq >> 3]! |= bit;
        received++;
      }
      if (o.quiet) return;
      if (o.flood) ctx.stdout.write('\b \b');
      else {
        const time = trip >= 0 ? ` time=${fmtTrip(trip)} ms` : '';
        ctx.stdout.write(`${pkt.length - hl} bytes from ${ipv4ToText(ipv4Src(pkt, 0))}: icmp_seq=${seq}${o.verbose ? ` ident=${ident}` : ''} ttl=${ipv4Ttl(pkt, 0)}${time}${dup && (!multicast || o.verbose) ? ' (DUP!)' : ''}\n`);
      }
      return;
    }
    // an error quoting our echo request
    const seq = quotedSeq(pkt);
    if (seq !== undefined) {
      if (type !== ICMP_REDIRECT) {
        errors++;
        acknowledge(seq);
      }
      // errors come through the socket's error queue ("From A icmp_seq=N", under -f "\bE"); a
      // redirect is no error there and is read as a packet (ping4_parse_reply: "From A:
      // icmp_seq=N", nothing under -f)
      if (o.flood) {
        if (flood && type !== ICMP_REDIRECT) ctx.stdout.write('\bE');
      } else if (!o.quiet) {
        const code = pkt[hl + 1]!;
        let text: string;
        if (type === ICMP_DEST_UNREACH) text = UNREACH[code] ?? `Dest Unreachable, Bad Code: ${code}`;
        else if (type === ICMP_TIME_EXCEEDED) text = code === 0 ? 'Time to live exceeded' : 'Frag reassembly time exceeded';
        else {
          const gw = ipv4ToText((pkt[hl + 4]! << 24) | (pkt[hl + 5]! << 16) | (pkt[hl + 6]! << 8) | pkt[hl + 7]!);
          text = `${code === 1 ? 'Redirect Host' : 'Redirect Network'}(New nexthop: ${gw})`;
        }
        ctx.stdout.write(`From ${ipv4ToText(ipv4Src(pkt, 0))}${type === ICMP_REDIRECT ? ':' : ''} icmp_seq=${seq} ${text}\n`);
      }
      if (eperm.delete(seq) && !o.quiet) {
        if (o.flood) ctx.stdout.write('E');
        else ctx.stderr.write('ping: sendmsg: Operation not permitted\n');
      }
    }
  };

  // main_loop
  for (;;) {
    if (m.now >= alarmAt) break; // SIGALRM: exiting
    if (o.count && received + errors >= o.count) break;
    if (o.deadline && errors) break;
    let wake: number;
    do {
      wake = pinger();
      // schedule_exit: once everything is sent, wait for the answers still out (a wait of 0,
      // from replies without timing under interval 0, arms no timer and is tried again)
      if (!exitScheduled && o.count && transmitted >= o.count && !o.deadline) {
        const waittime = received ? Math.max(2 * rtt.tmax * 1000, interval * NS_PER_MS) : o.linger;
        if (waittime > 0) {
          exitScheduled = true;
          alarmAt = m.now + waittime;
        }
      }
    } while (wake <= m.now);
    let until: number;
    // with nothing left to send, the receive timeouts until the alarm change nothing
    if (wake === Infinity) until = alarmAt;
    else if (!fast) until = wake;
    // interval 0: a blocking recvmsg() under SO_RCVTIMEO = MININTERVAL
    else if (interval === 0) until = rcvtimeoExpiry(m.now, MININTERVAL);
    // a short interval: poll() for MININTERVAL while a reply is expected, else spin till due
    else until = inFlight() ? m.now + MININTERVAL * NS_PER_MS : wake;
    until = Math.min(until, alarmAt);
    // no alarm at all (schedule_exit found nothing to wait for): only a reply ends this, so
    // wake when recvmsg's SO_RCVTIMEO would, as iputils does, and look again
    if (until === Infinity) until = fast ? rcvtimeoExpiry(m.now, MININTERVAL) : m.now + interval * NS_PER_MS;
    const r = await sock.recv(ctx.proc, until - m.now);
    if (r === 'signal') {
      const sig = ctx.proc.takeSignal();
      if (sig === SIG.SIGINT || sig === SIG.SIGALRM) break;
      sock.close();
      ctx.proc.pending.unshift(sig!);
      ctx.proc.checkSignals();
      continue;
    }
    if (!r) continue;
    handle(r.data, r.t);
    // the rest of what is queued, without blocking, while something is in flight
    while (sock.queue.length > 0 && inFlight() > 0) {
      const q = sock.queue.shift()!;
      handle(q.data, q.t);
    }
  }
  sock.close();

  return finish(ctx, o, { transmitted, received, errors, dups, pipe, rtt: timing ? rtt : undefined, elapsed: curTime < 0 ? 0 : curTime - start });
};

/** setup(): only root may go below MINUSERINTERVAL (checked after the PING line). */
function userFloodRefused(ctx: CommandContext, o: Opts): boolean {
  if (ctx.proc.uid === 0 || o.interval >= MINUSERINTERVAL) return false;
  ctx.stderr.write(`ping: cannot flood; minimal interval allowed for user is ${MINUSERINTERVAL}ms\n`);
  return true;
}

interface Stats {
  transmitted: number;
  received: number;
  errors: number;
  dups: number;
  pipe: number;
  /** undefined without timing (less than a struct timeval of data) */
  rtt: RttStats | undefined;
  /** from the first probe to the last (rts->cur_time - rts->start_time), ns */
  elapsed: number;
}

/** iputils finish(): the statistics and the exit status. */
function finish(ctx: CommandContext, o: Opts, st: Stats): number {
  const { transmitted, received, errors, dups, pipe, rtt } = st;
  const loss = transmitted ? ((transmitted - received) * 100) / transmitted : 0;
  const lossText = Number.isInteger(loss) ? String(loss) : String(Number(loss.toPrecision(6)));
  let line = `\n--- ${o.host} ping statistics ---\n${transmitted} packets transmitted, ${received} received`;
  if (dups) line += `, +${dups} duplicates`;
  if (errors) line += `, +${errors} errors`;
  line += `, ${lossText}% packet loss, time ${Math.floor((st.elapsed + 500_000) / NS_PER_MS)}ms\n`;
  let tail = '';
  let comma = '';
  if (received && rtt && rtt.total) {
    const total = BigInt(rtt.total);
    const tsum = BigInt(rtt.tsum);
    const tmavg = tsum / total;
    let tmvar: bigint;
    if (rtt.tsum < 0x7fffffff) tmvar = BigInt(Math.trunc((rtt.tsum2 - Number((tsum * tsum) / total)) / rtt.total));
    else tmvar = BigInt(Math.trunc(rtt.tsum2 / rtt.total - Number(tmavg * tmavg)));
    const mdev = Number(llsqrt(tmvar));
    tail += `rtt min/avg/max/mdev = ${fmtUs(rtt.tmin)}/${fmtUs(Number(tmavg))}/${fmtUs(rtt.tmax)}/${fmtUs(mdev)} ms`;
    comma = ', ';
  }
  if (pipe > 1) {
    tail += `${comma}pipe ${pipe}`;
    comma = ', ';
  }
  if (received && (o.interval === 0 || o.flood) && transmitted > 1) {
    const ipg = Math.trunc(Math.floor(st.elapsed / 1000) / (transmitted - 1));
    const ewma = rtt?.ewma ?? 0;
    tail += `${comma}ipg/ewma ${fmtUs(ipg)}/${fmtUs(Math.trunc(ewma / 8))} ms`;
  }
  ctx.stdout.write(`${line}${tail}\n`);
  return !received || (o.deadline && received < o.count) ? 1 : 0;
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
  if (userFloodRefused(ctx, o)) return 2;
  const count = o.count || Infinity;
  const rtt = newRttStats();
  let received = 0;
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
      received++;
      rttAdd(rtt, LOCAL_RTT_NS / 1000);
      if (o.quiet) {
        // nothing per packet
      } else if (o.flood) ctx.stdout.write('.\b \b');
      else ctx.stdout.write(`${o.size + 8} bytes from ${text}: icmp_seq=${n} ttl=64${o.size >= 16 ? ` time=${fmtTrip(LOCAL_RTT_NS / 1000)} ms` : ''}\n`);
    } else if (o.flood && !o.quiet) ctx.stdout.write('.');
    if (n >= count) break;
    // the reply is in at once: a flood goes on after it, else after the interval
    const r = await m.sleep(ctx.proc, o.interval ? o.interval * NS_PER_MS : LOCAL_RTT_NS);
    if (r === 'signal') {
      if (ctx.proc.takeSignal() === SIG.SIGINT) break;
      ctx.proc.checkSignals();
    }
  }
  if (!lo?.up && o.linger) await m.sleep(ctx.proc, o.linger);
  return finish(ctx, o, { transmitted: n, received, errors: 0, dups: 0, pipe: 0, rtt: o.size >= 16 ? rtt : undefined, elapsed: lastSend - start });
}

/** Round trip of an echo through lo (two loopback crossings). */
const LOCAL_RTT_NS = 2 * LOOPBACK_LATENCY_NS;
