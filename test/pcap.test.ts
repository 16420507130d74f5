// The capture files and the decoders' robustness: pcap write/parse round trips, pcapng block
// structure, random frames never crash the printer or the filter, and the real tcpdump and
// tshark read what nsemu writes without warnings and print the same packets as nsemu's tcpdump.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, pcapHeader, pcapParse, pcapRecord, pcapngInterface, pcapngPacket, pcapngSectionHeader } from '../src/capture/pcap.ts';
import { printPacket, defaultPrintOpts } from '../src/userland/tcpdump/print.ts';
import { compileFilter, FilterError } from '../src/userland/tcpdump/filter.ts';
import { runScript } from '../src/shell/index.ts';
import { captureFiles } from '../src/capture/export.ts';
import { PcapngRecorder } from '../src/capture/recorder.ts';
import { createMachine } from '../src/kernel/world.ts';
import { cli } from './helpers/cli.ts';
import { all, describeNeeds, hostTool } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';

describe('pcap', () => {
  it('parse(write(records)) gives the records back', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(0xffffffff), fc.nat(999999), fc.uint8Array({ maxLength: 200 })), { maxLength: 20 }), (recs) => {
        const file = concat([pcapHeader(), ...recs.map(([s, u, d]) => pcapRecord(s, u, d))]);
        const p = pcapParse(file);
        expect(p.linktype).toBe(1);
        expect(p.snaplen).toBe(262144);
        expect(p.records.map((r) => [r.sec, r.usec, [...r.data]])).toEqual(recs.map(([s, u, d]) => [s, u, [...d]]));
      }),
    );
  });

  it('cuts records at the snapshot length and keeps the original length', () => {
    const p = pcapParse(concat([pcapHeader(1, 10), pcapRecord(1, 2, new Uint8Array(50), 10)]));
    expect(p.records[0]!.data.length).toBe(10);
    expect(p.records[0]!.len).toBe(50);
  });

  it('pcapng blocks: lengths at both ends, 32-bit aligned', () => {
    const file = concat([pcapngSectionHeader(), pcapngInterface('a/va', 'veth va'), pcapngPacket(0, 1_704_067_200_000_000_123n, new Uint8Array(43), 'out')]);
    const v = new DataView(file.buffer);
    let o = 0;
    const types: number[] = [];
    while (o < file.length) {
      const len = v.getUint32(o + 4, true);
      expect(len % 4).toBe(0);
      expect(v.getUint32(o + len - 4, true)).toBe(len);
      types.push(v.getUint32(o, true));
      o += len;
    }
    expect(o).toBe(file.length);
    expect(types).toEqual([0x0a0d0d0a, 1, 6]);
  });
});

describe('decoder and filter robustness (fuzz)', () => {
  const opts = fc.record({ n: fc.nat(2), e: fc.boolean(), v: fc.nat(3), q: fc.boolean(), t: fc.nat(3), x: fc.nat(2), X: fc.boolean() });
  // random frames, and random frames behind a plausible Ethernet + IPv4/IPv6/ARP header
  const ethTypes = [0x0800, 0x0806, 0x86dd, 0x8100, 0x1234];
  const frame = fc.oneof(
    fc.uint8Array({ maxLength: 120 }),
    fc.tuple(fc.constantFrom(...ethTypes), fc.constantFrom(0x45, 0x46, 0x60, 0x4f, 0x00), fc.constantFrom(1, 6, 17, 58, 0, 2), fc.uint8Array({ minLength: 0, maxLength: 120 })).map(([t, vhl, proto, rest]) => {
      const f = new Uint8Array(14 + Math.max(rest.length, 10));
      f.set(rest, 14);
      f[12] = t >> 8;
      f[13] = t & 0xff;
      f[14] = vhl;
      if (vhl >> 4 === 4 && f.length > 23) f[23] = proto;
      if (vhl >> 4 === 6 && f.length > 20) f[20] = proto;
      return f;
    }),
  );
  it('printPacket never throws', () => {
    fc.assert(
      fc.property(opts, frame, (o, f) => {
        expect(typeof printPacket({ ...defaultPrintOpts(), ...o }, f)).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });
  it('compiled filters never throw on any frame; malformed expressions throw only FilterError', () => {
    const words = ['arp', 'ip', 'ip6', 'icmp', 'udp', 'tcp', 'host', '10.0.0.1', 'src', 'dst', 'net', '10.0.0.0/8', 'port', '53', 'ether', '02:00:00:00:00:01', 'broadcast', 'vlan', 'and', 'or', 'not', '!', '&&', '||', '(', ')', 'foo', '1'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 8 }), frame, (ws, f) => {
        let p;
        try {
          p = compileFilter(ws.join(' '));
        } catch (e) {
          expect(e).toBeInstanceOf(FilterError);
          return;
        }
        expect(typeof p(f)).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});

// ---- the real tools read nsemu's files --------------------------------------------------------

const SCRIPT = `ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set lo up; ip -n a link set va up; ip -n b link set vb up
ip netns exec b sysctl -qw net.ipv4.ip_forward=1
ip -n a route add 10.9.0.0/24 via 10.0.0.2
ip netns exec a timeout 5 tcpdump -i va -w /tmp/va.pcap 2>/dev/null &
ip netns exec a timeout 5 tcpdump -i any -w /tmp/any.pcap 2>/dev/null &
ip netns exec a timeout 5 tcpdump -i any -y LINUX_SLL -w /tmp/any1.pcap 2>/dev/null &
sleep 1
ip netns exec a ping -c 2 -i 0.5 10.0.0.2 > /dev/null
ip netns exec a ping -c 1 -W 1 10.9.0.1 > /dev/null
ip netns exec a ping -c 1 -W 1 -t 1 10.9.0.1 > /dev/null
ip netns exec a ping -c 1 -W 1 10.0.0.77 > /dev/null
wait
tcpdump -nn -r /tmp/va.pcap 2>/dev/null
echo ===
tcpdump -nn -r /tmp/any.pcap 2>/dev/null
echo ===
tcpdump -nn -e -r /tmp/any1.pcap 2>/dev/null`;

describeNeeds('the real tcpdump and tshark read nsemu files', all(hostTool('tcpdump', 'tcpdump'), hostTool('tshark', 'tshark')), () => {
  const dir = tempDir('nsemu-pcap-');
  const go = async () => {
    const m = createMachine({ seed: 3 });
    const rec = new PcapngRecorder(m);
    const r = await runScript(SCRIPT, { machine: m });
    rec.stop();
    const files = captureFiles(m);
    writeFileSync(join(dir, 'va.pcap'), files.get('/tmp/va.pcap')!);
    writeFileSync(join(dir, 'any.pcap'), files.get('/tmp/any.pcap')!);
    writeFileSync(join(dir, 'any1.pcap'), files.get('/tmp/any1.pcap')!);
    writeFileSync(join(dir, 'all.pcapng'), rec.bytes());
    const [va, any, any1] = r.stdout.split('===\n') as [string, string, string];
    return { va, any, any1, frames: rec.frames };
  };
  const real = (args: string[]) => spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });

  it('tcpdump -r prints what nsemu tcpdump -r prints (EN10MB and cooked v2), without warnings', async () => {
    const { va, any, any1 } = await go();
    const r0 = real(['tcpdump', '-nn', '-e', '-r', join(dir, 'any1.pcap')]);
    expect(r0.status).toBe(0);
    expect(r0.stderr).toBe(`reading from file ${join(dir, 'any1.pcap')}, link-type LINUX_SLL (Linux cooked v1), snapshot length 262144\n`);
    expect(r0.stdout).toBe(any1);
    expect(any1).toMatch(/Out [0-9a-f:]+ ethertype IPv4/);
    expect(va.split('\n').length).toBeGreaterThan(8);
    const r1 = real(['tcpdump', '-nn', '-r', join(dir, 'va.pcap')]);
    expect(r1.status).toBe(0);
    expect(r1.stderr).toBe(`reading from file ${join(dir, 'va.pcap')}, link-type EN10MB (Ethernet), snapshot length 262144\n`);
    expect(r1.stdout).toBe(va);
    const r2 = real(['tcpdump', '-nn', '-r', join(dir, 'any.pcap')]);
    expect(r2.status).toBe(0);
    // interface names come from the reader's namespace: compare the rest of each line
    const strip = (s: string) => s.replace(/^(\S+) \S+ +/gm, '$1 ');
    expect(strip(r2.stdout)).toBe(strip(any));
  });

  it('tshark reads the pcap and the pcapng (every frame, interfaces named NS/DEV) without warnings', async () => {
    const { frames } = await go();
    const t1 = real(['tshark', '-r', join(dir, 'va.pcap')]);
    expect(t1.status).toBe(0);
    expect(t1.stderr.replace(/Running as user "root".*\n/, '')).toBe('');
    const t0 = real(['tshark', '-r', join(dir, 'any.pcap')]);
    expect(t0.status).toBe(0);
    expect(t0.stderr.replace(/Running as user "root".*\n/, '')).toBe('');
    expect(t0.stdout).toMatch(/ICMP .*Echo \(ping\) request/);
    const t2 = real(['tshark', '-r', join(dir, 'all.pcapng'), '-T', 'fields', '-e', 'frame.interface_name', '-e', 'frame.p2p_dir', '-e', '_ws.col.Protocol']);
    expect(t2.status).toBe(0);
    expect(t2.stderr.replace(/Running as user "root".*\n/, '')).toBe('');
    const rows = t2.stdout.trim().split('\n');
    expect(rows.length).toBe(frames);
    const names = new Set(rows.map((r) => r.split('\t')[0]));
    expect([...names].sort()).toEqual(['a/lo', 'a/va', 'b/vb']);
    const t3 = real(['tcpdump', '-nn', '-r', join(dir, 'all.pcapng')]);
    expect(t3.status).toBe(0);
    expect(t3.stdout.split('\n').length - 1).toBe(frames);
  });
});

describe('nsemu run --pcap / --out', () => {
  const dir = tempDir('nsemu-cli-pcap-');
  it('writes the pcapng and the tcpdump -w files where asked, and nothing else', async () => {
    const script = join(dir, 's.sh');
    writeFileSync(
      script,
      `ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set va up; ip -n b link set vb up
ip netns exec a timeout 2 tcpdump -i va -w /tmp/cap.pcap 2>/dev/null &
sleep 0.5
ip netns exec a ping -c 1 10.0.0.2 > /dev/null
wait
`,
    );
    const r = await cli(['run', '--pcap', join(dir, 'all.pcapng'), '--out', join(dir, 'out'), script]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pcap = pcapParse(new Uint8Array(readFileSync(join(dir, 'out', 'cap.pcap'))));
    expect(pcap.records.length).toBe(4);
    const ng = readFileSync(join(dir, 'all.pcapng'));
    expect(ng.readUInt32LE(0)).toBe(0x0a0d0d0a);
    // the same run again: the same bytes
    const r2 = await cli(['run', '--pcap', join(dir, 'all2.pcapng'), script]);
    expect(r2.status).toBe(0);
    expect(readFileSync(join(dir, 'all2.pcapng')).equals(ng)).toBe(true);
  });
});
