// The World: everything the emulated kernel knows, as plain mutable objects with the kernel's
// own indexes (devices by name per namespace, device identity to place, bridge ports, /run/netns
// names, nsids both ways): each index is kept up to date at the few places that write what it
// indexes (dev.ts, netns.ts, bridge.ts), and everything is structuredClone-able (Maps included).
// Kernel code changes it only inside Machine.mutate / the scheduler's event batches.
// Frames in flight and process state live outside it (see machine.ts).

export type Operstate = 'UNKNOWN' | 'NOTPRESENT' | 'DOWN' | 'LOWERLAYERDOWN' | 'TESTING' | 'DORMANT' | 'UP';
export type DevKind = 'loopback' | 'veth' | 'bridge' | 'tun';

export interface DevStats {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  rxMissed: number;
  rxMcast: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
  txCarrier: number;
  txCollisions: number;
}

/** An address on a device (struct in_ifaddr / inet6_ifaddr). IPv4 as uint32, IPv6 as text. */
export interface InetAddr {
  family: 4;
  local: number;
  /** peer address (`ip addr add A peer B`), else equal to local */
  address: number;
  prefixlen: number;
  broadcast?: number;
  scope: number;
  label: string;
  /** IFA_F_SECONDARY etc. */
  secondary: boolean;
  metric: number;
  /** IFA_F_NOPREFIXROUTE: no prefix route for it */
  noprefixroute: boolean;
  proto?: number;
}

export interface Inet6Addr {
  family: 6;
  address: string;
  prefixlen: number;
  scope: number;
  /** DAD still running: shown as `tentative` */
  tentative: boolean;
  /** added by the kernel (link-local, ::1) rather than by the user */
  auto: boolean;
  /** IFA_F_NODAD: used at once, no duplicate address detection */
  nodad?: boolean;
  /** IFA_F_NOPREFIXROUTE */
  noprefixroute?: boolean;
}

export interface BridgeState {
  /** user-set MAC (`ip link set br0 address`): then the port MACs no longer decide it */
  macSet: boolean;
  /** the MAC part of the bridge id: zero until the first port (or a set MAC) decides it */
  bridgeId: string;
  ageingTime: number; // centiseconds, as the kernel's netlink attribute
  stpState: number;
  forwardDelay: number; // centiseconds
  helloTime: number;
  maxAge: number;
  priority: number;
  nfCallIptables: number;
  vlanFiltering: number;
  mcastSnooping: number;
  /** the ports (br->port_list): their ifindexes, ascending */
  ports: number[];
  /** FDB (vlan 0): keyed by the MAC as a number (macKey), as the kernel hashes the address */
  fdb: Map<number, FdbEntry>;
}

export interface FdbEntry {
  mac: string;
  port: number; // ifindex of the port (the bridge itself for its own entries)
  local: boolean; // permanent local entry (a port's or the bridge's MAC)
  static: boolean;
  updated: number; // virtual ns
  used: number;
}

export interface BridgePortState {
  /** bridge port number (br_if.c find_portno: the lowest free one, from 1) */
  portNo?: number;
  state: 'disabled' | 'listening' | 'learning' | 'forwarding' | 'blocking';
  priority: number;
  cost: number;
  learning: boolean;
  flood: boolean;
}

export interface Device {
  /** machine-wide identity that survives moves between namespaces (the kernel's net_device pointer) */
  id: number;
  ifindex: number;
  name: string;
  kind: DevKind;
  /** IFF_UP: administratively up */
  up: boolean;
  /** carrier (IFF_RUNNING / LOWER_UP) */
  carrier: boolean;
  /** operstate as last computed by linkwatch */
  operstate: Operstate;
  /** has been opened once: qdisc shows `noqueue` from then on, `noop` before */
  everUp: boolean;
  mtu: number;
  minMtu: number;
  maxMtu: number;
  txqlen: number;
  mac: string;
  broadcast: string;
  /** NET_ADDR_PERM 0, NET_ADDR_RANDOM 1, NET_ADDR_STOLEN 2, NET_ADDR_SET 3 */
  addrAssignType: number;
  alias?: string;
  group: number;
  promiscuity: number;
  allmulti: number;
  /** the user's own IFF_PROMISC/IFF_ALLMULTI requests (dev->gflags) */
  gflags: number;
  /** carrier_up_count + carrier_down_count (`ip -s -s` transns, sysfs carrier_changes) */
  carrierChanges: number;
  /** IFF_NOARP (`ip link set X arp off`) */
  noarp: boolean;
  /** IFF_MULTICAST (`ip link set X multicast off` clears it) */
  multicast: boolean;
  /** veth peer: its namespace (inode) and ifindex there */
  peer?: { ns: number; ifindex: number };
  /** ifindex of the bridge this device is a port of (same namespace) */
  master?: number;
  bridge?: BridgeState;
  port?: BridgePortState;
  addrs: InetAddr[];
  addrs6: Inet6Addr[];
  addrgenmode: 'eui64' | 'none' | 'stable_secret' | 'random';
  /** this device's /proc/sys/net entries: "ipv4/KEY" (conf), "ipv6/KEY" (conf), "neigh/KEY" */
  sysctl: Record<string, string>;
  stats: DevStats;
  numTxQueues: number;
  numRxQueues: number;
}

export const RT_SCOPE = { universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;
export const RT_TABLE = { unspec: 0, default: 253, main: 254, local: 255 } as const;

export type RouteType =
  | 'unicast'
  | 'local'
  | 'broadcast'
  | 'anycast'
  | 'multicast'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'throw'
  | 'nat';

/** A fib_alias + fib_info: one IPv4 route. */
export interface Route {
  table: number;
  type: RouteType;
  dst: number;
  dstLen: number;
  tos: number;
  priority: number; // metric
  protocol: number; // RTPROT_*
  scope: number;
  prefsrc?: number;
  gateway?: number;
  dev?: number; // ifindex
  onlink: boolean;
  /** the nexthop's exceptions (fib_nh_exception) by destination: redirects it accepted */
  fnhe?: Record<number, Fnhe>;
}

/** A nexthop exception: packets to one destination go to another gateway until it expires. */
export interface Fnhe {
  gw: number;
  /** virtual time */
  expires: number;
}

/** struct inet_peer's rate-limit fields. */
export interface InetPeer {
  rateTokens: number;
  rateLast: number;
  nRedirects: number;
}

export type NudState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'NOARP' | 'PERMANENT' | 'NONE';

export interface Neighbour {
  ip: number;
  dev: number;
  lladdr?: string;
  state: NudState;
  /** router flag (ip neigh shows `router`) — not used for IPv4 */
  probes: number;
  /** last time the entry was confirmed reachable / updated / used (virtual ns) */
  confirmed: number;
  updated: number;
  used: number;
  /** timer generation: a scheduled neigh_timer_handler runs only if this still matches */
  timerGen: number;
  /** proto / extern flags shown by ip neigh */
  proto?: number;
}

/** A match extension of a rule (`-m NAME` or the protocol's own match) with its options: the
 *  data iptables hands the kernel's xt_match (its matchinfo). */
export type NfMatch =
  /** xt_state (`-m state --state`) and xt_conntrack (`-m conntrack --ctstate`): XT_STATE_BIT mask */
  | { name: 'state' | 'conntrack'; inv: boolean; states: number }
  /** xt_tcpudp's struct xt_tcp: port ranges, the flag byte under a mask, an option kind;
   *  invflags XT_TCP_INV_* */
  | { name: 'tcp'; spts: [number, number]; dpts: [number, number]; option: number; flgMask: number; flgCmp: number; invflags: number }
  /** struct xt_udp */
  | { name: 'udp'; spts: [number, number]; dpts: [number, number]; invflags: number }
  /** struct ipt_icmp: type 0xFF is any; codes min..max */
  | { name: 'icmp'; type: number; code: [number, number]; inv: boolean }
  /** struct xt_physdev_info: bridge port names (a trailing '+' is a prefix), XT_PHYSDEV_OP_* bits */
  | { name: 'physdev'; physindev: string; physoutdev: string; bitmask: number; invert: number };

/** The options of a target extension (its targinfo). */
export type NfTargetInfo =
  | { name: 'REJECT'; rejectWith: string }
  /** an IPv4 address range (nf_nat_range2 without ports) */
  | { name: 'SNAT' | 'DNAT'; min: number; max: number }
  | { name: 'MASQUERADE'; random: boolean }
  /** struct xt_log_info: syslog level, XT_LOG_* flags, prefix (at most 29 characters) */
  | { name: 'LOG'; level: number; logflags: number; prefix: string };

/** One iptables rule (struct ipt_entry with its matches and target). */
export interface NfRule {
  src: number;
  srcLen: number;
  dst: number;
  dstLen: number;
  /** interface names; '' = any; a trailing '+' matches a prefix */
  iif: string;
  oif: string;
  /** IP protocol number, 0 = all */
  proto: number;
  /** which of src, dst, iif, oif, proto are negated with `!` */
  inv: { src: boolean; dst: boolean; iif: boolean; oif: boolean; proto: boolean };
  /** match extensions, in command-line order */
  matches: NfMatch[];
  /** ACCEPT, DROP, RETURN, a target extension (REJECT, SNAT …) or a user chain; '' = none */
  target: string;
  targinfo?: NfTargetInfo;
  pkts: number;
  bytes: number;
}

export interface NfChain {
  /** built-in chains have a policy (with its counters); user chains do not */
  policy?: 'ACCEPT' | 'DROP';
  pkts: number;
  bytes: number;
  rules: NfRule[];
}

/** A table's chains in the order iptables lists them (built-ins first, user chains as created). */
export type NfTable = Record<string, NfChain>;

/** A conntrack tuple (nf_conntrack_tuple): addresses, protocol and the two protocol words —
 *  ports for TCP/UDP; for ICMP the id (sport) and type << 8 | code (dport). */
export interface CtTuple {
  src: number;
  dst: number;
  proto: number;
  sport: number;
  dport: number;
}

/** One tracked connection (struct nf_conn), confirmed into the namespace's table. */
export interface CtEntry {
  id: number;
  orig: CtTuple;
  reply: CtTuple;
  /** IPS_* status bits */
  status: number;
  /** virtual time at which it expires */
  expires: number;
}

export interface NfConntrack {
  /** nf_ct_netns_get references (rules that need conntrack): the hooks run only while > 0 */
  users: number;
  entries: Record<number, CtEntry>;
  /** tuple key → id * 2 + direction (0 original, 1 reply) */
  hash: Record<string, number>;
  nextId: number;
}


export interface Netns {
  /** inode number: what /proc/PID/ns/net's link shows */
  id: number;
  /** last ifindex handed out (dev_index_reserve is cyclic and does not reuse freed numbers) */
  ifindexCursor: number;
  devs: Record<number, Device>;
  /** the same devices by name (dev_name_hash) */
  devsByName: Map<string, Device>;
  /** ids this namespace has for its peers: peer inode -> nsid */
  nsids: Record<number, number>;
  /** the same the other way (the netns_ids idr): nsid -> peer inode */
  nsidPeers: Map<number, number>;
  /** every nsid below this one is taken (where the next lowest-free search starts) */
  nsidFree: number;
  /** the namespaces that have an id for this one (so teardown forgets it without a scan) */
  nsidHolders: Map<number, true>;
  /** its /run/netns names, newest first */
  names: string[];
  sysctl: Record<string, string>;
  routes: Route[];
  /** the main and local tables exist (fib_new_table on a first route; tables are never freed) */
  fibMain: boolean;
  fibLocal: boolean;
  /** key `${dev}/${ip}` */
  neigh: Map<number, Neighbour>;
  /** netfilter tables of this namespace (iptables, nf_tables backend): absent until first used */
  nf: Record<string, NfTable | undefined>;
  /** connection tracking: its hooks, entries and their index */
  ct: NfConntrack;
  /** some table or conntrack has hooks registered here (else NF_HOOK is a no-op) */
  nfHooks: boolean;
  /** inet_peers: per remote host, the one rate state that ICMP errors (icmpv4_xrlim_allow),
   *  ip_error and redirects (ip_rt_send_redirect) share; times and tokens in jiffies */
  icmpPeers: Record<number, InetPeer>;
  /** proxy entries (pneigh, `ip neigh add proxy A dev D`), same keys */
  pneigh: Map<number, { ip: number; dev: number }>;
  /** processes keeping it alive besides a /run/netns mount */
  procRefs: number;
  ipId: number;
  /** the SNMP MIB counters (net->mib; see protocols/ipv4/snmp.ts): ip_statistics and
   *  icmp_statistics by index, icmpmsg_statistics by type, net_statistics by name. Like the
   *  kernel's per-cpu MIBs they count whatever happened, also in an operation that then fails. */
  snmp: number[];
  icmpmsg: Record<number, number>;
  netstat: Record<string, number>;
  /** the namespace is being torn down (its devices are gone) */
  dead: boolean;
}

export interface World {
  seed: number;
  rng: number;
  nextInode: number;
  nextDevId: number;
  initNs: number;
  netns: Record<number, Netns>;
  /** /run/netns entries, in readdir order (newest first, as on a fresh tmpfs) */
  netnsNames: { name: string; ns: number }[];
  /** the same names: name -> namespace */
  netnsByName: Map<string, number>;
  /** where each device is (what the kernel's net_device pointer gives): device id -> place */
  devById: Map<number, { ns: number; ifindex: number }>;
}
