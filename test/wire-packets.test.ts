import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { WireError } from '../src/protocols/wire/error.ts';
import { internetChecksum, onesSum } from '../src/protocols/wire/checksum.ts';
import { macKey } from '../src/protocols/wire/addr.ts';
import {
  ethDstKey, ethDstIsMulticast, ethernetEmit, ethernetLength, ethernetParse, ethHeaderLength, ethInnerType,
  ethSrcKey, ethType, ethVid, ETH_P_8021Q, ETH_P_IP, type EthernetRepr,
} from '../src/protocols/wire/ethernet.ts';
import { arpEmit, arpLength, arpOp, arpParse, arpSpa, arpTpa, type ArpRepr } from '../src/protocols/wire/arp.ts';
import {
  ipv4Checksum, ipv4ChecksumValid, ipv4DecTtl, ipv4Df, ipv4Dst, ipv4Emit, ipv4FragOffset, ipv4HeaderLen,
  ipv4HeaderOk, ipv4Id, ipv4IsFragment, ipv4Length, ipv4Mf, ipv4Parse, ipv4Proto, ipv4SetDst, ipv4SetSrc,
  ipv4SetTos, ipv4SetTtl, ipv4Src, ipv4Tos, ipv4TotalLength, ipv4Ttl, ipv4Version, IPPROTO_ICMP, type Ipv4Repr,
} from '../src/protocols/wire/ipv4.ts';
import {
  icmpChecksumValid, icmpCode, icmpEchoId, icmpEchoSeq, icmpEmit, icmpLength, icmpParse, icmpType, type IcmpRepr,
} from '../src/protocols/wire/icmp.ts';
import {
  udpChecksum, udpChecksumValid, udpDstPort, udpEmit, udpLen, udpLength, udpParse, udpSrcPort, type UdpRepr,
} from '../src/protocols/wire/udp.ts';

// ---------------------------------------------------------------- arbitraries (valid Reprs)

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

const vlanArb = fc.option(fc.record({ pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), vid: fc.integer({ min: 0, max: 4095 }) }));
const ethernetArb: fc.Arbitrary<EthernetRepr> = fc
  .record({ dst: mac, src: mac, vlan: vlanArb, ethertype: u16, payload: bytes(120) })
  .filter((r) => r.vlan !== null || r.ethertype !== ETH_P_8021Q);
const arpArb: fc.Arbitrary<ArpRepr> = fc.record({ htype: u16, ptype: u16, op: u16, sha: mac, spa: u32, tha: mac, tpa: u32 });
const ipv4Arb: fc.Arbitrary<Ipv4Repr> = fc.record({
  tos: u8, id: u16, dontFrag: fc.boolean(), moreFrags: fc.boolean(), fragOffset: fc.integer({ min: 0, max: 8191 }),
  ttl: u8, protocol: u8, src: u32, dst: u32,
  options: fc.integer({ min: 0, max: 10 }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n })),
  payload: bytes(200),
});
const otherType = u8.filter((t) => ![0, 3, 5, 8, 11].includes(t));
const icmpArb: fc.Arbitrary<IcmpRepr> = fc.oneof(
  fc.record({ kind: fc.constantFrom('echoRequest' as const, 'echoReply' as const), code: u8, id: u16, seq: u16, data: bytes(100) }),
  fc.record({ kind: fc.constant('destUnreachable' as const), code: u8, nextHopMtu: u16, original: bytes(100) }),
  fc.record({ kind: fc.constant('timeExceeded' as const), code: u8, original: bytes(100) }),
  fc.record({ kind: fc.constant('redirect' as const), code: u8, gateway: u32, original: bytes(100) }),
  fc.record({ kind: fc.constant('other' as const), type: otherType, code: u8, rest: u32, data: bytes(100) }),
);
const udpArb: fc.Arbitrary<UdpRepr> = fc.record({ srcPort: u16, dstPort: u16, payload: bytes(200) });

/** A buffer with `pre` junk bytes, room for `len`, and `post` junk bytes after. */
function frameBuf(pre: number, len: number, post: number): Uint8Array {
  const b = new Uint8Array(pre + len + post);
  b.fill(0xa5);
  return b;
}
const junk = fc.tuple(fc.nat(9), fc.nat(9));

/** Deep equality with exactly the same keys (fast-check records have a null prototype, so
 * toStrictEqual would compare prototypes). */
function same(actual: object, expected: object): void {
  expect(actual).toEqual(expected);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
}

// ---------------------------------------------------------------- round trips

describe('round trips parse(emit(x)) == x', () => {
  it('ethernet', () => {
    fc.assert(fc.property(ethernetArb, fc.nat(9), (x, pre) => {
      const len = ethernetLength(x);
      const b = frameBuf(pre, len, 0);
      expect(ethernetEmit(x, b, pre)).toBe(len);
      const p = ethernetParse(b, pre);
      same(p, x);
      expect(p.payload.buffer).toBe(b.buffer);
      expect(ethType(b, pre)).toBe(x.vlan ? ETH_P_8021Q : x.ethertype);
      expect(ethInnerType(b, pre)).toBe(x.ethertype);
      expect(ethHeaderLength(b, pre)).toBe(x.vlan ? 18 : 14);
      expect(ethVid(b, pre)).toBe(x.vlan ? x.vlan.vid : -1);
      expect(ethDstKey(b, pre)).toBe(macKey(x.dst));
      expect(ethSrcKey(b, pre)).toBe(macKey(x.src));
      expect(ethDstIsMulticast(b, pre)).toBe((x.dst[0]! & 1) === 1);
    }));
  });

  it('arp', () => {
    fc.assert(fc.property(arpArb, junk, (x, [pre, post]) => {
      const b = frameBuf(pre, arpLength(x), post);
      expect(arpEmit(x, b, pre)).toBe(28);
      same(arpParse(b, pre), x);
      expect([arpOp(b, pre), arpSpa(b, pre), arpTpa(b, pre)]).toEqual([x.op, x.spa, x.tpa]);
    }));
  });

  it('ipv4 (checksum valid, accessors agree)', () => {
    fc.assert(fc.property(ipv4Arb, junk, (x, [pre, post]) => {
      const len = ipv4Length(x);
      const b = frameBuf(pre, len, post);
      expect(ipv4Emit(x, b, pre)).toBe(len);
      const p = ipv4Parse(b, pre);
      same(p, { ...x, checksumValid: true });
      expect(p.payload.buffer).toBe(b.buffer);
      expect(ipv4HeaderOk(b, pre)).toBe(true);
      expect(ipv4ChecksumValid(b, pre)).toBe(true);
      expect(onesSum(b, pre, pre + 20 + x.options.length)).toBe(0xffff);
      expect({
        v: ipv4Version(b, pre), hl: ipv4HeaderLen(b, pre), tos: ipv4Tos(b, pre), tot: ipv4TotalLength(b, pre),
        id: ipv4Id(b, pre), df: ipv4Df(b, pre), mf: ipv4Mf(b, pre), fo: ipv4FragOffset(b, pre), ttl: ipv4Ttl(b, pre),
        proto: ipv4Proto(b, pre), src: ipv4Src(b, pre), dst: ipv4Dst(b, pre), frag: ipv4IsFragment(b, pre),
      }).toEqual({
        v: 4, hl: 20 + x.options.length, tos: x.tos, tot: len, id: x.id, df: x.dontFrag, mf: x.moreFrags,
        fo: x.fragOffset, ttl: x.ttl, proto: x.protocol, src: x.src, dst: x.dst, frag: x.moreFrags || x.fragOffset !== 0,
      });
    }));
  });

  it('icmp (checksum over the whole message)', () => {
    fc.assert(fc.property(icmpArb, junk, (x, [pre, post]) => {
      const len = icmpLength(x);
      const b = frameBuf(pre, len, post);
      expect(icmpEmit(x, b, pre)).toBe(len);
      same(icmpParse(b, pre, len), { ...x, checksumValid: true });
      expect(icmpParse(b.subarray(pre, pre + len))).toEqual({ ...x, checksumValid: true });
      expect(icmpChecksumValid(b, pre, len)).toBe(true);
      expect(internetChecksum(b, pre, pre + len)).toBe(0);
      expect(icmpCode(b, pre)).toBe(x.code);
      if (x.kind === 'echoRequest' || x.kind === 'echoReply') {
        expect([icmpType(b, pre), icmpEchoId(b, pre), icmpEchoSeq(b, pre)]).toEqual([x.kind === 'echoRequest' ? 8 : 0, x.id, x.seq]);
      }
    }));
  });

  it('udp (checksum with the pseudo-header)', () => {
    fc.assert(fc.property(udpArb, u32, u32, junk, (x, src, dst, [pre, post]) => {
      const len = udpLength(x);
      const b = frameBuf(pre, len, post);
      expect(udpEmit(x, b, pre, src, dst)).toBe(len);
      same(udpParse(b, pre, src, dst), { ...x, checksumValid: true });
      expect(udpChecksum(b, pre)).not.toBe(0);
      expect(udpChecksumValid(b, pre, src, dst)).toBe(true);
      expect([udpSrcPort(b, pre), udpDstPort(b, pre), udpLen(b, pre)]).toEqual([x.srcPort, x.dstPort, len]);
      // another pseudo-header (when it differs in sum) does not verify
      if (onesSum(Uint8Array.of(src >>> 24, src >>> 16, src >>> 8, src), 0, 4) !== onesSum(Uint8Array.of(dst >>> 24, dst >>> 16, dst >>> 8, dst), 0, 4)) {
        expect(udpParse(b, pre, dst, dst).checksumValid).toBe(false);
      }
    }));
  });

  it('a zero UDP checksum means none and is valid', () => {
    const b = new Uint8Array(10);
    udpEmit({ srcPort: 1, dstPort: 2, payload: Uint8Array.of(1, 2) }, b, 0, 1, 2);
    b[6] = 0;
    b[7] = 0;
    expect(udpParse(b, 0, 1, 2).checksumValid).toBe(true);
  });
});

// ---------------------------------------------------------------- checksums and hot-path writes

describe('in-place header writes', () => {
  it('ipv4SetTtl / ipv4DecTtl incremental checksum equals a full recompute', () => {
    fc.assert(fc.property(ipv4Arb, u8, (x, ttl) => {
      const b = new Uint8Array(ipv4Length(x));
      ipv4Emit(x, b, 0);
      ipv4SetTtl(b, 0, ttl);
      const full = new Uint8Array(b.length);
      ipv4Emit({ ...x, ttl }, full, 0);
      expect(b).toEqual(full);
      if (ttl > 0) {
        expect(ipv4DecTtl(b, 0)).toBe(ttl - 1);
        ipv4Emit({ ...x, ttl: ttl - 1 }, full, 0);
        expect(ipv4Checksum(b, 0)).toBe(ipv4Checksum(full, 0));
        expect(ipv4ChecksumValid(b, 0)).toBe(true);
      }
    }));
  });

  it('ipv4SetSrc / SetDst / SetTos equal a full recompute', () => {
    fc.assert(fc.property(ipv4Arb, u32, u32, u8, (x, src, dst, tos) => {
      const b = new Uint8Array(ipv4Length(x));
      ipv4Emit(x, b, 0);
      ipv4SetSrc(b, 0, src);
      ipv4SetDst(b, 0, dst);
      ipv4SetTos(b, 0, tos);
      const full = new Uint8Array(b.length);
      ipv4Emit({ ...x, src, dst, tos }, full, 0);
      expect(b).toEqual(full);
    }));
  });
});

// ---------------------------------------------------------------- one allocation per frame

describe('building a frame with one allocation', () => {
  it('ethernet + ipv4 + icmp echo, payloads placed, never copied', () => {
    const data = Uint8Array.from({ length: 56 }, (_, i) => i);
    const icmp: IcmpRepr = { kind: 'echoRequest', code: 0, id: 0x151c, seq: 1, data };
    const ipHdr = 20;
    const frame = new Uint8Array(14 + ipHdr + icmpLength(icmp));
    const setSpy = vi.spyOn(Uint8Array.prototype, 'set');
    try {
      icmpEmit(icmp, frame, 14 + ipHdr);
      const ip: Ipv4Repr = {
        tos: 0, id: 1, dontFrag: true, moreFrags: false, fragOffset: 0, ttl: 64, protocol: IPPROTO_ICMP,
        src: 0x0a000101, dst: 0x0a000202, options: new Uint8Array(0), payload: frame.subarray(14 + ipHdr),
      };
      ipv4Emit(ip, frame, 14);
      ethernetEmit({ dst: new Uint8Array(6).fill(2), src: new Uint8Array(6).fill(4), vlan: null, ethertype: ETH_P_IP, payload: frame.subarray(14) }, frame, 0);
      // only the ICMP data (56 bytes) and the two MACs were written with set(): no payload copies
      const big = setSpy.mock.calls.filter(([src]) => (src as ArrayLike<number>).length > 6);
      expect(big.map(([src]) => (src as ArrayLike<number>).length)).toEqual([56]);
    } finally {
      setSpy.mockRestore();
    }
    const eth = ethernetParse(frame);
    const ip = ipv4Parse(eth.payload);
    const msg = icmpParse(ip.payload);
    expect(ip.checksumValid && msg.checksumValid).toBe(true);
    expect(msg).toMatchObject({ kind: 'echoRequest', id: 0x151c, seq: 1, data });
  });
});

// ---------------------------------------------------------------- errors

describe('errors are WireError', () => {
  const thrown = (f: () => unknown): WireError => {
    try {
      f();
    } catch (e) {
      if (e instanceof WireError) return e;
      throw e;
    }
    throw new Error('did not throw');
  };

  it('truncated and malformed input', () => {
    expect(thrown(() => ethernetParse(new Uint8Array(13))).kind).toBe('truncated');
    expect(thrown(() => ethernetParse(Uint8Array.of(...new Array(12).fill(0), 0x81, 0x00, 0))).kind).toBe('truncated');
    expect(thrown(() => arpParse(Uint8Array.of(0, 1, 8, 0, 6, 4, 0, 1))).kind).toBe('truncated');
    expect(thrown(() => arpParse(Uint8Array.of(0, 1, 8, 0, 8, 4, 0, 1, ...new Array(40).fill(0)))).kind).toBe('unsupported');
    const ip = new Uint8Array(40);
    ipv4Emit({ tos: 0, id: 0, dontFrag: false, moreFrags: false, fragOffset: 0, ttl: 1, protocol: 1, src: 1, dst: 2, options: new Uint8Array(0), payload: new Uint8Array(20) }, ip, 0);
    expect(thrown(() => ipv4Parse(ip.subarray(0, 39))).kind).toBe('truncated');
    const v6 = ip.slice();
    v6[0] = 0x65;
    expect(thrown(() => ipv4Parse(v6)).kind).toBe('malformed');
    const ihl4 = ip.slice();
    ihl4[0] = 0x44;
    expect(thrown(() => ipv4Parse(ihl4)).kind).toBe('malformed');
    const short = ip.slice();
    short[3] = 19;
    expect(thrown(() => ipv4Parse(short)).kind).toBe('malformed');
    expect(thrown(() => icmpParse(new Uint8Array(7))).kind).toBe('truncated');
    expect(thrown(() => udpParse(Uint8Array.of(0, 1, 0, 2, 0, 7, 0, 0), 0, 0, 0)).kind).toBe('malformed');
    expect(thrown(() => udpParse(Uint8Array.of(0, 1, 0, 2, 0, 9, 0, 0), 0, 0, 0)).kind).toBe('truncated');
    expect(thrown(() => ipv4Parse(ip, 41)).kind).toBe('truncated');
    expect(thrown(() => ipv4Parse(ip, -1)).kind).toBe('truncated');
    expect(thrown(() => ipv4Parse(ip, 0.5)).kind).toBe('truncated');
  });

  it('emit into a buffer too small, or of an unencodable Repr', () => {
    fc.assert(fc.property(ipv4Arb, (x) => {
      expect(thrown(() => ipv4Emit(x, new Uint8Array(ipv4Length(x) - 1), 0)).kind).toBe('truncated');
    }));
    const x = { tos: 0, id: 0, dontFrag: false, moreFrags: false, fragOffset: 0, ttl: 1, protocol: 1, src: 1, dst: 2, payload: new Uint8Array(0) };
    expect(thrown(() => ipv4Emit({ ...x, options: new Uint8Array(3) }, new Uint8Array(60), 0)).kind).toBe('malformed');
    expect(thrown(() => ipv4Emit({ ...x, options: new Uint8Array(44) }, new Uint8Array(80), 0)).kind).toBe('malformed');
    expect(thrown(() => ipv4Emit({ ...x, options: new Uint8Array(0), payload: new Uint8Array(65516) }, new Uint8Array(70000), 0)).kind).toBe('malformed');
    expect(thrown(() => udpEmit({ srcPort: 1, dstPort: 1, payload: new Uint8Array(65528) }, new Uint8Array(70000), 0, 0, 0)).kind).toBe('malformed');
    expect(thrown(() => arpEmit({ htype: 1, ptype: 0x800, op: 1, sha: new Uint8Array(5), spa: 0, tha: new Uint8Array(6), tpa: 0 }, new Uint8Array(28), 0)).kind).toBe('malformed');
    expect(thrown(() => ethernetEmit({ dst: new Uint8Array(6), src: new Uint8Array(6), vlan: null, ethertype: 0x800, payload: new Uint8Array(1) }, new Uint8Array(14), 0)).kind).toBe('truncated');
    expect(thrown(() => icmpEmit({ kind: 'timeExceeded', code: 0, original: new Uint8Array(8) }, new Uint8Array(15), 0)).kind).toBe('truncated');
  });
});

// ---------------------------------------------------------------- fuzz

type Parser = (b: Uint8Array, off: number, n: number) => unknown;
const parsers: [string, Parser][] = [
  ['ethernet', (b, off) => ethernetParse(b, off)],
  ['arp', (b, off) => arpParse(b, off)],
  ['ipv4', (b, off) => ipv4Parse(b, off)],
  ['icmp', (b, off) => icmpParse(b, off)],
  ['icmp with len', (b, off, n) => icmpParse(b, off, n)],
  ['udp', (b, off, n) => udpParse(b, off, n, ~n >>> 0)],
];

function parsesOrWireError(p: Parser, b: Uint8Array, off: number, n: number): void {
  try {
    p(b, off, n);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
  }
}

describe('fuzz: any bytes give a Repr or a WireError, never another exception', () => {
  it.each(parsers)('%s: random bytes, random offset', (_name, p) => {
    fc.assert(fc.property(bytes(80), fc.integer({ min: -2, max: 90 }), fc.integer({ min: -2, max: 90 }), (b, off, n) => {
      parsesOrWireError(p, b, off, n);
    }), { numRuns: 2000 });
  });

  it.each(parsers)('%s: mutated and truncated valid packets', (_name, p) => {
    const valid = fc.oneof(
      ethernetArb.map((x) => { const b = new Uint8Array(ethernetLength(x)); ethernetEmit(x, b, 0); return b; }),
      arpArb.map((x) => { const b = new Uint8Array(28); arpEmit(x, b, 0); return b; }),
      ipv4Arb.map((x) => { const b = new Uint8Array(ipv4Length(x)); ipv4Emit(x, b, 0); return b; }),
      icmpArb.map((x) => { const b = new Uint8Array(icmpLength(x)); icmpEmit(x, b, 0); return b; }),
      udpArb.map((x) => { const b = new Uint8Array(udpLength(x)); udpEmit(x, b, 0, 1, 2); return b; }),
    );
    const edit = fc.array(fc.tuple(fc.nat(), u8), { maxLength: 4 });
    fc.assert(fc.property(valid, edit, fc.nat(), fc.nat(4), (b0, edits, cut, off) => {
      const b = b0.slice(0, b0.length - (cut % (b0.length + 1)));
      for (const [at, v] of edits) if (b.length) b[at % b.length] = v;
      parsesOrWireError(p, b, off, b.length - off);
    }), { numRuns: 1000 });
  });
});
