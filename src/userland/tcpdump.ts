// tcpdump 4.99.3 with libpcap 1.10.3, as a process in virtual time: it opens a packet tap on a
// device of its namespace (or on every device: `-i any`, Linux cooked v2), applies the filter,
// prints each frame the way tcpdump's dissectors do (src/userland/tcpdump/print.ts), writes
// `-w` files in classic pcap, reads `-r` files, and stops on `-c N`, SIGINT or SIGTERM.
import type { Command, CommandContext } from './command.ts';
import { SIG, WaitQueue } from '../kernel/machine.ts';
import { devByName } from '../kernel/dev.ts';
import { machineTaps, tapsOf, type Direction, type Tap } from '../capture/taps.ts';
import { LINKTYPE_ETHERNET, PCAP_SNAPLEN, PcapError, concat, pcapHeader, pcapParse, pcapRecord } from '../capture/pcap.ts';
import { compileFilter, FilterError, type Pred } from './tcpdump/filter.ts';
import { defaultPrintOpts, hexAsciiPrint, hexPrint, printPacket, tsPrefix, type PrintOpts } from './tcpdump/print.ts';
import { System } from '../shell/system.ts';
import { CAPTURE_EPOCH_SEC } from '../capture/recorder.ts';
import { noteCaptureFile } from '../capture/export.ts';
import { normPath } from '../shell/vfs.ts';

/** The file -w names, as the machine's absolute path (relative to the process's directory). */
function capturePath(ctx: CommandContext, file: string): string {
  return normPath(System.of(ctx.m).cwd(ctx.proc), file);
}

export const LINKTYPE_LINUX_SLL2 = 276;



interface Opts {
  print: PrintOpts;
  iface?: string;
  count: number;
  write?: string;
  read?: string;
  snaplen: number;
  promisc: boolean;
  printAlso: boolean;
  immediate: boolean;
  /** -y: the link type asked for */
  dlt?: string;
  filter: string;
}

/** libpcap's TPACKET_V3 block timeout (tcpdump's pcap_set_timeout 1000 ms): without
 *  --immediate-mode, frames reach tcpdump when the kernel retires the ring block, on a timer
 *  that ticks every 1 s from the capture's start; frames still in the block at exit are lost. */
const BLOCK_TOV_NS = 1_000_000_000;

const WITH_ARG = new Set(['i', 'c', 'w', 'r', 's', 'C', 'W', 'y', 'F', 'E', 'G', 'j', 'T', 'M', 'z', 'Z', 'B', 'Q']);

function parseArgs(ctx: CommandContext): Opts | number {
  const o: Opts = { print: defaultPrintOpts(), count: 0, snaplen: PCAP_SNAPLEN, promisc: true, printAlso: false, immediate: false, filter: '' };
  const args = ctx.argv.slice(1);
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
      const val = (): string | undefined => inline ?? args[++i];
      switch (name) {
        case 'print':
          o.printAlso = true;
          break;
        case 'immediate-mode':
          o.immediate = true;
          break;
        case 'no-promiscuous-mode':
          o.promisc = false;
          break;
        case 'interface':
          o.iface = val();
          break;
        case 'snapshot-length':
          o.snaplen = Number(val());
          break;
        case 'version':
          ctx.stdout.write('tcpdump version 4.99.3\nlibpcap version 1.10.3 (with TPACKET_V3)\nOpenSSL 3.0.11 19 Sep 2023\n');
          return 0;
        default:
          ctx.stderr.write(`tcpdump: unrecognized option '${a}'\n`);
          return 1;
      }
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      rest.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      let val: string | undefined;
      if (WITH_ARG.has(f)) {
        val = a.slice(j + 1) || args[++i];
        if (val === undefined) {
          ctx.stderr.write(`tcpdump: option requires an argument -- '${f}'\n`);
          return 1;
        }
        j = a.length;
      }
      switch (f) {
        case 'i':
          o.iface = val;
          break;
        case 'c': {
          const n = Number(val);
          if (!/^\d+$/.test(val!) || n <= 0) {
            ctx.stderr.write(`tcpdump: invalid packet count ${val}\n`);
            return 1;
          }
          o.count = n;
          break;
        }
        case 'w':
          o.write = val;
          break;
        case 'r':
          o.read = val;
          break;
        case 's': {
          const n = Number(val);
          if (!/^\d+$/.test(val!)) {
            ctx.stderr.write(`tcpdump: invalid snaplen ${val}\n`);
            return 1;
          }
          o.snaplen = n === 0 ? PCAP_SNAPLEN : n;
          break;
        }
        case 'n':
          o.print.n++;
          break;
        case 'e':
          o.print.e = true;
          break;
        case 'v':
          o.print.v++;
          break;
        case 'q':
          o.print.q = true;
          break;
        case 't':
          o.print.t = o.print.t === 0 ? 1 : o.print.t + 1;
          break;
        case 'x':
          o.print.x++;
          break;
        case 'X':
          o.print.X = true;
          break;
        case 'p':
          o.promisc = false;
          break;
        case 'y':
          o.dlt = val!.toUpperCase();
          break;
        case 'l':
        case 'U':
        case 'S':
        case 'K':
        case 'N':
        case 'O':
        case 'A':
        case 'C':
        case 'W':
        case 'B':
        case 'Q':
          break;
        default:
          ctx.stderr.write(`tcpdump: invalid option -- '${f}'\n`);
          return 1;
      }
    }
  }
  // -t: none; -tt: epoch; -ttt: delta; -tttt: date and time; -ttttt: since the first packet
  if (o.print.t > 5) o.print.t = 0;
  o.filter = rest.join(' ');
  return o;
}

const plural = (n: number): string => (n === 1 ? '' : 's');

function linkTypeText(lt: number): string {
  if (lt === LINKTYPE_ETHERNET) return 'EN10MB (Ethernet)';
  if (lt === 113) return 'LINUX_SLL (Linux cooked v1)';
  if (lt === LINKTYPE_LINUX_SLL2) return 'LINUX_SLL2 (Linux cooked v2)';
  return `${lt}`;
}

/** Read a file of the process's filesystem as bytes. */
function readBytes(ctx: CommandContext, path: string): Uint8Array {
  const sys = System.maybe(ctx.m);
  if (!sys) throw new Error('no filesystem');
  const abs = path.startsWith('/') ? path : `${sys.cwd(ctx.proc)}/${path}`;
  const d = sys.vfs.readFile(ctx.proc, abs);
  if (typeof d !== 'string') return d;
  const b = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) b[i] = d.charCodeAt(i) & 0xff;
  return b;
}

/** The Ethernet frame inside a Linux cooked v2 record (or the frame itself). */
function sll2ToFrame(rec: Uint8Array): { frame: Uint8Array; ifindex: number; pkttype: number } | null {
  if (rec.length < 20) return null;
  const proto = (rec[0]! << 8) | rec[1]!;
  const ifindex = ((rec[4]! << 24) | (rec[5]! << 16) | (rec[6]! << 8) | rec[7]!) >>> 0;
  const pkttype = rec[10]!;
  const frame = new Uint8Array(rec.length - 20 + 14);
  frame.set(rec.subarray(12, 18), 6);
  frame[12] = proto >> 8;
  frame[13] = proto & 0xff;
  frame.set(rec.subarray(20), 14);
  return { frame, ifindex, pkttype };
}

const PKTTYPE = ['In', 'B', 'M', 'P', 'Out'];

/** The Ethernet frame inside a Linux cooked v1 record. */
function sll1ToFrame(rec: Uint8Array): { frame: Uint8Array; pkttype: number } | null {
  if (rec.length < 16) return null;
  const pkttype = (rec[0]! << 8) | rec[1]!;
  const frame = new Uint8Array(rec.length - 16 + 14);
  frame.set(rec.subarray(6, 12), 6);
  frame[12] = rec[14]!;
  frame[13] = rec[15]!;
  frame.set(rec.subarray(16), 14);
  return { frame, pkttype };
}

/** A Linux cooked v1 record from an Ethernet frame. */
function frameToSll1(frame: Uint8Array, pkttype: number, loopback: boolean): Uint8Array {
  const out = new Uint8Array(16 + Math.max(0, frame.length - 14));
  out[1] = pkttype;
  const hatype = loopback ? 772 : 1;
  out[2] = hatype >> 8;
  out[3] = hatype & 0xff;
  out[5] = 6;
  if (!loopback) out.set(frame.subarray(6, 12), 6);
  out[14] = frame[12] ?? 0;
  out[15] = frame[13] ?? 0;
  out.set(frame.subarray(14), 16);
  return out;
}

/** A cooked v1 packet: like Ethernet without -e; with -e the direction and source address. */
function printCooked1(o: PrintOpts, frame: Uint8Array, pkttype: number, len: number): string {
  let s = '';
  if (o.e) {
    const mac = Array.from(frame.subarray(6, 12), (b) => b.toString(16).padStart(2, '0')).join(':');
    const type = (frame[12]! << 8) | frame[13]!;
    const name = ({ 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6' } as Record<number, string>)[type] ?? 'Unknown';
    s += `${(PKTTYPE[pkttype] ?? '?').padStart(3)} ${mac} ethertype ${name} (0x${type.toString(16).padStart(4, '0')}), length ${len - 14 + 16}: `;
    s += printPacket({ ...o, x: 0, X: false }, frame, len).replace(/^[^,]+ > [^,]+, ethertype [^,]+, length \d+: /, '');
  } else s += printPacket({ ...o, x: 0, X: false }, frame, len);
  if (o.X) s += hexAsciiPrint(frame, 14);
  else if (o.x) s += hexPrint(frame, 14);
  return s;
}

/** Build a Linux cooked v2 record from an Ethernet frame. */
function frameToSll2(frame: Uint8Array, ifindex: number, pkttype: number, loopback: boolean): Uint8Array {
  const out = new Uint8Array(20 + Math.max(0, frame.length - 14));
  out[0] = frame[12] ?? 0;
  out[1] = frame[13] ?? 0;
  out[4] = (ifindex >>> 24) & 0xff;
  out[5] = (ifindex >>> 16) & 0xff;
  out[6] = (ifindex >>> 8) & 0xff;
  out[7] = ifindex & 0xff;
  const hatype = loopback ? 772 : 1;
  out[8] = hatype >> 8;
  out[9] = hatype & 0xff;
  out[10] = pkttype;
  out[11] = 6;
  if (!loopback) out.set(frame.subarray(6, 12), 12);
  out.set(frame.subarray(14), 20);
  return out;
}

/** The line for one cooked (`-i any`) packet: interface, direction, then the payload. */
function printCooked(o: PrintOpts, frame: Uint8Array, ifname: string, ifindex: number, pkttype: number, len: number): string {
  let s = `${ifname.padEnd(5)} ${(PKTTYPE[pkttype] ?? '?').padEnd(3)} `;
  if (o.e) {
    const mac = Array.from(frame.subarray(6, 12), (b) => b.toString(16).padStart(2, '0')).join(':');
    const type = (frame[12]! << 8) | frame[13]!;
    const name = ({ 0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6' } as Record<number, string>)[type] ?? 'Unknown';
    s += `ifindex ${ifindex} ${mac} ethertype ${name} (0x${type.toString(16).padStart(4, '0')}), length ${len - 14 + 20}: `;
    // the payload as with -e (no protocol prefix)
    s += printPacket({ ...o, x: 0, X: false }, frame, len).replace(/^[^,]+ > [^,]+, ethertype [^,]+, length \d+: /, '');
  } else s += printPacket({ ...o, x: 0, X: false }, frame, len);
  if (o.X) s += hexAsciiPrint(frame, 14);
  else if (o.x) s += hexPrint(frame, 14);
  return s;
}

export const tcpdump: Command = async (ctx) => {
  const parsed = parseArgs(ctx);
  if (typeof parsed === 'number') return parsed;
  const o = parsed;
  if (o.read !== undefined) return readMode(ctx, o);
  return liveMode(ctx, o);
};

async function readMode(ctx: CommandContext, o: Opts): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = readBytes(ctx, o.read!);
  } catch {
    ctx.stderr.write(`tcpdump: ${o.read}: No such file or directory\n`);
    return 1;
  }
  let file;
  try {
    file = pcapParse(bytes);
  } catch (e) {
    if (!(e instanceof PcapError)) throw e;
    ctx.stderr.write(`tcpdump: ${e.message}\n`);
    return 1;
  }
  let filter: Pred;
  try {
    filter = compileFilter(o.filter);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    ctx.stderr.write(`tcpdump: ${e.message}\n`);
    return 1;
  }
  ctx.stderr.write(`reading from file ${o.read}, link-type ${linkTypeText(file.linktype)}, snapshot length ${file.snaplen}\n`);
  const cooked = file.linktype === LINKTYPE_LINUX_SLL2;
  if (cooked) ctx.stderr.write('Warning: interface names might be incorrect\n');
  const ns = ctx.m.world.netns[ctx.proc.netns];
  const out: Uint8Array[] = [];
  if (o.write) out.push(pcapHeader(file.linktype, o.snaplen));
  let prev: { sec: number; usec: number } | undefined;
  let n = 0;
  let text = '';
  for (const r of file.records) {
    let frame = r.data;
    let len = r.len;
    let ifindex = 0;
    let pkttype = 0;
    if (cooked) {
      const c = sll2ToFrame(r.data);
      if (!c) continue;
      ({ frame, ifindex, pkttype } = c);
      len = r.len - 20 + 14;
    } else if (file.linktype === 113) {
      const c = sll1ToFrame(r.data);
      if (!c) continue;
      ({ frame, pkttype } = c);
      len = r.len - 16 + 14;
    } else if (file.linktype !== LINKTYPE_ETHERNET) continue;
    if (!filter(frame)) continue;
    n++;
    if (o.write) {
      out.push(pcapRecord(r.sec, r.usec, r.data, o.snaplen));
      if (!o.printAlso) {
        if (o.count && n >= o.count) break;
        continue;
      }
    }
    text += tsPrefix(o.print, r.sec, r.usec, prev);
    if (o.print.t !== 5 || !prev) prev = { sec: r.sec, usec: r.usec };
    if (cooked) {
      const dev = ns ? Object.values(ns.devs).find((d) => d.ifindex === ifindex) : undefined;
      text += `${printCooked(o.print, frame, dev?.name ?? '?', ifindex, pkttype, len)}\n`;
    } else if (file.linktype === 113) text += `${printCooked1(o.print, frame, pkttype, len)}\n`;
    else text += `${printPacket(o.print, frame, len)}\n`;
    if (text.length > 65536) {
      ctx.stdout.write(text);
      text = '';
    }
    if (o.count && n >= o.count) break;
  }
  if (text) ctx.stdout.write(text);
  const stoppedEarly = o.count > 0 && n >= o.count;
  if (file.error !== undefined && !stoppedEarly) {
    ctx.stderr.write(`tcpdump: pcap_loop: ${file.error}\n`);
    return 1;
  }
  if (o.write) {
    const bytes = concat(out);
    await ctx.writeFile(o.write, bytes);
    noteCaptureFile(ctx.m, capturePath(ctx, o.write), bytes);
  }
  return 0;
}

interface Captured {
  t: number;
  frame: Uint8Array;
  dir: Direction;
  ifindex: number;
  ifname: string;
  pkttype: number;
}

async function liveMode(ctx: CommandContext, o: Opts): Promise<number> {
  const m = ctx.m;
  const nsId = ctx.proc.netns;
  const ns = m.world.netns[nsId];
  if (!ns) return 1;
  let ifname = o.iface;
  // pcap_findalldevs order: the first up and running device that is not loopback, else `any`
  // (which tcpdump then opens in its default link type, Linux cooked v1)
  let sllVersion = 2;
  if (ifname === undefined) {
    const devs = Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex);
    const d = devs.find((x) => x.kind !== 'loopback' && x.up && x.carrier);
    ifname = d ? d.name : 'any';
    if (!d) sllVersion = 1;
  }
  if (o.dlt === 'LINUX_SLL') sllVersion = 1;
  else if (o.dlt === 'LINUX_SLL2') sllVersion = 2;
  const any = ifname === 'any';
  let ifindex = 0;
  if (!any) {
    const d = /^\d+$/.test(ifname) ? Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex)[Number(ifname) - 1] : devByName(ns, ifname);
    if (!d) {
      ctx.stderr.write(`tcpdump: ${ifname}: No such device exists\n(No such device exists)\n`);
      return 1;
    }
    if (!d.up) {
      ctx.stderr.write(`tcpdump: ${d.name}: That device is not up\n`);
      return 1;
    }
    ifname = d.name;
    ifindex = d.ifindex;
  }
  let filter: Pred;
  try {
    filter = compileFilter(o.filter);
  } catch (e) {
    if (!(e instanceof FilterError)) throw e;
    ctx.stderr.write(`tcpdump: ${e.message}\n`);
    return 1;
  }
  const linktype = any ? (sllVersion === 1 ? 113 : LINKTYPE_LINUX_SLL2) : LINKTYPE_ETHERNET;
  if (o.write !== undefined) {
    try {
      await ctx.writeFile(o.write, pcapHeader(linktype, o.snaplen));
    } catch {
      ctx.stderr.write(`tcpdump: ${o.write}: No such file or directory\n`);
      return 1;
    }
  }
  if (any && o.iface !== undefined) ctx.stderr.write(`tcpdump: data link type ${sllVersion === 1 ? 'LINUX_SLL' : 'LINUX_SLL2'}\n`);
  if (!o.print.v && o.write === undefined) ctx.stderr.write('tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n');
  else ctx.stderr.write('tcpdump: ');
  ctx.stderr.write(`listening on ${ifname}, link-type ${linkTypeText(linktype)}, snapshot length ${o.snaplen} bytes\n`);

  // the tap: packet_rcv for this socket
  const queue: Captured[] = [];
  const wq = new WaitQueue();
  let received = 0;
  let disappeared = false;
  const start = m.now;
  let block: Captured[] = [];
  let armed = false;
  const tap: Tap = {
    ns: nsId,
    ifindex,
    deliver(t, dev, frame, dir) {
      if (!filter(frame)) return;
      received++;
      // libpcap drops the outgoing copy on loopback devices: each packet shows once
      if (dir === 'out' && dev.kind === 'loopback') return;
      let pkttype = 4;
      if (dir === 'in') {
        if (frame.length >= 6 && frame[0] === 0xff && frame[1] === 0xff && frame[2] === 0xff && frame[3] === 0xff && frame[4] === 0xff && frame[5] === 0xff) pkttype = 1;
        else if (frame.length >= 6 && (frame[0]! & 1) === 1) pkttype = 2;
        else {
          const mac = Array.from(frame.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
          pkttype = mac === dev.mac || dev.kind === 'loopback' ? 0 : 3;
        }
      }
      const c = { t, frame: frame.slice(), dir, ifindex: dev.ifindex, ifname: dev.name, pkttype };
      if (o.immediate) {
        queue.push(c);
        wq.wakeAll(m);
        return;
      }
      block.push(c);
      if (armed) return;
      armed = true;
      const next = start + (Math.floor((t - start) / BLOCK_TOV_NS) + 1) * BLOCK_TOV_NS;
      m.schedule(next - t, () => {
        armed = false;
        queue.push(...block);
        block = [];
        wq.wakeAll(m);
      });
    },
    gone() {
      disappeared = true;
      wq.wakeAll(m);
    },
  };
  // PACKET_MR_PROMISC: the device counts one more promiscuous user while we run
  const promDev = !any && o.promisc ? ifindex : 0;
  m.mutate((k) => {
    tapsOf(k).add(tap);
    if (promDev) {
      const d = k.w.netns[nsId]?.devs[promDev];
      if (d) d.promiscuity++;
    }
  });
  const handled = [SIG.SIGINT, SIG.SIGTERM, SIG.SIGHUP, SIG.SIGPIPE];
  for (const s of handled) ctx.proc.handled.add(s);
  let captured = 0;
  let killed = false;
  const written: Uint8Array[] = [pcapHeader(linktype, o.snaplen)];
  let prev: { sec: number; usec: number } | undefined;
  const cleanup = (): void => {
    m.mutate((k) => {
      tapsOf(k).delete(tap);
      if (promDev) {
        const d = k.w.netns[nsId]?.devs[promDev];
        if (d && d.promiscuity > 0) d.promiscuity--;
      }
    });
  };
  try {
    for (;;) {
      while (queue.length > 0 && !(o.count && captured >= o.count)) {
        const c = queue.shift()!;
        captured++;
        const sec = CAPTURE_EPOCH_SEC + Math.floor(c.t / 1e9);
        const usec = Math.floor((c.t % 1e9) / 1000);
        const data = !any ? c.frame : sllVersion === 1 ? frameToSll1(c.frame, c.pkttype, c.ifname === 'lo') : frameToSll2(c.frame, c.ifindex, c.pkttype, c.ifname === 'lo');
        if (o.write !== undefined) {
          const rec = pcapRecord(sec, usec, data, o.snaplen);
          written.push(rec);
          try {
            await ctx.writeFile(o.write, rec, true);
          } catch {
            /* the file went away: libpcap keeps writing to the open descriptor */
          }
        }
        if (o.write === undefined || o.printAlso) {
          let line = tsPrefix(o.print, sec, usec, prev);
          if (o.print.t !== 5 || !prev) prev = { sec, usec };
          line += !any
            ? printPacket(o.print, c.frame.subarray(0, o.snaplen), c.frame.length)
            : sllVersion === 1
              ? printCooked1(o.print, c.frame, c.pkttype, c.frame.length)
              : printCooked(o.print, c.frame, c.ifname, c.ifindex, c.pkttype, c.frame.length);
          ctx.stdout.write(`${line}\n`);
        }
      }
      if (o.count && captured >= o.count) break;
      if (disappeared) break;
      const r = await m.block(ctx.proc, { queue: wq });
      if (r === 'signal' || r === 'deadlock') {
        const sig = ctx.proc.takeSignal();
        if (sig !== undefined && (handled as number[]).includes(sig)) {
          killed = true;
          break;
        }
        if (sig !== undefined) ctx.proc.pending.unshift(sig);
        cleanup();
        ctx.proc.checkSignals();
        throw new Error('unreachable');
      }
    }
  } finally {
    if (machineTaps(m).has(tap)) cleanup();
  }
  if (o.write !== undefined) noteCaptureFile(m, capturePath(ctx, o.write), concat(written));
  if (killed && (o.write === undefined || o.printAlso)) ctx.stdout.write('\n');
  if (disappeared && !killed) ctx.stderr.write('tcpdump: pcap_loop: The interface disappeared\n');
  ctx.stderr.write(`${captured} packet${plural(captured)} captured\n${received} packet${plural(received)} received by filter\n0 packets dropped by kernel\n`);
  return disappeared && !killed ? 1 : 0;
}
