// The machine as a library sees it: commands in, text out, and the state as values.
//   const m = createMachine({ seed: 1 });
//   await m.exec('ip netns add a');            // { stdout, stderr, status }
//   const before = m.snapshot();  const f = m.fork();  await f.exec('ip -n a link set lo down');
//   diff(before, f.snapshot());                 // what the fork changed; m is as it was
import type { Machine } from '../kernel/machine.ts';
import { NS_PER_SEC } from '../kernel/machine.ts';
import { createMachine as createKernelMachine } from '../kernel/world.ts';
import { runScript } from '../shell/index.ts';
import { snapshotOf, type MachineSnapshot } from './snapshot.ts';

export interface MachineOptions {
  /** the seed of the machine's random numbers (MACs, ids): same seed, same bytes (default 1) */
  seed?: number;
  /** virtual seconds one exec or run may last before its processes are stopped (default a day) */
  maxTime?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  status: number;
}

export class NsemuMachine {
  /** where the machine's own notices (deadlock, time limit) go during a command */
  private notices: ((msg: string) => void) | undefined;

  private readonly m: Machine;

  /** @internal use createMachine or fork */
  constructor(make: (notice: (msg: string) => void) => Machine) {
    this.m = make((msg) => this.notices?.(msg));
  }

  /** @internal the emulated kernel behind this machine (for nsemu's own tools) */
  get kernel(): Machine {
    return this.m;
  }

  /** Virtual seconds since the machine booted. */
  get time(): number {
    return this.m.now / NS_PER_SEC;
  }

  /** Runs one command line as `bash -c` does, as root in the initial namespace. The machine
   *  keeps what it did; shell variables and the working directory do not carry over. */
  exec(command: string): Promise<ExecResult> {
    return this.shell(command, undefined);
  }

  /** Runs a script as `bash script.sh` does (its errors name it `script`). */
  run(script: string, name = 'script'): Promise<ExecResult> {
    return this.shell(script, name);
  }

  private async shell(src: string, name: string | undefined): Promise<ExecResult> {
    let stderrExtra = '';
    this.notices = (msg) => (stderrExtra += msg.endsWith('\n') ? msg : `${msg}\n`);
    try {
      const r = await runScript(src, { machine: this.m, ...(name !== undefined ? { name, mode: 'file' as const } : {}) });
      return { stdout: r.stdout, stderr: r.stderr + stderrExtra, status: r.status };
    } finally {
      this.notices = undefined;
    }
  }

  /** Lets `seconds` of virtual time pass with no command running (timers fire: neighbour
   *  entries go stale, FDB entries age out). */
  advance(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`advance: not a number of seconds: ${seconds}`);
    this.m.runUntil(this.m.now + Math.round(seconds * NS_PER_SEC));
  }

  /** The whole state now, as a frozen JSON-serialisable value that later changes never alter. */
  snapshot(): MachineSnapshot {
    return snapshotOf(this.m);
  }

  /** An independent machine with this one's state: what either does never reaches the other. */
  fork(): NsemuMachine {
    return new NsemuMachine((onNotice) => this.m.fork({ onNotice }));
  }
}

/** A fresh machine: the initial namespace with lo up, as a booted Linux has it. */
export function createMachine(opts: MachineOptions = {}): NsemuMachine {
  const maxTime = opts.maxTime !== undefined ? { maxTime: Math.round(opts.maxTime * NS_PER_SEC) } : {};
  return new NsemuMachine((onNotice) => createKernelMachine({ seed: opts.seed ?? 1, onNotice, ...maxTime }));
}
