// net/ipv6/addrconf.c, only as far as the outputs show it: ::1 on lo when it comes up, and on
// other devices an EUI-64 link-local address once the link is ready (up with carrier), shown
// `tentative` until DAD finishes (a random delay up to router_solicitation_delay, then one
// retrans_time). Addresses go when the device goes down or loses carrier (keep_addr_on_down 0).
// The frames the kernel sends meanwhile (DAD NS, MLDv2 reports, RS) are not emulated.
import type { Draft } from 'immer';
import type { Kctx } from '../../kernel/machine.ts';
import { NS_PER_SEC } from '../../kernel/machine.ts';
import type { Device } from '../../kernel/types.ts';
import { RT_SCOPE } from '../../kernel/types.ts';
import type { NetdevEvent } from '../../kernel/notifier.ts';
import { findDevById } from '../../kernel/link_watch.ts';
import { ipv6LinkLocalFromMac, ipv6ToText, macFromText } from '../wire/addr.ts';

function disabled(k: Kctx, nsId: number, d: Draft<Device>): boolean {
  return k.w.netns[nsId]?.sysctl['ipv6/conf/all/disable_ipv6'] === '1' || d.sysctl['ipv6/disable_ipv6'] === '1';
}

function addrconfDevConfig(k: Kctx, nsId: number, d: Draft<Device>): void {
  if (d.addrgenmode === 'none' || d.addrs6.some((a) => a.scope === RT_SCOPE.link)) return;
  const mac = macFromText(d.mac);
  if (!mac) return;
  const address = ipv6ToText(ipv6LinkLocalFromMac(mac));
  d.addrs6.push({ family: 6, address, prefixlen: 64, scope: RT_SCOPE.link, tentative: true, auto: true });
  // addrconf_dad_begin: random start delay, then one probe interval
  const delay = Math.floor(k.m.random(k.w) * NS_PER_SEC) + NS_PER_SEC;
  const id = d.id;
  k.m.schedule(delay, (k2) => {
    const f = findDevById(k2, id);
    const a = f?.dev.addrs6.find((x) => x.address === address);
    if (a && f!.dev.up && f!.dev.carrier) a.tentative = false;
  });
}

function linkReady(d: Draft<Device>): boolean {
  return d.up && d.carrier;
}

export function addrconfNotify(k: Kctx, nsId: number, d: Draft<Device>, ev: NetdevEvent): void {
  if (ev === 'UP' || ev === 'CHANGE') {
    if (disabled(k, nsId, d)) return;
    if (d.kind === 'loopback') {
      if (ev === 'UP' && !d.addrs6.some((a) => a.address === '::1')) {
        d.addrs6.push({ family: 6, address: '::1', prefixlen: 128, scope: RT_SCOPE.host, tentative: false, auto: true });
      }
      return;
    }
    if (linkReady(d)) addrconfDevConfig(k, nsId, d);
    else if (ev === 'CHANGE') d.addrs6 = [];
  } else if (ev === 'DOWN' || ev === 'UNREGISTER') {
    d.addrs6 = [];
  }
}
