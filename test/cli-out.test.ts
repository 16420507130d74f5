// nsemu run --out DIR: every capture file a script's tcpdump -w wrote is copied at its path below
// the deepest directory they all share, so two files of one name in two directories are both
// kept; a file that cannot be placed (its path is a directory of another's) is refused with
// one line and status 2. Also outPaths() itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.ts';
import { tempDir } from './helpers/tmp.ts';
import { pcapParse } from '../src/capture/pcap.ts';
import { outPaths } from '../src/capture/export.ts';

const SETUP = `ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set va up; ip -n b link set vb up
`;

describe('outPaths', () => {
  it('keeps the paths below the directory they share', () => {
    expect([...outPaths(['/tmp/cap.pcap']).paths.values()]).toEqual(['cap.pcap']);
    expect([...outPaths(['/tmp/a/c.pcap', '/tmp/b/c.pcap']).paths.values()]).toEqual(['a/c.pcap', 'b/c.pcap']);
    expect([...outPaths(['/root/x.pcap', '/tmp/y/x.pcap']).paths.values()]).toEqual(['root/x.pcap', 'tmp/y/x.pcap']);
    expect([...outPaths(['/tmp/a/c.pcap', '/tmp/a/d.pcap']).paths.values()]).toEqual(['c.pcap', 'd.pcap']);
    expect(outPaths(['/tmp/a', '/tmp/a/c.pcap']).error).toBe('--out: cannot write both /tmp/a and /tmp/a/c.pcap: the first is a directory of the second');
  });
});

describe('nsemu run --out DIR', () => {
  it('keeps a/c.pcap and b/c.pcap apart (relative names, from two directories)', async () => {
    const dir = tempDir('nsemu-out-');
    const script = `${SETUP}mkdir -p /tmp/a /tmp/b
cd /tmp/a && ip netns exec a timeout 2 tcpdump -i va -w c.pcap 2>/dev/null &
cd /tmp/b && ip netns exec b timeout 2 tcpdump -i vb -w c.pcap icmp 2>/dev/null &
cd /
sleep 0.5
ip netns exec a ping -c 1 10.0.0.2 > /dev/null
wait
`;
    const r = await cli(['run', '--out', join(dir, 'out'), '-c', script]);
    expect(r).toMatchObject({ stderr: '', status: 0 });
    // on va: the ARP exchange and the ping; on vb, filtered: the ping only
    expect(pcapParse(new Uint8Array(readFileSync(join(dir, 'out/a/c.pcap')))).records.length).toBe(4);
    expect(pcapParse(new Uint8Array(readFileSync(join(dir, 'out/b/c.pcap')))).records.length).toBe(2);
    expect(existsSync(join(dir, 'out/c.pcap'))).toBe(false);
  });

  it('refuses a file whose path became a directory of another, with one line and status 2', async () => {
    const dir = tempDir('nsemu-out-');
    const script = `${SETUP}ip netns exec a timeout 1 tcpdump -i va -w /tmp/x 2>/dev/null
rm /tmp/x; mkdir /tmp/x
ip netns exec a timeout 1 tcpdump -i va -w /tmp/x/c.pcap 2>/dev/null
`;
    const r = await cli(['run', '--out', join(dir, 'out'), '-c', script]);
    expect(r).toMatchObject({ stdout: '', stderr: 'nsemu: --out: cannot write both /tmp/x and /tmp/x/c.pcap: the first is a directory of the second\n', status: 2 });
  });
});
