// nsemu graph SCRIPT.sh [--format dot|mermaid|svg] [-o FILE]: replays a script on a fresh
// machine, as `nsemu run` does, and draws the topology it left (src/api/graph.ts). The graph
// goes to stdout or FILE; the script's own output (stdout and stderr) goes to stderr, or nowhere
// with --quiet, so that `nsemu graph x.sh > x.dot` holds only the graph.
import { readFileSync, writeFileSync } from 'node:fs';
import { runScript } from '../shell/index.ts';
import { snapshotOf } from '../api/snapshot.ts';
import { INIT_NS, type MachineSnapshot } from '../api/snapshot.ts';
import { toDot, toMermaid, toSvg } from '../api/graph.ts';
import { fsError } from './fs-error.ts';

export const GRAPH_FORMATS = ['dot', 'mermaid', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphOptions {
  format?: GraphFormat;
  output?: string;
  seed?: number;
  maxTime?: number;
  quiet?: boolean;
}

export interface GraphIo {
  write(fd: 1 | 2, s: string): void;
  readStdin(): Promise<string>;
}

/** The format -o FILE's name asks for (.svg, .mmd/.mermaid; anything else: dot). */
export function formatOfFile(file: string | undefined): GraphFormat {
  if (file === undefined) return 'dot';
  if (/\.svg$/i.test(file)) return 'svg';
  if (/\.(mmd|mermaid)$/i.test(file)) return 'mermaid';
  return 'dot';
}

/** Something to draw: a namespace besides the initial one, or a device besides its lo. */
function hasTopology(s: MachineSnapshot): boolean {
  return Object.entries(s.namespaces).some(([name, ns]) => name !== INIT_NS || Object.values(ns.devices).some((d) => d.kind !== 'loopback'));
}

/** Runs `nsemu graph`; resolves with its exit status. */
export async function graphCommand(script: string, args: string[], o: GraphOptions, io: GraphIo): Promise<number> {
  const format = o.format ?? formatOfFile(o.output);
  let src: string;
  try {
    src = script === '-' ? await io.readStdin() : readFileSync(script, 'utf8');
  } catch (e) {
    io.write(2, `nsemu: ${script}: ${fsError(e)}\n`);
    return 127;
  }
  const opts: Parameters<typeof runScript>[1] = { name: script, args, mode: 'file', seed: o.seed ?? 1, onOutput: o.quiet ? () => {} : (_fd, s) => io.write(2, s) };
  if (o.maxTime !== undefined) opts.maxTime = o.maxTime;
  const r = await runScript(src, opts);
  const snap = snapshotOf(r.machine);
  if (r.status !== 0) io.write(2, `nsemu: graph: ${script} exited with status ${r.status}; drawing the state it left\n`);
  if (!hasTopology(snap)) io.write(2, `nsemu: graph: ${script} left nothing to draw (only the initial namespace's lo; a script that deletes its namespaces at exit leaves none)\n`);
  const text = format === 'svg' ? await toSvg(snap) : format === 'mermaid' ? toMermaid(snap) : toDot(snap);
  if (o.output === undefined || o.output === '-') {
    io.write(1, text);
    return 0;
  }
  try {
    writeFileSync(o.output, text);
  } catch (e) {
    io.write(2, `nsemu: ${o.output}: ${fsError(e)}\n`);
    return 1;
  }
  return 0;
}
