// Capture files: classic pcap (what `tcpdump -w` writes: microsecond timestamps, LINKTYPE
// EN10MB or LINUX_SLL) and pcapng (what `nsemu run --pcap` writes: one Interface Description
// Block per namespace/device, Enhanced Packet Blocks with nanosecond timestamps and the
// direction flag). Little-endian, as libpcap writes on the machines people use.

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL = 113;
export const PCAP_SNAPLEN = 262144;

export interface PcapRecord {
  /** seconds and microseconds since the epoch */
  sec: number;
  usec: number;
  /** original length on the wire */
  len: number;
  data: Uint8Array;
}

export interface PcapFile {
  linktype: number;
  snaplen: number;
  /** true when the timestamps were nanoseconds (magic a1b23c4d): usec then holds nanoseconds / 1000 */
  nano: boolean;
  records: PcapRecord[];
}

/** The 24-byte global header. */
export function pcapHeader(linktype = LINKTYPE_ETHERNET, snaplen = PCAP_SNAPLEN): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linktype, true);
  return b;
}

/** One record: header and the first `snaplen` bytes of the frame. */
export function pcapRecord(sec: number, usec: number, frame: Uint8Array, snaplen = PCAP_SNAPLEN): Uint8Array {
  const cap = Math.min(frame.length, snaplen);
  const b = new Uint8Array(16 + cap);
  const v = new DataView(b.buffer);
  v.setUint32(0, sec, true);
  v.setUint32(4, usec, true);
  v.setUint32(8, cap, true);
  v.setUint32(12, frame.length, true);
  b.set(frame.subarray(0, cap), 16);
  return b;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export class PcapError extends Error {}

/**
 * Parse a classic pcap file (either byte order, µs or ns magic). A bad global header throws
 * PcapError with libpcap's message; a record cut short ends the list and sets `error`
 * (tcpdump prints the records before it, then `pcap_loop: …`).
 */
export function pcapParse(buf: Uint8Array): PcapFile & { error?: string } {
  if (buf.length < 4) throw new PcapError(`truncated dump file; tried to read 4 file header bytes, only got ${buf.length}`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const m = v.getUint32(0, true);
  let le: boolean;
  if (m === 0xa1b2c3d4 || m === 0xa1b23c4d) le = true;
  else if (v.getUint32(0, false) === 0xa1b2c3d4 || v.getUint32(0, false) === 0xa1b23c4d) le = false;
  else throw new PcapError('unknown file format');
  if (buf.length < 24) throw new PcapError(`truncated dump file; tried to read 20 file header bytes, only got ${buf.length - 4}`);
  const nano = v.getUint32(0, le) === 0xa1b23c4d;
  const snaplen = v.getUint32(16, le);
  const linktype = v.getUint32(20, le) & 0x3ffffff;
  const records: PcapRecord[] = [];
  let o = 24;
  let error: string | undefined;
  while (o < buf.length) {
    if (o + 16 > buf.length) {
      error = `truncated dump file; tried to read 16 header bytes, only got ${buf.length - o}`;
      break;
    }
    const sec = v.getUint32(o, le);
    const frac = v.getUint32(o + 4, le);
    const cap = v.getUint32(o + 8, le);
    const len = v.getUint32(o + 12, le);
    if (o + 16 + cap > buf.length) {
      error = `truncated dump file; tried to read ${cap} captured bytes, only got ${buf.length - o - 16}`;
      break;
    }
    records.push({ sec, usec: nano ? Math.floor(frac / 1000) : frac, len, data: buf.slice(o + 16, o + 16 + cap) });
    o += 16 + cap;
  }
  const f: PcapFile & { error?: string } = { linktype, snaplen, nano, records };
  if (error !== undefined) f.error = error;
  return f;
}

// ---- pcapng -----------------------------------------------------------------------------------

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + body.length;
  const b = new Uint8Array(total);
  const v = new DataView(b.buffer);
  v.setUint32(0, type, true);
  v.setUint32(4, total, true);
  b.set(body, 8);
  v.setUint32(total - 4, total, true);
  return b;
}

function option(code: number, value: Uint8Array): Uint8Array {
  const b = new Uint8Array(4 + pad4(value.length));
  const v = new DataView(b.buffer);
  v.setUint16(0, code, true);
  v.setUint16(2, value.length, true);
  b.set(value, 4);
  return b;
}

const enc = new TextEncoder();
const END_OF_OPT = new Uint8Array(4);

export function pcapngSectionHeader(app = 'nsemu'): Uint8Array {
  const head = new Uint8Array(16);
  const v = new DataView(head.buffer);
  v.setUint32(0, 0x1a2b3c4d, true);
  v.setUint16(4, 1, true);
  v.setUint16(6, 0, true);
  v.setInt32(8, -1, true);
  v.setInt32(12, -1, true);
  return block(0x0a0d0d0a, concat([head, option(4, enc.encode(app)), END_OF_OPT]));
}

/** Interface Description Block: EN10MB, if_name, if_description, if_tsresol 9 (nanoseconds). */
export function pcapngInterface(name: string, description: string, snaplen = PCAP_SNAPLEN): Uint8Array {
  const head = new Uint8Array(8);
  const v = new DataView(head.buffer);
  v.setUint16(0, LINKTYPE_ETHERNET, true);
  v.setUint32(4, snaplen, true);
  return block(0x00000001, concat([head, option(2, enc.encode(name)), option(3, enc.encode(description)), option(9, new Uint8Array([9])), END_OF_OPT]));
}

/** Enhanced Packet Block with epb_flags direction (1 inbound, 2 outbound); `tNs` since the epoch. */
export function pcapngPacket(ifid: number, tNs: bigint, frame: Uint8Array, dir: 'in' | 'out'): Uint8Array {
  const head = new Uint8Array(20);
  const v = new DataView(head.buffer);
  const t = tNs;
  v.setUint32(0, ifid, true);
  v.setUint32(4, Number(t >> 32n), true);
  v.setUint32(8, Number(t & 0xffffffffn), true);
  v.setUint32(12, frame.length, true);
  v.setUint32(16, frame.length, true);
  const data = new Uint8Array(pad4(frame.length));
  data.set(frame);
  const flags = new Uint8Array(4);
  new DataView(flags.buffer).setUint32(0, dir === 'in' ? 1 : 2, true);
  return block(0x00000006, concat([head, data, option(2, flags), END_OF_OPT]));
}
