// Records the golden outputs of the tcpdump decoders on the real kernel (root only): a small
// topology in the sandbox of src/verify/sandbox.ts makes ARP, ICMP echo, ICMP errors (net and
// host unreachable, port unreachable, time exceeded, redirect), UDP and the kernel's own IPv6
// noise (MLDv2, DAD NS, RS); tcpdump -w keeps the frames in test/tcpdump/*.pcap, and the real
// `tcpdump -r` prints them with each option set of OPTION_SETS into test/tcpdump/NAME.txt.
// test/tcpdump-golden.test.ts reads the same pcaps with nsemu's tcpdump and compares.
// test/tcpdump/MANIFEST.json keeps the kernel, the tool versions, the date and the sha256 of every
// file written (test/verify-manifest.test.ts checks them: a hand edit fails there).
//
//   npx tsx scripts/record-tcpdump.ts
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelAvailable, runInSandbox } from '../src/verify/sandbox.ts';
import { kernelRelease, sha256, toolVersions, type FilesManifest } from '../src/verify/recorder.ts';

const OUT = join(import.meta.dirname, '..', 'test', 'tcpdump');

/** name → tcpdump -r arguments (the file is appended); also imported by the golden test. */
export const OPTION_SETS: Record<string, string[]> = {
  nn: ['-nn'],
  'nn-e': ['-nn', '-e'],
  'nn-v': ['-nn', '-v'],
  'nn-vv-e': ['-nn', '-vv', '-e'],
  'nn-t': ['-nn', '-t'],
  'nn-tt': ['-nn', '-tt'],
  'nn-ttt': ['-nn', '-ttt'],
  'nn-tttt': ['-nn', '-tttt'],
  'nn-ttttt': ['-nn', '-ttttt'],
  'nn-q': ['-nn', '-q'],
  'nn-x': ['-nn', '-x'],
  'nn-xx': ['-nn', '-xx'],
  'nn-X': ['-nn', '-X'],
  'f-arp': ['-nn', 'arp'],
  'f-icmp': ['-nn', 'icmp'],
  'f-udp-or-arp': ['-nn', 'udp or arp'],
  'f-host': ['-nn', 'host 10.0.0.2 and not arp'],
  'f-ip6': ['-nn', 'ip6'],
  'f-src': ['-nn', 'src 10.0.0.1 && icmp'],
  'f-net': ['-nn', 'net 10.9.0.0/16 or dst port 9'],
  'f-bcast': ['-nn', '-e', 'broadcast'],
  'f-paren': ['-nn', '(icmp or udp) and !(dst host 10.0.0.1)'],
  names: ['-v'],
  'names-e': ['-e', 'not ip6'],
};

export const CAPTURES = ['va'];

const SCRIPT = `
set -u
export TZ=UTC
ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.0.0.1/24 dev va; ip -n b addr add 10.0.0.2/24 dev vb
ip -n a link set lo up; ip -n b link set lo up
ip -n a link set va up
ip netns exec a tcpdump -i va -U --immediate-mode -w va.pcap 2>/dev/null &
sleep 0.5
ip -n b link set vb up
ip netns exec b sysctl -qw net.ipv4.ip_forward=1
ip -n a route add 10.9.0.0/24 via 10.0.0.2
ip -n a route add 10.8.0.0/24 via 10.0.0.2
ip -n a route add 10.7.0.0/24 via 10.0.0.2
ip -n b route add 10.9.0.0/24 via 10.0.0.1
ip -n b route add 10.8.0.0/24 dev vb
sleep 2.5
ip netns exec a ping -c 2 -i 0.2 10.0.0.2 >/dev/null
ip netns exec a ping -c 1 -s 300 10.0.0.2 >/dev/null
ip netns exec a ping -c 1 -W 1 10.7.0.1 >/dev/null
ip netns exec a ping -c 1 -W 1 -t 1 10.9.0.1 >/dev/null
ip netns exec a ping -c 1 -W 1 10.9.0.1 >/dev/null
ip netns exec a ping -c 1 -W 4 10.8.0.5 >/dev/null
ip netns exec a bash -c 'echo hello > /dev/udp/10.0.0.2/9'
ip netns exec a bash -c 'echo > /dev/tcp/10.0.0.2/80' 2>/dev/null
ip netns exec a ping -c 1 -b 10.0.0.255 >/dev/null 2>&1
sleep 1
kill -INT %1; wait
for f in ${Object.entries(OPTION_SETS)
  .map(([n, a]) => `'${n}|${a.join('|')}'`)
  .join(' ')}; do
  name=\${f%%|*}; rest=\${f#*|}
  IFS='|' read -r -a args <<< "$rest"
  tcpdump -r va.pcap "\${args[@]}" > "va.$name.txt" 2> "va.$name.err"
done
chmod 644 *.pcap *.txt *.err
`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const k = kernelAvailable();
  if (!k.ok) {
    console.error(`record-tcpdump: needs the real kernel: ${k.reason}`);
    process.exit(2);
  }
  mkdirSync(OUT, { recursive: true });
  // a fresh set: outputs of option sets that no longer exist must not linger
  for (const f of readdirSync(OUT)) if (f.startsWith('va.')) rmSync(join(OUT, f));
  rmSync(join(OUT, 'MANIFEST.json'), { force: true });
  const tools = toolVersions();
  const r = await runInSandbox(SCRIPT, { cwd: OUT });
  process.stdout.write(r.output);
  writeFileSync(
    join(OUT, 'README.md'),
    `Recorded by \`npx tsx scripts/record-tcpdump.ts\` on the real kernel (tcpdump ${tools.tcpdump}, libpcap ${tools.libpcap}). Do not edit: MANIFEST.json holds the sha256 of each file.\n`,
  );
  if (r.status === 0) {
    const files: Record<string, string> = {};
    for (const f of readdirSync(OUT).sort()) if (f.startsWith('va.')) files[f] = sha256(readFileSync(join(OUT, f)));
    const m: FilesManifest = { kernel: kernelRelease(), tools, recorded: new Date().toISOString(), files };
    writeFileSync(join(OUT, 'MANIFEST.json'), JSON.stringify(m, null, 2) + '\n');
  } else console.error(`record-tcpdump: the script exited ${r.status}; no MANIFEST.json written`);
  process.exit(r.status);
}
