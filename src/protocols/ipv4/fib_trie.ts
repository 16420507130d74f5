// net/ipv4/fib_trie.c's job — find the longest prefix that covers a destination without looking
// at every route — done with one Map per prefix length (keyed by the masked destination), probed
// from the longest length present down to /0. A key's routes (its fib_aliases) sit in the order
// of ns.routes, which is the kernel's alias order (tos descending, priority ascending, older
// first: fib_insert_alias), so the first alias a lookup accepts is the one fib_table_lookup picks.
//
// ns.routes stays the one list the World holds (dump order for `ip route`, /proc/net/route);
// the index is derived from it and lives beside the World, not in it: a WeakMap keyed by the
// namespace object, rebuilt from the list whenever it is missing (a fork's structuredClone, a
// World loaded from a snapshot) or the list is not the one it was built from. Every write to
// ns.routes goes through fib.ts, which keeps the index in step (fibIndexUpdate).
import type { Netns, Route } from '../../kernel/types.ts';

/** prefix masks by length */
export const MASKS: readonly number[] = Array.from({ length: 33 }, (_, l) => (l === 0 ? 0 : (0xffffffff << (32 - l)) >>> 0));

/** One table (struct fib_table): a bucket per prefix length and masked destination. */
export interface FibTrieTable {
  /** byLen[len]: masked dst → that key's aliases in ns.routes order */
  byLen: (Map<number, Route[]> | undefined)[];
  /** routes per length, to keep `lens` */
  count: number[];
  /** the lengths that have routes, longest first: the lookup's probe sequence */
  lens: number[];
}

interface FibIndex {
  /** the list it was built from (a replaced array means a rebuild) */
  routes: Route[];
  /** that list's length when last brought up to date: a write that bypassed fib.ts shows here */
  length: number;
  tables: Map<number, FibTrieTable>;
}

const indexes = new WeakMap<object, FibIndex>();

const keyOf = (r: Route): number => (r.dst & MASKS[r.dstLen]!) >>> 0;

function newTable(): FibTrieTable {
  return { byLen: new Array(33).fill(undefined), count: new Array(33).fill(0), lens: [] };
}

function addToTable(tb: FibTrieTable, r: Route): void {
  let m = tb.byLen[r.dstLen];
  if (!m) m = tb.byLen[r.dstLen] = new Map();
  const k = keyOf(r);
  const b = m.get(k);
  if (b) b.push(r);
  else m.set(k, [r]);
  if (tb.count[r.dstLen]!++ === 0) tb.lens = lensOf(tb);
}

function lensOf(tb: FibTrieTable): number[] {
  const lens: number[] = [];
  for (let l = 32; l >= 0; l--) if (tb.count[l]! > 0) lens.push(l);
  return lens;
}

function build(routes: Route[]): FibIndex {
  const tables = new Map<number, FibTrieTable>();
  for (const r of routes) {
    let tb = tables.get(r.table);
    if (!tb) tables.set(r.table, (tb = newTable()));
    addToTable(tb, r);
  }
  return { routes, length: routes.length, tables };
}

/** The namespace's index, (re)built from ns.routes if it has none or the list is not its own. */
export function fibIndex(ns: Netns): FibIndex {
  const idx = indexes.get(ns);
  if (idx && idx.routes === ns.routes && idx.length === ns.routes.length) return idx;
  const fresh = build(ns.routes);
  indexes.set(ns, fresh);
  return fresh;
}

/** The table's trie, if the table has any route. */
export function fibTrieTable(ns: Netns, table: number): FibTrieTable | undefined {
  return fibIndex(ns).tables.get(table);
}

/**
 * ns.routes just changed for the key of `r` (inserted, removed or replaced): re-read that key's
 * aliases from the list, in list order. O(routes) like the list write itself; lookups stay O(1)
 * per prefix length.
 */
export function fibIndexUpdate(ns: Netns, r: Route): void {
  const idx = indexes.get(ns);
  if (!idx) return; // built from the list at the next lookup
  if (idx.routes !== ns.routes) {
    indexes.delete(ns);
    return;
  }
  let tb = idx.tables.get(r.table);
  if (!tb) idx.tables.set(r.table, (tb = newTable()));
  const k = keyOf(r);
  const bucket: Route[] = [];
  for (const x of ns.routes) if (x.table === r.table && x.dstLen === r.dstLen && keyOf(x) === k) bucket.push(x);
  let m = tb.byLen[r.dstLen];
  if (!m) m = tb.byLen[r.dstLen] = new Map();
  const before = m.get(k)?.length ?? 0;
  if (bucket.length > 0) m.set(k, bucket);
  else m.delete(k);
  const was = tb.count[r.dstLen]!;
  tb.count[r.dstLen] = was - before + bucket.length;
  if ((was === 0) !== (tb.count[r.dstLen] === 0)) tb.lens = lensOf(tb);
  idx.length = ns.routes.length;
}

/**
 * fib_table_lookup: the longest prefix of `table` covering `dst` with an alias that `accept`
 * takes (none given: any), the first such alias of that prefix. Aliases `accept` refuses are
 * passed over, and so is a prefix none of whose aliases it takes (the kernel's backtracking).
 */
export function fibTrieLookup(tb: FibTrieTable, dst: number, accept?: (r: Route) => boolean): Route | undefined {
  const lens = tb.lens;
  for (let i = 0; i < lens.length; i++) {
    const len = lens[i]!;
    const b = tb.byLen[len]!.get((dst & MASKS[len]!) >>> 0);
    if (!b) continue;
    if (!accept) return b[0];
    for (let j = 0; j < b.length; j++) if (accept(b[j]!)) return b[j];
  }
  return undefined;
}

/** For tests: the kept index (if any) is exactly the one a rebuild from ns.routes would give —
 *  same keys, same aliases in the same order, same probe lengths — with no rebuild on the way. */
export function fibIndexCoherent(ns: Netns): boolean {
  const idx = indexes.get(ns);
  if (!idx) return true;
  if (idx.routes !== ns.routes || idx.length !== ns.routes.length) return false;
  const fresh = build(ns.routes);
  for (const [t, tb] of idx.tables) {
    const ft = fresh.tables.get(t) ?? newTable();
    if (tb.lens.join() !== ft.lens.join() || tb.count.join() !== ft.count.join()) return false;
    for (let l = 0; l <= 32; l++) {
      const a = tb.byLen[l];
      const b = ft.byLen[l];
      if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
      for (const [k, rs] of a ?? []) {
        const fs = b?.get(k);
        if (!fs || fs.length !== rs.length || rs.some((r, i) => r !== fs[i])) return false;
      }
    }
  }
  for (const t of fresh.tables.keys()) if (!idx.tables.has(t)) return false;
  return true;
}
