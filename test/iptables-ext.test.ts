// iptables' LOG target and the kernel log (dmesg) in the emulated machine, iptables-save's
// dated comments, and iptables-restore's failure paths: the messages with their line numbers,
// the exit codes, and that nothing of a failing table's batch is applied. What the real kernel
// shows for these is pinned down by test/scenarios/iptables-ext.sh; LOG lines cannot be recorded
// there (the sandbox is not the initial namespace), so their text is checked here.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runScript } from '../src/shell/index.ts';

async function run(src: string): Promise<{ out: string; status: number }> {
  const r = await runScript(src, { seed: 3 });
  return { out: r.output, status: r.status };
}

const TWO_NS = `ip netns add n1; ip netns add n2
ip link add v1 netns n1 type veth peer name v2 netns n2
ip -n n1 addr add 10.9.0.1/24 dev v1; ip -n n2 addr add 10.9.0.2/24 dev v2
ip -n n1 link set v1 up; ip -n n2 link set v2 up
`;

describe('LOG and dmesg', () => {
  it('logs in the initial namespace, one line per packet, timed since boot', async () => {
    const r = await run(`ip link set lo up
sleep 12.5
iptables -A OUTPUT -o lo -p icmp --icmp-type echo-request -j LOG --log-prefix "OUT: "
iptables -A INPUT -p icmp --icmp-type 0 -j LOG --log-prefix "IN: " --log-level info
ping -c 1 127.0.0.1 > /dev/null
dmesg; echo ---; dmesg -t -l info; echo ---; dmesg -x -l warn | cut -c1-33; dmesg -r | cut -c1-22`);
    const id = '\\d+';
    expect(r.out).toMatch(
      new RegExp(
        `^\\[   12\\.500\\d{3}\\] OUT: IN= OUT=lo SRC=127\\.0\\.0\\.1 DST=127\\.0\\.0\\.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${id} DF PROTO=ICMP TYPE=8 CODE=0 ID=${id} SEQ=1 \\n` +
          `\\[   12\\.500\\d{3}\\] IN: IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=127\\.0\\.0\\.1 DST=127\\.0\\.0\\.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=${id} PROTO=ICMP TYPE=0 CODE=0 ID=${id} SEQ=1 \\n` +
          `---\\nIN: IN=lo OUT= MAC=[^\\n]* SEQ=1 \\n---\\n` +
          `kern  :warn  : \\[   12\\.500\\d{3}\\] OUT\\n<4>\\[   12\\.500\\d{3}\\] OUT:\\n<6>\\[   12\\.500\\d{3}\\] IN: \\n$`,
      ),
    );
  });

  it('other namespaces log only with net.netfilter.nf_log_all_netns=1, a sysctl of the initial one', async () => {
    const r = await run(`${TWO_NS}ip netns exec n2 iptables -A INPUT -j LOG --log-prefix "N2: "
ip netns exec n1 ping -c 1 10.9.0.2 > /dev/null
dmesg | grep -c N2
ip netns exec n2 sysctl net.netfilter.nf_log_all_netns
sysctl net.netfilter.nf_log_all_netns
sysctl -q -w net.netfilter.nf_log_all_netns=1
ip netns exec n1 ping -c 1 10.9.0.2 > /dev/null
dmesg -t | grep N2: | sed 's/ MAC=[^ ]*//; s/ ID=[0-9]*//g'`);
    expect(r.out).toBe(`0
sysctl: cannot stat /proc/sys/net/netfilter/nf_log_all_netns: No such file or directory
net.netfilter.nf_log_all_netns = 0
N2: IN=v2 OUT= SRC=10.9.0.1 DST=10.9.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 DF PROTO=ICMP TYPE=8 CODE=0 SEQ=1 
`);
  });

  it('a bridge port shows as PHYSIN for frames to the bridge and PHYSIN/PHYSOUT for bridged ones', async () => {
    const r = await run(`ip netns add x; ip netns add y
ip link add br0 type bridge; ip link set br0 up; ip addr add 10.8.0.1/24 dev br0
ip link add px type veth peer name ex netns x; ip link add py type veth peer name ey netns y
ip link set px master br0; ip link set py master br0; ip link set px up; ip link set py up
ip -n x addr add 10.8.0.2/24 dev ex; ip -n y addr add 10.8.0.3/24 dev ey; ip -n x link set ex up; ip -n y link set ey up
sleep 3.5
iptables -A INPUT -p icmp -m physdev --physdev-in px -j LOG --log-prefix "UP: "
iptables -A FORWARD -p icmp --icmp-type 8 -j LOG --log-prefix "BR: "
ip netns exec x ping -c 1 10.8.0.1 > /dev/null; ip netns exec x ping -c 1 10.8.0.3 > /dev/null
dmesg -t | sed 's/ MAC=[^ ]*//; s/ SRC=.*//'
iptables -L INPUT -v -n | tail -1 | cut -c1-20`);
    expect(r.out).toBe(`UP: IN=br0 OUT= PHYSIN=px
BR: IN=br0 OUT=br0 PHYSIN=px PHYSOUT=py
    1    84 LOG     
`);
  });

  it('dmesg -c reads then clears, -C clears; -T dates records; users may not read or clear; option errors', async () => {
    const r = await run(`iptables -A OUTPUT -j LOG --log-prefix "A: "
ip link set lo up; ping -c 1 127.0.0.1 > /dev/null
dmesg -c | wc -l; dmesg | wc -l
ping -c 1 127.0.0.1 > /dev/null; dmesg -C; dmesg | wc -l
sleep 3600; ping -c 1 -W 1 127.0.0.1 > /dev/null; dmesg -T | cut -c1-33
setpriv --reuid 1000 dmesg; echo "rc=$?"; setpriv --reuid 1000 dmesg -C; echo "rc=$?"
dmesg -r -t; echo "rc=$?"; dmesg -l nosuch; echo "rc=$?"`);
    expect(r.out).toBe(`2
0
0
[Mon Jan  1 01:00:00 2024] A: IN=
[Mon Jan  1 01:00:00 2024] A: IN=
dmesg: read kernel buffer failed: Operation not permitted
rc=1
dmesg: clear kernel buffer failed: Operation not permitted
rc=1
dmesg: mutually exclusive arguments: --raw --notime
rc=1
dmesg: unknown level 'nosuch'
rc=1
`);
  });
});

describe('iptables-save', () => {
  it('dates its comments by the machine clock (2024-01-01 00:00:00 UTC at boot)', async () => {
    const r = await run(`iptables -N X; sleep 3661; iptables-save -t filter | grep '^#'; iptables-save -f /tmp/s; head -1 /tmp/s`);
    expect(r.out).toBe(`# Generated by iptables-save v1.8.9 (nf_tables) on Mon Jan  1 01:01:01 2024
# Completed on Mon Jan  1 01:01:01 2024
# Generated by iptables-save v1.8.9 (nf_tables) on Mon Jan  1 01:01:01 2024
`);
  });

  /** rules from which random rule sets are drawn (each is valid in the filter table) */
  const RULES = [
    '-A INPUT -p tcp --dport 22 -j ACCEPT',
    '-A INPUT -p tcp ! --syn --sport 1024:65535 -j DROP',
    '-A INPUT -p udp --sport domain -j ACCEPT',
    '-A INPUT -p icmp --icmp-type echo-request -m state --state NEW -j ACCEPT',
    '-A FORWARD -m physdev --physdev-in p+ ! --physdev-out q1 -j DROP',
    '-A FORWARD -s 10.0.0.0/8 -o eth0 -j LOG --log-prefix "fw drop: " --log-level 7 --log-tcp-options',
    '-A OUTPUT -d 192.168.1.1 -p icmp ! --icmp-type 3/3 -j REJECT --reject-with icmp-host-prohibited',
    '-A OUTPUT -j MYCHAIN',
    '-A MYCHAIN -p tcp --tcp-flags ALL NONE -j DROP',
    '-A MYCHAIN -i lo -j RETURN',
  ];
  it('iptables-restore of its output rebuilds the same rule set (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(RULES), fc.constantFrom('DROP', 'ACCEPT'), async (rules, policy) => {
        const r = await run(`iptables -N MYCHAIN; iptables -P FORWARD ${policy}
${rules.map((x) => `iptables ${x}`).join('\n')}
iptables-save > /tmp/a
iptables -F; iptables -X; iptables -P FORWARD ACCEPT
iptables-restore < /tmp/a; echo "rc=$?"
iptables-save > /tmp/b
[ "$(grep -v '^#' /tmp/a)" = "$(grep -v '^#' /tmp/b)" ] && echo same; grep -c '^-A' /tmp/b`);
        expect(r.out).toBe(`rc=0\nsame\n${rules.length}\n`);
      }),
      { numRuns: 12 },
    );
  });
});

describe('iptables-restore failures', () => {
  const BEFORE = `iptables -N keep; iptables -A INPUT -s 10.1.1.1 -j keep; iptables -P FORWARD DROP
iptables-save | grep -v '^#' > /tmp/before
`;
  const restore = (input: string, opts = ''): string => `printf '${input}' | iptables-restore ${opts}; echo "rc=$?"
[ "$(iptables-save | grep -v '^#')" = "$(cat /tmp/before)" ] && echo unchanged
`;
  const cases: [string, string, string][] = [
    ['a parse error names its line', '*filter\\n-A INPUT -j ACCEPT\\n-A INPUT -p tcp --dport nosuch -j ACCEPT\\nCOMMIT\\n', "iptables-restore v1.8.9 (nf_tables): invalid port/service `nosuch' specified\nError occurred at line: 3\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\nrc=2\n"],
    ['a kernel error names the failing command\'s line', '*filter\\n-F\\n-A INPUT -j ACCEPT\\n-D INPUT -s 1.2.3.4 -j DROP\\nCOMMIT\\n', 'iptables-restore: line 4 failed: Bad rule (does a matching rule exist in that chain?).\nrc=1\n'],
    ['a jump to a missing chain is found at COMMIT', '*filter\\n-A INPUT -j nosuch\\n\\n# c\\nCOMMIT\\n', "iptables-restore v1.8.9 (nf_tables): Chain 'nosuch' does not exist\nError occurred at line: 5\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\nrc=2\n"],
    ['the kernel refusing a rule (EINVAL)', '*filter\\n:INPUT DROP [0:0]\\n-A INPUT -m icmp --icmp-type 8 -j ACCEPT\\nCOMMIT\\n', 'iptables-restore v1.8.9 (nf_tables): \nline 3: RULE_APPEND failed (Invalid argument): rule in chain INPUT\nrc=4\n'],
    ['a table without COMMIT', '*filter\\n-A INPUT -j ACCEPT\\n', 'iptables-restore: COMMIT expected at line 3\nrc=1\n'],
    ['a line outside any table', '-A INPUT -j ACCEPT\\n', 'iptables-restore: line 1 failed\nrc=1\n'],
    ['counters that do not parse', '*filter\\n[1:2 -A INPUT -j ACCEPT\\nCOMMIT\\n', "iptables-restore v1.8.9 (nf_tables): Bad line 2: need ]\nError occurred at line: 2\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\nrc=2\n"],
    ['policy counters required by -c', '*filter\\n:INPUT ACCEPT\\nCOMMIT\\n', "iptables-restore v1.8.9 (nf_tables): invalid policy counters for chain 'INPUT'\nError occurred at line: 2\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\nrc=2\n"],
  ];
  for (const [what, input, want] of cases) {
    it(`${what}: the message, and the tables as they were`, async () => {
      const r = await run(BEFORE + restore(input, what.includes('-c') ? '-c' : ''));
      expect(r.out).toBe(`${want}unchanged\n`);
    });
  }

  it('a later table failing keeps the tables committed before it; --test applies nothing', async () => {
    const r = await run(`${BEFORE}${restore('*filter\\n-A INPUT -s 10.2.2.2 -j DROP\\nCOMMIT\\n*nat\\n-A nosuch -j ACCEPT\\nCOMMIT\\n')}iptables -S INPUT
iptables-save | grep -v '^#' > /tmp/before
${restore('*filter\\n-A OUTPUT -j DROP\\nCOMMIT\\n', '--test')}`);
    expect(r.out).toBe(`iptables-restore: line 5 failed: No chain/target/match by that name.
rc=1
-P INPUT ACCEPT
-A INPUT -s 10.2.2.2/32 -j DROP
rc=0
unchanged
`);
  });

  it('--table restores one table of the input; --noflush keeps what is there', async () => {
    const r = await run(`${BEFORE}printf '*filter\\n-A INPUT -s 10.3.3.3 -j DROP\\nCOMMIT\\n*nat\\n-A OUTPUT -d 10.4.4.4 -j ACCEPT\\nCOMMIT\\n' | iptables-restore -n -T filter
iptables -S INPUT; iptables-save | grep -c '^\\*nat'`);
    expect(r.out).toBe(`-P INPUT ACCEPT
-A INPUT -s 10.1.1.1/32 -j keep
-A INPUT -s 10.3.3.3/32 -j DROP
0
`);
  });
});
