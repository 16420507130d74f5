// net/ipv4/route.c: output routes for locally generated packets (ip_route_output_key_hash) and
// input routes for received ones (ip_route_input_slow, fib_validate_source).
import { kerr, KernelError } from '../../kernel/errors.ts';
import type { Device, Fnhe, Netns, Route, RouteType } from '../../kernel/types.ts';
import { RT_SCOPE, RT_TABLE } from '../../kernel/types.ts';
import { ipv4IsLbcast, ipv4IsLoopback, ipv4IsMulticast, ipv4IsZeronet } from '../wire/addr.ts';
import { confAny, confMax, devInt } from '../../kernel/sysctl.ts';
import { fibLookup } from './fib.ts';
import { inetSelectAddr } from './devinet.ts';
import { cacheLevel, cacheLocal, rtCache, type RtCache } from './rt_cache.ts';

type AnyNs = Netns | Netns;

export interface OutRoute {
  type: RouteType;
  /** output device (lo for local destinations) */
  dev: number;
  /** next hop: the gateway, or the destination itself when on-link */
  nexthop: number;
  src: number;
  gateway?: number;
  /** the redirect exception that gave the gateway (RTCF_REDIRECTED) */
  fnhe?: Fnhe;
}

/** find_exception: the nexthop's exception for `daddr`, unless it expired before `now`. */
export function findException(r: Route, daddr: number, now?: number): Fnhe | undefined {
  const e = r.fnhe?.[daddr >>> 0];
  return e && (now === undefined || now <= e.expires) ? e : undefined;
}

/** __ip_dev_find: is `a` ours — an address of a device, or covered by a local route (127/8)? */
export function isLocalAddr(ns: AnyNs, a: number): boolean {
  const cache = cacheLocal(rtCache(ns));
  const hit = cache.get(a);
  if (hit !== undefined) return hit;
  const ours = isLocalAddrSlow(ns, a);
  cache.set(a, ours);
  return ours;
}

function isLocalAddrSlow(ns: AnyNs, a: number): boolean {
  for (const d of Object.values(ns.devs)) if (d.addrs.some((x) => x.local === a)) return true;
  return fibLookup(ns, a, { table: RT_TABLE.local })?.type === 'local';
}

/** ignore_routes_with_linkdown set on some device: lookups then read carrier (not cached). */
function carrierMatters(ns: AnyNs, c: RtCache): boolean {
  if (c.carrierMatters === undefined) c.carrierMatters = Object.values(ns.devs).some((d) => confAny(ns, d, 'ignore_routes_with_linkdown'));
  return c.carrierMatters;
}

function loDev(ns: AnyNs): number {
  for (const d of Object.values(ns.devs)) if (d.kind === 'loopback') return d.ifindex;
  return 1;
}

type OutOpts = { oif?: number; saddr?: number; now?: number };
const NO_OPTS: OutOpts = {};

/** A cached output lookup: the route (and the FIB route whose exceptions apply), or the error. */
type OutEntry = { rt: OutRoute; fib?: Route } | { err: KernelError };

/**
 * ip_route_output_key_hash_rcu. Throws the errno connect()/sendmsg() would return. The answer
 * for (oif, saddr, dst) is kept until the namespace's rt_genid moves (rt_cache.ts); a nexthop
 * exception for dst is looked up at each call, as rt_bind_exception finds it with its expiry.
 */
export function ipRouteOutput(ns: AnyNs, dst: number, opts: OutOpts = NO_OPTS): OutRoute {
  const c = rtCache(ns);
  let e: OutEntry | undefined;
  if (!carrierMatters(ns, c)) {
    const m = cacheLevel(c.out, opts.oif ?? -1, opts.saddr || 0) as Map<number, OutEntry>;
    e = m.get(dst);
    if (!e) m.set(dst, (e = outEntry(ns, dst, opts)));
  } else e = outEntry(ns, dst, opts);
  if ('err' in e) throw new KernelError(e.err.errno, e.err.extack);
  // rt_bind_exception: a redirect the nexthop accepted for this destination sets the gateway
  const fnhe = e.fib && findException(e.fib, dst, opts.now);
  if (fnhe) return { ...e.rt, nexthop: fnhe.gw, gateway: fnhe.gw, fnhe };
  return e.rt;
}

function outEntry(ns: AnyNs, dst: number, opts: OutOpts): OutEntry {
  try {
    return ipRouteOutputSlow(ns, dst, opts);
  } catch (err) {
    if (err instanceof KernelError) return { err };
    throw err;
  }
}

/** The lookup itself, without the nexthop exception. */
function ipRouteOutputSlow(ns: AnyNs, dst: number, opts: OutOpts): { rt: OutRoute; fib?: Route } {
  const oifDev = opts.oif !== undefined ? ns.devs[opts.oif] : undefined;
  if (opts.oif !== undefined && !oifDev) throw kerr('ENODEV');
  if (opts.saddr) {
    if (ipv4IsMulticast(opts.saddr) || ipv4IsLbcast(opts.saddr) || ipv4IsZeronet(opts.saddr)) throw kerr('EINVAL');
    // the source must be one of ours (__ip_dev_find)
    if (!isLocalAddr(ns, opts.saddr)) throw kerr('ENETUNREACH');
  }
  if (ipv4IsLbcast(dst) || ipv4IsMulticast(dst)) {
    // __mkroute_output: the device comes from the oif or the normal lookup; the type is forced
    const type: RouteType = ipv4IsLbcast(dst) ? 'broadcast' : 'multicast';
    let dev = oifDev;
    if (!dev) {
      const res = fibLookup(ns, dst);
      dev = res?.route.dev !== undefined ? ns.devs[res.route.dev] : undefined;
      if (!dev) throw kerr('ENETUNREACH');
    }
    return { rt: { type, dev: dev.ifindex, nexthop: dst, src: opts.saddr || inetSelectAddr(ns, dev, 0, RT_SCOPE.link) } };
  }
  if (ipv4IsZeronet(dst) && dst === 0) {
    // connect to 0.0.0.0 means this host
    const lo = loDev(ns);
    return { rt: { type: 'local', dev: lo, nexthop: 0x7f000001, src: opts.saddr || 0x7f000001 } };
  }
  const res = fibLookup(ns, dst, { oif: opts.oif });
  if (!res) {
    if (oifDev) {
      // "routing tables are wrong; assume the destination is on link"
      if (!oifDev.up) throw kerr('ENETUNREACH');
      return { rt: { type: 'unicast', dev: oifDev.ifindex, nexthop: dst, src: opts.saddr || inetSelectAddr(ns, oifDev, dst, RT_SCOPE.link) } };
    }
    throw kerr('ENETUNREACH');
  }
  const r = res.route;
  switch (res.type) {
    case 'blackhole':
      throw kerr('EINVAL');
    case 'unreachable':
      throw kerr('EHOSTUNREACH');
    case 'prohibit':
      throw kerr('EACCES');
    case 'local': {
      // a local destination: the route's src (a secondary's primary), else the destination
      const src = opts.saddr || r.prefsrc || dst;
      return { rt: { type: 'local', dev: loDev(ns), nexthop: dst, src } };
    }
    default: {
      const dev = r.dev !== undefined ? ns.devs[r.dev] : undefined;
      if (!dev) throw kerr('ENETUNREACH');
      // a gateway that is one of our own addresses has host scope: the packet goes straight out
      const gateway = r.gateway !== undefined && !isLocalAddr(ns, r.gateway) ? r.gateway : undefined;
      const nexthop = gateway ?? dst;
      // fib_result_prefsrc: the route's src, else the nexthop's saddr — inet_select_addr with the
      // gateway (0 for a device route: the device's first primary) and the nexthop's scope
      const src = opts.saddr || r.prefsrc || inetSelectAddr(ns, dev, gateway ?? 0, gateway ? RT_SCOPE.link : RT_SCOPE.host);
      return { rt: { type: res.type, dev: dev.ifindex, nexthop, src, gateway }, fib: r };
    }
  }
}

export type InputVerdict =
  | { kind: 'local'; brd: boolean }
  | { kind: 'forward'; route: OutRoute }
  | { kind: 'drop'; reason: 'martian' | 'noroute' | 'noforward' | 'rpfilter' }
  | { kind: 'unreachable'; code: number };

/** fib_validate_source: a packet from one of our own addresses is martian unless accept_local;
 *  rp_filter checks that the reverse route uses the input device. Returns why it fails. */
function validateSource(ns: AnyNs, src: number, indev: Device | Device): 'martian' | 'rpfilter' | undefined {
  if (src === 0) return undefined;
  const rev = fibLookup(ns, src);
  if (rev?.type === 'local' && !confAny(ns, indev, 'accept_local')) return 'martian';
  const rp = confMax(ns, indev, 'rp_filter');
  if (rp === 0) return undefined;
  // __fib_validate_source: fib_lookup fails for no route and for the error types (blackhole,
  // unreachable, prohibit, throw) → last_resort, which drops under rp_filter; any other type but
  // unicast (or local with accept_local) is EINVAL. A route out of the input device passes; else
  // strict drops, and so does an input device without addresses; loose accepts.
  if (!rev || rev.type === 'blackhole' || rev.type === 'unreachable' || rev.type === 'prohibit' || rev.type === 'throw') return 'rpfilter';
  if (rev.type !== 'unicast' && rev.type !== 'local') return 'martian';
  if (rev.route.dev === indev.ifindex) return undefined;
  if (indev.addrs.length === 0) return 'rpfilter';
  return rp === 2 ? undefined : 'rpfilter';
}

/** A forwarded packet's verdict is made with the output route of the moment (its exceptions). */
const FORWARD = { kind: 'forward' } as const;

/**
 * ip_route_input_noref: the verdict for (input device, src, dst), kept until rt_genid moves
 * (the kernel caches the input route in the nexthop, nhc_rth_input). A forwarding verdict takes
 * the output route at each call (exceptions, expiry).
 */
export function ipRouteInput(ns: AnyNs, dst: number, src: number, indev: Device | Device, now?: number): InputVerdict {
  let v: InputVerdict | typeof FORWARD;
  const c = rtCache(ns);
  if (ns.devs[indev.ifindex] === indev && !carrierMatters(ns, c)) {
    const m = cacheLevel(c.in, indev.ifindex, src) as Map<number, InputVerdict | typeof FORWARD>;
    const hit = m.get(dst);
    if (hit) v = hit;
    else m.set(dst, (v = ipRouteInputSlow(ns, dst, src, indev)));
  } else v = ipRouteInputSlow(ns, dst, src, indev);
  if (v !== FORWARD) return v as InputVerdict;
  try {
    return { kind: 'forward', route: ipRouteOutput(ns, dst, { now }) };
  } catch {
    return { kind: 'unreachable', code: 1 };
  }
}

/** ip_route_input_slow, up to the forwarding route (FORWARD: the packet is to be forwarded) */
function ipRouteInputSlow(ns: AnyNs, dst: number, src: number, indev: Device | Device): InputVerdict | typeof FORWARD {
  if (ipv4IsMulticast(src) || ipv4IsLbcast(src) || (ipv4IsLoopback(src) && indev.kind !== 'loopback' && !confAny(ns, indev, 'route_localnet'))) {
    return { kind: 'drop', reason: 'martian' };
  }
  if (ipv4IsLbcast(dst) || (src === 0 && dst === 0)) return { kind: 'local', brd: true };
  if (ipv4IsZeronet(src) && src !== 0) return { kind: 'drop', reason: 'martian' };
  if (ipv4IsZeronet(dst) || (ipv4IsLoopback(dst) && indev.kind !== 'loopback' && !confAny(ns, indev, 'route_localnet'))) {
    return { kind: 'drop', reason: 'martian' };
  }
  const res = fibLookup(ns, dst);
  // fib_lookup fails for no route and for the error types (fib_props: throw → ENETUNREACH,
  // unreachable EHOSTUNREACH, prohibit EACCES, blackhole/nat EINVAL); ip_error answers them
  // (net/host unreachable, packet filtered; EINVAL silently) only on a forwarding device
  const errCode = !res || res.type === 'throw' ? 0 : res.type === 'unreachable' ? 1 : res.type === 'prohibit' ? 13 : res.type === 'blackhole' || res.type === 'nat' ? -1 : undefined;
  if (errCode !== undefined) {
    if (!devInt(indev, 'ipv4/forwarding')) return { kind: 'drop', reason: 'noforward' };
    return errCode < 0 ? { kind: 'drop', reason: 'noroute' } : { kind: 'unreachable', code: errCode };
  }
  if (res!.type === 'local' || res!.type === 'broadcast') {
    const bad = indev.kind === 'loopback' ? undefined : validateSource(ns, src, indev);
    if (bad) return { kind: 'drop', reason: bad };
    return { kind: 'local', brd: res!.type === 'broadcast' };
  }
  if (!devInt(indev, 'ipv4/forwarding')) return { kind: 'drop', reason: 'noforward' };
  // anycast, multicast: martian_destination
  if (res!.type !== 'unicast') return { kind: 'drop', reason: 'martian' };
  const bad = validateSource(ns, src, indev);
  if (bad) return { kind: 'drop', reason: bad };
  return FORWARD;
}
