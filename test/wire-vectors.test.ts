// Known answers: frames as `tcpdump -xx -vv` prints them, with tcpdump's own decoding, copied
// here by hand from captures on veths between namespaces (nothing re-captures them: the frames
// checked against a recording are those of test/tcpdump/va.pcap, see tcpdump-golden.test.ts).
// Each is parsed field by field and rebuilt from a hand-written Repr, byte for byte.
import { describe, expect, it } from 'vitest';
import { ipv4FromText, macFromText, macToText, MAC_BROADCAST, MAC_ZERO } from '../src/protocols/wire/addr.ts';
import { pseudoHeaderSum } from '../src/protocols/wire/checksum.ts';
import { ethernetEmit, ethernetParse, ethType, ETH_P_ARP, ETH_P_IP, type EthernetRepr } from '../src/protocols/wire/ethernet.ts';
import { arpEmit, arpParse, ARPHRD_ETHER, ARPOP_REPLY, ARPOP_REQUEST, type ArpRepr } from '../src/protocols/wire/arp.ts';
import {
  ipv4Checksum, ipv4DecTtl, ipv4Dst, ipv4Emit, ipv4HeaderLen, ipv4Parse, ipv4Proto, ipv4Ttl,
  IPPROTO_ICMP, IPPROTO_UDP, type Ipv4Repr,
} from '../src/protocols/wire/ipv4.ts';
import { icmpEchoId, icmpEchoSeq, icmpEmit, icmpLength, icmpParse, ICMP_PORT_UNREACH, ICMP_REDIR_HOST, type IcmpRepr } from '../src/protocols/wire/icmp.ts';
import { udpEmit, udpParse, udpChecksum, udpDstPort } from '../src/protocols/wire/udp.ts';

/** The bytes of a `tcpdump -xx` dump (offset labels and blanks dropped). */
function hex(dump: string): Uint8Array {
  const h = dump.replace(/0x[0-9a-f]{4}:/g, '').replace(/\s+/g, '');
  return Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));
}
const ip = (t: string): number => ipv4FromText(t)!;
const mac = (t: string): Uint8Array => macFromText(t)!;
const A = mac('02:00:00:00:00:0a');
const R = mac('02:00:00:00:00:01');
const PING_DATA_TAIL = Uint8Array.from({ length: 40 }, (_, i) => 0x10 + i); // iputils pattern after the timeval

function build(eth: Omit<EthernetRepr, 'payload'>, ip4: Omit<Ipv4Repr, 'payload'>, icmp: IcmpRepr): Uint8Array {
  const icmpLen = icmpLength(icmp);
  const hl = 20 + ip4.options.length;
  const frame = new Uint8Array(14 + hl + icmpLen);
  icmpEmit(icmp, frame, 14 + hl);
  ipv4Emit({ ...ip4, payload: frame.subarray(14 + hl) }, frame, 14);
  ethernetEmit({ ...eth, payload: frame.subarray(14) }, frame, 0);
  return frame;
}

// ARP, Request who-has 10.0.1.254 tell 10.0.1.1, length 28
const ARP_REQUEST = hex(`
	0x0000:  ffff ffff ffff 0200 0000 000a 0806 0001
	0x0010:  0800 0604 0001 0200 0000 000a 0a00 0101
	0x0020:  0000 0000 0000 0a00 01fe`);
// ARP, Reply 10.0.1.254 is-at 02:00:00:00:00:01, length 28
const ARP_REPLY = hex(`
	0x0000:  0200 0000 000a 0200 0000 0001 0806 0001
	0x0010:  0800 0604 0002 0200 0000 0001 0a00 01fe
	0x0020:  0200 0000 000a 0a00 0101`);
// IP (tos 0x0, ttl 64, id 55548, offset 0, flags [DF], proto ICMP (1), length 84)
//     10.0.1.1 > 10.0.2.2: ICMP echo request, id 5404, seq 1, length 64
const ECHO_REQUEST = hex(`
	0x0000:  0200 0000 0001 0200 0000 000a 0800 4500
	0x0010:  0054 d8fc 4000 4001 4aaa 0a00 0101 0a00
	0x0020:  0202 0800 f118 151c 0001 ab37 0b6b 0000
	0x0030:  0000 7854 0400 0000 0000 1011 1213 1415
	0x0040:  1617 1819 1a1b 1c1d 1e1f 2021 2223 2425
	0x0050:  2627 2829 2a2b 2c2d 2e2f 3031 3233 3435
	0x0060:  3637`);
// IP (tos 0x0, ttl 63, id 9606, offset 0, flags [none], proto ICMP (1), length 84)
//     10.0.2.2 > 10.0.1.1: ICMP echo reply, id 5404, seq 1, length 64
const ECHO_REPLY = hex(`
	0x0000:  0200 0000 000a 0200 0000 0001 0800 4500
	0x0010:  0054 2586 0000 3f01 3f21 0a00 0202 0a00
	0x0020:  0101 0000 f918 151c 0001 ab37 0b6b 0000
	0x0030:  0000 7854 0400 0000 0000 1011 1213 1415
	0x0040:  1617 1819 1a1b 1c1d 1e1f 2021 2223 2425
	0x0050:  2627 2829 2a2b 2c2d 2e2f 3031 3233 3435
	0x0060:  3637`);
// ping -t 1: IP (tos 0x0, ttl 1, id 55549, offset 0, flags [DF], proto ICMP (1), length 84)
const ECHO_TTL1 = hex(`
	0x0000:  0200 0000 0001 0200 0000 000a 0800 4500
	0x0010:  0054 d8fd 4000 0101 89a9 0a00 0101 0a00
	0x0020:  0202 0800 b90c 151d 0001 ab37 0b6b 0000
	0x0030:  0000 b05f 0400 0000 0000 1011 1213 1415
	0x0040:  1617 1819 1a1b 1c1d 1e1f 2021 2223 2425
	0x0050:  2627 2829 2a2b 2c2d 2e2f 3031 3233 3435
	0x0060:  3637`);
// IP (tos 0xc0, ttl 64, id 64289, offset 0, flags [none], proto ICMP (1), length 112)
//     10.0.1.254 > 10.0.1.1: ICMP time exceeded in-transit, length 92
const TIME_EXCEEDED = hex(`
	0x0000:  0200 0000 000a 0200 0000 0001 0800 45c0
	0x0010:  0070 fb21 0000 4001 67ad 0a00 01fe 0a00
	0x0020:  0101 0b00 f4ff 0000 0000 4500 0054 d8fd
	0x0030:  4000 0101 89a9 0a00 0101 0a00 0202 0800
	0x0040:  b90c 151d 0001 ab37 0b6b 0000 0000 b05f
	0x0050:  0400 0000 0000 1011 1213 1415 1617 1819
	0x0060:  1a1b 1c1d 1e1f 2021 2223 2425 2627 2829
	0x0070:  2a2b 2c2d 2e2f 3031 3233 3435 3637`);
// IP (tos 0x0, ttl 64, id 26021, offset 0, flags [DF], proto UDP (17), length 34)
//     10.0.1.1.33575 > 10.0.2.2.9999: [bad udp cksum 0x1722 -> 0xfabc!] UDP, length 6
const UDP_HELLO = hex(`
	0x0000:  0200 0000 0001 0200 0000 000a 0800 4500
	0x0010:  0022 65a5 4000 4011 be23 0a00 0101 0a00
	0x0020:  0202 8327 270f 000e 1722 6865 6c6c 6f0a`);
// IP (tos 0xc0, ttl 63, id 9607, offset 0, flags [none], proto ICMP (1), length 62)
//     10.0.2.2 > 10.0.1.1: ICMP 10.0.2.2 udp port 9999 unreachable, length 42
const PORT_UNREACH = hex(`
	0x0000:  0200 0000 000a 0200 0000 0001 0800 45c0
	0x0010:  003e 2587 0000 3f01 3e76 0a00 0202 0a00
	0x0020:  0101 0303 f7b9 0000 0000 4500 0022 65a5
	0x0030:  4000 3f11 bf23 0a00 0101 0a00 0202 8327
	0x0040:  270f 000e 1722 6865 6c6c 6f0a`);
// IP (tos 0x0, ttl 64, id 1173, offset 0, flags [DF], proto ICMP (1), length 84)
//     10.0.0.1 > 10.9.9.9: ICMP echo request, id 5446, seq 1, length 64
const ECHO_VIA_R2 = hex(`
	0x0000:  0200 0000 0101 0200 0000 010a 0800 4500
	0x0010:  0054 0495 4000 4001 1902 0a00 0001 0a09
	0x0020:  0909 0800 2856 1546 0001 ae37 0b6b 0000
	0x0030:  0000 3ced 0500 0000 0000 1011 1213 1415
	0x0040:  1617 1819 1a1b 1c1d 1e1f 2021 2223 2425
	0x0050:  2627 2829 2a2b 2c2d 2e2f 3031 3233 3435
	0x0060:  3637`);
// IP (tos 0xc0, ttl 64, id 8597, offset 0, flags [none], proto ICMP (1), length 112)
//     10.0.0.254 > 10.0.0.1: ICMP redirect 10.9.9.9 to host 10.0.0.2, length 92
const REDIRECT = hex(`
	0x0000:  0200 0000 010a 0200 0000 0101 0800 45c0
	0x0010:  0070 2195 0000 4001 433a 0a00 00fe 0a00
	0x0020:  0001 0501 f0fc 0a00 0002 4500 0054 0495
	0x0030:  4000 3f01 1a02 0a00 0001 0a09 0909 0800
	0x0040:  2856 1546 0001 ae37 0b6b 0000 0000 3ced
	0x0050:  0500 0000 0000 1011 1213 1415 1617 1819
	0x0060:  1a1b 1c1d 1e1f 2021 2223 2425 2627 2829
	0x0070:  2a2b 2c2d 2e2f 3031 3233 3435 3637`);

describe('ARP frames', () => {
  const request: ArpRepr = { htype: ARPHRD_ETHER, ptype: ETH_P_IP, op: ARPOP_REQUEST, sha: A, spa: ip('10.0.1.1'), tha: MAC_ZERO, tpa: ip('10.0.1.254') };
  const reply: ArpRepr = { htype: ARPHRD_ETHER, ptype: ETH_P_IP, op: ARPOP_REPLY, sha: R, spa: ip('10.0.1.254'), tha: A, tpa: ip('10.0.1.1') };

  it.each([
    ['request', ARP_REQUEST, MAC_BROADCAST, A, request],
    ['reply', ARP_REPLY, A, R, reply],
  ] as const)('%s parses and is rebuilt byte for byte (42 bytes, no padding on veth)', (_n, wire, dst, src, arp) => {
    expect(wire.length).toBe(42);
    const eth = ethernetParse(wire);
    expect(macToText(eth.dst)).toBe(macToText(dst));
    expect(macToText(eth.src)).toBe(macToText(src));
    expect(eth.ethertype).toBe(ETH_P_ARP);
    expect(arpParse(eth.payload)).toEqual(arp);
    const out = new Uint8Array(42);
    arpEmit(arp, out, 14);
    ethernetEmit({ dst, src, vlan: null, ethertype: ETH_P_ARP, payload: out.subarray(14) }, out, 0);
    expect(out).toEqual(wire);
  });
});

describe('ICMP echo', () => {
  it('echo request from ping: every field, and rebuilt byte for byte', () => {
    const eth = ethernetParse(ECHO_REQUEST);
    expect(ethType(ECHO_REQUEST)).toBe(ETH_P_IP);
    const p = ipv4Parse(eth.payload);
    expect(p).toMatchObject({ tos: 0, id: 55548, dontFrag: true, moreFrags: false, fragOffset: 0, ttl: 64, protocol: IPPROTO_ICMP, src: ip('10.0.1.1'), dst: ip('10.0.2.2'), checksumValid: true });
    expect(p.payload.length).toBe(64);
    const m = icmpParse(p.payload);
    expect(m).toMatchObject({ kind: 'echoRequest', code: 0, id: 5404, seq: 1, checksumValid: true });
    if (m.kind !== 'echoRequest') throw new Error('kind');
    expect(m.data.subarray(16)).toEqual(PING_DATA_TAIL);
    const rebuilt = build(
      { dst: R, src: A, vlan: null, ethertype: ETH_P_IP },
      { tos: 0, id: 55548, dontFrag: true, moreFrags: false, fragOffset: 0, ttl: 64, protocol: IPPROTO_ICMP, src: ip('10.0.1.1'), dst: ip('10.0.2.2'), options: new Uint8Array(0) },
      { kind: 'echoRequest', code: 0, id: 5404, seq: 1, data: m.data.slice() },
    );
    expect(rebuilt).toEqual(ECHO_REQUEST);
  });

  it('echo reply (forwarded once: ttl 63) rebuilt from the request data', () => {
    const req = icmpParse(ipv4Parse(ethernetParse(ECHO_REQUEST).payload).payload);
    if (req.kind !== 'echoRequest') throw new Error('kind');
    const rebuilt = build(
      { dst: A, src: R, vlan: null, ethertype: ETH_P_IP },
      { tos: 0, id: 9606, dontFrag: false, moreFrags: false, fragOffset: 0, ttl: 63, protocol: IPPROTO_ICMP, src: ip('10.0.2.2'), dst: ip('10.0.1.1'), options: new Uint8Array(0) },
      { kind: 'echoReply', code: 0, id: req.id, seq: req.seq, data: req.data },
    );
    expect(rebuilt).toEqual(ECHO_REPLY);
    expect(ipv4Parse(rebuilt, 14).checksumValid).toBe(true);
  });

  it('accessors read the frame in place', () => {
    expect([ipv4Ttl(ECHO_REQUEST, 14), ipv4Proto(ECHO_REQUEST, 14), ipv4Dst(ECHO_REQUEST, 14), ipv4HeaderLen(ECHO_REQUEST, 14)])
      .toEqual([64, 1, ip('10.0.2.2'), 20]);
    expect([icmpEchoId(ECHO_REQUEST, 34), icmpEchoSeq(ECHO_REQUEST, 34)]).toEqual([5404, 1]);
  });
});

describe('forwarding: ipv4DecTtl gives the bytes the real router sent', () => {
  // The router's quoted copies show the header after ip_forward's ip_decrease_ttl.
  it('echo request 10.0.0.1 > 10.9.9.9: ttl 64 → 63, checksum 0x1902 → 0x1a02 (quoted in the redirect)', () => {
    const f = ECHO_VIA_R2.slice();
    expect(ipv4Checksum(f, 14)).toBe(0x1902);
    expect(ipv4DecTtl(f, 14)).toBe(63);
    expect(f.subarray(14, 34)).toEqual(REDIRECT.subarray(42, 62));
  });
  it('UDP 10.0.1.1 > 10.0.2.2: ttl 64 → 63, checksum 0xbe23 → 0xbf23 (quoted in the port unreachable)', () => {
    const f = UDP_HELLO.slice();
    ipv4DecTtl(f, 14);
    expect(f.subarray(14)).toEqual(PORT_UNREACH.subarray(42));
  });
});

describe('ICMP errors', () => {
  it('time exceeded in-transit quotes the whole 84-byte datagram (ttl 1, not decremented)', () => {
    const p = ipv4Parse(TIME_EXCEEDED, 14);
    expect(p).toMatchObject({ tos: 0xc0, id: 64289, dontFrag: false, ttl: 64, src: ip('10.0.1.254'), dst: ip('10.0.1.1'), checksumValid: true });
    const m = icmpParse(p.payload);
    expect(m).toMatchObject({ kind: 'timeExceeded', code: 0, checksumValid: true });
    if (m.kind !== 'timeExceeded') throw new Error('kind');
    expect(m.original).toEqual(ECHO_TTL1.subarray(14));
    const rebuilt = build(
      { dst: A, src: R, vlan: null, ethertype: ETH_P_IP },
      { tos: 0xc0, id: 64289, dontFrag: false, moreFrags: false, fragOffset: 0, ttl: 64, protocol: IPPROTO_ICMP, src: ip('10.0.1.254'), dst: ip('10.0.1.1'), options: new Uint8Array(0) },
      { kind: 'timeExceeded', code: 0, original: ECHO_TTL1.subarray(14) },
    );
    expect(rebuilt).toEqual(TIME_EXCEEDED);
  });

  it('port unreachable quotes the UDP datagram', () => {
    const p = ipv4Parse(PORT_UNREACH, 14);
    const m = icmpParse(p.payload);
    expect(m).toMatchObject({ kind: 'destUnreachable', code: ICMP_PORT_UNREACH, nextHopMtu: 0, checksumValid: true });
    if (m.kind !== 'destUnreachable') throw new Error('kind');
    // the quoted header read with accessors, as ping/tcpdump do
    expect([ipv4Proto(m.original), ipv4Dst(m.original), udpDstPort(m.original, ipv4HeaderLen(m.original))]).toEqual([IPPROTO_UDP, ip('10.0.2.2'), 9999]);
    const rebuilt = build(
      { dst: A, src: R, vlan: null, ethertype: ETH_P_IP },
      { tos: 0xc0, id: 9607, dontFrag: false, moreFrags: false, fragOffset: 0, ttl: 63, protocol: IPPROTO_ICMP, src: ip('10.0.2.2'), dst: ip('10.0.1.1'), options: new Uint8Array(0) },
      { kind: 'destUnreachable', code: ICMP_PORT_UNREACH, nextHopMtu: 0, original: m.original },
    );
    expect(rebuilt).toEqual(PORT_UNREACH);
  });

  it('redirect to host with gateway 10.0.0.2', () => {
    const p = ipv4Parse(REDIRECT, 14);
    const m = icmpParse(p.payload);
    expect(m).toMatchObject({ kind: 'redirect', code: ICMP_REDIR_HOST, gateway: ip('10.0.0.2'), checksumValid: true });
    if (m.kind !== 'redirect') throw new Error('kind');
    const rebuilt = build(
      { dst: mac('02:00:00:00:01:0a'), src: mac('02:00:00:00:01:01'), vlan: null, ethertype: ETH_P_IP },
      { tos: 0xc0, id: 8597, dontFrag: false, moreFrags: false, fragOffset: 0, ttl: 64, protocol: IPPROTO_ICMP, src: ip('10.0.0.254'), dst: ip('10.0.0.1'), options: new Uint8Array(0) },
      { kind: 'redirect', code: ICMP_REDIR_HOST, gateway: ip('10.0.0.2'), original: m.original },
    );
    expect(rebuilt).toEqual(REDIRECT);
  });
});

describe('UDP', () => {
  it('a locally sent datagram on veth carries only the pseudo-header sum (CHECKSUM_PARTIAL)', () => {
    const p = ipv4Parse(UDP_HELLO, 14);
    const u = udpParse(p.payload, 0, p.src, p.dst);
    expect(u).toMatchObject({ srcPort: 33575, dstPort: 9999, checksumValid: false });
    expect(new TextDecoder().decode(u.payload)).toBe('hello\n');
    expect(udpChecksum(p.payload)).toBe(pseudoHeaderSum(p.src, p.dst, IPPROTO_UDP, 14));
    // emit computes the full checksum: tcpdump's "0x1722 -> 0xfabc"
    const out = new Uint8Array(14);
    udpEmit({ srcPort: 33575, dstPort: 9999, payload: u.payload }, out, 0, p.src, p.dst);
    expect(udpChecksum(out)).toBe(0xfabc);
    expect(out.subarray(0, 6)).toEqual(p.payload.subarray(0, 6));
    expect(out.subarray(8)).toEqual(p.payload.subarray(8));
  });
});
