// tcpdump as a process in virtual time: live captures beside a ping (in the background, stopped
// by -c or by timeout's SIGTERM), the start and end lines, -i any, promiscuity while it runs,
// the error messages, -w/-r inside the machine, and byte-identical captures for the same seed.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';
import { captureFiles } from '../src/capture/export.ts';
import { PcapngRecorder } from '../src/capture/recorder.ts';
import { createMachine } from '../src/kernel/world.ts';
import { System } from '../src/shell/system.ts';
import type { Command } from '../src/userland/command.ts';

const SETUP = `ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a link set va address 02:00:00:00:00:0a; ip -n b link set vb address 02:00:00:00:00:0b
ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set lo up; ip -n a link set va up; ip -n b link set vb up
`;

async function run(src: string, seed = 1) {
  return runScript(SETUP + src, { seed, programs: { truncf } });
}

/** `truncf SRC N DST`: the first N bytes of SRC (binary-safe, unlike the shell's head -c). */
const truncf: Command = async (ctx) => {
  const [, src, n, dst] = ctx.argv;
  const d = System.maybe(ctx.m)!.vfs.readFile(ctx.proc, src!);
  await ctx.writeFile(dst!, (d as Uint8Array).slice(0, Number(n)));
  return 0;
};

describe('tcpdump live', () => {
  it('prints what the tutorials show, with -c (no empty line) and killed by timeout (empty line)', async () => {
    const r = await run(`ip netns exec b timeout 5 tcpdump -l -nn -e -i vb -c 2 'arp or icmp' > /tmp/c 2>&1 &
ip netns exec a timeout 3 tcpdump -l -nn -i va icmp > /tmp/t 2>&1 &
sleep 1
ip netns exec a ping -c 1 10.0.0.2 > /dev/null
wait
cat /tmp/c; echo ---; cat /tmp/t`);
    expect(r.stdout).toBe(`tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on vb, link-type EN10MB (Ethernet), snapshot length 262144 bytes
00:00:01.000015 02:00:00:00:00:0a > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.0.0.2 tell 10.0.0.1, length 28
00:00:01.000015 02:00:00:00:00:0b > 02:00:00:00:00:0a, ethertype ARP (0x0806), length 42: Reply 10.0.0.2 is-at 02:00:00:00:00:0b, length 28
2 packets captured
4 packets received by filter
0 packets dropped by kernel
---
tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on va, link-type EN10MB (Ethernet), snapshot length 262144 bytes
00:00:01.000030 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 17, seq 1, length 64
00:00:01.000060 IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 17, seq 1, length 64

2 packets captured
2 packets received by filter
0 packets dropped by kernel
`);
  });

  it('without --immediate-mode, frames wait for the ring block timeout (1 s): stopped before it, they are lost', async () => {
    const r = await run(`ip netns exec a timeout 1 tcpdump -nn -i va icmp 2>&1 &
sleep 0.3
ip netns exec a ping -c 1 10.0.0.2 > /dev/null
wait
ip netns exec a timeout 1 tcpdump --immediate-mode -nn -i va icmp 2>&1 &
sleep 0.3
ip netns exec a ping -c 1 10.0.0.2 > /dev/null
wait`);
    expect(r.stdout).toBe(`tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on va, link-type EN10MB (Ethernet), snapshot length 262144 bytes

0 packets captured
2 packets received by filter
0 packets dropped by kernel
tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on va, link-type EN10MB (Ethernet), snapshot length 262144 bytes
00:00:01.300000 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 19, seq 1, length 64
00:00:01.300030 IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 19, seq 1, length 64

2 packets captured
2 packets received by filter
0 packets dropped by kernel
`);
  });

  it('-vv -nnt: the IP header line and the indented payload; stderr says only `listening`', async () => {
    const r = await run(`ip netns exec a timeout 5 tcpdump -l -i va -vv -nnt -c 2 icmp > /tmp/v 2>&1 &
sleep 1
ip netns exec a ping -c 1 10.0.0.2 > /dev/null
wait; cat /tmp/v`);
    expect(r.stdout).toMatch(
      /^tcpdump: listening on va, link-type EN10MB \(Ethernet\), snapshot length 262144 bytes\nIP \(tos 0x0, ttl 64, id \d+, offset 0, flags \[DF\], proto ICMP \(1\), length 84\)\n {4}10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request, id \d+, seq 1, length 64\nIP \(tos 0x0, ttl 64, id \d+, offset 0, flags \[none\], proto ICMP \(1\), length 84\)\n {4}10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply, id \d+, seq 1, length 64\n2 packets captured\n/,
    );
  });

  it('-i any: interface names and Out/In, cooked v2; lo shows each packet once', async () => {
    const r = await run(`ip netns exec a timeout 3 tcpdump -l -nn -i any icmp > /tmp/any 2>&1 &
sleep 1
ip netns exec a ping -c 1 10.0.0.2 > /dev/null
ip netns exec a ping -c 1 10.0.0.1 > /dev/null
wait; cat /tmp/any`);
    expect(r.stdout).toContain('tcpdump: data link type LINUX_SLL2\n');
    expect(r.stdout).toContain('listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n');
    expect(r.stdout).toMatch(/ va {4}Out IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request/);
    expect(r.stdout).toMatch(/ va {4}In {2}IP 10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply/);
    expect(r.stdout.match(/ lo {4}In {2}IP 10\.0\.0\.1 > 10\.0\.0\.1/g)).toHaveLength(2);
  });

  it('without -i: the first running device, else `any` as Linux cooked v1 (-e: direction and source)', async () => {
    const r = await runScript(`ip netns add x; ip netns add y
ip -n x link add va type veth peer name vb netns y
ip -n x link set va address 02:00:00:00:00:0a; ip -n y link set vb address 02:00:00:00:00:0b
ip -n x link set va up; ip -n x addr add 10.0.0.1/24 dev va; ip -n y addr add 10.0.0.2/24 dev vb
ip netns exec x timeout 2 tcpdump --immediate-mode -e -nn -c 2 arp 2>&1 &
sleep 0.3
ip -n y link set vb up
ip netns exec x ping -c 1 10.0.0.2 > /dev/null
wait
ip netns exec x timeout 2 tcpdump -nn -c 1 2>&1 | head -2`);
    expect(r.stdout).toBe(`tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on any, link-type LINUX_SLL (Linux cooked v1), snapshot length 262144 bytes
00:00:00.300000 Out 02:00:00:00:00:0a ethertype ARP (0x0806), length 44: Request who-has 10.0.0.2 tell 10.0.0.1, length 28
00:00:00.300030  In 02:00:00:00:00:0b ethertype ARP (0x0806), length 44: Reply 10.0.0.2 is-at 02:00:00:00:00:0b, length 28
2 packets captured
2 packets received by filter
0 packets dropped by kernel
tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on va, link-type EN10MB (Ethernet), snapshot length 262144 bytes
`);
  });

  it('counts one more promiscuous user while it runs (ip -d shows it, the PROMISC flag does not), and restores it', async () => {
    const r = await run(`ip netns exec a timeout 2 tcpdump -i va > /dev/null 2>&1 &
ip netns exec a timeout 2 tcpdump -p -i va > /dev/null 2>&1 &
sleep 1
ip -n a -d link show va | grep -o 'promiscuity [0-9]*'
ip -n a link show va | head -1
wait
ip -n a -d link show va | grep -o 'promiscuity [0-9]*'`);
    expect(r.stdout).toBe(`promiscuity 1
2: va@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000
promiscuity 0
`);
  });

  it('fails as the real one does', async () => {
    const r = await run(`tcpdump -i nodev; echo rc=$?
ip link add x type veth peer name y; tcpdump -i x; echo rc=$?
tcpdump -i lo 'arp and'; echo rc=$?
tcpdump -i lo 'port 99999'; echo rc=$?
tcpdump -i lo 'host 10.0.0.300'; echo rc=$?
tcpdump -i lo 'net 10.0.0.1/24'; echo rc=$?
tcpdump -i lo 'src foo'; echo rc=$?
tcpdump -i lo 'ether host 1:2:3'; echo rc=$?
tcpdump -r /nope; echo rc=$?`);
    expect(r.output).toBe(`tcpdump: nodev: No such device exists
(No such device exists)
rc=1
tcpdump: x: That device is not up
rc=1
tcpdump: can't parse filter expression: syntax error
rc=1
tcpdump: illegal port number 99999 > 65535
rc=1
tcpdump: invalid IPv4 address '10.0.0.300'
rc=1
tcpdump: non-network bits set in "10.0.0.1/24"
rc=1
tcpdump: unknown host 'foo'
rc=1
tcpdump: bogus ethernet address 1:2:3
rc=1
tcpdump: /nope: No such file or directory
rc=1
`);
  });

  it('-r of a file that is not pcap, or cut short, fails with libpcap\'s messages', async () => {
    const r = await run(`echo hello > /tmp/np; tcpdump -r /tmp/np; echo rc=$?
: > /tmp/empty; tcpdump -r /tmp/empty; echo rc=$?
ip netns exec a timeout 3 tcpdump -i va -w /tmp/x.pcap 2>/dev/null &
sleep 1; ip netns exec a ping -c 1 10.0.0.2 > /dev/null; wait
truncf /tmp/x.pcap 100 /tmp/t.pcap; tcpdump -nn -r /tmp/t.pcap; echo rc=$?
truncf /tmp/x.pcap 30 /tmp/t2.pcap; tcpdump -nn -r /tmp/t2.pcap; echo rc=$?`);
    expect(r.output).toBe(`tcpdump: unknown file format
rc=1
tcpdump: truncated dump file; tried to read 4 file header bytes, only got 0
rc=1
reading from file /tmp/t.pcap, link-type EN10MB (Ethernet), snapshot length 262144
00:00:01.000000 ARP, Request who-has 10.0.0.2 tell 10.0.0.1, length 28
tcpdump: pcap_loop: truncated dump file; tried to read 42 captured bytes, only got 2
rc=1
reading from file /tmp/t2.pcap, link-type EN10MB (Ethernet), snapshot length 262144
tcpdump: pcap_loop: truncated dump file; tried to read 16 header bytes, only got 6
rc=1
`);
  });

  it('stops with `The interface disappeared` and status 1 when its device goes away', async () => {
    const r = await run(`ip netns exec a tcpdump -l -nn -i va > /tmp/o 2>&1 &
sleep 1
ip -n b link del vb
wait $!; echo rc=$?; cat /tmp/o`);
    expect(r.stdout).toBe(`rc=1
tcpdump: verbose output suppressed, use -v[v]... for full protocol decode
listening on va, link-type EN10MB (Ethernet), snapshot length 262144 bytes
tcpdump: pcap_loop: The interface disappeared
0 packets captured
0 packets received by filter
0 packets dropped by kernel
`);
  });

  it('-w then -r in the machine; -r applies the filter and -c', async () => {
    const r = await run(`ip netns exec a timeout 4 tcpdump -i va -w /tmp/x.pcap 2>/dev/null &
sleep 1
ip netns exec a ping -c 2 10.0.0.2 > /dev/null
wait
tcpdump -nn -r /tmp/x.pcap -c 3 icmp`);
    expect(r.stdout).toBe(`00:00:01.000030 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 15, seq 1, length 64
00:00:01.000060 IP 10.0.0.2 > 10.0.0.1: ICMP echo reply, id 15, seq 1, length 64
00:00:02.000000 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 15, seq 2, length 64
`);
    expect(r.stderr).toBe('reading from file /tmp/x.pcap, link-type EN10MB (Ethernet), snapshot length 262144\n');
  });

  it('same script and seed: the same pcap and pcapng bytes', async () => {
    const script = `ip netns exec a timeout 3 tcpdump -i va -w /tmp/x.pcap 2>/dev/null &
sleep 1
ip netns exec a ping -c 2 -i 0.3 10.0.0.2 > /dev/null
ip netns exec a ping -c 1 -W 1 10.0.0.7 > /dev/null
wait`;
    const once = async (): Promise<[Uint8Array, Uint8Array]> => {
      const m = createMachine({ seed: 7 });
      const rec = new PcapngRecorder(m);
      await runScript(SETUP + script, { machine: m });
      rec.stop();
      return [captureFiles(m).get('/tmp/x.pcap')!, rec.bytes()];
    };
    const [a1, b1] = await once();
    const [a2, b2] = await once();
    expect(a1.length).toBeGreaterThan(24 + 6 * 16);
    expect(Buffer.from(a1).equals(Buffer.from(a2))).toBe(true);
    expect(Buffer.from(b1).equals(Buffer.from(b2))).toBe(true);
  });
});
