// The IPv4 SNMP MIBs of a namespace (include/uapi/linux/snmp.h; the counters of struct
// netns_mib) and the files that show them: /proc/net/snmp and /proc/net/netstat
// (net/ipv4/proc.c), /proc/net/snmp6 (net/ipv6/proc.c). The counters live in Netns.snmp, keyed
// "MIB:Field": one ip_statistics table behind both the Ip and the IpExt lines, icmp_statistics,
// icmpmsg_statistics by type (0x100 | type for the Out side), and net_statistics (TcpExt).
import type { Netns } from '../../kernel/types.ts';
import { sysctlInt } from '../../kernel/sysctl.ts';

type AnyNs = Netns | Netns;

/** snmp4_ipstats_list: the Ip line, after Forwarding and DefaultTTL. */
const IP_LIST = [
  'InReceives', 'InHdrErrors', 'InAddrErrors', 'ForwDatagrams', 'InUnknownProtos', 'InDiscards',
  'InDelivers', 'OutRequests', 'OutDiscards', 'OutNoRoutes', 'ReasmTimeout', 'ReasmReqds',
  'ReasmOKs', 'ReasmFails', 'FragOKs', 'FragFails', 'FragCreates', 'OutTransmits',
] as const;

/** snmp4_ipextstats_list: the IpExt line of /proc/net/netstat (the same ip_statistics). */
const IPEXT_LIST = [
  'InNoRoutes', 'InTruncatedPkts', 'InMcastPkts', 'OutMcastPkts', 'InBcastPkts', 'OutBcastPkts',
  'InOctets', 'OutOctets', 'InMcastOctets', 'OutMcastOctets', 'InBcastOctets', 'OutBcastOctets',
  'InCsumErrors', 'InNoECTPkts', 'InECT1Pkts', 'InECT0Pkts', 'InCEPkts', 'ReasmOverlaps',
] as const;

/** icmp_statistics (the rest of the Icmp line comes from icmpmsg_statistics). */
type IcmpStat = 'InMsgs' | 'InErrors' | 'InCsumErrors' | 'OutMsgs' | 'OutErrors' | 'OutRateLimitGlobal' | 'OutRateLimitHost';

/** icmpmibmap: the per-type columns of the Icmp line. */
const ICMP_MIB_MAP: readonly (readonly [string, number])[] = [
  ['DestUnreachs', 3], ['TimeExcds', 11], ['ParmProbs', 12], ['SrcQuenchs', 4], ['Redirects', 5],
  ['Echos', 8], ['EchoReps', 0], ['Timestamps', 13], ['TimestampReps', 14], ['AddrMasks', 17],
  ['AddrMaskReps', 18],
];

/** snmp4_net_list: the TcpExt line (LINUX_MIB_*). */
const TCPEXT_LIST = [
  'SyncookiesSent', 'SyncookiesRecv', 'SyncookiesFailed', 'EmbryonicRsts', 'PruneCalled',
  'RcvPruned', 'OfoPruned', 'OutOfWindowIcmps', 'LockDroppedIcmps', 'ArpFilter', 'TW',
  'TWRecycled', 'TWKilled', 'PAWSActive', 'PAWSEstab', 'BeyondWindow', 'TSEcrRejected',
  'PAWSOldAck', 'PAWSTimewait', 'DelayedACKs', 'DelayedACKLocked', 'DelayedACKLost',
  'ListenOverflows', 'ListenDrops', 'TCPHPHits', 'TCPPureAcks', 'TCPHPAcks', 'TCPRenoRecovery',
  'TCPSackRecovery', 'TCPSACKReneging', 'TCPSACKReorder', 'TCPRenoReorder', 'TCPTSReorder',
  'TCPFullUndo', 'TCPPartialUndo', 'TCPDSACKUndo', 'TCPLossUndo', 'TCPLostRetransmit',
  'TCPRenoFailures', 'TCPSackFailures', 'TCPLossFailures', 'TCPFastRetrans', 'TCPSlowStartRetrans',
  'TCPTimeouts', 'TCPLossProbes', 'TCPLossProbeRecovery', 'TCPRenoRecoveryFail',
  'TCPSackRecoveryFail', 'TCPRcvCollapsed', 'TCPBacklogCoalesce', 'TCPDSACKOldSent',
  'TCPDSACKOfoSent', 'TCPDSACKRecv', 'TCPDSACKOfoRecv', 'TCPAbortOnData', 'TCPAbortOnClose',
  'TCPAbortOnMemory', 'TCPAbortOnTimeout', 'TCPAbortOnLinger', 'TCPAbortFailed',
  'TCPMemoryPressures', 'TCPMemoryPressuresChrono', 'TCPSACKDiscard', 'TCPDSACKIgnoredOld',
  'TCPDSACKIgnoredNoUndo', 'TCPSpuriousRTOs', 'TCPMD5NotFound', 'TCPMD5Unexpected',
  'TCPMD5Failure', 'TCPSackShifted', 'TCPSackMerged', 'TCPSackShiftFallback', 'TCPBacklogDrop',
  'PFMemallocDrop', 'TCPMinTTLDrop', 'TCPDeferAcceptDrop', 'IPReversePathFilter',
  'TCPTimeWaitOverflow', 'TCPReqQFullDoCookies', 'TCPReqQFullDrop', 'TCPRetransFail',
  'TCPRcvCoalesce', 'TCPOFOQueue', 'TCPOFODrop', 'TCPOFOMerge', 'TCPChallengeACK',
  'TCPSYNChallenge', 'TCPFastOpenActive', 'TCPFastOpenActiveFail', 'TCPFastOpenPassive',
  'TCPFastOpenPassiveFail', 'TCPFastOpenListenOverflow', 'TCPFastOpenCookieReqd',
  'TCPFastOpenBlackhole', 'TCPSpuriousRtxHostQueues', 'BusyPollRxPackets', 'TCPAutoCorking',
  'TCPFromZeroWindowAdv', 'TCPToZeroWindowAdv', 'TCPWantZeroWindowAdv', 'TCPSynRetrans',
  'TCPOrigDataSent', 'TCPHystartTrainDetect', 'TCPHystartTrainCwnd', 'TCPHystartDelayDetect',
  'TCPHystartDelayCwnd', 'TCPACKSkippedSynRecv', 'TCPACKSkippedPAWS', 'TCPACKSkippedSeq',
  'TCPACKSkippedFinWait2', 'TCPACKSkippedTimeWait', 'TCPACKSkippedChallenge', 'TCPWinProbe',
  'TCPKeepAlive', 'TCPMTUPFail', 'TCPMTUPSuccess', 'TCPDelivered', 'TCPDeliveredCE',
  'TCPAckCompressed', 'TCPZeroWindowDrop', 'TCPRcvQDrop', 'TCPWqueueTooBig',
  'TCPFastOpenPassiveAltKey', 'TcpTimeoutRehash', 'TcpDuplicateDataRehash', 'TCPDSACKRecvSegs',
  'TCPDSACKIgnoredDubious', 'TCPMigrateReqSuccess', 'TCPMigrateReqFailure', 'TCPPLBRehash',
  'TCPAORequired', 'TCPAOBad', 'TCPAOKeyNotFound', 'TCPAOGood', 'TCPAODroppedIcmps',
] as const;

/** mptcp_snmp_list: the MPTcpExt line, all zero here. */
const MPTCPEXT_LIST = [
  'MPCapableSYNRX', 'MPCapableSYNTX', 'MPCapableSYNACKRX', 'MPCapableACKRX',
  'MPCapableFallbackACK', 'MPCapableFallbackSYNACK', 'MPCapableSYNTXDrop',
  'MPCapableSYNTXDisabled', 'MPCapableEndpAttempt', 'MPFallbackTokenInit', 'MPTCPRetrans',
  'MPJoinNoTokenFound', 'MPJoinSynRx', 'MPJoinSynBackupRx', 'MPJoinSynAckRx',
  'MPJoinSynAckBackupRx', 'MPJoinSynAckHMacFailure', 'MPJoinAckRx', 'MPJoinAckHMacFailure',
  'MPJoinRejected', 'MPJoinSynTx', 'MPJoinSynTxCreatSkErr', 'MPJoinSynTxBindErr',
  'MPJoinSynTxConnectErr', 'DSSNotMatching', 'DSSCorruptionFallback', 'DSSCorruptionReset',
  'InfiniteMapTx', 'InfiniteMapRx', 'DSSNoMatchTCP', 'DataCsumErr', 'OFOQueueTail', 'OFOQueue',
  'OFOMerge', 'NoDSSInWindow', 'DuplicateData', 'AddAddr', 'AddAddrTx', 'AddAddrTxDrop', 'EchoAdd',
  'EchoAddTx', 'EchoAddTxDrop', 'PortAdd', 'AddAddrDrop', 'MPJoinPortSynRx', 'MPJoinPortSynAckRx',
  'MPJoinPortAckRx', 'MismatchPortSynRx', 'MismatchPortAckRx', 'RmAddr', 'RmAddrDrop', 'RmAddrTx',
  'RmAddrTxDrop', 'RmSubflow', 'MPPrioTx', 'MPPrioRx', 'MPFailTx', 'MPFailRx', 'MPFastcloseTx',
  'MPFastcloseRx', 'MPRstTx', 'MPRstRx', 'SubflowStale', 'SubflowRecover', 'SndWndShared',
  'RcvWndShared', 'RcvWndConflictUpdate', 'RcvWndConflict', 'MPCurrEstab', 'Blackhole',
  'MPCapableDataFallback', 'MD5SigFallback', 'DssFallback', 'SimultConnectFallback',
  'FallbackFailed', 'WinProbe',
] as const;

/** snmp6_ipstats_list, snmp6_icmp6_list, snmp6_udp6_list, snmp6_udplite6_list. */
const SNMP6_LIST = [
  'Ip6InReceives', 'Ip6InHdrErrors', 'Ip6InTooBigErrors', 'Ip6InNoRoutes', 'Ip6InAddrErrors',
  'Ip6InUnknownProtos', 'Ip6InTruncatedPkts', 'Ip6InDiscards', 'Ip6InDelivers',
  'Ip6OutForwDatagrams', 'Ip6OutRequests', 'Ip6OutDiscards', 'Ip6OutNoRoutes', 'Ip6ReasmTimeout',
  'Ip6ReasmReqds', 'Ip6ReasmOKs', 'Ip6ReasmFails', 'Ip6FragOKs', 'Ip6FragFails', 'Ip6FragCreates',
  'Ip6InMcastPkts', 'Ip6OutMcastPkts', 'Ip6InOctets', 'Ip6OutOctets', 'Ip6InMcastOctets',
  'Ip6OutMcastOctets', 'Ip6InBcastOctets', 'Ip6OutBcastOctets', 'Ip6InNoECTPkts', 'Ip6InECT1Pkts',
  'Ip6InECT0Pkts', 'Ip6InCEPkts', 'Ip6OutTransmits', 'Icmp6InMsgs', 'Icmp6InErrors', 'Icmp6OutMsgs',
  'Icmp6OutErrors', 'Icmp6InCsumErrors', 'Icmp6OutRateLimitHost', 'Icmp6InDestUnreachs',
  'Icmp6InPktTooBigs', 'Icmp6InTimeExcds', 'Icmp6InParmProblems', 'Icmp6InEchos',
  'Icmp6InEchoReplies', 'Icmp6InGroupMembQueries', 'Icmp6InGroupMembResponses',
  'Icmp6InGroupMembReductions', 'Icmp6InRouterSolicits', 'Icmp6InRouterAdvertisements',
  'Icmp6InNeighborSolicits', 'Icmp6InNeighborAdvertisements', 'Icmp6InRedirects',
  'Icmp6InMLDv2Reports', 'Icmp6OutDestUnreachs', 'Icmp6OutPktTooBigs', 'Icmp6OutTimeExcds',
  'Icmp6OutParmProblems', 'Icmp6OutEchos', 'Icmp6OutEchoReplies', 'Icmp6OutGroupMembQueries',
  'Icmp6OutGroupMembResponses', 'Icmp6OutGroupMembReductions', 'Icmp6OutRouterSolicits',
  'Icmp6OutRouterAdvertisements', 'Icmp6OutNeighborSolicits', 'Icmp6OutNeighborAdvertisements',
  'Icmp6OutRedirects', 'Icmp6OutMLDv2Reports', 'Udp6InDatagrams', 'Udp6NoPorts', 'Udp6InErrors',
  'Udp6OutDatagrams', 'Udp6RcvbufErrors', 'Udp6SndbufErrors', 'Udp6InCsumErrors',
  'Udp6IgnoredMulti', 'Udp6MemErrors', 'UdpLite6InDatagrams', 'UdpLite6NoPorts', 'UdpLite6InErrors',
  'UdpLite6OutDatagrams', 'UdpLite6RcvbufErrors', 'UdpLite6SndbufErrors', 'UdpLite6InCsumErrors',
  'UdpLite6MemErrors',
] as const;

const TCP_LIST = 'RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors';
/** The Tcp values of a namespace that never saw TCP: RTO algorithm, min and max, MaxConn -1. */
const TCP_VALUES = '1 200 120000 -1 0 0 0 0 0 0 0 0 0 0 0';
const UDP_LIST = 'InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors';

export type IpStat = (typeof IP_LIST)[number] | (typeof IPEXT_LIST)[number];
export type NetStat = (typeof TCPEXT_LIST)[number];

function add(ns: AnyNs, key: string, n: number): void {
  ns.snmp[key] = (ns.snmp[key] ?? 0) + n;
}

/** "Ip:Field" for every Ip/IpExt field, built once: the per-packet path builds no strings. */
const IP_KEY = Object.fromEntries([...IP_LIST, ...IPEXT_LIST].map((f) => [f, `Ip:${f}`])) as Record<IpStat, string>;
const ICMP_KEY: Record<IcmpStat, string> = { InMsgs: 'Icmp:InMsgs', InErrors: 'Icmp:InErrors', InCsumErrors: 'Icmp:InCsumErrors', OutMsgs: 'Icmp:OutMsgs', OutErrors: 'Icmp:OutErrors', OutRateLimitGlobal: 'Icmp:OutRateLimitGlobal', OutRateLimitHost: 'Icmp:OutRateLimitHost' };
/** "IcmpMsg:N" for each type in (N) and out (0x100 | N) */
const ICMPMSG_KEY = Array.from({ length: 0x200 }, (_, i) => `IcmpMsg:${i}`);
const PO_PKTS = { In: 'InReceives', Out: 'OutTransmits', InBcast: 'InBcastPkts', OutBcast: 'OutBcastPkts', InMcast: 'InMcastPkts', OutMcast: 'OutMcastPkts' } as const;
const PO_OCTETS = { In: 'InOctets', Out: 'OutOctets', InBcast: 'InBcastOctets', OutBcast: 'OutBcastOctets', InMcast: 'InMcastOctets', OutMcast: 'OutMcastOctets' } as const;

const get = (ns: AnyNs, key: string): number => ns.snmp[key] ?? 0;

/** IP_ADD_STATS (IP_INC_STATS with n = 1). */
export function ipIncStats(ns: AnyNs, field: IpStat, n = 1): void {
  add(ns, IP_KEY[field], n);
}

/** IP_UPD_PO_STATS: a packet and its octets (IPSTATS_MIB_IN, _OUT, _INBCAST, …). */
export function ipUpdPoStats(ns: AnyNs, dir: 'In' | 'Out' | 'InBcast' | 'OutBcast' | 'InMcast' | 'OutMcast', len: number): void {
  ipIncStats(ns, PO_PKTS[dir]);
  ipIncStats(ns, PO_OCTETS[dir], len);
}

/** ICMP_INC_STATS */
export function icmpIncStats(ns: AnyNs, field: IcmpStat): void {
  add(ns, ICMP_KEY[field], 1);
}

/** ICMPMSGIN_INC_STATS */
export function icmpMsgInIncStats(ns: AnyNs, type: number): void {
  add(ns, ICMPMSG_KEY[type & 0xff]!, 1);
}

/** icmp_out_count: what __ip_make_skb counts for every ICMP message a socket sends. */
export function icmpOutCount(ns: AnyNs, type: number): void {
  add(ns, ICMPMSG_KEY[0x100 | (type & 0xff)]!, 1);
  icmpIncStats(ns, 'OutMsgs');
}

/** NET_INC_STATS (LINUX_MIB_*) */
export function netIncStats(ns: AnyNs, field: NetStat): void {
  add(ns, `TcpExt:${field}`, 1);
}

/** A header line and a value line, as seq_printf builds them ("Ip: A B" / "Ip: 1 2"). */
function pair(mib: string, names: readonly string[] | string, values: readonly (number | string)[] | string): string {
  const n = typeof names === 'string' ? names : names.join(' ');
  const v = typeof values === 'string' ? values : values.join(' ');
  return `${mib}: ${n}\n${mib}: ${v}\n`;
}

/** icmpmsg_put: the types seen, at most 16 to a pair of lines. */
function icmpMsgPut(ns: AnyNs): string {
  const seen: number[] = [];
  for (let i = 0; i < 0x200; i++) if (get(ns, `IcmpMsg:${i}`)) seen.push(i);
  let out = '';
  for (let i = 0; i < seen.length; i += 16) {
    const chunk = seen.slice(i, i + 16);
    out += pair('IcmpMsg', chunk.map((t) => `${t & 0x100 ? 'Out' : 'In'}Type${t & 0xff}`), chunk.map((t) => get(ns, `IcmpMsg:${t}`)));
  }
  return out;
}

/** snmp_seq_show: /proc/net/snmp */
export function procNetSnmp(ns: AnyNs): string {
  const ip = pair('Ip', ['Forwarding', 'DefaultTTL', ...IP_LIST], [sysctlInt(ns, 'ipv4/conf/all/forwarding') ? 1 : 2, sysctlInt(ns, 'ipv4/ip_default_ttl'), ...IP_LIST.map((f) => get(ns, `Ip:${f}`))]);
  const icmpIn = [get(ns, 'Icmp:InMsgs'), get(ns, 'Icmp:InErrors'), get(ns, 'Icmp:InCsumErrors'), ...ICMP_MIB_MAP.map(([, t]) => get(ns, `IcmpMsg:${t}`))];
  const icmpOut = [get(ns, 'Icmp:OutMsgs'), get(ns, 'Icmp:OutErrors'), get(ns, 'Icmp:OutRateLimitGlobal'), get(ns, 'Icmp:OutRateLimitHost'), ...ICMP_MIB_MAP.map(([, t]) => get(ns, `IcmpMsg:${0x100 | t}`))];
  const icmpNames = ['InMsgs', 'InErrors', 'InCsumErrors', ...ICMP_MIB_MAP.map(([n]) => `In${n}`), 'OutMsgs', 'OutErrors', 'OutRateLimitGlobal', 'OutRateLimitHost', ...ICMP_MIB_MAP.map(([n]) => `Out${n}`)];
  const udpZeros = UDP_LIST.split(' ').map(() => 0);
  return ip + pair('Icmp', icmpNames, [...icmpIn, ...icmpOut]) + icmpMsgPut(ns) + pair('Tcp', TCP_LIST, TCP_VALUES) + pair('Udp', UDP_LIST, udpZeros) + pair('UdpLite', UDP_LIST, udpZeros);
}

/** netstat_seq_show: /proc/net/netstat */
export function procNetNetstat(ns: AnyNs): string {
  return (
    pair('TcpExt', TCPEXT_LIST, TCPEXT_LIST.map((f) => get(ns, `TcpExt:${f}`))) +
    pair('IpExt', IPEXT_LIST, IPEXT_LIST.map((f) => get(ns, `Ip:${f}`))) +
    pair('MPTcpExt', MPTCPEXT_LIST, MPTCPEXT_LIST.map(() => 0))
  );
}

/** snmp6_seq_show: /proc/net/snmp6. nsemu sends no IPv6 frames, so every counter is 0. */
export function procNetSnmp6(): string {
  return SNMP6_LIST.map((n) => `${n.padEnd(32)}\t0\n`).join('');
}
