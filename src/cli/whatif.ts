// nsemu whatif SCRIPT.sh --change 'CMD' [--change ...] [--json] [--matrix]
// Replays the script on a fresh machine, computes the reachability matrix, then applies each
// change in its own fork of that machine and prints the pairs whose disposition changed:
//   ns1 -> 10.0.2.2: delivered → filtered (r: iptables -t filter FORWARD rule 1 (-j DROP))
// A change command that fails is reported with its error text and status; the others still run.
import { createMachine } from '../api/machine.ts';
import { reachability, type ReachabilityRow } from '../api/reachability.ts';

export interface WhatifOptions {
  change?: string[];
  json?: boolean;
  matrix?: boolean;
  seed?: number;
}

export interface WhatifIo {
  out(s: string): void;
  err(s: string): void;
  /** stderr is a terminal: show progress there */
  tty: boolean;
}

interface ChangeResult {
  change: string;
  status: number;
  stdout: string;
  stderr: string;
  changed: { from: string; to: string; before: ReachabilityRow; after: ReachabilityRow }[];
  matrix?: ReachabilityRow[];
}

const key = (r: ReachabilityRow): string => `${r.from}\u0000${r.to}`;

function rowText(r: ReachabilityRow): string {
  return `${r.from} -> ${r.to}: ${r.disposition}${r.reason ? ` (${r.reason})` : ''}`;
}

function matrixText(rows: ReachabilityRow[]): string {
  return rows.map((r) => `  ${rowText(r)}\n`).join('');
}

export async function whatifCommand(name: string, src: string, o: WhatifOptions, io: WhatifIo): Promise<number> {
  const progress = (s: string): void => {
    if (io.tty) io.err(`\r\x1b[K${s}`);
  };
  const m = createMachine({ seed: o.seed ?? 1 });
  progress(`replaying ${name}`);
  const run = await m.run(src, name);
  if (run.status !== 0) io.err(`nsemu: whatif: ${name} exited with status ${run.status}${run.stderr ? `:\n${run.stderr}` : ''}${run.stderr.endsWith('\n') || !run.stderr ? '' : '\n'}`);
  progress('reachability of the script as written');
  const base = await reachability(m);
  const results: ChangeResult[] = [];
  const changes = o.change ?? [];
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    progress(`change ${i + 1}/${changes.length}: ${change}`);
    const f = m.fork();
    const r = await f.exec(change);
    const after = await reachability(f);
    const byKey = new Map(after.map((x) => [key(x), x]));
    const changed: ChangeResult['changed'] = [];
    for (const b of base) {
      const a = byKey.get(key(b));
      if (!a) continue;
      if (a.disposition !== b.disposition) changed.push({ from: b.from, to: b.to, before: b, after: a });
    }
    // pairs that appear only after the change (a new namespace, a new address)
    const baseKeys = new Set(base.map(key));
    for (const a of after) if (!baseKeys.has(key(a))) changed.push({ from: a.from, to: a.to, before: { from: a.from, to: a.to, disposition: 'no-route', hops: [], reason: 'did not exist' }, after: a });
    results.push({ change, status: r.status, stdout: r.stdout, stderr: r.stderr, changed, ...(o.matrix ? { matrix: after } : {}) });
  }
  progress('');
  if (io.tty) io.err('\r\x1b[K');
  if (o.json) {
    io.out(`${JSON.stringify({ script: name, status: run.status, ...(o.matrix || changes.length === 0 ? { matrix: base } : {}), changes: results.map((c) => ({ change: c.change, status: c.status, stderr: c.stderr, changed: c.changed.map((x) => ({ from: x.from, to: x.to, before: x.before.disposition, after: x.after.disposition, reason: x.after.reason ?? x.before.reason ?? '' })), ...(c.matrix ? { matrix: c.matrix } : {}) })) }, null, 2)}\n`);
    return 0;
  }
  let out = '';
  if (o.matrix || changes.length === 0) out += `reachability of ${name} (${base.length} pairs):\n${matrixText(base)}`;
  for (const c of results) {
    if (out) out += '\n';
    out += `--change '${c.change}'`;
    if (c.status !== 0) out += ` failed with status ${c.status}: ${c.stderr.trimEnd() || '(no message)'}`;
    out += '\n';
    if (c.changed.length === 0) out += '  no pair changed\n';
    for (const x of c.changed) out += `  ${x.from} -> ${x.to}: ${x.before.disposition} → ${x.after.disposition}${whyText(x.before, x.after)}\n`;
    if (c.matrix) out += `reachability after it (${c.matrix.length} pairs):\n${matrixText(c.matrix)}`;
  }
  io.out(out);
  return 0;
}

function whyText(before: ReachabilityRow, after: ReachabilityRow): string {
  const why = after.disposition === 'delivered' ? before.reason && `was: ${before.reason}` : after.reason;
  return why ? ` (${why})` : '';
}
