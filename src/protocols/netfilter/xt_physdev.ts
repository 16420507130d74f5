// net/netfilter/xt_physdev.c: the bridge ports of a frame that br_netfilter passes through the
// IPv4 hooks (--physdev-in/--physdev-out NAME, --physdev-is-in/-is-out/-is-bridged). A packet
// that never crossed a bridge matches only where every option used is negated.
import type { NfMatch } from '../../kernel/types.ts';
import type { XtPkt } from './x_tables.ts';

export const XT_PHYSDEV_OP_IN = 0x01;
export const XT_PHYSDEV_OP_OUT = 0x02;
export const XT_PHYSDEV_OP_BRIDGED = 0x04;
export const XT_PHYSDEV_OP_ISIN = 0x08;
export const XT_PHYSDEV_OP_ISOUT = 0x10;

type PhysdevMatch = Extract<NfMatch, { name: 'physdev' }>;

/** ifname_compare_aligned under the mask iptables built: exact, or a prefix for "NAME+". */
function ifnameMatch(dev: string, rule: string): boolean {
  return rule.endsWith('+') ? dev.startsWith(rule.slice(0, -1)) : dev === rule;
}

export function physdevMt(p: XtPkt, m: PhysdevMatch): boolean {
  const used = (op: number): boolean => (m.bitmask & op) !== 0;
  const inv = (op: number): boolean => (m.invert & op) !== 0;
  if (!p.physin) {
    // no nf_bridge info: only negated options can hold
    return [XT_PHYSDEV_OP_BRIDGED, XT_PHYSDEV_OP_ISIN, XT_PHYSDEV_OP_ISOUT, XT_PHYSDEV_OP_IN, XT_PHYSDEV_OP_OUT].every((op) => !used(op) || inv(op));
  }
  const outdev = p.physout?.name;
  // "is bridged" means an out port is known: FORWARD and POSTROUTING only
  if (used(XT_PHYSDEV_OP_BRIDGED) && (outdev !== undefined) === inv(XT_PHYSDEV_OP_BRIDGED)) return false;
  const indev = p.physin.name;
  if (used(XT_PHYSDEV_OP_ISIN) && inv(XT_PHYSDEV_OP_ISIN)) return false;
  if (used(XT_PHYSDEV_OP_ISOUT) && (outdev !== undefined) === inv(XT_PHYSDEV_OP_ISOUT)) return false;
  if (used(XT_PHYSDEV_OP_IN) && ifnameMatch(indev, m.physindev) === inv(XT_PHYSDEV_OP_IN)) return false;
  if (!used(XT_PHYSDEV_OP_OUT) || outdev === undefined) return true;
  return ifnameMatch(outdev, m.physoutdev) !== inv(XT_PHYSDEV_OP_OUT);
}

/** physdev_mt_check: an out port is unknown on the local output path, unless the rule also asks
 *  for bridged packets (which never go out that way). The kernel's complaint, or undefined. */
export function physdevMtCheck(m: PhysdevMatch, hooks: string[]): string | undefined {
  if (!(m.bitmask & (XT_PHYSDEV_OP_OUT | XT_PHYSDEV_OP_ISOUT))) return undefined;
  if (m.bitmask & XT_PHYSDEV_OP_BRIDGED && !(m.invert & XT_PHYSDEV_OP_BRIDGED)) return undefined;
  if (!hooks.includes('OUTPUT')) return undefined;
  return 'xt_physdev: --physdev-out and --physdev-is-out only supported in the FORWARD and POSTROUTING chains with bridged traffic';
}
