import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runInSandbox } from '../src/verify/sandbox.ts';
import { describeNeeds, kernel } from './helpers/needs.ts';
import {
  eui64FromMac, inPrefix, ipv4FromText, ipv4FromTextAton, ipv4FromTextIproute, ipv4IsMulticast,
  ipv4Read, ipv4ToText, ipv4Write, ipv6FromText, ipv6LinkLocalFromMac, ipv6ToText, llAddrFromText,
  macEquals, macFromKey, macFromText, macIsBroadcast, macIsMulticast, macIsValidUnicast, macKey,
  macToText, maskToPrefixLen, prefixBroadcast, prefixMask, prefixNetwork, MAC_BROADCAST,
} from '../src/protocols/wire/addr.ts';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 });

describe('MAC', () => {
  it('text round trip, lowercase', () => {
    fc.assert(fc.property(mac, (m) => {
      const t = macToText(m);
      expect(t).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      expect(macFromText(t)).toEqual(m);
      expect(macFromText(t.toUpperCase())).toEqual(m);
    }));
  });

  it('key round trip and equality', () => {
    fc.assert(fc.property(mac, mac, (a, b) => {
      expect(macFromKey(macKey(a))).toEqual(a);
      expect(macKey(a) === macKey(b)).toBe(macEquals(a, 0, b, 0));
      expect(macKey(a)).toBeLessThan(2 ** 48);
    }));
    expect(macKey(MAC_BROADCAST)).toBe(2 ** 48 - 1);
  });

  it('classification', () => {
    expect(macIsBroadcast(MAC_BROADCAST)).toBe(true);
    expect(macIsMulticast(Uint8Array.of(0x01, 0, 0x5e, 0, 0, 1))).toBe(true);
    expect(macIsValidUnicast(Uint8Array.of(0x02, 0, 0, 0, 0, 1))).toBe(true);
    expect(macIsValidUnicast(new Uint8Array(6))).toBe(false);
    expect(macIsValidUnicast(MAC_BROADCAST)).toBe(false);
  });

  // Each case run through `ip link set v0 address ARG` (iproute2 6.1) on this machine.
  const accepted: [string, string][] = [
    ['0xaa:bb:cc:dd:ee:f0', 'aa:bb:cc:dd:ee:f0'],
    ['02:bbzz:cc:dd:ee:ff', '02:bb:cc:dd:ee:ff'],
    [' 2:b:c:d:e:f', '02:0b:0c:0d:0e:0f'],
    ['2:b:c:d:e:1f', '02:0b:0c:0d:0e:1f'],
    ['+2:0:0:0:0:1', '02:00:00:00:00:01'],
    ['02:00:00:00:00:0x', '02:00:00:00:00:00'],
    ['AA:BB:CC:DD:EE:FE', 'aa:bb:cc:dd:ee:fe'],
    ['02:00:00:00:00:-0', '02:00:00:00:00:00'],
    ['02:00:00:00:00:100000001', '02:00:00:00:00:01'],
    ['0X2:0:0:0:0:5', '02:00:00:00:00:05'],
    ['02:00:00:00:00:0xg', '02:00:00:00:00:00'],
    ['02:00:00:00:00:1 junk', '02:00:00:00:00:01'],
  ];
  it.each(accepted)('ip link accepts %j as %s', (text, want) => {
    const r = llAddrFromText(text);
    expect(r.ok && macToText(r.bytes)).toBe(want);
  });

  const invalid: [string, string][] = [
    ['02:00:00:00:00:100', '100'],
    ['02:00:00:00:00:01:', ''],
    ['', ''],
    ['02:00:00:00:00:-1', '-1'],
    ['02::00:00:00:01', ''],
    ['02:00:00:00:00:01:zz', 'zz'],
    ['02:00:00:00:00:fffffffffffffffff', 'fffffffffffffffff'],
    ['1.2.3.4.5', '1.2.3.4.5'],
  ];
  it.each(invalid)('ip link rejects %j: "%s" is invalid lladdr.', (text, bad) => {
    expect(llAddrFromText(text)).toEqual({ ok: false, bad });
    expect(macFromText(text)).toBeNull();
  });

  const wrongLength: [string, number][] = [
    ['aa:bb:cc:dd:ee:ff:11', 7],
    ['aa:bb:cc:dd:ee', 5],
    ['02-00-00-00-00-01', 1],
    ['1.2.3.4', 4],
  ];
  it.each(wrongLength)('%j has length %d (Invalid address length N - must be 6 bytes)', (text, n) => {
    const r = llAddrFromText(text);
    expect(r.ok && r.bytes.length).toBe(n);
    expect(macFromText(text)).toBeNull();
  });
});

describe('IPv4 text', () => {
  it('inet_pton round trip', () => {
    fc.assert(fc.property(u32, (a) => {
      expect(ipv4FromText(ipv4ToText(a))).toBe(a);
      expect(ipv4FromTextIproute(ipv4ToText(a))).toBe(a);
      expect(ipv4FromTextAton(ipv4ToText(a))).toBe(a);
    }));
  });

  it('inet_pton is strict', () => {
    for (const t of ['1.2.3', '1.2.3.4.', '01.2.3.4', '1.2.3.256', ' 1.2.3.4', '1.2.3.4 ', '+1.2.3.4', '0x1.2.3.4', '', '1..2.3']) {
      expect(ipv4FromText(t), t).toBeNull();
    }
    expect(ipv4FromText('0.0.0.0')).toBe(0);
    expect(ipv4FromText('255.255.255.255')).toBe(0xffffffff);
  });

  // `ip addr add ARG dev v0` (iproute2 6.1), address shown afterwards.
  const iproute: [string, string | null][] = [
    ['10.8', '10.8.0.0'], ['010.1.1.1', '8.1.1.1'], ['0x0a.1.1.1', '10.1.1.1'], [' 10.1.1.1', '10.1.1.1'],
    ['10.1.1.256', null], ['10.1.1.08', null], ['+10.1.1.1', '10.1.1.1'], ['10.1.1.1.', null],
    ['10', '10.0.0.0'], ['10..1', null], ['-0.1.2.3', '0.1.2.3'], ['10.1.1.1 ', null], ['0x.1.1.1', null],
    ['1.2.3.4.5', null], ['0xA.0XB.1.1', '10.11.1.1'], ['4294967297.1.1.1', null],
  ];
  it.each(iproute)('get_addr_1 %j → %s', (text, want) => {
    const a = ipv4FromTextIproute(text);
    expect(a === null ? null : ipv4ToText(a)).toBe(want);
  });

  // `ping -c1 ARG` first line (iputils 20221126, glibc getaddrinfo).
  const aton: [string, string | null][] = [
    ['127.1', '127.0.0.1'], ['127.0.1', '127.0.0.1'], ['0x7f.1', '127.0.0.1'], ['0177.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'], ['127.0.0.1 ', null], [' 127.0.0.1', null], ['127.0.0.01', '127.0.0.1'],
    ['127.0.0.08', null], ['127.1.', null], ['+127.0.0.1', null], ['127.0.0.256', null],
    ['127.65535', '127.0.255.255'], ['127.65536', '127.1.0.0'], ['127.0.0x1', '127.0.0.1'],
    ['4294967296', null], ['1.2.3.4.5', null],
  ];
  it.each(aton)('inet_aton %j → %s', (text, want) => {
    const a = ipv4FromTextAton(text);
    expect(a === null ? null : ipv4ToText(a)).toBe(want);
  });

  it('read/write bytes', () => {
    fc.assert(fc.property(u32, (a) => {
      const b = new Uint8Array(6);
      ipv4Write(b, 1, a);
      expect(ipv4Read(b, 1)).toBe(a);
    }));
  });
});

describe('prefixes', () => {
  it('mask, network, broadcast', () => {
    expect(prefixMask(0)).toBe(0);
    expect(prefixMask(24)).toBe(0xffffff00);
    expect(prefixMask(32)).toBe(0xffffffff);
    const a = ipv4FromText('10.1.2.3')!;
    expect(ipv4ToText(prefixNetwork(a, 24))).toBe('10.1.2.0');
    expect(ipv4ToText(prefixBroadcast(a, 24))).toBe('10.1.2.255');
    expect(ipv4ToText(prefixBroadcast(a, 31))).toBe('10.1.2.3');
    expect(inPrefix(a, ipv4FromText('10.1.0.0')!, 16)).toBe(true);
    expect(inPrefix(a, ipv4FromText('10.2.0.0')!, 16)).toBe(false);
    expect(inPrefix(a, 0, 0)).toBe(true);
    expect(ipv4IsMulticast(ipv4FromText('224.0.0.1')!)).toBe(true);
  });

  it('properties', () => {
    fc.assert(fc.property(u32, fc.integer({ min: 0, max: 32 }), (a, len) => {
      const net = prefixNetwork(a, len);
      const bc = prefixBroadcast(a, len);
      expect(inPrefix(a, net, len)).toBe(true);
      expect(inPrefix(bc, net, len)).toBe(true);
      expect(net <= a && a <= bc).toBe(true);
      expect(bc - net).toBe(2 ** (32 - len) - 1);
      expect(maskToPrefixLen(prefixMask(len))).toBe(len);
    }));
    expect(maskToPrefixLen(ipv4FromText('255.0.255.0')!)).toBe(-1);
  });
});

describe('IPv6', () => {
  // Printed by `ip -6 route show` after `ip -6 route add unreachable ARG/128` (glibc inet_ntop).
  const shown: [string, string][] = [
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'], ['1:0:0:1:0:0:0:1', '1:0:0:1::1'], ['1:0:0:0:1:0:0:0', '1::1:0:0:0'],
    ['::1.2.3.4', '::1.2.3.4'], ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['0:0:0:0:0:1:0:0', '::1:0:0'], ['0:0:0:0:0:0:1:0', '::0.1.0.0'], ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:0:0', '1:2:3:4:5:6::'], ['0:0:1:2:3:4:5:6', '::1:2:3:4:5:6'], ['ABCD:0:0:0::0:0:0', 'abcd::'],
    ['0:1:0:0:1:0:0:0', '0:1:0:0:1::'], ['::ffff:ffff:0:0', '::ffff:ffff:0:0'], ['0:0:0:0:0:ffff:0:1', '::ffff:0.0.0.1'],
    ['::0.0.0.1', '::1'], ['::', '::'],
  ];
  it.each(shown)('%s prints as %s', (text, want) => {
    const b = ipv6FromText(text);
    expect(b).not.toBeNull();
    expect(ipv6ToText(b!)).toBe(want);
  });

  it('text round trip', () => {
    const words = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
    fc.assert(fc.property(words, (w) => {
      const b = new Uint8Array(16);
      w.forEach((v, i) => { b[2 * i] = v >> 8; b[2 * i + 1] = v & 0xff; });
      expect(ipv6FromText(ipv6ToText(b))).toEqual(b);
    }));
  });

  it('rejects bad text', () => {
    for (const t of ['', ':', ':::', '1::2::3', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', 'g::', '1.2.3.4::', '::1.2.3']) {
      expect(ipv6FromText(t), t).toBeNull();
    }
  });

  it('EUI-64 link-local, as the kernel assigns it (checked below where the kernel is available)', () => {
    expect(ipv6ToText(ipv6LinkLocalFromMac(macFromText('02:00:00:00:00:0a')!))).toBe('fe80::ff:fe00:a');
    expect(ipv6ToText(ipv6LinkLocalFromMac(macFromText('8a:80:9b:19:3c:28')!))).toBe('fe80::8880:9bff:fe19:3c28');
    fc.assert(fc.property(mac, (m) => {
      const e = eui64FromMac(m);
      expect(e[0]! ^ 2).toBe(m[0]);
      expect([e[3], e[4]]).toEqual([0xff, 0xfe]);
    }));
  });
});

describeNeeds('EUI-64 link-locals on the real kernel', kernel(), () => {
  it('a veth pair with these MACs gets the link-locals computed above', async () => {
    const macs = ['02:00:00:00:00:0a', '8a:80:9b:19:3c:28'];
    const r = await runInSandbox(
      `ip link add v0 address ${macs[0]} type veth peer name v1 address ${macs[1]}\nip link set v0 up; ip link set v1 up\nsleep 1\nip -6 -o addr show scope link | awk '{print $2, $4}' | sort\n`,
    );
    expect(r.output).toBe(macs.map((m, i) => `v${i} ${ipv6ToText(ipv6LinkLocalFromMac(macFromText(m)!))}/64\n`).join(''));
  });
});

describe('fuzz: text parsers return a value or null, never throw', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.stringMatching(/^[0-9a-fA-FxX:.+\- ]{0,40}$/),
  );
  it('all of them', () => {
    fc.assert(fc.property(text, (t) => {
      llAddrFromText(t);
      macFromText(t);
      for (const f of [ipv4FromText, ipv4FromTextIproute, ipv4FromTextAton]) {
        const a = f(t);
        if (a !== null) expect(Number.isInteger(a) && a >= 0 && a <= 0xffffffff).toBe(true);
      }
      const b = ipv6FromText(t);
      if (b !== null) expect(b.length).toBe(16);
    }), { numRuns: 3000 });
  });
});
