// ARP for IPv4 over Ethernet-like hardware (RFC 826): 28 bytes. Other address sizes are
// `unsupported` (the kernel's arp_rcv drops them too: ar_hln != dev->addr_len, ar_pln != 4).
import { need, WireError } from './error.ts';
import { ETH_ALEN, ipv4Read, ipv4Write } from './addr.ts';

export const ARP_LEN = 28;
export const ARPHRD_ETHER = 1;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;

export interface ArpRepr {
  htype: number; // ARPHRD_ETHER on Ethernet devices
  ptype: number; // ETH_P_IP
  op: number; // ARPOP_REQUEST, ARPOP_REPLY, or anything else seen on the wire
  sha: Uint8Array; // 6 bytes (a copy on parse)
  spa: number;
  tha: Uint8Array; // 6 bytes (a copy on parse)
  tpa: number;
}
// hlen and plen are always 6 and 4 in a Repr: parse checks them, emit writes them.

export function arpLength(_repr?: ArpRepr): number {
  return ARP_LEN;
}

export function arpParse(buf: Uint8Array, off = 0): ArpRepr {
  need(buf, off, 8, 'arp');
  const hlen = buf[off + 4]!;
  const plen = buf[off + 5]!;
  if (hlen !== ETH_ALEN || plen !== 4) {
    throw new WireError('unsupported', `arp: hlen ${hlen} plen ${plen} (only 6 and 4)`);
  }
  need(buf, off, ARP_LEN, 'arp');
  return {
    htype: (buf[off]! << 8) | buf[off + 1]!,
    ptype: (buf[off + 2]! << 8) | buf[off + 3]!,
    op: (buf[off + 6]! << 8) | buf[off + 7]!,
    sha: buf.slice(off + 8, off + 14),
    spa: ipv4Read(buf, off + 14),
    tha: buf.slice(off + 18, off + 24),
    tpa: ipv4Read(buf, off + 24),
  };
}

export function arpEmit(repr: ArpRepr, buf: Uint8Array, off = 0): number {
  if (repr.sha.length !== ETH_ALEN || repr.tha.length !== ETH_ALEN) {
    throw new WireError('malformed', 'arp: hardware addresses must be 6 bytes');
  }
  need(buf, off, ARP_LEN, 'arp emit');
  buf[off] = (repr.htype >> 8) & 0xff;
  buf[off + 1] = repr.htype & 0xff;
  buf[off + 2] = (repr.ptype >> 8) & 0xff;
  buf[off + 3] = repr.ptype & 0xff;
  buf[off + 4] = ETH_ALEN;
  buf[off + 5] = 4;
  buf[off + 6] = (repr.op >> 8) & 0xff;
  buf[off + 7] = repr.op & 0xff;
  buf.set(repr.sha, off + 8);
  ipv4Write(buf, off + 14, repr.spa);
  buf.set(repr.tha, off + 18);
  ipv4Write(buf, off + 24, repr.tpa);
  return ARP_LEN;
}

// ---- accessors (caller has checked 28 bytes are there)
export const arpOp = (buf: Uint8Array, off = 0): number => (buf[off + 6]! << 8) | buf[off + 7]!;
export const arpSpa = (buf: Uint8Array, off = 0): number => ipv4Read(buf, off + 14);
export const arpTpa = (buf: Uint8Array, off = 0): number => ipv4Read(buf, off + 24);
/** Offsets of sha and tha, for macKey/macEquals on the frame itself. */
export const ARP_SHA_OFF = 8;
export const ARP_THA_OFF = 18;
