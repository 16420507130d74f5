// Addresses: MAC (bytes ⇄ text, 48-bit keys), IPv4 (uint32 ⇄ text, three parsers for the three
// ways Linux tools read an address, prefixes), IPv6 (text as inet_ntop prints it, EUI-64
// link-local). IPv4 addresses are unsigned 32-bit numbers (`>>> 0`), host order.
//
// Text parsers return null (or a result object) rather than throw: the tools turn a failure into
// their own messages.

// ---------------------------------------------------------------- MAC

export const ETH_ALEN = 6;

/** ff:ff:ff:ff:ff:ff. Shared: never write into it. */
export const MAC_BROADCAST: Uint8Array = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
/** 00:00:00:00:00:00. Shared: never write into it. */
export const MAC_ZERO: Uint8Array = new Uint8Array(6);

const HEX = '0123456789abcdef';

function hex2(b: number): string {
  return HEX[b >> 4]! + HEX[b & 15]!;
}

/** `aa:bb:cc:dd:ee:ff`, lowercase (iproute2 `ll_addr_n2a`). Any length; 6 bytes by default. */
export function macToText(buf: Uint8Array, off = 0, len = ETH_ALEN): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (i ? ':' : '') + hex2(buf[off + i]!);
  return s;
}

/** The 6 bytes at `buf[off..]` as one number below 2^48: an allocation-free Map key. */
export function macKey(buf: Uint8Array, off = 0): number {
  return (
    (buf[off]! * 0x10000 + ((buf[off + 1]! << 8) | buf[off + 2]!)) * 0x1000000 +
    ((buf[off + 3]! << 16) | (buf[off + 4]! << 8) | buf[off + 5]!)
  );
}

/** Writes the MAC whose key is `key` into `buf[off..off+6)`. */
export function macKeyWrite(key: number, buf: Uint8Array, off = 0): void {
  const hi = Math.floor(key / 0x1000000);
  const lo = key % 0x1000000;
  buf[off] = hi >>> 16;
  buf[off + 1] = (hi >>> 8) & 0xff;
  buf[off + 2] = hi & 0xff;
  buf[off + 3] = lo >>> 16;
  buf[off + 4] = (lo >>> 8) & 0xff;
  buf[off + 5] = lo & 0xff;
}

/** The key of a MAC in its text form (aa:bb:cc:dd:ee:ff), NaN when it is not one. Devices and
 *  neighbours keep their addresses as text, and every frame they send or take in needs the
 *  bytes: the keys of the texts seen last are kept (a string caches its own hash). */
export function macTextKey(text: string): number {
  let key = macKeys.get(text);
  if (key !== undefined) return key;
  key = parseMacKey(text);
  if (macKeys.size >= 4096) macKeys.clear();
  macKeys.set(text, key);
  return key;
}
const macKeys = new Map<string, number>();

function parseMacKey(text: string): number {
  if (text.length !== 17) return NaN;
  let key = 0;
  for (let i = 0; i < 6; i++) {
    const hi = hexValue(text.charCodeAt(3 * i));
    const lo = hexValue(text.charCodeAt(3 * i + 1));
    if (hi > 15 || lo > 15 || (i < 5 && text.charCodeAt(3 * i + 2) !== 58)) return NaN;
    key = key * 256 + ((hi << 4) | lo);
  }
  return key;
}

export function macFromKey(key: number): Uint8Array {
  const m = new Uint8Array(6);
  macKeyWrite(key, m, 0);
  return m;
}

export function macEquals(a: Uint8Array, aOff: number, b: Uint8Array, bOff = 0): boolean {
  return (
    a[aOff] === b[bOff] && a[aOff + 1] === b[bOff + 1] && a[aOff + 2] === b[bOff + 2] &&
    a[aOff + 3] === b[bOff + 3] && a[aOff + 4] === b[bOff + 4] && a[aOff + 5] === b[bOff + 5]
  );
}

/** Group bit (first octet bit 0): multicast or broadcast (`is_multicast_ether_addr`). */
export function macIsMulticast(buf: Uint8Array, off = 0): boolean {
  return (buf[off]! & 1) === 1;
}

export function macIsBroadcast(buf: Uint8Array, off = 0): boolean {
  return (buf[off]! & buf[off + 1]! & buf[off + 2]! & buf[off + 3]! & buf[off + 4]! & buf[off + 5]!) === 0xff;
}

export function macIsZero(buf: Uint8Array, off = 0): boolean {
  return (buf[off]! | buf[off + 1]! | buf[off + 2]! | buf[off + 3]! | buf[off + 4]! | buf[off + 5]!) === 0;
}

/** `is_valid_ether_addr`: not multicast and not all-zero (else EADDRNOTAVAIL on set). */
export function macIsValidUnicast(buf: Uint8Array, off = 0): boolean {
  return !macIsMulticast(buf, off) && !macIsZero(buf, off);
}

// glibc strtoul, exactly: leading isspace, optional sign, base 0 → 0x hex / 0 octal / decimal,
// overflow → ULONG_MAX, a minus sign negates modulo 2^64. `end` is where parsing stopped; no
// digits → end === start (and for "0x" without hex digits, the "0" alone is parsed).
const ULONG_MAX = (1n << 64n) - 1n;

function isCSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

function digitValue(c: string | undefined): number {
  if (c === undefined) return 99;
  const k = c.charCodeAt(0);
  if (k >= 48 && k <= 57) return k - 48;
  if (k >= 97 && k <= 122) return k - 87;
  if (k >= 65 && k <= 90) return k - 55;
  return 99;
}

function strtoul(s: string, start: number, base: number): { value: bigint; end: number } {
  let i = start;
  while (isCSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  if (s[i] === '0') {
    if ((base === 0 || base === 16) && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s[i + 2]) < 16) {
      i += 2;
      base = 16;
    } else if (base === 0) {
      base = 8;
    }
  } else if (base === 0) {
    base = 10;
  }
  const digitsStart = i;
  let v = 0n;
  const b = BigInt(base);
  while (digitValue(s[i]) < base) {
    v = v * b + BigInt(digitValue(s[i]));
    i++;
  }
  if (i === digitsStart) return { value: 0n, end: start };
  if (v > ULONG_MAX) v = ULONG_MAX;
  else if (neg) v = (ULONG_MAX + 1n - v) & ULONG_MAX;
  return { value: v, end: i };
}

export type LlAddrResult = { ok: true; bytes: Uint8Array } | { ok: false; bad: string };

/**
 * What iproute2's `ll_addr_a2n` makes of a link-layer address argument (`ip link set X address`,
 * `ip neigh add … lladdr`): colon-separated parts, each read as by `sscanf("%x")` (leading blanks,
 * a sign, 0x and trailing junk all accepted; the value truncated to an int, then 0..255 required);
 * text with a '.' is an IPv4 address read by `get_addr_1` (4 bytes). On failure `bad` is the text
 * iproute2 quotes in `"%s" is invalid lladdr.` The tool checks the length (`ip link` 6.1 prints
 * `Invalid address length N - must be 6 bytes`). More than `maxLen` parts give length maxLen+1,
 * as iproute2's loop does.
 */
export function llAddrFromText(text: string, maxLen = 32): LlAddrResult {
  if (text.includes('.')) {
    const a = text.includes(':') ? null : ipv4FromTextIproute(text);
    if (a === null) return { ok: false, bad: text };
    const bytes = new Uint8Array(4);
    ipv4Write(bytes, 0, a);
    return { ok: true, bytes };
  }
  const out: number[] = [];
  let rest: string | null = text;
  while (rest !== null && out.length < maxLen) {
    const colon = rest.indexOf(':');
    const part = colon < 0 ? rest : rest.slice(0, colon);
    rest = colon < 0 ? null : rest.slice(colon + 1);
    const { value, end } = strtoul(part, 0, 16);
    if (end === 0) return { ok: false, bad: part };
    const asInt = Number(value & 0xffffffffn) | 0;
    if (asInt < 0 || asInt > 255) return { ok: false, bad: part };
    out.push(asInt);
  }
  if (rest !== null) out.push(0);
  return { ok: true, bytes: Uint8Array.from(out) };
}

/** `llAddrFromText` when it yields exactly 6 bytes, else null. The canonical form
 * `xx:xx:xx:xx:xx:xx` takes a fast path. */
/** Writes a MAC in the kernel's text form (six two-digit hex bytes with colons, as devices and
 *  neighbours hold them) into `buf` at `at` without allocating; false if `text` is not one. */
export function macWriteText(buf: Uint8Array, at: number, text: string): boolean {
  const key = macTextKey(text);
  if (Number.isNaN(key)) return false;
  macKeyWrite(key, buf, at);
  return true;
}

function hexValue(k: number): number {
  if (k >= 48 && k <= 57) return k - 48;
  if (k >= 97 && k <= 102) return k - 87;
  if (k >= 65 && k <= 70) return k - 55;
  return 99;
}

export function macFromText(text: string): Uint8Array | null {
  if (text.length === 17) {
    const m = new Uint8Array(6);
    let ok = true;
    for (let i = 0; i < 6 && ok; i++) {
      const hi = digitValue(text[3 * i]);
      const lo = digitValue(text[3 * i + 1]);
      ok = hi < 16 && lo < 16 && (i === 5 || text[3 * i + 2] === ':');
      m[i] = (hi << 4) | lo;
    }
    if (ok) return m;
  }
  const r = llAddrFromText(text);
  return r.ok && r.bytes.length === ETH_ALEN ? r.bytes : null;
}

/** Do the 6 bytes at buf[off] spell the canonical text `xx:xx:xx:xx:xx:xx`? (no allocation) */
export function macEqualsText(buf: Uint8Array, off: number, text: string): boolean {
  return macKey(buf, off) === macTextKey(text);
}

// ---------------------------------------------------------------- IPv4

export function ipv4Read(buf: Uint8Array, off: number): number {
  return ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
}

export function ipv4Write(buf: Uint8Array, off: number, a: number): void {
  buf[off] = a >>> 24;
  buf[off + 1] = (a >>> 16) & 0xff;
  buf[off + 2] = (a >>> 8) & 0xff;
  buf[off + 3] = a & 0xff;
}

/** Dotted quad, as inet_ntop prints it. */
export function ipv4ToText(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** inet_pton(AF_INET): exactly four decimal parts 0..255, no leading zeros, nothing else. */
export function ipv4FromText(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let a = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    a = a * 256 + n;
  }
  return a;
}

/**
 * iproute2's `get_addr_ipv4` (what `get_addr_1` uses for AF_INET, e.g. `ip addr add`): one to
 * four parts, each a C number (strtoul base 0: leading blanks, sign, 0x hex, 0 octal) of at
 * most 255, missing trailing parts are zero: `10.8` is 10.8.0.0, `010.1.1.1` is 8.1.1.1.
 */
export function ipv4FromTextIproute(text: string): number | null {
  const b = [0, 0, 0, 0];
  let cp = 0;
  for (let i = 0; i < 4; i++) {
    const { value, end } = strtoul(text, cp, 0);
    if (value > 255n) return null;
    if (end === cp) return null;
    b[i] = Number(value);
    if (end === text.length) break;
    if (i === 3 || text[end] !== '.') return null;
    cp = end + 1;
  }
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

/**
 * glibc's `__inet_aton_exact` (what getaddrinfo, hence ping, accepts as a numeric host): one to
 * four parts, each starting with a digit (0x hex, 0 octal, else decimal); the last part fills
 * the remaining bytes: `127.1` is 127.0.0.1, `2130706433` is 127.0.0.1. Nothing may follow.
 */
export function ipv4FromTextAton(text: string): number | null {
  const parts: number[] = [];
  let cp = 0;
  for (;;) {
    if (digitValue(text[cp]) > 9) return null;
    const { value, end } = strtoul(text, cp, 0);
    if (value > 0xffffffffn) return null;
    cp = end;
    if (text[cp] === '.') {
      if (parts.length > 2 || value > 255n) return null;
      parts.push(Number(value));
      cp++;
    } else {
      if (cp !== text.length) return null;
      const max = [0xffffffff, 0xffffff, 0xffff, 0xff][parts.length]!;
      const last = Number(value);
      if (last > max) return null;
      let hi = 0;
      for (let i = 0; i < parts.length; i++) hi += parts[i]! * 2 ** (24 - 8 * i);
      return hi + last;
    }
  }
}

/** Netmask of a prefix length 0..32 (`inet_make_mask`). */
export function prefixMask(len: number): number {
  return len <= 0 ? 0 : (0xffffffff << (32 - Math.min(len, 32))) >>> 0;
}

export function prefixNetwork(a: number, len: number): number {
  return (a & prefixMask(len)) >>> 0;
}

/** Directed broadcast: the network with all host bits set. */
export function prefixBroadcast(a: number, len: number): number {
  return (a | ~prefixMask(len)) >>> 0;
}

export function inPrefix(a: number, net: number, len: number): boolean {
  const m = prefixMask(len);
  return ((a ^ net) & m) === 0;
}

/** Prefix length of a contiguous netmask, -1 if it is not contiguous (iproute2 `mask2bits`). */
export function maskToPrefixLen(mask: number): number {
  const host = ~mask >>> 0;
  if ((host & (host + 1)) !== 0) return -1;
  return Math.clz32(host);
}

export const ipv4IsMulticast = (a: number): boolean => a >>> 28 === 0xe;
export const ipv4IsLoopback = (a: number): boolean => a >>> 24 === 127;
export const ipv4IsZeronet = (a: number): boolean => a >>> 24 === 0;
export const ipv4IsLbcast = (a: number): boolean => a === 0xffffffff;

// ---------------------------------------------------------------- IPv6

/** Text of 16 bytes exactly as glibc inet_ntop prints it (RFC 5952 plus `::ffff:a.b.c.d`). */
export function ipv6ToText(buf: Uint8Array, off = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push((buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!);
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) s += ':';
      continue;
    }
    if (i !== 0) s += ':';
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      s += ipv4ToText(ipv4Read(buf, off + 12));
      return s;
    }
    s += w[i]!.toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) s += ':';
  return s;
}

/** inet_pton(AF_INET6): 16 bytes, or null. Accepts `::`, a trailing dotted quad; no zone. */
export function ipv6FromText(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parseSide = (side: string, allowV4: boolean): number[] | null => {
    if (side === '') return [];
    const groups = side.split(':');
    const words: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const a = ipv4FromText(g);
        if (a === null) return null;
        words.push(a >>> 16, a & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
        words.push(parseInt(g, 16));
      } else {
        return null;
      }
    }
    return words;
  };
  const left = parseSide(halves[0]!, halves.length === 1);
  const right = halves.length === 2 ? parseSide(halves[1]!, true) : [];
  if (left === null || right === null) return null;
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return null;
  const words = [...left, ...new Array<number>(8 - total).fill(0), ...right];
  const out = new Uint8Array(16);
  words.forEach((v, i) => {
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** Modified EUI-64 interface id of a MAC (RFC 4291 App. A): U/L bit flipped, ff:fe inserted. */
export function eui64FromMac(mac: Uint8Array, off = 0): Uint8Array {
  return Uint8Array.of(mac[off]! ^ 0x02, mac[off + 1]!, mac[off + 2]!, 0xff, 0xfe, mac[off + 3]!, mac[off + 4]!, mac[off + 5]!);
}

/** fe80::/64 + EUI-64 of the MAC: the link-local address addrconf gives with addrgenmode eui64. */
export function ipv6LinkLocalFromMac(mac: Uint8Array, off = 0): Uint8Array {
  const a = new Uint8Array(16);
  a[0] = 0xfe;
  a[1] = 0x80;
  a.set(eui64FromMac(mac, off), 8);
  return a;
}
