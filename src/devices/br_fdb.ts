// net/bridge/br_fdb.c: the forwarding database — learning (br_fdb_update), lookup
// (br_fdb_find_rcu), flushing (br_fdb_delete_by_port) and ageing (br_fdb_cleanup) in virtual
// time. An entry's hold time is the bridge's ageing_time (centiseconds); an entry not seen for
// that long is expired: lookups ignore it at once and the gc work deletes it.
import { Machine, type Kctx } from '../kernel/machine.ts';
import type { Device, FdbEntry } from '../kernel/types.ts';
import { findDevById } from '../kernel/link_watch.ts';
import { macKey, macToText } from '../protocols/wire/addr.ts';

const NS_PER_CS = 10_000_000;
/** HZ/10: br_fdb_cleanup never re-arms sooner than this */
const GC_MIN_DELAY = 100_000_000;

/** hold_time(br), in ns (no STP topology change is emulated, so always ageing_time) */
export function holdTime(br: Device | Device): number {
  return (br.bridge?.ageingTime ?? 30000) * NS_PER_CS;
}

/** has_expired: a learned entry not refreshed for hold_time */
export function fdbHasExpired(now: number, br: Device | Device, e: FdbEntry): boolean {
  if (e.local || e.static) return false;
  return now - e.updated >= holdTime(br);
}

/** br_fdb_find: the live entry for a MAC (vlan 0), expired ones do not count. */
export function brFdbFind(k: Kctx, br: Device, mac: number): FdbEntry | undefined {
  const e = br.bridge?.fdb.get(mac);
  if (!e || fdbHasExpired(k.m.now, br, e)) return undefined;
  return e;
}

/** br_fdb_update: learn (or move) the source MAC seen on the ingress port (`frame[at..]`). */
export function brFdbUpdate(k: Kctx, nsId: number, br: Device, port: number, frame: Uint8Array, at: number): void {
  const fdb = br.bridge!.fdb;
  const key = macKey(frame, at);
  const e = fdb.get(key);
  if (e && !fdbHasExpired(k.m.now, br, e)) {
    if (e.local || e.static) return;
    e.port = port;
    e.updated = k.m.now;
    return;
  }
  fdb.set(key, { mac: macToText(frame, at), port, local: false, static: false, updated: k.m.now, used: k.m.now });
  brFdbScheduleGc(k, nsId, br, false);
}

/** br_fdb_delete_by_port: a port's learned entries (and its local ones too when `all`). */
export function brFdbDeleteByPort(br: Device, port: number, all: boolean): void {
  const fdb = br.bridge?.fdb;
  if (!fdb) return;
  for (const [key, e] of fdb) if (e.port === port && (all || (!e.local && !e.static))) fdb.delete(key);
}

/** br_fdb_flush: every learned entry of the bridge. */
export function brFdbFlush(br: Device): void {
  const fdb = br.bridge?.fdb;
  if (!fdb) return;
  for (const [key, e] of fdb) if (!e.local && !e.static) fdb.delete(key);
}

/** Entries as a dump shows them: expired ones are gone. */
export function fdbLiveEntries(now: number, br: Device): FdbEntry[] {
  return br.bridge ? [...br.bridge.fdb.values()].filter((e) => !fdbHasExpired(now, br, e)) : [];
}

Machine.sideCopiers.set('br_fdb_gc', (v) => new Map(v as Map<number, number>));

function gcGen(k: Kctx): Map<number, number> {
  let m = k.m.side.get('br_fdb_gc') as Map<number, number> | undefined;
  if (!m) {
    m = new Map();
    k.m.side.set('br_fdb_gc', m);
  }
  return m;
}

/**
 * Arm the bridge's gc work (br_fdb_cleanup's delayed work). The kernel keeps it armed for as
 * long as the bridge is up; nsemu arms it only while learned entries exist, so an idle machine
 * has nothing left to happen. `rearm` replaces a pending run (ageing_time changed).
 */
export function brFdbScheduleGc(k: Kctx, nsId: number, br: Device, rearm: boolean): void {
  const gens = gcGen(k);
  if (gens.has(br.id) && !rearm) return;
  let next = Infinity;
  const hold = holdTime(br);
  for (const e of br.bridge?.fdb.values() ?? []) {
    if (e.local || e.static) continue;
    next = Math.min(next, e.updated + hold - k.m.now);
  }
  if (next === Infinity) {
    gens.delete(br.id);
    return;
  }
  const gen = (gens.get(br.id) ?? 0) + 1;
  gens.set(br.id, gen);
  const id = br.id;
  k.m.schedule(Math.max(next, GC_MIN_DELAY), (k2) => {
    const g = gcGen(k2);
    if (g.get(id) !== gen) return;
    g.delete(id);
    const f = findDevById(k2, id);
    if (f?.dev.bridge) brFdbCleanup(k2, f.ns, f.dev);
  });
}

/** br_fdb_cleanup: delete what has expired, re-arm for the next expiry. */
export function brFdbCleanup(k: Kctx, nsId: number, br: Device): void {
  const fdb = br.bridge!.fdb;
  for (const [key, e] of fdb) if (fdbHasExpired(k.m.now, br, e)) fdb.delete(key);
  brFdbScheduleGc(k, nsId, br, true);
}
