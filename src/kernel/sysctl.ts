// /proc/sys/net: per-namespace sysctl tables (net/ipv4/devinet.c devinet_sysctl, sysctl_net_ipv4.c,
// net/core/neighbour.c neigh_sysctl_register, net/ipv6/addrconf.c). Values are kept as the text
// the file shows. A new namespace copies IPv4 conf/{all,default} from the initial namespace
// (devconf_inherit_init_net = 0); per-device directories start from conf/default.
import { kerr } from './errors.ts';
import { devByName } from './dev.ts';
import type { Kctx } from './machine.ts';
import type { Device, Netns, World } from './types.ts';
import { rtGenidBumpIpv4 } from '../protocols/ipv4/rt_cache.ts';

export const IPV4_CONF_DEFAULTS: Record<string, string> = {
  accept_local: '0',
  accept_redirects: '1',
  accept_source_route: '0',
  arp_accept: '0',
  arp_announce: '0',
  arp_evict_nocarrier: '1',
  arp_filter: '0',
  arp_ignore: '0',
  arp_notify: '0',
  bc_forwarding: '0',
  bootp_relay: '0',
  disable_policy: '0',
  disable_xfrm: '0',
  drop_gratuitous_arp: '0',
  drop_unicast_in_l2_multicast: '0',
  forwarding: '0',
  igmpv2_unsolicited_report_interval: '10000',
  igmpv3_unsolicited_report_interval: '1000',
  ignore_routes_with_linkdown: '0',
  log_martians: '0',
  mc_forwarding: '0',
  medium_id: '0',
  promote_secondaries: '0',
  proxy_arp: '0',
  proxy_arp_pvlan: '0',
  route_localnet: '0',
  rp_filter: '0',
  secure_redirects: '1',
  send_redirects: '1',
  shared_media: '1',
  src_valid_mark: '0',
  tag: '0',
};

const IPV4_NS_DEFAULTS: Record<string, string> = {
  icmp_echo_enable_probe: '0',
  icmp_echo_ignore_all: '0',
  icmp_echo_ignore_broadcasts: '1',
  icmp_errors_use_inbound_ifaddr: '0',
  icmp_ignore_bogus_error_responses: '1',
  icmp_msgs_burst: '50',
  icmp_msgs_per_sec: '1000',
  icmp_ratelimit: '1000',
  icmp_ratemask: '6168',
  ip_default_ttl: '64',
  ip_dynaddr: '0',
  ip_early_demux: '1',
  ip_forward: '0',
  ip_forward_update_priority: '1',
  ip_forward_use_pmtu: '0',
  ip_local_port_range: '32768\t60999',
  ip_no_pmtu_disc: '0',
  ip_nonlocal_bind: '0',
  ip_unprivileged_port_start: '1024',
  ping_group_range: '1\t0',
};

const NEIGH_DEFAULTS: Record<string, string> = {
  anycast_delay: '100',
  app_solicit: '0',
  base_reachable_time_ms: '30000',
  delay_first_probe_time: '5',
  gc_stale_time: '60',
  interval_probe_time_ms: '5000',
  locktime: '100',
  mcast_resolicit: '0',
  mcast_solicit: '3',
  proxy_delay: '80',
  proxy_qlen: '64',
  retrans_time_ms: '1000',
  ucast_solicit: '3',
  unres_qlen: '101',
  unres_qlen_bytes: '212992',
};
const NEIGH_GLOBAL: Record<string, string> = { gc_interval: '30', gc_thresh1: '128', gc_thresh2: '512', gc_thresh3: '1024' };

const IPV6_CONF_DEFAULTS: Record<string, string> = {
  accept_dad: '1',
  accept_ra: '1',
  autoconf: '1',
  dad_transmits: '1',
  disable_ipv6: '0',
  enhanced_dad: '1',
  forwarding: '0',
  hop_limit: '64',
  keep_addr_on_down: '0',
  mtu: '1280',
  router_solicitation_delay: '1',
  router_solicitation_interval: '4',
  router_solicitation_max_interval: '3600',
  router_solicitations: '-1',
};

const BRIDGE_DEFAULTS: Record<string, string> = {
  'bridge-nf-call-arptables': '1',
  'bridge-nf-call-ip6tables': '1',
  'bridge-nf-call-iptables': '1',
  'bridge-nf-filter-pppoe-tagged': '0',
  'bridge-nf-filter-vlan-tagged': '0',
  'bridge-nf-pass-vlan-input-dev': '0',
};

// The tables are built from key plans made once (a namespace's has 140 keys, a device's 61, and
// one is made per namespace and per registered device): parallel arrays of the key, its default
// and, for a key copied from another table, the key it is read from, in the order the keys were
// always inserted (the order Object.keys and snapshots see).
interface Plan {
  keys: string[];
  vals: string[];
  /** the key of the source table this one takes its value from, or '' for the default */
  from: string[];
}

function plan(): Plan & { put: (prefix: string, vals: Record<string, string>, from?: string) => void } {
  const p: Plan = { keys: [], vals: [], from: [] };
  const put = (prefix: string, vals: Record<string, string>, from?: string): void => {
    for (const [k, v] of Object.entries(vals)) {
      p.keys.push(prefix + k);
      p.vals.push(v);
      p.from.push(from === undefined ? '' : from + k);
    }
  };
  return { ...p, put };
}

/** newNetnsSysctls' plan: `init` says whether an initial namespace's table is inherited from. */
function netnsPlan(inherit: boolean): Plan {
  const p = plan();
  p.put('ipv4/', IPV4_NS_DEFAULTS);
  for (const which of ['all', 'default']) {
    p.put(`ipv4/conf/${which}/`, IPV4_CONF_DEFAULTS, inherit ? `ipv4/conf/${which}/` : undefined);
    p.put(`ipv6/conf/${which}/`, IPV6_CONF_DEFAULTS);
  }
  if (!inherit) {
    // the global neighbour parms have a sysctl directory only in the initial namespace
    p.put('ipv4/neigh/default/', { ...NEIGH_DEFAULTS, ...NEIGH_GLOBAL });
    p.put('core/', { devconf_inherit_init_net: '0' });
    // nf_log's switch for LOG in other namespaces (netfilter/nf_log.c) exists in init_net only
    p.put('netfilter/', { nf_log_all_netns: '0' });
  }
  p.put('core/', { somaxconn: '4096' });
  p.put('bridge/', BRIDGE_DEFAULTS);
  return p;
}
const INIT_NS_PLAN = netnsPlan(false);
const NS_PLAN = netnsPlan(true);

function fill(p: Plan, src: Record<string, string> | undefined): Record<string, string> {
  const t: Record<string, string> = {};
  const { keys, vals, from } = p;
  for (let i = 0; i < keys.length; i++) {
    const f = from[i]!;
    t[keys[i]!] = (f !== '' ? src?.[f] : undefined) ?? vals[i]!;
  }
  return t;
}

// Namespace tables whose conf/all and conf/default directories hold the defaults (no sysctl has
// been written to them since they were made): a new namespace inheriting from one, and a device
// registered in one, get a copy of a table made once. The copies are spread from an object
// JSON.parse made, which V8 gives a shared shape (keys added one by one to an object literal
// make a dictionary past a dozen keys): copying one is a single step, reading it a fixed offset.
const pristine = new WeakSet<Record<string, string>>();
const shaped = (t: Record<string, string>): Record<string, string> => JSON.parse(JSON.stringify(t)) as Record<string, string>;

/** The sysctl table of a new namespace. `init` is the initial namespace's table, if any. */
export function newNetnsSysctls(init: Record<string, string> | undefined): Record<string, string> {
  if (init && pristine.has(init)) {
    const t = { ...NS_TEMPLATE };
    pristine.add(t);
    return t;
  }
  const t = fillNetns(init);
  if (!init) pristine.add(t);
  return t;
}

function fillNetns(init: Record<string, string> | undefined): Record<string, string> {
  const t = fill(init ? NS_PLAN : INIT_NS_PLAN, init);
  // ip_forward is conf/all/forwarding under another name
  t['ipv4/ip_forward'] = t['ipv4/conf/all/forwarding']!;
  return t;
}
/** what fillNetns makes from an initial namespace's table of defaults */
const NS_TEMPLATE = shaped(fillNetns(fillNetns(undefined)));

// Per-device directories live on the device, as the kernel keeps them in in_device->cnf,
// inet6_dev->cnf and the device's neigh_parms: keys "ipv4/KEY", "ipv6/KEY", "neigh/KEY".
type AnyNs = Netns | Netns;
type AnyDev = Device | Device;

const DEV_PLAN: Plan = (() => {
  const p = plan();
  p.put('ipv4/', IPV4_CONF_DEFAULTS, 'ipv4/conf/default/');
  p.put('ipv6/', IPV6_CONF_DEFAULTS, 'ipv6/conf/default/');
  p.put('neigh/', NEIGH_DEFAULTS);
  return p;
})();

/** The device's sysctl table, from conf/default of its namespace (at registration). */
export function devSysctls(ns: AnyNs): Record<string, string> {
  if (pristine.has(ns.sysctl)) return { ...DEV_TEMPLATE };
  return fillDev(ns);
}

function fillDev(ns: AnyNs): Record<string, string> {
  const t: Record<string, string> = {};
  const { keys, vals, from } = DEV_PLAN;
  for (let i = 0; i < keys.length; i++) {
    const f = from[i]!;
    t[keys[i]!] = f !== '' ? ns.sysctl[f]! : vals[i]!;
  }
  return t;
}
/** what fillDev makes in a namespace whose conf/default holds the defaults */
const DEV_TEMPLATE = shaped(fillDev({ sysctl: NS_TEMPLATE } as AnyNs));

/** Map a /proc/sys/net path to its table and key: the namespace's, or a device's. */
function locate(ns: AnyNs, path: string): { t: Record<string, string>; key: string } | undefined {
  const m = /^(ipv4|ipv6)\/(conf|neigh)\/([^/]+)\/([^/]+)$/.exec(path);
  if (m && !(m[2] === 'conf' && (m[3] === 'all' || m[3] === 'default')) && !(m[2] === 'neigh' && m[3] === 'default')) {
    if (m[1] === 'ipv6' && m[2] === 'neigh') return undefined;
    const d = devByName(ns, m[3]!);
    if (!d) return undefined;
    return { t: d.sysctl, key: m[2] === 'neigh' ? `neigh/${m[4]}` : `${m[1]}/${m[4]}` };
  }
  return { t: ns.sysctl, key: path };
}

/** A value as a number: most are one digit, read without parsing (packets read several). */
function intOf(v: string | undefined): number {
  if (v === undefined) return 0;
  if (v.length === 1) {
    const c = v.charCodeAt(0) - 48;
    if (c >= 0 && c <= 9) return c;
  }
  return Number.parseInt(v, 10);
}

/** A numeric namespace-wide sysctl ("ipv4/ip_default_ttl", "ipv4/conf/all/rp_filter"). */
export function sysctlInt(ns: AnyNs, key: string): number {
  return intOf(ns.sysctl[key]);
}

/** A numeric per-device value: "ipv4/KEY", "ipv6/KEY" or "neigh/KEY". */
export function devInt(d: AnyDev, key: string): number {
  return intOf(d.sysctl[key]);
}

/** The two keys of a conf entry, "ipv4/conf/all/KEY" and the device's "ipv4/KEY", made once. */
function confKeys(key: string): readonly [string, string] {
  let k = CONF_KEYS.get(key);
  if (!k) {
    k = [`ipv4/conf/all/${key}`, `ipv4/${key}`];
    CONF_KEYS.set(key, k);
  }
  return k;
}
const CONF_KEYS = new Map<string, readonly [string, string]>();

/** IPV4_DEVCONF_ALL-style "all OR dev" flag (proxy_arp, accept_local, forwarding's users). */
export function confAny(ns: AnyNs, d: AnyDev, key: string): boolean {
  const [all, dev] = confKeys(key);
  return sysctlInt(ns, all) !== 0 || devInt(d, dev) !== 0;
}

/** IN_DEV_MAXCONF: the larger of all and dev (rp_filter, arp_ignore, arp_announce). */
export function confMax(ns: AnyNs, d: AnyDev, key: string): number {
  const [all, dev] = confKeys(key);
  return Math.max(sysctlInt(ns, all), devInt(d, dev));
}

export function sysctlRead(w: World, netns: number, path: string): string | undefined {
  const ns = w.netns[netns];
  const loc = ns && locate(ns, path);
  const v = loc?.t[loc.key];
  return v === undefined ? undefined : `${v}\n`;
}

export function sysctlList(w: World, netns: number, dir: string): string[] | undefined {
  const ns = w.netns[netns];
  if (!ns) return undefined;
  const prefix = dir === '' ? '' : dir.endsWith('/') ? dir : `${dir}/`;
  const names = new Set<string>();
  for (const k of Object.keys(ns.sysctl)) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]!);
  // the device directories and their entries
  for (const d of Object.values(ns.devs)) {
    for (const [fam, sub, pre] of [['ipv4', 'conf', 'ipv4/'], ['ipv6', 'conf', 'ipv6/'], ['ipv4', 'neigh', 'neigh/']] as const) {
      const base = `${fam}/${sub}/`;
      if (prefix === base) names.add(d.name);
      if (prefix === `${base}${d.name}/`) for (const k of Object.keys(d.sysctl)) if (k.startsWith(pre)) names.add(k.slice(pre.length));
    }
  }
  if (names.size === 0) return undefined;
  return [...names].sort();
}

/** proc_dointvec_minmax limits of the keys that have them. */
const RANGES: Record<string, [number, number]> = {
  'ipv4/ip_default_ttl': [1, 255],
};

const MULTI = new Set(['ipv4/ip_local_port_range', 'ipv4/ping_group_range']);

/** Write a sysctl (proc_dointvec semantics: leading integer, else EINVAL). */
export function sysctlWrite(k: Kctx, netns: number, path: string, value: string, uid: number): void {
  const ns = k.w.netns[netns];
  const loc = ns && locate(ns, path);
  if (!ns || !loc || loc.t[loc.key] === undefined) throw kerr('ENOENT');
  if (uid !== 0) throw kerr('EACCES');
  const text = value.trim();
  // (a write that fails below leaves the table as it was, but it is no longer known to be pristine)
  pristine.delete(ns.sysctl);
  let v: string;
  if (MULTI.has(path)) {
    const parts = text.split(/\s+/);
    if (parts.length !== 2 || parts.some((p) => !/^-?\d+$/.test(p))) throw kerr('EINVAL');
    v = parts.join('\t');
  } else {
    if (!/^-?\d+$/.test(text)) throw kerr('EINVAL');
    const n = Number.parseInt(text, 10);
    const range = RANGES[path];
    if (range && (n < range[0] || n > range[1])) throw kerr('EINVAL');
    v = String(n);
  }
  rtGenidBumpIpv4(ns);
  const m = /^ipv4\/conf\/(all)\/forwarding$/.exec(path);
  if (path === 'ipv4/ip_forward' || m) {
    // devinet_sysctl_forward: the switch sets all, default and every device
    ns.sysctl['ipv4/conf/all/forwarding'] = v;
    ns.sysctl['ipv4/conf/default/forwarding'] = v;
    for (const d of Object.values(ns.devs)) d.sysctl['ipv4/forwarding'] = v;
    ns.sysctl['ipv4/ip_forward'] = v;
    return;
  }
  loc.t[loc.key] = v;
}
