// Running the emulated ip/ethtool in tests without the shell: a machine, a process per command
// (spawned with Machine.spawn, awaited through its exit), stdout/stderr collected as text.
import type { Command, CommandContext, Output, SpawnOptions } from '../src/userland/command.ts';
import type { Machine, Process } from '../src/kernel/machine.ts';
import { createMachine } from '../src/kernel/world.ts';
import { ip } from '../src/userland/ip/ip.ts';
import { ethtool } from '../src/userland/ethtool.ts';

export interface Res {
  rc: number;
  out: string;
  err: string;
  /** stdout and stderr interleaved as written (what `2>&1` shows) */
  all: string;
}

/** Split a command line like a shell would for simple words and '...' / "..." quotes. */
export function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let have = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const j = line.indexOf(c, i + 1);
      cur += line.slice(i + 1, j);
      i = j;
      have = true;
    } else if (/\s/.test(c)) {
      if (have) out.push(cur);
      cur = '';
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) out.push(cur);
  return out;
}

const PROGRAMS: Record<string, Command> = {
  ip,
  ethtool,
  true: async () => 0,
  false: async () => 1,
  echo: async (ctx) => {
    ctx.stdout.write(`${ctx.argv.slice(1).join(' ')}\n`);
    return 0;
  },
  /** `exit N` as a program, for exit statuses through ip netns exec */
  exitwith: async (ctx) => Number(ctx.argv[1] ?? 0),
  /** prints the namespace it runs in (the inode) */
  whichns: async (ctx) => {
    ctx.stdout.write(`${ctx.proc.netns}\n`);
    return 0;
  },
};

export class Env {
  readonly m: Machine;
  constructor(seed = 1) {
    this.m = createMachine({ seed });
  }

  /** The namespace inode of a /run/netns name. */
  ns(name: string): number {
    const e = this.m.world.netnsNames.find((x) => x.name === name);
    if (!e) throw new Error(`no netns ${name}`);
    return e.ns;
  }

  get init(): number {
    return this.m.world.initNs;
  }

  /** Run one command line (or argv) as a new process; resolves when it exits. */
  run(cmd: string | string[], opts: { netns?: number | string; uid?: number } = {}): Promise<Res> {
    const argv = typeof cmd === 'string' ? words(cmd) : cmd;
    const netns = typeof opts.netns === 'string' ? this.ns(opts.netns) : opts.netns;
    let out = '';
    let err = '';
    let all = '';
    const stdout: Output = {
      write: (s) => {
        out += String(s);
        all += String(s);
      },
    };
    const stderr: Output = {
      write: (s) => {
        err += String(s);
        all += String(s);
      },
    };
    return new Promise<Res>((resolve, reject) => {
      const init: { comm: string; netns?: number; uid?: number } = { comm: argv[0] ?? '' };
      if (netns !== undefined) init.netns = netns;
      if (opts.uid !== undefined) init.uid = opts.uid;
      this.m.spawn(init, async (p) => {
        try {
          const rc = await this.exec(p, argv, stdout, stderr);
          resolve({ rc, out, err, all });
          return rc;
        } catch (e) {
          reject(e);
          throw e;
        }
      });
    });
  }

  private exec(p: Process, argv: string[], stdout: Output, stderr: Output): Promise<number> {
    const prog = PROGRAMS[argv[0] ?? ''];
    if (!prog) {
      stderr.write(`bash: ${argv[0]}: command not found\n`);
      return Promise.resolve(127);
    }
    return prog(this.context(p, argv, stdout, stderr));
  }

  private context(p: Process, argv: string[], stdout: Output, stderr: Output): CommandContext {
    const spawnChild = (args: string[], o: SpawnOptions = {}): Process => {
      const init: { parent: Process; comm: string; netns?: number; uid?: number } = { parent: p, comm: args[0] ?? '' };
      if (o.netns !== undefined) init.netns = o.netns;
      if (o.uid !== undefined) init.uid = o.uid;
      return this.m.spawn(init, (c) => this.exec(c, args, o.stdout ?? stdout, o.stderr ?? stderr));
    };
    return {
      argv,
      env: {},
      stdin: { read: async () => null, readAll: async () => '' },
      stdout,
      stderr,
      proc: p,
      m: this.m,
      has: (name) => name in PROGRAMS,
      exec: async (args, o = {}) => {
        if (o.netns !== undefined) p.netns = o.netns;
        if (o.uid !== undefined) p.uid = o.uid;
        return this.exec(p, args, o.stdout ?? stdout, o.stderr ?? stderr);
      },
      run: async (args, o) => {
        const child = spawnChild(args, o);
        const r = await this.m.waitExit(p, child);
        return r === 'signal' ? 128 : r;
      },
      spawn: spawnChild,
      readFile: async () => {
        throw new Error('no files in these tests');
      },
      writeFile: async () => {},
      fileExists: async () => false,
    };
  }

  /** Let virtual time pass (namespace teardown, DAD timers). */
  settle(seconds = 1): void {
    this.m.runUntil(this.m.now + seconds * 1e9);
  }
}

/** Run a command and expect it to succeed with empty stderr; returns stdout. */
export async function ok(env: Env, cmd: string, opts: { netns?: number | string; uid?: number } = {}): Promise<string> {
  const r = await env.run(cmd, opts);
  if (r.rc !== 0 || r.err !== '') throw new Error(`${cmd}: rc=${r.rc} err=${JSON.stringify(r.err)}`);
  return r.out;
}
