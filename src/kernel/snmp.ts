// include/uapi/linux/snmp.h: the SNMP counters a namespace keeps (net->mib) and the index of
// each in Netns.snmp, as the kernel's IPSTATS_MIB_* and ICMP_MIB_* enums index its tables.
// protocols/ipv4/snmp.ts counts them and shows them in /proc.

/** snmp4_ipstats_list: the Ip line, after Forwarding and DefaultTTL. */
export const IP_LIST = [
  'InReceives', 'InHdrErrors', 'InAddrErrors', 'ForwDatagrams', 'InUnknownProtos', 'InDiscards',
  'InDelivers', 'OutRequests', 'OutDiscards', 'OutNoRoutes', 'ReasmTimeout', 'ReasmReqds',
  'ReasmOKs', 'ReasmFails', 'FragOKs', 'FragFails', 'FragCreates', 'OutTransmits',
] as const;

/** snmp4_ipextstats_list: the IpExt line of /proc/net/netstat (the same ip_statistics). */
export const IPEXT_LIST = [
  'InNoRoutes', 'InTruncatedPkts', 'InMcastPkts', 'OutMcastPkts', 'InBcastPkts', 'OutBcastPkts',
  'InOctets', 'OutOctets', 'InMcastOctets', 'OutMcastOctets', 'InBcastOctets', 'OutBcastOctets',
  'InCsumErrors', 'InNoECTPkts', 'InECT1Pkts', 'InECT0Pkts', 'InCEPkts', 'ReasmOverlaps',
] as const;

export type IpField = (typeof IP_LIST)[number] | (typeof IPEXT_LIST)[number];
/** icmp_statistics (the rest of the Icmp line comes from icmpmsg_statistics, by type). */
export const ICMP_LIST = ['InMsgs', 'InErrors', 'InCsumErrors', 'OutMsgs', 'OutErrors', 'OutRateLimitGlobal', 'OutRateLimitHost'] as const;
export type IcmpField = (typeof ICMP_LIST)[number];

const indexes = <F extends string>(names: readonly F[], base: number): Readonly<Record<F, number>> =>
  Object.freeze(Object.fromEntries(names.map((f, i) => [f, base + i])) as Record<F, number>);

/** IPSTATS_MIB_*: the index of each ip_statistics counter in Netns.snmp */
export const IPSTATS_MIB = indexes<IpField>([...IP_LIST, ...IPEXT_LIST], 0);
/** ICMP_MIB_*: the index of each icmp_statistics counter in Netns.snmp */
export const ICMP_MIB = indexes<IcmpField>(ICMP_LIST, IP_LIST.length + IPEXT_LIST.length);
export const SNMP_LEN = IP_LIST.length + IPEXT_LIST.length + ICMP_LIST.length;

/** A new namespace's counters, all zero. */
export function newSnmp(): number[] {
  return new Array<number>(SNMP_LEN).fill(0);
}
