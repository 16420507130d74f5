// diff(a, b): what changed between two snapshots, as a list of changes a person can read
// ("ns1: route 10.0.2.0/24 via 10.0.1.1 dev eth0 removed") and a program can apply
// (applyDiff(a, diff(a, b)) is b, less the time).
import type { MachineSnapshot } from './snapshot.ts';

export interface Change {
  /** where in the snapshot: ['namespaces', 'ns1', 'routes'], ['namespaces', 'ns1', 'devices', 'va', 'operstate'] */
  path: string[];
  /** the value before (undefined: it was added); for a list of lines, the line */
  before: unknown;
  /** the value after (undefined: it was removed) */
  after: unknown;
  text: string;
}

/** Lists whose order is their sorted order, compared line by line. */
const LINE_SETS = new Set(['routes', 'neighbours', 'conntrack']);
const isLineSet = (path: string[]): boolean => LINE_SETS.has(path[path.length - 1]!) || path[path.length - 2] === 'fdb';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

const WHAT: Record<string, string> = { routes: 'route', neighbours: 'neighbour', conntrack: 'conntrack entry' };

function describe(path: string[], before: unknown, after: unknown): string {
  const ns = path[1]!;
  const rest = path.slice(2);
  const verb = before === undefined ? 'added' : after === undefined ? 'removed' : undefined;
  if (rest.length === 0) return `${ns}: namespace ${verb ?? 'changed'}`;
  const [kind, name, field] = rest;
  if (isLineSet(path) && !Array.isArray(before ?? after)) {
    const line = show(before ?? after);
    const what = kind === 'fdb' ? `fdb of ${name}:` : WHAT[kind!];
    return `${ns}: ${what} ${line} ${verb}`;
  }
  if (kind === 'devices') {
    if (field === undefined) return `${ns}: device ${name} ${verb}`;
    if (field === 'addresses') {
      const b = (before as string[] | undefined) ?? [];
      const a = (after as string[] | undefined) ?? [];
      const parts = [...a.filter((x) => !b.includes(x)).map((x) => `${x} added`), ...b.filter((x) => !a.includes(x)).map((x) => `${x} removed`)];
      return `${ns}: ${name} address ${parts.join(', ') || `order ${show(b)} → ${show(a)}`}`;
    }
    return `${ns}: ${name} ${field} ${show(before)} → ${show(after)}`;
  }
  if (kind === 'netfilter') {
    const where = rest.slice(1).join(' ');
    if (verb) return `${ns}: iptables ${where} ${verb}`;
    return `${ns}: iptables ${where}: ${show(before)} → ${show(after)}`;
  }
  if (kind === 'sysctls') return `${ns}: ${name} ${before === undefined ? 'default' : show(before)} → ${after === undefined ? 'default' : show(after)}`;
  return `${ns}: ${rest.join(' ')} ${verb ?? `${show(before)} → ${show(after)}`}`;
}

function walk(path: string[], a: unknown, b: unknown, out: Change[]): void {
  if (same(a, b)) return;
  const push = (before: unknown, after: unknown): void => void out.push({ path, before, after, text: describe(path, before, after) });
  if (Array.isArray(a) && Array.isArray(b) && isLineSet(path)) {
    for (const x of a) if (!b.includes(x)) push(x, undefined);
    for (const x of b) if (!a.includes(x)) push(undefined, x);
    return;
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  // a namespace, a device, a chain: deeper than this a change is one value
  const deep = path.length < 2 || path[2] === 'netfilter' ? path.length < 6 : path.length < 5;
  if (isObj(a) && isObj(b) && deep && path[path.length - 1] !== 'rules') {
    for (const k of Object.keys(a)) if (!(k in b)) walk([...path, k], a[k], undefined, out);
    for (const k of Object.keys(b)) walk([...path, k], a[k], b[k], out);
    return;
  }
  push(a, b);
}

/** The changes from snapshot a to snapshot b (the time aside); diff(a, a) is []. */
export function diff(a: MachineSnapshot, b: MachineSnapshot): Change[] {
  const out: Change[] = [];
  walk(['namespaces'], a.namespaces, b.namespaces, out);
  return out;
}

/** a with the changes made: applyDiff(a, diff(a, b)) equals b but for the time. */
export function applyDiff(a: MachineSnapshot, changes: readonly Change[]): MachineSnapshot {
  const r = structuredClone(a) as { time: number; namespaces: Record<string, unknown> };
  for (const c of changes) {
    let at: Record<string, unknown> = r as unknown as Record<string, unknown>;
    for (const k of c.path.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    const last = c.path[c.path.length - 1]!;
    if (isLineSet(c.path) && (typeof c.before === 'string' || typeof c.after === 'string')) {
      const list = ((at[last] as string[] | undefined) ?? []).filter((x) => x !== c.before);
      if (c.after !== undefined) list.push(c.after as string);
      at[last] = list.sort();
    } else if (c.after === undefined) delete at[last];
    else at[last] = structuredClone(c.after);
  }
  return r as unknown as MachineSnapshot;
}
