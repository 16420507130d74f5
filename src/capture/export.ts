// Capture files leave the emulated machine only where the user asks: `nsemu run --pcap FILE`
// (every frame, pcapng) and `nsemu run --out DIR` (the files the script's tcpdump -w wrote).
// A script never writes a host file by itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createMachine } from '../kernel/world.ts';
import { Machine, NS_PER_SEC } from '../kernel/machine.ts';
import { PcapngRecorder } from './recorder.ts';

/** Remember the bytes of a capture file a process wrote (path as the script named it). */
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

/** A machine for `nsemu run` with the recorder attached when --pcap is given. */
export function exportMachine(o: ExportOptions): { machine: Machine; finish: () => void } {
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
        mkdirSync(o.out, { recursive: true });
        for (const [path, bytes] of captureFiles(machine)) writeFileSync(join(o.out, basename(path)), bytes);
      }
    },
  };
}
