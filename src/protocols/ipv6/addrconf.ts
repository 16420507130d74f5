// net/ipv6/addrconf.c, only as far as the outputs show it: ::1 on lo when it comes up, and on
// other devices an EUI-64 link-local address once the link is ready (up with carrier), shown
// `tentative` until DAD finishes (a random delay up to router_solicitation_delay, then one
// retrans_time). Addresses go when the device goes down or loses carrier (keep_addr_on_down 0).
// The frames the kernel sends meanwhile (DAD NS, MLDv2 reports, RS) are not emulated.
import type { Kctx } from '../../kernel/machine.ts';
import { NS_PER_SEC } from '../../kernel/machine.ts';
import type { Device, Inet6Addr } from '../../kernel/types.ts';
import { kerr } from '../../kernel/errors.ts';
import { RT_SCOPE } from '../../kernel/types.ts';
import type { NetdevEvent } from '../../kernel/notifier.ts';
import { findDevById } from '../../kernel/link_watch.ts';
import { ipv6LinkLocalFromMac, ipv6ToText, macFromText } from '../wire/addr.ts';

function disabled(k: Kctx, nsId: number, d: Device): boolean {
  return k.w.netns[nsId]?.sysctl['ipv6/conf/all/disable_ipv6'] === '1' || d.sysctl['ipv6/disable_ipv6'] === '1';
}

function addrconfDevConfig(k: Kctx, nsId: number, d: Device): void {
  if (d.addrgenmode === 'none' || d.addrs6.some((a) => a.scope === RT_SCOPE.link)) return;
  const mac = macFromText(d.mac);
  if (!mac) return;
  const address = ipv6ToText(ipv6LinkLocalFromMac(mac));
  d.addrs6.push({ family: 6, address, prefixlen: 64, scope: RT_SCOPE.link, tentative: true, auto: true });
  addrconfDadStart(k, nsId, d, address);
}

/** addrconf_dad_begin: a random start delay up to a second, then one probe interval; the address
 *  stops being tentative only if the link is still ready then. */
function addrconfDadStart(k: Kctx, nsId: number, d: Device, address: string): void {
  const delay = Math.floor(k.m.random(k.w) * NS_PER_SEC) + NS_PER_SEC;
  const id = d.id;
  k.m.schedule(delay, (k2) => {
    const f = findDevById(k2, id);
    const a = f?.dev.addrs6.find((x) => x.address === address);
    if (a && f!.dev.up && f!.dev.carrier) a.tentative = false;
  });
}

/** The scope an IPv6 address has by its kind (ipv6_addr_scope). */
function ipv6Scope(address: string): number {
  if (address === '::1') return RT_SCOPE.host;
  return /^fe[89ab]/i.test(address) ? RT_SCOPE.link : RT_SCOPE.universe;
}

export interface NewAddr6 {
  address: string;
  prefixlen: number;
  scope?: number;
  nodad: boolean;
  noprefixroute: boolean;
}

/** inet6_addr_add: the address joins the list before the first one of the same or narrower
 *  scope (ipv6_link_dev_addr), tentative until DAD is done unless nodad. */
export function inet6AddrAdd(k: Kctx, nsId: number, d: Device, na: NewAddr6, replace: boolean): void {
  if (d.addrs6.some((x) => x.address === na.address)) {
    if (!replace) throw kerr('EEXIST');
    return;
  }
  const scope = na.scope ?? ipv6Scope(na.address);
  const entry: Inet6Addr = { family: 6, address: na.address, prefixlen: na.prefixlen, scope, tentative: !na.nodad && d.kind !== 'loopback', auto: false };
  if (na.nodad) entry.nodad = true;
  if (na.noprefixroute) entry.noprefixroute = true;
  const rank = (s: number): number => (s === RT_SCOPE.universe ? 0 : s === RT_SCOPE.site ? 1 : s === RT_SCOPE.link ? 2 : 3);
  let at = d.addrs6.findIndex((x) => rank(x.scope) >= rank(scope));
  if (at < 0) at = d.addrs6.length;
  d.addrs6.splice(at, 0, entry);
  if (entry.tentative) addrconfDadStart(k, nsId, d, na.address);
}

/** inet6_addr_del */
export function inet6AddrDel(d: Device, address: string): void {
  const i = d.addrs6.findIndex((x) => x.address === address);
  if (i < 0) throw kerr('EADDRNOTAVAIL');
  d.addrs6.splice(i, 1);
}

function linkReady(d: Device): boolean {
  return d.up && d.carrier;
}

export function addrconfNotify(k: Kctx, nsId: number, d: Device, ev: NetdevEvent): void {
  if (ev === 'UP' || ev === 'CHANGE') {
    if (disabled(k, nsId, d)) return;
    if (d.kind === 'loopback') {
      if (ev === 'UP' && !d.addrs6.some((a) => a.address === '::1')) {
        d.addrs6.push({ family: 6, address: '::1', prefixlen: 128, scope: RT_SCOPE.host, tentative: false, auto: true });
      }
      return;
    }
    // losing the carrier keeps the addresses; only going down or away removes them
    if (linkReady(d)) addrconfDevConfig(k, nsId, d);
  } else if (ev === 'DOWN' || ev === 'UNREGISTER') {
    d.addrs6 = [];
  }
}
