// The IPv4 SNMP counters (/proc/net/snmp, /proc/net/netstat, /proc/net/snmp6), nstat, and ICMP
// redirects. Every expected text here was printed by Linux 6.18 with iproute2 6.1 / iputils
// 20221126 for the same commands (run in throwaway namespaces with scripts/kernel-run.ts).
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';
import { normalize } from '../src/verify/normalize.ts';

const run = async (src: string): Promise<string> => (await runScript(`ip link set lo up\n${src}`, { seed: 1 })).output;

/** A LAN (bridge br0 in the root namespace) with host h (.2), router r (.1) and gateway g (.3);
 *  10.8.9.1 is on g, and r routes to it via g: h's packets for it make r send redirects. */
const LAN = `
ip link add br0 type bridge mcast_snooping 0; ip link set br0 up
for n in h r g; do ip netns add $n; ip netns exec $n sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; ip -n $n link set lo up; ip link add p$n type veth peer name e0 netns $n; ip link set p$n master br0; ip link set p$n up; ip -n $n link set e0 up; done
ip -n h addr add 10.8.1.2/24 dev e0; ip -n r addr add 10.8.1.1/24 dev e0; ip -n g addr add 10.8.1.3/24 dev e0
ip -n g addr add 10.8.9.1/32 dev lo
ip netns exec r sysctl -q -w net.ipv4.ip_forward=1
ip -n h route add default via 10.8.1.1
ip -n r route add 10.8.9.1/32 via 10.8.1.3
sleep 2
`;

const USAGE = `Usage: nstat [OPTION] [ PATTERN [ PATTERN ] ]
   -h, --help          this message
   -a, --ignore        ignore history
   -d, --scan=SECS     sample every statistics every SECS
   -j, --json          format output in JSON
   -n, --nooutput      do history only
   -p, --pretty        pretty print
   -r, --reset         reset history
   -s, --noupdate      don't update history
   -t, --interval=SECS report average over the last SECS
   -V, --version       output version information
   -z, --zeros         show entries with zero activity
`;

/** nstat's view of one `ping -c1 127.0.0.1` in a fresh namespace. */
const ONE_PING = `IpInReceives                    2                  0.0
IpInDelivers                    2                  0.0
IpOutRequests                   2                  0.0
IpOutTransmits                  2                  0.0
IcmpInMsgs                      2                  0.0
IcmpInEchos                     1                  0.0
IcmpInEchoReps                  1                  0.0
IcmpOutMsgs                     2                  0.0
IcmpOutEchos                    1                  0.0
IcmpOutEchoReps                 1                  0.0
IcmpMsgInType0                  1                  0.0
IcmpMsgInType8                  1                  0.0
IcmpMsgOutType0                 1                  0.0
IcmpMsgOutType8                 1                  0.0
IpExtInOctets                   168                0.0
IpExtOutOctets                  168                0.0
IpExtInNoECTPkts                2                  0.0
`;

describe('/proc/net/snmp', () => {
  it('counts a ping through lo as net/ipv4/proc.c prints it, IcmpMsg listing only the types seen', async () => {
    const out = await run('ping -c1 -q 127.0.0.1 >/dev/null; cat /proc/net/snmp; grep IpExt /proc/net/netstat');
    expect(out).toBe(
      'Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits\n' +
        'Ip: 2 64 2 0 0 0 0 0 2 2 0 0 0 0 0 0 0 0 0 2\n' +
        'Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps\n' +
        'Icmp: 2 0 0 0 0 0 0 0 1 1 0 0 0 0 2 0 0 0 0 0 0 0 0 1 1 0 0 0 0\n' +
        'IcmpMsg: InType0 InType8 OutType0 OutType8\n' +
        'IcmpMsg: 1 1 1 1\n' +
        'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n' +
        'Tcp: 1 200 120000 -1 0 0 0 0 0 0 0 0 0 0 0\n' +
        'Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n' +
        'Udp: 0 0 0 0 0 0 0 0 0\n' +
        'UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n' +
        'UdpLite: 0 0 0 0 0 0 0 0 0\n' +
        'IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps\n' +
        'IpExt: 0 0 0 0 0 0 168 168 0 0 0 0 0 2 0 0 0 0\n',
    );
  });

  it('is per namespace: /proc/net is the reader’s, /proc/PID/net that process’s', async () => {
    const out = await run('ip netns add x; ping -c1 -q 127.0.0.1 >/dev/null; ip netns exec x sed -n 2p /proc/net/snmp; sleep 10 & ip netns exec x sed -n 2p /proc/$!/net/snmp; kill %1; head -2 /proc/net/snmp6 | cat -A');
    expect(out).toBe('Ip: 2 64 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\nIp: 2 64 2 0 0 0 0 0 2 2 0 0 0 0 0 0 0 0 0 2\nIp6InReceives                   ^I0$\nIp6InHdrErrors                  ^I0$\n');
  });

  it('ip_error answers a sender once a second (burst 5) from the inet_peer that icmp_send’s limit shares', async () => {
    // four errors a second apart drain the bucket; eight more 0.2 s apart get none: seven are
    // stopped by ip_error, one by icmp_send (OutRateLimitHost)
    const out = await run(`
for n in a r; do ip netns add $n; ip -n $n link set lo up; done
ip link add e0 netns a type veth peer name a0 netns r
ip -n a addr add 10.9.1.2/24 dev e0; ip -n r addr add 10.9.1.1/24 dev a0; ip -n a link set e0 up; ip -n r link set a0 up
ip netns exec r sysctl -q -w net.ipv4.ip_forward=1
ip -n a route add default via 10.9.1.1
sleep 1
ip netns exec a ping -c 4 -W 1 10.9.99.1 | grep -c ^From
ip netns exec a ping -c 8 -i 0.2 -W 1 -t 1 10.9.99.1 | grep transmitted
NSTAT_HISTORY=/tmp/h ip netns exec r nstat -as 'IcmpOut[RD]*' IpExtInNoRoutes
`);
    expect(normalize(out)).toBe(
      '4\n8 packets transmitted, 0 received, 100% packet loss, time <T>ms\n#kernel\n' +
        'IcmpOutRateLimitHost            1                  0.0\nIcmpOutDestUnreachs             4                  0.0\nIpExtInNoRoutes                 12                 0.0\n',
    );
  });

  it('rp_filter drops count as TcpExt IPReversePathFilter, forwarded or for the router itself', async () => {
    const out = await run(`
for n in h r h2; do ip netns add $n; ip netns exec $n sysctl -q -w net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.default.rp_filter=1; ip -n $n link set lo up; done
link() { ip link add $2 netns $1 type veth peer name $4 netns $3; ip -n $1 addr add $5 dev $2; ip -n $3 addr add $6 dev $4; ip -n $1 link set $2 up; ip -n $3 link set $4 up; }
link h e0 r a0 10.6.1.2/24 10.6.1.1/24
link h e1 r b0 10.6.2.2/24 10.6.2.1/24
link r c0 h2 e0 10.6.3.1/24 10.6.3.2/24
ip netns exec r sysctl -q -w net.ipv4.ip_forward=1
ip -n h route add 10.6.3.0/24 via 10.6.1.1
ip -n h2 route add default via 10.6.3.1
sleep 1
ip netns exec h ping -c1 -W1 10.6.3.2 >/dev/null; ip netns exec h ping -c1 -W1 -I 10.6.2.2 10.6.2.1 > /dev/null
export NSTAT_HISTORY=/tmp/h
ip netns exec r nstat -n
for dst in 10.6.3.2 10.6.1.1; do ip netns exec h ping -c 1 -W 1 -I 10.6.2.2 $dst >/dev/null; ip netns exec r nstat; done
`);
    const drop = '#kernel\nIpInReceives                    1                  0.0\nTcpExtIPReversePathFilter       1                  0.0\nIpExtInOctets                   84                 0.0\nIpExtInNoECTPkts                1                  0.0\n';
    expect(out).toBe(drop + drop);
  });
});

describe('nstat', () => {
  const H = 'export NSTAT_HISTORY=/tmp/hist\n';

  it('prints everything the first time, then the increments since its history file', async () => {
    const out = await run(`${H}ping -c1 -q 127.0.0.1 >/dev/null; nstat; echo rc=$?; nstat; ping -c1 -q 127.0.0.1 >/dev/null; nstat -s 'Icmp*'; nstat 'icmpmsg*' ipext*; cat $NSTAT_HISTORY`);
    const lines = (re: RegExp): string => ONE_PING.split('\n').filter((l) => re.test(l)).map((l) => `${l}\n`).join('');
    // the history keeps the old values of what the patterns left out: their increments wait
    const history = ONE_PING.replace(/^((?:IcmpMsg|IpExt)\S*) +(\d+) +/gm, (_, id: string, v: string) => `${id.padEnd(32)}${String(2 * Number(v)).padEnd(16)}   `);
    expect(out).toBe(`#kernel\n${ONE_PING}rc=0\n#kernel\n#kernel\n${lines(/^Icmp/)}#kernel\n${lines(/^(IcmpMsg|IpExt)/)}#kernel\n${history}`);
  });

  it('-a prints absolute values, -z zeros too, -j/-p JSON, -r starts over, -n only writes the history', async () => {
    const out = await run(`${H}ping -c2 -i 0.2 -q 127.0.0.1 >/dev/null; nstat -a 'IcmpMsg*'; nstat -az 'Ip*' | head -4; nstat -a -j; nstat -a -j -p 'IpIn*'; nstat -r | head -2; nstat -rn; echo rc=$?; nstat`);
    expect(out).toBe(
      '#kernel\nIcmpMsgInType0                  2                  0.0\nIcmpMsgInType8                  2                  0.0\nIcmpMsgOutType0                 2                  0.0\nIcmpMsgOutType8                 2                  0.0\n' +
        '#kernel\nIpInReceives                    4                  0.0\nIpInHdrErrors                   0                  0.0\nIpInAddrErrors                  0                  0.0\n' +
        '{"kernel":{"IpInReceives":4,"IpInDelivers":4,"IpOutRequests":4,"IpOutTransmits":4,"IcmpInMsgs":4,"IcmpInEchos":2,"IcmpInEchoReps":2,"IcmpOutMsgs":4,"IcmpOutEchos":2,"IcmpOutEchoReps":2,"IcmpMsgInType0":2,"IcmpMsgInType8":2,"IcmpMsgOutType0":2,"IcmpMsgOutType8":2,"IpExtInOctets":336,"IpExtOutOctets":336,"IpExtInNoECTPkts":4}}\n' +
        '{\n    "kernel": {\n        "IpInReceives": 4,\n        "IpInDelivers": 4\n    }\n}\n' +
        '#kernel\nIpInReceives                    4                  0.0\nrc=0\n#kernel\n',
    );
  });

  it('lists /proc/net/snmp, then snmp6, then netstat (-z: zeros too), matching patterns without case', async () => {
    const out = await run(`${H}nstat -asz 'icmp6in[de]*' udplite*`);
    expect(out).toBe(
      '#kernel\n' +
        ['UdpLiteInDatagrams', 'UdpLiteNoPorts', 'UdpLiteInErrors', 'UdpLiteOutDatagrams', 'UdpLiteRcvbufErrors', 'UdpLiteSndbufErrors', 'UdpLiteInCsumErrors', 'UdpLiteIgnoredMulti', 'UdpLiteMemErrors'].map((n) => `${n.padEnd(32)}0                  0.0\n`).join('') +
        ['Icmp6InErrors', 'Icmp6InDestUnreachs', 'Icmp6InEchos', 'Icmp6InEchoReplies'].map((n) => `${n.padEnd(32)}0                  0.0\n`).join('') +
        ['UdpLite6InDatagrams', 'UdpLite6NoPorts', 'UdpLite6InErrors', 'UdpLite6OutDatagrams', 'UdpLite6RcvbufErrors', 'UdpLite6SndbufErrors', 'UdpLite6InCsumErrors', 'UdpLite6MemErrors'].map((n) => `${n.padEnd(32)}0                  0.0\n`).join(''),
    );
  });

  it('fails as iproute2 6.1 does', async () => {
    const out = await run(
      'export NSTAT_HISTORY=/tmp/d; mkdir /tmp/d; nstat -x; echo rc=$?; nstat --zzz 2>&1 | head -1; nstat -d 2>&1 | head -1; nstat --no 2>&1 | head -1; nstat --zeros=1 2>&1 | head -1; nstat --scan 2>&1 | head -1; ' +
        'nstat -t 0; echo rc=$?; nstat -V; nstat; echo rc=$?; echo garbage > /tmp/bad; NSTAT_HISTORY=/tmp/bad nstat; echo rc=$?; ' +
        'printf "#foo\\nIpInReceives 1\\n" > /tmp/other; NSTAT_HISTORY=/tmp/other nstat; NSTAT_HISTORY=/tmp/nope/x nstat; echo rc=$?; NSTAT_HISTORY=/tmp/nope/x nstat -as',
    );
    expect(out).toBe(
      `nstat: invalid option -- 'x'\n${USAGE}rc=255\nnstat: unrecognized option '--zzz'\nnstat: option requires an argument -- 'd'\n` +
        "nstat: option '--no' is ambiguous; possibilities: '--nooutput' '--noupdate'\nnstat: option '--zeros' doesn't allow an argument\nnstat: option '--scan' requires an argument\n" +
        'nstat: invalid time constant divisor\nrc=255\nnstat utility, iproute2-6.1.0\nnstat: open history file: Is a directory\nrc=255\nnstat.c:146: error parsing history file\nrc=254\n' +
        'nstat: history is stale, ignoring it.\n#kernel\nnstat: open history file: No such file or directory\nrc=255\n#kernel\n',
    );
  });
});

describe('ICMP redirects', () => {
  it('a router sends them with exponential backoff, 9 at most while the sender keeps needing them', async () => {
    const out = await run(`${LAN}
ip netns exec h sysctl -q -w net.ipv4.conf.all.accept_redirects=0 net.ipv4.conf.e0.accept_redirects=0
ip netns exec h ping -c 70 -i 0.2 10.8.9.1 | grep -E "Redirect|transmitted"
NSTAT_HISTORY=/tmp/h ip netns exec r nstat -as 'Icmp*Redir*'
ip netns exec h ping -c 1 10.8.9.1 | grep -E "Redirect|transmitted"`);
    const seqs = [1, 2, 3, 4, 6, 10, 17, 30, 56];
    expect(normalize(out)).toBe(
      `${seqs.map((s) => `From 10.8.1.1: icmp_seq=${s} Redirect Host(New nexthop: 10.8.1.3)\n`).join('')}70 packets transmitted, 70 received, 0% packet loss, time <T>ms\n` +
        '#kernel\nIcmpOutRedirects                9                  0.0\n1 packets transmitted, 1 received, 0% packet loss, time <T>ms\n',
    );
  });

  it('tcpdump shows the redirect with the packet it quotes (ttl already decremented)', async () => {
    const out = await run(`${LAN}
ip netns exec h timeout 3 tcpdump -l -n -v -i e0 icmp 2>/dev/null &
sleep 1
ip netns exec h ping -c 1 10.8.9.1 >/dev/null
wait`);
    expect(normalize(out).replace(/^<TS> /gm, '')).toBe(
      'IP (tos 0x0, ttl 64, id <IPID>, offset 0, flags [DF], proto ICMP (1), length 84)\n    10.8.1.2 > 10.8.9.1: ICMP echo request, id <ICMPID>, seq 1, length 64\n' +
        'IP (tos 0xc0, ttl 64, id <IPID>, offset 0, flags [none], proto ICMP (1), length 112)\n    10.8.1.1 > 10.8.1.2: ICMP redirect 10.8.9.1 to host 10.8.1.3, length 92\n' +
        '\tIP (tos 0x0, ttl 63, id <IPID>, offset 0, flags [DF], proto ICMP (1), length 84)\n    10.8.1.2 > 10.8.9.1: ICMP echo request, id <ICMPID>, seq 1, length 64\n' +
        'IP (tos 0x0, ttl 64, id <IPID>, offset 0, flags [none], proto ICMP (1), length 84)\n    10.8.9.1 > 10.8.1.2: ICMP echo reply, id <ICMPID>, seq 1, length 64\n\n',
    );
  });

  it('the exception a host takes expires after ip_rt_gc_timeout (300 s)', async () => {
    const out = await run(`${LAN}
ip netns exec h ping -c 2 10.8.9.1 | grep -c Redirect
sleep 0.5
ip -n h route get 10.8.9.1
sleep 298
ip -n h -j route get 10.8.9.1
sleep 1
ip -n h route get 10.8.9.1
sleep 1
ip -n h route get 10.8.9.1`);
    expect(out).toBe(
      '2\n10.8.9.1 via 10.8.1.3 dev e0 src 10.8.1.2 uid 0 \n    cache <redirected> expires 299sec \n' +
        '[{"dst":"10.8.9.1","gateway":"10.8.1.3","dev":"e0","prefsrc":"10.8.1.2","flags":[],"uid":0,"cache":["redirected"],"expires":1}]\n' +
        '10.8.9.1 via 10.8.1.3 dev e0 src 10.8.1.2 uid 0 \n    cache <redirected> expires 0sec \n' +
        '10.8.9.1 via 10.8.1.1 dev e0 src 10.8.1.2 uid 0 \n    cache \n',
    );
  });
});
