// nsemu explain SCRIPT.sh [--from NS --to ADDR | --last | --ping N] [--json]: the way of one
// ping through the emulated kernel, as a hop list ending in the reason it failed. With --last or
// --ping N, the script runs up to that ping (the Nth of the script's ping commands) and the probe
// is that ping's; with --from/--to, after the whole script. Either way the script's EXIT trap is
// not run, so the topology is the one the ping saw, not the one its cleanup leaves.
import { readFileSync } from 'node:fs';
import { createMachine } from '../api/machine.ts';
import { INIT_NS } from '../api/snapshot.ts';
import { trace, type TraceResult } from '../api/trace.ts';
import type { CliIo } from './cli.ts';
import { fsError } from './fs-error.ts';

export interface ExplainOptions {
  from?: string;
  to?: string;
  last?: boolean;
  ping?: number;
  json?: boolean;
  seed?: number;
}

interface PingAt {
  line: number;
  from: string;
  to: string;
  args: string[];
}

/** Options of ping that take a value, and the ones a single probe replaces. */
const WITH_VALUE = new Set(['-c', '-W', '-w', '-i', '-I', '-t', '-s', '-l', '-M', '-p', '-Q', '-m', '-F', '-S']);
const REPLACED = new Set(['-c', '-W', '-w', '-i', '-l']);

/** The ping commands of a script, with their namespace, destination and other options. */
export function pingsOf(src: string): PingAt[] {
  const out: PingAt[] = [];
  src.split('\n').forEach((text, line) => {
    if (/^\s*#/.test(text)) return;
    const re = /(?:^|[;&|(]\s*)(?:sudo\s+)?(?:ip\s+netns\s+exec\s+(\S+)\s+)?ping\s+([^;&|)#]*)/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const words = m[2]!.trim().split(/\s+/).filter(Boolean);
      const args: string[] = [];
      let to: string | undefined;
      for (let i = 0; i < words.length; i++) {
        const w = words[i]!;
        if (WITH_VALUE.has(w)) {
          if (!REPLACED.has(w)) args.push(w, words[i + 1] ?? '');
          i++;
        } else if (/^-[qnvfAaDdORrU]+$/.test(w)) {
          if (w !== '-q') args.push(w);
        } else to = w;
      }
      if (to !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(to)) out.push({ line, from: m[1] ?? INIT_NS, to, args });
    }
  });
  return out;
}

function render(r: TraceResult, from: string, to: string): string {
  const w = { ns: 4, dev: 3, step: 4 };
  for (const h of r.hops) {
    w.ns = Math.max(w.ns, h.ns.length);
    w.dev = Math.max(w.dev, (h.dev ?? '').length);
    w.step = Math.max(w.step, h.step.length);
  }
  const lines = [`ping from ${from} to ${to}: ${r.disposition}`];
  for (const h of r.hops) {
    const what = [h.note, h.drop && `DROP: ${h.drop}`].filter(Boolean).join('  ');
    lines.push(`  ${h.t.toFixed(6)}  ${h.dir.padEnd(7)}  ${h.ns.padEnd(w.ns)}  ${(h.dev ?? '-').padEnd(w.dev)}  ${h.step.padEnd(w.step)}  ${what}`.trimEnd());
  }
  if (r.reason) lines.push(`why: ${r.reason}`);
  return `${lines.join('\n')}\n`;
}

export async function explainCommand(script: string, o: ExplainOptions, io: CliIo): Promise<number> {
  let src: string;
  try {
    src = readFileSync(script, 'utf8');
  } catch (e) {
    io.write(2, `nsemu: ${script}: ${fsError(e)}\n`);
    return 127;
  }
  let probe: { from: string; to: string; args: string[] };
  let upTo = src;
  if (o.from !== undefined || o.to !== undefined) {
    if (o.from === undefined || o.to === undefined) {
      io.write(2, 'error: --from and --to go together\n');
      return 1;
    }
    probe = { from: o.from, to: o.to, args: [] };
  } else {
    const pings = pingsOf(src);
    const n = o.ping ?? pings.length;
    const p = pings[n - 1];
    if (!p) {
      io.write(2, pings.length ? `error: the script has ${pings.length} ping commands; --ping takes 1 to ${pings.length}\n` : 'error: the script has no ping command to explain (give --from NS --to ADDR)\n');
      return 1;
    }
    probe = p;
    upTo = src.split('\n').slice(0, p.line).join('\n');
  }
  const m = createMachine({ seed: o.seed ?? 1 });
  // the topology as the ping found it: the script's EXIT trap (its cleanup) does not run
  const r0 = await m.run(`${upTo}\ntrap - EXIT\n`, script);
  if (r0.status !== 0 && !o.json) io.write(2, `nsemu: explain: the script exited ${r0.status} before the probe\n`);
  let r: TraceResult;
  try {
    r = await trace(m, probe);
  } catch (e) {
    io.write(2, `error: ${(e as Error).message}\n`);
    return 1;
  }
  if (o.json) io.write(1, `${JSON.stringify({ from: probe.from, to: probe.to, disposition: r.disposition, reason: r.reason, hops: r.hops, output: r.output }, null, 2)}\n`);
  else io.write(1, render(r, probe.from, probe.to));
  return 0;
}
