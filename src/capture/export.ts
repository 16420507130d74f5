// Capture files leave the emulated machine only where the user asks: `nsemu run --pcap FILE`
// (every frame, pcapng) and `nsemu run --out DIR` (the files the script's tcpdump -w wrote).
// A script never writes a host file by itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createMachine } from '../kernel/world.ts';
import { Machine, NS_PER_SEC } from '../kernel/machine.ts';
import { PcapngRecorder } from './recorder.ts';

/** Remember the bytes of a capture file a process wrote (its absolute path in the machine). */
export function noteCaptureFile(m: Machine, path: string, bytes: Uint8Array): void {
  let files = m.side.get('capture-files') as Map<string, Uint8Array> | undefined;
  if (!files) {
    files = new Map();
    m.side.set('capture-files', files);
  }
  files.set(path, bytes);
}

Machine.sideCopiers.set('capture-files', (v) => new Map([...(v as Map<string, Uint8Array>)].map(([p, b]) => [p, b.slice()])));

export function captureFiles(m: Machine): Map<string, Uint8Array> {
  return (m.side.get('capture-files') as Map<string, Uint8Array> | undefined) ?? new Map();
}

export interface ExportOptions {
  seed: number;
  maxTime?: number;
  pcap?: string;
  out?: string;
  notice: (msg: string) => void;
}

/**
 * Where each capture file goes under --out DIR: its path relative to the deepest directory all
 * of them share (one file, or files of one directory, keep their own names; /tmp/a/c.pcap and
 * /tmp/b/c.pcap become a/c.pcap and b/c.pcap). The machine's paths are distinct, so these are;
 * only a file whose path is a directory of another's (written, removed, made a directory) cannot
 * be placed: that is reported as an error message.
 */
export function outPaths(paths: string[]): { paths: Map<string, string>; error?: string } {
  const parts = paths.map((p) => p.split('/').filter(Boolean));
  let common = parts[0]?.slice(0, -1) ?? [];
  for (const q of parts) {
    let i = 0;
    while (i < common.length && i < q.length - 1 && common[i] === q[i]) i++;
    common = common.slice(0, i);
  }
  const out = new Map(paths.map((p, i) => [p, parts[i]!.slice(common.length).join('/')]));
  const files = new Set(out.values());
  for (const [p, rel] of out) {
    for (let d = dirname(rel); d !== '.'; d = dirname(d)) {
      if (files.has(d)) {
        const other = [...out].find(([, r]) => r === d)![0];
        return { paths: out, error: `--out: cannot write both ${other} and ${p}: the first is a directory of the second` };
      }
    }
  }
  return { paths: out };
}

/** A machine for `nsemu run` with the recorder attached when --pcap is given; finish() writes
 *  the files, returns a one-line message when they cannot be placed, and throws node's error
 *  (with its path) when the host refuses a write. */
export function exportMachine(o: ExportOptions): { machine: Machine; finish: () => string | undefined } {
  const mopts: { seed: number; onNotice: (m: string) => void; maxTime?: number } = { seed: o.seed, onNotice: o.notice };
  if (o.maxTime !== undefined) mopts.maxTime = Math.round(o.maxTime * NS_PER_SEC);
  const machine = createMachine(mopts);
  const rec = o.pcap !== undefined ? new PcapngRecorder(machine) : undefined;
  return {
    machine,
    finish: () => {
      if (rec && o.pcap !== undefined) {
        rec.stop();
        writeFileSync(o.pcap, rec.bytes());
      }
      if (o.out !== undefined) {
        const files = captureFiles(machine);
        const placed = outPaths([...files.keys()]);
        if (placed.error) return placed.error;
        for (const [path, bytes] of files) {
          const target = join(o.out, placed.paths.get(path)!);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, bytes);
        }
      }
      return undefined;
    },
  };
}
