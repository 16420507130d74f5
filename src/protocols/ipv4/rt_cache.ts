// The dst cache of net/ipv4/route.c, as far as nsemu needs one: a lookup's result per
// destination (the kernel keeps it in the nexthop, nhc_rth_output / fnhe_rth_output, and in
// sockets), valid while the namespace's rt_genid is the one it was made under (rt_cache_valid).
// rt_genid_bump_ipv4 runs on every change that can alter a lookup: routes (fib.ts), addresses
// (fib_add_ifaddr / fib_del_ifaddr), device events (fib_netdev_event: register, up, down,
// change, unregister), sysctl writes (sysctlWrite). A redirect's nexthop exception is not in
// the cached value: it is read from the route at each use, with its expiry (rt_bind_exception).
//
// Like the FIB index, the cache lives beside the World (a WeakMap keyed by the namespace): it
// is not state a snapshot, fork or the failed-operation check should see. A namespace object it
// does not know (a clone) starts with an empty cache.
import type { Netns } from '../../kernel/types.ts';

/** Entries per map before it is dropped whole (a scan of many destinations must not grow it). */
const MAX_ENTRIES = 4096;

export interface RtCache {
  genid: number;
  /** output results: oif (-1: none) → saddr (0: none) → dst → entry */
  out: Map<number, Map<number, Map<number, unknown>>>;
  /** input verdicts: input ifindex → src → dst → entry */
  in: Map<number, Map<number, Map<number, unknown>>>;
  /** __ip_dev_find answers: address → ours */
  local: Map<number, boolean>;
  /** some device ignores linkdown routes (ignore_routes_with_linkdown): a lookup then depends
   *  on carrier, which changes without a device event until link-watch runs — no caching */
  carrierMatters: boolean | undefined;
}

const genids = new WeakMap<object, { genid: number; cache?: RtCache }>();

function slot(ns: Netns): { genid: number; cache?: RtCache } {
  let s = genids.get(ns);
  if (!s) genids.set(ns, (s = { genid: 0 }));
  return s;
}

/** rt_genid_bump_ipv4: every cached route of the namespace is stale from now on. */
export function rtGenidBumpIpv4(ns: Netns | undefined): void {
  if (!ns) return;
  const s = genids.get(ns);
  if (!s) return; // nothing cached yet
  s.genid++;
  s.cache = undefined;
}

/** The namespace's cache for the current generation. */
export function rtCache(ns: Netns): RtCache {
  const s = slot(ns);
  let c = s.cache;
  if (!c || c.genid !== s.genid) s.cache = c = { genid: s.genid, out: new Map(), in: new Map(), local: new Map(), carrierMatters: undefined };
  return c;
}

/** The innermost map for a three-part key, created on demand. */
export function cacheLevel(top: Map<number, Map<number, Map<number, unknown>>>, a: number, b: number): Map<number, unknown> {
  let m1 = top.get(a);
  if (!m1) top.set(a, (m1 = new Map()));
  let m2 = m1.get(b);
  if (!m2) m1.set(b, (m2 = new Map()));
  else if (m2.size >= MAX_ENTRIES) m2.clear();
  return m2;
}

export function cacheLocal(c: RtCache): Map<number, boolean> {
  if (c.local.size >= MAX_ENTRIES) c.local.clear();
  return c.local;
}
