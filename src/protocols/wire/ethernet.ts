// Ethernet II header, with at most one 802.1Q tag. No preamble, no FCS, no padding: the bytes
// a veth carries and tcpdump shows (a 42-byte ARP request stays 42 bytes).
import { need, place, WireError } from './error.ts';
import { ETH_ALEN, macKey } from './addr.ts';

export const ETH_HLEN = 14;
export const VLAN_HLEN = 4;
export const ETH_P_IP = 0x0800;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_IPV6 = 0x86dd;

export interface VlanTag {
  pcp: number; // 0..7
  dei: boolean;
  vid: number; // 0..4095
}

export interface EthernetRepr {
  dst: Uint8Array; // 6 bytes (a copy on parse)
  src: Uint8Array; // 6 bytes (a copy on parse)
  /** The 802.1Q tag; null when untagged (then `ethertype` is never 0x8100). */
  vlan: VlanTag | null;
  /** EtherType after the tag, if any (values below 0x0600 are 802.3 lengths, kept as they are). */
  ethertype: number;
  /** Everything after the header, to the end of the buffer (a view on parse). */
  payload: Uint8Array;
}

export function ethernetHeaderLength(repr: EthernetRepr): number {
  return repr.vlan ? ETH_HLEN + VLAN_HLEN : ETH_HLEN;
}

export function ethernetLength(repr: EthernetRepr): number {
  return ethernetHeaderLength(repr) + repr.payload.length;
}

export function ethernetParse(buf: Uint8Array, off = 0): EthernetRepr {
  need(buf, off, ETH_HLEN, 'ethernet');
  let type = (buf[off + 12]! << 8) | buf[off + 13]!;
  let vlan: VlanTag | null = null;
  let hl = ETH_HLEN;
  if (type === ETH_P_8021Q) {
    need(buf, off, ETH_HLEN + VLAN_HLEN, 'ethernet 802.1Q');
    const tci = (buf[off + 14]! << 8) | buf[off + 15]!;
    vlan = { pcp: tci >> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0xfff };
    type = (buf[off + 16]! << 8) | buf[off + 17]!;
    hl += VLAN_HLEN;
  }
  return {
    dst: buf.slice(off, off + 6),
    src: buf.slice(off + 6, off + 12),
    vlan,
    ethertype: type,
    payload: buf.subarray(off + hl),
  };
}

/** Writes header and payload at `buf[off..]` (the payload is not copied if it already is that
 * view of `buf`); returns the number of bytes written. */
export function ethernetEmit(repr: EthernetRepr, buf: Uint8Array, off = 0): number {
  if (repr.dst.length !== ETH_ALEN || repr.src.length !== ETH_ALEN) {
    throw new WireError('malformed', 'ethernet: MAC addresses must be 6 bytes');
  }
  const hl = ethernetHeaderLength(repr);
  const len = hl + repr.payload.length;
  need(buf, off, len, 'ethernet emit');
  buf.set(repr.dst, off);
  buf.set(repr.src, off + 6);
  let p = off + 12;
  if (repr.vlan) {
    const tci = ((repr.vlan.pcp & 7) << 13) | (repr.vlan.dei ? 0x1000 : 0) | (repr.vlan.vid & 0xfff);
    buf[p] = ETH_P_8021Q >> 8;
    buf[p + 1] = ETH_P_8021Q & 0xff;
    buf[p + 2] = tci >> 8;
    buf[p + 3] = tci & 0xff;
    p += 4;
  }
  buf[p] = (repr.ethertype >> 8) & 0xff;
  buf[p + 1] = repr.ethertype & 0xff;
  place(repr.payload, buf, off + hl);
  return len;
}

// ---- accessors: read the bytes in place; the caller has checked the length (>= 14).

/** The EtherType field at bytes 12..13 (0x8100 for a tagged frame). */
export function ethType(buf: Uint8Array, off = 0): number {
  return (buf[off + 12]! << 8) | buf[off + 13]!;
}

/** The EtherType after one 802.1Q tag, if there is one. */
export function ethInnerType(buf: Uint8Array, off = 0): number {
  const t = ethType(buf, off);
  return t === ETH_P_8021Q ? (buf[off + 16]! << 8) | buf[off + 17]! : t;
}

/** 14, or 18 with an 802.1Q tag: where the payload starts. */
export function ethHeaderLength(buf: Uint8Array, off = 0): number {
  return ethType(buf, off) === ETH_P_8021Q ? ETH_HLEN + VLAN_HLEN : ETH_HLEN;
}

/** VLAN id of a tagged frame, -1 if untagged. */
export function ethVid(buf: Uint8Array, off = 0): number {
  return ethType(buf, off) === ETH_P_8021Q ? ((buf[off + 14]! << 8) | buf[off + 15]!) & 0xfff : -1;
}

export const ethDstKey = (buf: Uint8Array, off = 0): number => macKey(buf, off);
export const ethSrcKey = (buf: Uint8Array, off = 0): number => macKey(buf, off + 6);
export const ethDstIsMulticast = (buf: Uint8Array, off = 0): boolean => (buf[off]! & 1) === 1;
export const ethSrcIsMulticast = (buf: Uint8Array, off = 0): boolean => (buf[off + 6]! & 1) === 1;

/** Rewrites the MAC addresses in place (the forwarding path: `neigh_hh_output`). */
export function ethSetAddrs(buf: Uint8Array, off: number, dst: Uint8Array, src: Uint8Array): void {
  buf.set(dst, off);
  buf.set(src, off + 6);
}
