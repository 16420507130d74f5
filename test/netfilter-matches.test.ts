// The kernel side of iptables' protocol matches on built frames: xt_tcpudp (port ranges and
// their inversion, the flag byte under a mask, TCP options, fragments, short headers that drop
// the packet), ip_tables' icmp match, xt_physdev on bridged and local frames, and the LOG
// target's nf_log_syslog line for TCP, UDP, ICMP (an error with its quoted packet) and bridges.
import { describe, expect, it } from 'vitest';
import type { Device, NfMatch, NfRule, NfTable } from '../src/kernel/types.ts';
import type { Kctx } from '../src/kernel/machine.ts';
import { ethernetEmit, ETH_P_IP } from '../src/protocols/wire/ethernet.ts';
import { ipv4Emit, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../src/protocols/wire/ipv4.ts';
import { tcpEmit, tcpParse, TCP_ACK, TCP_FIN, TCP_SYN, type TcpRepr } from '../src/protocols/wire/tcp.ts';
import { udpEmit } from '../src/protocols/wire/udp.ts';
import { icmpEmit, type IcmpRepr } from '../src/protocols/wire/icmp.ts';
import { ipv4FromText } from '../src/protocols/wire/addr.ts';
import type { XtPkt } from '../src/protocols/netfilter/x_tables.ts';
import { tcpMt, udpMt, XT_TCP_INV_DSTPT, XT_TCP_INV_FLAGS, XT_TCP_INV_OPTION, XT_TCP_INV_SRCPT, XT_UDP_INV_DSTPT } from '../src/protocols/netfilter/xt_tcpudp.ts';
import { physdevMt, XT_PHYSDEV_OP_BRIDGED, XT_PHYSDEV_OP_IN, XT_PHYSDEV_OP_ISIN, XT_PHYSDEV_OP_ISOUT, XT_PHYSDEV_OP_OUT } from '../src/protocols/netfilter/xt_physdev.ts';
import { iptDoTable } from '../src/protocols/netfilter/ip_tables.ts';
import { nfLogIpText, NF_LOG_MACDECODE, NF_LOG_TCPOPT, NF_LOG_TCPSEQ } from '../src/protocols/netfilter/nf_log_syslog.ts';

const A = ipv4FromText('10.0.0.1')!;
const B = ipv4FromText('10.0.0.2')!;
const MAC_B = Uint8Array.of(2, 0, 0, 0, 0, 0xb);
const MAC_A = Uint8Array.of(2, 0, 0, 0, 0, 0xa);

interface IpOpts {
  fragOffset?: number;
  id?: number;
  ttl?: number;
  dontFrag?: boolean;
  options?: Uint8Array;
}

/** An Ethernet frame A → B carrying `l4` as protocol `proto`. */
function frame(proto: number, l4: Uint8Array, o: IpOpts = {}): Uint8Array {
  const ipLen = 20 + (o.options?.length ?? 0) + l4.length;
  const f = new Uint8Array(14 + ipLen);
  ethernetEmit({ dst: MAC_B, src: MAC_A, vlan: null, ethertype: ETH_P_IP, payload: new Uint8Array(0) }, f, 0);
  ipv4Emit({ tos: 0, id: o.id ?? 1, dontFrag: o.dontFrag ?? true, moreFrags: false, fragOffset: o.fragOffset ?? 0, ttl: o.ttl ?? 64, protocol: proto, src: A, dst: B, options: o.options ?? new Uint8Array(0), payload: l4 }, f, 14);
  return f;
}

function tcpSeg(r: Partial<TcpRepr>): Uint8Array {
  const repr: TcpRepr = { srcPort: 40000, dstPort: 22, seq: 1000, ack: 0, flags: TCP_SYN, window: 64240, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(0), ...r };
  const b = new Uint8Array(20 + repr.options.length + repr.payload.length);
  tcpEmit(repr, b, 0, A, B);
  return b;
}

function udpDgram(sport: number, dport: number): Uint8Array {
  const b = new Uint8Array(8 + 4);
  udpEmit({ srcPort: sport, dstPort: dport, payload: Uint8Array.of(1, 2, 3, 4) }, b, 0, A, B);
  return b;
}

function icmpMsg(r: IcmpRepr): Uint8Array {
  const data = 'data' in r ? r.data : r.original;
  const b = new Uint8Array(8 + data.length);
  icmpEmit(r, b, 0);
  return b;
}

const dev = (name: string, ifindex = 2): Device => ({ name, ifindex }) as Device;
const pkt = (f: Uint8Array, extra: Partial<XtPkt> = {}): XtPkt => ({ k: { m: {} } as Kctx, nsId: 1, hook: 'INPUT', frame: f, ip: 14, ...extra });

const tcpM = (m: Partial<Extract<NfMatch, { name: 'tcp' }>>): Extract<NfMatch, { name: 'tcp' }> => ({ name: 'tcp', spts: [0, 0xffff], dpts: [0, 0xffff], option: 0, flgMask: 0, flgCmp: 0, invflags: 0, ...m });

describe('wire: tcp', () => {
  it('parses what it emits, with a valid checksum over the pseudo-header', () => {
    const seg = tcpSeg({ srcPort: 1234, dstPort: 80, seq: 0xfffffffe, ack: 7, flags: TCP_SYN | TCP_ACK, options: Uint8Array.of(2, 4, 5, 0xb4), payload: Uint8Array.of(9, 9) });
    const p = tcpParse(seg, 0, seg.length, A, B);
    expect(p).toMatchObject({ srcPort: 1234, dstPort: 80, seq: 0xfffffffe, ack: 7, flags: TCP_SYN | TCP_ACK, window: 64240, checksumValid: true });
    expect([...p.options]).toEqual([2, 4, 5, 0xb4]);
    expect([...p.payload]).toEqual([9, 9]);
    seg[21] ^= 1;
    expect(tcpParse(seg, 0, seg.length, A, B).checksumValid).toBe(false);
  });
});

describe('xt_tcpudp: tcp', () => {
  const syn22 = frame(IPPROTO_TCP, tcpSeg({ srcPort: 40000, dstPort: 22 }));
  it('port ranges, each end inclusive, and their inversion', () => {
    expect(tcpMt(pkt(syn22), tcpM({ dpts: [22, 22] }))).toBe(true);
    expect(tcpMt(pkt(syn22), tcpM({ dpts: [23, 23] }))).toBe(false);
    expect(tcpMt(pkt(syn22), tcpM({ dpts: [1, 22], spts: [40000, 65535] }))).toBe(true);
    expect(tcpMt(pkt(syn22), tcpM({ spts: [1, 39999] }))).toBe(false);
    expect(tcpMt(pkt(syn22), tcpM({ dpts: [22, 22], invflags: XT_TCP_INV_DSTPT }))).toBe(false);
    expect(tcpMt(pkt(syn22), tcpM({ spts: [1, 1023], invflags: XT_TCP_INV_SRCPT }))).toBe(true);
  });
  it('the flag byte under the mask equals the comparison (--syn is SYN of FIN,SYN,RST,ACK)', () => {
    const syn = { flgMask: 0x17, flgCmp: TCP_SYN };
    expect(tcpMt(pkt(syn22), tcpM(syn))).toBe(true);
    const synack = frame(IPPROTO_TCP, tcpSeg({ flags: TCP_SYN | TCP_ACK }));
    expect(tcpMt(pkt(synack), tcpM(syn))).toBe(false);
    expect(tcpMt(pkt(synack), tcpM({ ...syn, invflags: XT_TCP_INV_FLAGS }))).toBe(true);
    const finack = frame(IPPROTO_TCP, tcpSeg({ flags: TCP_FIN | TCP_ACK }));
    expect(tcpMt(pkt(finack), tcpM({ flgMask: 0x3f, flgCmp: 0 }))).toBe(false);
    expect(tcpMt(pkt(finack), tcpM({ flgMask: TCP_FIN, flgCmp: TCP_FIN }))).toBe(true);
  });
  it('--tcp-option walks the options: one-byte NOP/EOL, length-prefixed others', () => {
    // NOP, NOP, timestamps (kind 8, length 10), MSS (kind 2, length 4), 2 bytes EOL padding
    const opts = Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 2, 4, 5, 0xb4, 0, 0, 0, 0);
    const f = frame(IPPROTO_TCP, tcpSeg({ options: opts }));
    expect(tcpMt(pkt(f), tcpM({ option: 8 }))).toBe(true);
    expect(tcpMt(pkt(f), tcpM({ option: 2 }))).toBe(true);
    expect(tcpMt(pkt(f), tcpM({ option: 3 }))).toBe(false);
    expect(tcpMt(pkt(f), tcpM({ option: 3, invflags: XT_TCP_INV_OPTION }))).toBe(true);
    // no options at all: only the inverted form matches
    expect(tcpMt(pkt(syn22), tcpM({ option: 2 }))).toBe(false);
    expect(tcpMt(pkt(syn22), tcpM({ option: 2, invflags: XT_TCP_INV_OPTION }))).toBe(true);
  });
  it('fragments after the first never match; offset 1 and a short header drop the packet', () => {
    const later = pkt(frame(IPPROTO_TCP, tcpSeg({}), { fragOffset: 2 }));
    expect(tcpMt(later, tcpM({}))).toBe(false);
    expect(later.hotdrop).toBeUndefined();
    const evil = pkt(frame(IPPROTO_TCP, tcpSeg({}), { fragOffset: 1 }));
    expect(tcpMt(evil, tcpM({}))).toBe(false);
    expect(evil.hotdrop).toBe(true);
    const tiny = pkt(frame(IPPROTO_TCP, new Uint8Array(12)));
    expect(tcpMt(tiny, tcpM({}))).toBe(false);
    expect(tiny.hotdrop).toBe(true);
  });
});

describe('xt_tcpudp: udp', () => {
  const dns = frame(IPPROTO_UDP, udpDgram(5353, 53));
  const udpM = (m: Partial<Extract<NfMatch, { name: 'udp' }>>): Extract<NfMatch, { name: 'udp' }> => ({ name: 'udp', spts: [0, 0xffff], dpts: [0, 0xffff], invflags: 0, ...m });
  it('ports and inversion; a short header drops', () => {
    expect(udpMt(pkt(dns), udpM({ dpts: [53, 53] }))).toBe(true);
    expect(udpMt(pkt(dns), udpM({ spts: [1024, 65535], dpts: [53, 53] }))).toBe(true);
    expect(udpMt(pkt(dns), udpM({ dpts: [53, 53], invflags: XT_UDP_INV_DSTPT }))).toBe(false);
    expect(udpMt(pkt(dns), udpM({ dpts: [67, 68], invflags: XT_UDP_INV_DSTPT }))).toBe(true);
    const tiny = pkt(frame(IPPROTO_UDP, new Uint8Array(4)));
    expect(udpMt(tiny, udpM({}))).toBe(false);
    expect(tiny.hotdrop).toBe(true);
  });
});

describe('ipt_do_table: the icmp match and hotdrop', () => {
  const rule = (matches: NfMatch[], target = ''): NfRule => ({ src: 0, srcLen: 0, dst: 0, dstLen: 0, iif: '', oif: '', proto: 1, inv: { src: false, dst: false, iif: false, oif: false, proto: false }, matches, target, pkts: 0, bytes: 0 });
  const icmp = (type: number, lo: number, hi: number, inv = false): NfMatch => ({ name: 'icmp', type, code: [lo, hi], inv });
  it('counts the types and codes it is given, 0xFF being any', () => {
    const t: NfTable = {
      INPUT: {
        policy: 'ACCEPT',
        pkts: 0,
        bytes: 0,
        rules: [rule([icmp(8, 0, 255)]), rule([icmp(0, 0, 255, true)]), rule([icmp(3, 3, 3)]), rule([icmp(3, 0, 255)]), rule([icmp(0xff, 0, 255)])],
      },
    };
    const echo = frame(IPPROTO_ICMP, icmpMsg({ kind: 'echoRequest', code: 0, id: 7, seq: 1, data: new Uint8Array(8) }));
    const unreach = frame(IPPROTO_ICMP, icmpMsg({ kind: 'destUnreachable', code: 3, nextHopMtu: 0, original: new Uint8Array(28) }));
    expect(iptDoTable(pkt(echo), t)).toBe('ACCEPT');
    expect(iptDoTable(pkt(unreach), t)).toBe('ACCEPT');
    expect(t.INPUT!.rules.map((r) => r.pkts)).toEqual([1, 2, 1, 1, 2]);
  });
  it('a header too short to read drops the packet at the rule that looked', () => {
    const t: NfTable = { INPUT: { policy: 'ACCEPT', pkts: 0, bytes: 0, rules: [rule([icmp(8, 0, 255)])] } };
    expect(iptDoTable(pkt(frame(IPPROTO_ICMP, new Uint8Array(4))), t)).toBe('DROP');
    expect(t.INPUT!.rules[0]!.pkts).toBe(0);
  });
});

describe('xt_physdev', () => {
  const f = frame(IPPROTO_ICMP, icmpMsg({ kind: 'echoRequest', code: 0, id: 7, seq: 1, data: new Uint8Array(8) }));
  const m = (bitmask: number, invert = 0, physindev = '', physoutdev = ''): Extract<NfMatch, { name: 'physdev' }> => ({ name: 'physdev', physindev, physoutdev, bitmask, invert });
  const bridged = pkt(f, { hook: 'FORWARD', physin: dev('sx'), physout: dev('sy') });
  const up = pkt(f, { hook: 'INPUT', physin: dev('sx') });
  const local = pkt(f, { hook: 'OUTPUT' });
  it('names, prefixes and their inversion on a bridged frame', () => {
    expect(physdevMt(bridged, m(XT_PHYSDEV_OP_IN | XT_PHYSDEV_OP_OUT, 0, 'sx', 'sy'))).toBe(true);
    expect(physdevMt(bridged, m(XT_PHYSDEV_OP_IN, 0, 's+'))).toBe(true);
    expect(physdevMt(bridged, m(XT_PHYSDEV_OP_OUT, XT_PHYSDEV_OP_OUT, '', 'sy'))).toBe(false);
    expect(physdevMt(bridged, m(XT_PHYSDEV_OP_IN, XT_PHYSDEV_OP_IN, 'sy'))).toBe(true);
  });
  it('is-bridged and is-out need an out port (FORWARD/POSTROUTING); is-in any bridge info', () => {
    for (const [p, bridgedWant, isIn, isOut] of [
      [bridged, true, true, true],
      [up, false, true, false],
      [local, false, false, false],
    ] as const) {
      expect(physdevMt(p, m(XT_PHYSDEV_OP_BRIDGED))).toBe(bridgedWant);
      expect(physdevMt(p, m(XT_PHYSDEV_OP_BRIDGED, XT_PHYSDEV_OP_BRIDGED))).toBe(!bridgedWant);
      expect(physdevMt(p, m(XT_PHYSDEV_OP_ISIN))).toBe(isIn);
      expect(physdevMt(p, m(XT_PHYSDEV_OP_ISOUT))).toBe(isOut);
    }
  });
  it('without bridge info only negated options hold; an unknown out port does not refuse', () => {
    expect(physdevMt(local, m(XT_PHYSDEV_OP_IN, 0, 'sx'))).toBe(false);
    expect(physdevMt(local, m(XT_PHYSDEV_OP_IN, XT_PHYSDEV_OP_IN, 'sx'))).toBe(true);
    expect(physdevMt(up, m(XT_PHYSDEV_OP_OUT, 0, '', 'sy'))).toBe(true);
  });
});

describe('nf_log_syslog: the LOG line', () => {
  const li = { level: 4, logflags: 0, prefix: 'P: ' };
  it('an echo request received: devices, MAC header, IP fields, ICMP id and sequence', () => {
    const f = frame(IPPROTO_ICMP, icmpMsg({ kind: 'echoRequest', code: 0, id: 4660, seq: 3, data: new Uint8Array(56) }), { id: 513 });
    expect(nfLogIpText(pkt(f, { indev: dev('eth0') }), li)).toBe(
      'P: IN=eth0 OUT= MAC=02:00:00:00:00:0b:02:00:00:00:00:0a:08:00 SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=513 DF PROTO=ICMP TYPE=8 CODE=0 ID=4660 SEQ=3 ',
    );
    // sent: no MAC; with --log-macdecode the header is decoded instead
    expect(nfLogIpText(pkt(f, { hook: 'OUTPUT', outdev: dev('eth0') }), li)).toBe('P: IN= OUT=eth0 SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=513 DF PROTO=ICMP TYPE=8 CODE=0 ID=4660 SEQ=3 ');
    expect(nfLogIpText(pkt(f, { indev: dev('eth0') }), { ...li, logflags: NF_LOG_MACDECODE })).toContain(' MACSRC=02:00:00:00:00:0a MACDST=02:00:00:00:00:0b MACPROTO=0800 SRC=');
  });
  it('bridge ports as PHYSIN/PHYSOUT when they differ from the devices', () => {
    const f = frame(IPPROTO_ICMP, icmpMsg({ kind: 'echoReply', code: 0, id: 1, seq: 1, data: new Uint8Array(56) }));
    const s = nfLogIpText(pkt(f, { hook: 'FORWARD', indev: dev('br0'), outdev: dev('br0'), physin: dev('sx'), physout: dev('sy') }), { ...li, prefix: '' });
    expect(s.startsWith('IN=br0 OUT=br0 PHYSIN=sx PHYSOUT=sy MAC=')).toBe(true);
  });
  it('TCP: ports, window, reserved bits, flags in order; sequence numbers and options on request', () => {
    const seg = tcpSeg({ srcPort: 40000, dstPort: 22, seq: 100, ack: 5, flags: TCP_SYN | TCP_ACK, options: Uint8Array.of(2, 4, 5, 0xb4) });
    const f = frame(IPPROTO_TCP, seg, { dontFrag: false });
    expect(nfLogIpText(pkt(f, { hook: 'OUTPUT' }), { ...li, logflags: NF_LOG_TCPSEQ | NF_LOG_TCPOPT })).toBe(
      'P: IN= OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=44 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=TCP SPT=40000 DPT=22 SEQ=100 ACK=5 WINDOW=64240 RES=0x00 ACK SYN URGP=0 OPT (020405B4) ',
    );
  });
  it('UDP, a later fragment, and an ICMP error quoting the packet it is about', () => {
    expect(nfLogIpText(pkt(frame(IPPROTO_UDP, udpDgram(5353, 53)), { hook: 'OUTPUT' }), li)).toContain(' PROTO=UDP SPT=5353 DPT=53 LEN=12 ');
    expect(nfLogIpText(pkt(frame(IPPROTO_UDP, udpDgram(5353, 53), { fragOffset: 3, dontFrag: false }), { hook: 'OUTPUT' }), li)).toMatch(/ FRAG:3 PROTO=UDP $/);
    const quoted = frame(IPPROTO_UDP, udpDgram(5353, 53), { id: 9, ttl: 1 }).subarray(14);
    const err = frame(IPPROTO_ICMP, icmpMsg({ kind: 'timeExceeded', code: 0, original: quoted }));
    expect(nfLogIpText(pkt(err, { hook: 'OUTPUT' }), li)).toBe(
      'P: IN= OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF PROTO=ICMP TYPE=11 CODE=0 [SRC=10.0.0.1 DST=10.0.0.2 LEN=32 TOS=0x00 PREC=0x00 TTL=1 ID=9 DF PROTO=UDP SPT=5353 DPT=53 LEN=12 ] ',
    );
  });
});
