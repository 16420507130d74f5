// The IPv4 SNMP MIBs of a namespace (include/uapi/linux/snmp.h; the counters of struct
// netns_mib) and the files that show them: /proc/net/snmp and /proc/net/netstat
// (net/ipv4/proc.c), /proc/net/snmp6 (net/ipv6/proc.c). As in the kernel, the counters every
// packet touches are an array indexed by a constant (IPSTATS_MIB.InReceives is
// IPSTATS_MIB_INRECEIVES): Netns.snmp holds ip_statistics (behind both the Ip and the IpExt
// lines) then icmp_statistics; Netns.icmpmsg holds icmpmsg_statistics by type (0x100 | type
// for the Out side) and Netns.netstat net_statistics (TcpExt) by name, both sparse.
import type { Netns } from '../../kernel/types.ts';
import { sysctlInt } from '../../kernel/sysctl.ts';
import { ICMP_MIB, IP_LIST, IPEXT_LIST, IPSTATS_MIB, type IcmpField, type IpField } from '../../kernel/snmp.ts';

export { ICMP_MIB, IPSTATS_MIB };

type AnyNs = Netns | Netns;

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


export type IpStat = number;
type IcmpStat = number;
export type NetStat = (typeof TCPEXT_LIST)[number];

/** IP_UPD_PO_STATS's directions: the packets counter, its octets counter after it */
export const IPSTATS_PO = {
  In: [IPSTATS_MIB.InReceives, IPSTATS_MIB.InOctets],
  Out: [IPSTATS_MIB.OutTransmits, IPSTATS_MIB.OutOctets],
  InBcast: [IPSTATS_MIB.InBcastPkts, IPSTATS_MIB.InBcastOctets],
  OutBcast: [IPSTATS_MIB.OutBcastPkts, IPSTATS_MIB.OutBcastOctets],
  InMcast: [IPSTATS_MIB.InMcastPkts, IPSTATS_MIB.InMcastOctets],
  OutMcast: [IPSTATS_MIB.OutMcastPkts, IPSTATS_MIB.OutMcastOctets],
} as const;

/** A reader of one counter named as /proc shows it ("Ip:InNoRoutes", "Icmp:InErrors",
 *  "IcmpMsg:8", "TcpExt:IPReversePathFilter"), the name resolved once, for readers outside the
 *  packet path that read it in many namespaces. */
export function snmpReader(key: string): (ns: AnyNs) => number {
  const colon = key.indexOf(':');
  const mib = key.slice(0, colon);
  const field = key.slice(colon + 1);
  if (mib === 'Ip' && Object.hasOwn(IPSTATS_MIB, field)) {
    const i = IPSTATS_MIB[field as IpField];
    return (ns) => ns.snmp[i]!;
  }
  if (mib === 'Icmp' && Object.hasOwn(ICMP_MIB, field)) {
    const i = ICMP_MIB[field as IcmpField];
    return (ns) => ns.snmp[i]!;
  }
  if (mib === 'IcmpMsg') {
    const t = Number(field);
    return (ns) => ns.icmpmsg[t] ?? 0;
  }
  if (mib === 'TcpExt') return (ns) => ns.netstat[field] ?? 0;
  throw new Error(`snmpReader: no counter ${key}`);
}

const ipStat = (ns: AnyNs, f: IpField): number => ns.snmp[IPSTATS_MIB[f]]!;
const icmp = (ns: AnyNs, f: IcmpField): number => ns.snmp[ICMP_MIB[f]]!;
const icmpmsg = (ns: AnyNs, t: number): number => ns.icmpmsg[t] ?? 0;

/** IP_ADD_STATS (IP_INC_STATS with n = 1): `field` is an IPSTATS_MIB index. */
export function ipIncStats(ns: AnyNs, field: IpStat, n = 1): void {
  ns.snmp[field] += n;
}

/** IP_UPD_PO_STATS: a packet and its octets (IPSTATS_PO.In, .Out, .InBcast, …). */
export function ipUpdPoStats(ns: AnyNs, dir: readonly [number, number], len: number): void {
  const s = ns.snmp;
  s[dir[0]]++;
  s[dir[1]] += len;
}

/** ICMP_INC_STATS: `field` is an ICMP_MIB index. */
export function icmpIncStats(ns: AnyNs, field: IcmpStat): void {
  ns.snmp[field]++;
}

/** ICMPMSGIN_INC_STATS */
export function icmpMsgInIncStats(ns: AnyNs, type: number): void {
  const t = type & 0xff;
  ns.icmpmsg[t] = (ns.icmpmsg[t] ?? 0) + 1;
}

/** icmp_out_count: what __ip_make_skb counts for every ICMP message a socket sends. */
export function icmpOutCount(ns: AnyNs, type: number): void {
  const t = 0x100 | (type & 0xff);
  ns.icmpmsg[t] = (ns.icmpmsg[t] ?? 0) + 1;
  icmpIncStats(ns, ICMP_MIB.OutMsgs);
}

/** NET_INC_STATS (LINUX_MIB_*) */
export function netIncStats(ns: AnyNs, field: NetStat): void {
  ns.netstat[field] = (ns.netstat[field] ?? 0) + 1;
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
  for (let i = 0; i < 0x200; i++) if (icmpmsg(ns, i)) seen.push(i);
  let out = '';
  for (let i = 0; i < seen.length; i += 16) {
    const chunk = seen.slice(i, i + 16);
    out += pair('IcmpMsg', chunk.map((t) => `${t & 0x100 ? 'Out' : 'In'}Type${t & 0xff}`), chunk.map((t) => icmpmsg(ns, t)));
  }
  return out;
}

/** snmp_seq_show: /proc/net/snmp */
export function procNetSnmp(ns: AnyNs): string {
  const ip = pair('Ip', ['Forwarding', 'DefaultTTL', ...IP_LIST], [sysctlInt(ns, 'ipv4/conf/all/forwarding') ? 1 : 2, sysctlInt(ns, 'ipv4/ip_default_ttl'), ...IP_LIST.map((f) => ipStat(ns, f))]);
  const icmpIn = [icmp(ns, 'InMsgs'), icmp(ns, 'InErrors'), icmp(ns, 'InCsumErrors'), ...ICMP_MIB_MAP.map(([, t]) => icmpmsg(ns, t))];
  const icmpOut = [icmp(ns, 'OutMsgs'), icmp(ns, 'OutErrors'), icmp(ns, 'OutRateLimitGlobal'), icmp(ns, 'OutRateLimitHost'), ...ICMP_MIB_MAP.map(([, t]) => icmpmsg(ns, 0x100 | t))];
  const icmpNames = ['InMsgs', 'InErrors', 'InCsumErrors', ...ICMP_MIB_MAP.map(([n]) => `In${n}`), 'OutMsgs', 'OutErrors', 'OutRateLimitGlobal', 'OutRateLimitHost', ...ICMP_MIB_MAP.map(([n]) => `Out${n}`)];
  const udpZeros = UDP_LIST.split(' ').map(() => 0);
  return ip + pair('Icmp', icmpNames, [...icmpIn, ...icmpOut]) + icmpMsgPut(ns) + pair('Tcp', TCP_LIST, TCP_VALUES) + pair('Udp', UDP_LIST, udpZeros) + pair('UdpLite', UDP_LIST, udpZeros);
}

/** netstat_seq_show: /proc/net/netstat */
export function procNetNetstat(ns: AnyNs): string {
  return (
    pair('TcpExt', TCPEXT_LIST, TCPEXT_LIST.map((f) => ns.netstat[f] ?? 0)) +
    pair('IpExt', IPEXT_LIST, IPEXT_LIST.map((f) => ipStat(ns, f))) +
    pair('MPTcpExt', MPTCPEXT_LIST, MPTCPEXT_LIST.map(() => 0))
  );
}

/** snmp6_seq_show: /proc/net/snmp6. nsemu sends no IPv6 frames, so every counter is 0. */
export function procNetSnmp6(): string {
  return SNMP6_LIST.map((n) => `${n.padEnd(32)}\t0\n`).join('');
}
