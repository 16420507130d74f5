// Pure text tools (grep, sed, awk, sort, ...) are just-bash 3.4.2's own implementations, run as
// emulated programs: each call gets a command context whose filesystem is nsemu's virtual
// filesystem as the calling process sees it (its namespace's /proc/sys/net, /sys/class/net),
// its environment and cwd, and its stdin read to end-of-file first (through the process's
// descriptor, so it waits in virtual time). The command objects are taken once from a Bash
// instance and called directly: ~20-50 us a call instead of ~1 ms through Bash.exec's parser.
import type * as JustBash from 'just-bash';
import type { Command, CommandContext } from '../userland/command.ts';
import { JbFs, toBytes, bytesToLatin1, type StdHooks } from './vfs.ts';
import { System } from './system.ts';
import { Pipe, StringIn, type Fd } from './streams.ts';

interface JbResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  stdoutKind?: 'text' | 'bytes';
  stdoutEncoding?: 'binary';
}
interface JbCommand {
  name: string;
  execute(args: string[], ctx: unknown): Promise<JbResult>;
}

let table: Map<string, JbCommand> | undefined;
/** just-bash itself, loaded by preloadTextTools (its module graph is most of nsemu's code) */
let jb: typeof JustBash | undefined;
type CtxInit = Parameters<typeof JustBash.createCommandContext>[0];

function commands(): Map<string, JbCommand> {
  if (!table) {
    const { Bash, InMemoryFs } = jb!;
    const b = new Bash({ fs: new InMemoryFs(), commands: undefined });
    const t = (b as unknown as { commands?: Map<string, JbCommand> }).commands;
    if (!(t instanceof Map)) throw new Error('just-bash: command table not found (version changed?)');
    table = t;
  }
  return table;
}

/** The just-bash tools nsemu exposes as programs. */
export const TEXT_TOOLS = [
  'grep', 'egrep', 'fgrep', 'sed', 'awk', 'sort', 'uniq', 'comm', 'cut', 'paste', 'tr', 'rev', 'nl', 'fold', 'expand',
  'unexpand', 'column', 'join', 'tee', 'head', 'tail', 'wc', 'ls', 'readlink', 'basename', 'dirname', 'seq', 'xargs', 'find',
  'stat', 'cp', 'mv', 'ln', 'chmod', 'rmdir', 'du', 'tree', 'tac', 'od', 'base64', 'md5sum', 'sha1sum', 'sha256sum', 'diff',
  'expr', 'strings', 'split', 'jq', 'printenv',
];

/** The tools preloadTextTools loads by default: every one nsemu runs (printf: the builtin's). */
const ALL_TOOLS: readonly string[] = [...TEXT_TOOLS, 'printf', 'cat'];

const TOOL_WORDS = new RegExp(`(?:^|[^\\w-])(${ALL_TOOLS.join('|')})(?![\\w-])`, 'g');

/**
 * The just-bash tools a script names (the printf builtin is one): those whose name appears in
 * its text as a word, in a command, an argument, a string or a comment. runScript preloads only
 * these (loading just-bash is most of nsemu's start-up, and each tool's module adds to it). A
 * script that reaches a tool without naming it (a name built at run time, commands read from
 * the host's stdin) loads it on first use: the same output, unless another process is busy
 * computing without blocking meanwhile (see preloadTextTools).
 */
export function textToolsNamedIn(src: string): string[] {
  const out = new Set<string>();
  for (const m of src.matchAll(TOOL_WORDS)) out.add(m[1]!);
  return [...out];
}

let jbLoaded: Promise<void> | undefined;
let helpCtx: unknown;
const toolLoaded = new Map<string, Promise<void>>();

function loadTool(name: string): Promise<void> {
  let p = toolLoaded.get(name);
  if (!p) {
    p = (async () => {
      jbLoaded ??= (async () => {
        // just-bash keeps globalThis.Headers at load (for its curl, which nsemu does not run);
        // reading it makes node load its fetch implementation (~30 ms): hide it meanwhile
        const headers = Object.getOwnPropertyDescriptor(globalThis, 'Headers');
        if (headers?.configurable) Object.defineProperty(globalThis, 'Headers', { value: undefined, configurable: true, writable: true });
        try {
          jb = await import('just-bash');
        } finally {
          if (headers?.configurable) Object.defineProperty(globalThis, 'Headers', headers);
        }
        helpCtx = jb.createCommandContext({ fs: new jb.InMemoryFs(), cwd: '/', env: new Map() } as unknown as CtxInit);
      })();
      await jbLoaded;
      try {
        await commands().get(name)?.execute(['--help'], helpCtx);
      } catch {
        /* loaded anyway */
      }
    })();
    toolLoaded.set(name, p);
  }
  return p;
}

/**
 * Load the tools' code now (default: every tool). just-bash loads a command's module on its
 * first call, which is real I/O: done in the middle of a run it would let wall-clock time decide
 * how processes interleave (and a process looping without blocking would starve the load).
 * runScript (with the tools the script names) and the interactive session await this before
 * their machine starts.
 */
export async function preloadTextTools(names: readonly string[] = ALL_TOOLS): Promise<void> {
  await Promise.all(names.map(loadTool));
}

/** Tools that never read standard input (so a pipe into them is not waited for). */
const NO_STDIN = new Set(['ls', 'readlink', 'basename', 'dirname', 'seq', 'find', 'stat', 'cp', 'mv', 'ln', 'chmod', 'rmdir', 'du', 'tree', 'expr', 'printenv', 'printf', 'echo']);

/** Messages where just-bash's wording differs from GNU coreutils'. */
function fixStderr(name: string, s: string): string {
  if (name === 'ls') return s.replace(/^ls: ([^\n]*): No such file or directory$/gm, "ls: cannot access '$1': No such file or directory");
  return s;
}

export interface JbRunOpts {
  sys: System;
  ctxProc: CommandContext['proc'];
  cwd: string;
  env: Record<string, string>;
  stdin: string;
  /** where /dev/stdout and /dev/stderr written by the tool go */
  stdout?: (d: string | Uint8Array) => void;
  stderr?: (d: string | Uint8Array) => void;
}

/** Run one just-bash command to completion. */
export async function runJb(name: string, args: string[], o: JbRunOpts): Promise<JbResult> {
  await loadTool(name);
  const cmd = commands().get(name);
  if (!cmd) return { stdout: '', stderr: `${name}: command not found\n`, exitCode: 127 };
  const hooks: StdHooks = {
    procSubst: {
      has: (path) => o.sys.procSubst.has(path),
      read: async (path) => {
        const fd = o.sys.procSubst.get(path)!;
        let text = '';
        for (let c = await fd.pull(o.ctxProc); c !== null; c = await fd.pull(o.ctxProc)) text += c;
        return text;
      },
    },
  };
  if (o.stdout) hooks.stdout = o.stdout;
  if (o.stderr) hooks.stderr = o.stderr;
  const fs = new JbFs(o.sys.vfs, o.ctxProc, hooks);
  const ctx = jb!.createCommandContext({
    fs,
    cwd: o.cwd,
    env: new Map(Object.entries(o.env)),
    exportedEnv: o.env,
    stdin: bytesToLatin1(toBytes(o.stdin)),
    exec: (command: string, eo: { cwd: string; stdin?: string; env?: Record<string, string>; args?: string[] }) => subShell(o, command, eo),
  } as unknown as CtxInit);
  return cmd.execute(args, ctx);
}

/** ctx.exec for xargs and find -exec: run a command line in a child bash, capturing output. */
async function subShell(o: JbRunOpts, command: string, eo: { cwd: string; stdin?: string; env?: Record<string, string>; args?: string[] }): Promise<JbResult> {
  const sys = o.sys;
  const out = new Pipe(sys.m);
  const err = new Pipe(sys.m);
  const p = o.ctxProc;
  const outR = out.readEnd.ref();
  const errR = err.readEnd.ref();
  // args: appended to the first command without any shell parsing
  const argv = eo.args?.length ? ['bash', '-c', `${command} "$@"`, 'bash', ...eo.args] : ['bash', '-c', command];
  const child = sys.spawn(p, argv, { env: { ...o.env, ...(eo.env ?? {}) }, fds: [new StringIn(eo.stdin ?? ''), out.writeEnd, err.writeEnd], cwd: eo.cwd });
  const drain = async (fd: Fd): Promise<string> => {
    let s = '';
    for (let c = await fd.pull(p); c !== null; c = await fd.pull(p)) s += c;
    return s;
  };
  try {
    const stdout = await drain(outR);
    const stderr = await drain(errR);
    const exitCode = await sys.waitChild(p, child);
    return { stdout, stderr, exitCode };
  } finally {
    outR.unref();
    errR.unref();
  }
}

/** A just-bash tool as an nsemu program. */
export function textTool(name: string): Command {
  return async (ctx) => {
    const sys = System.of(ctx.m);
    const args = ctx.argv.slice(1);
    const stdin = NO_STDIN.has(name) ? '' : await ctx.stdin.readAll();
    const r = await runJb(name, args, {
      sys,
      ctxProc: ctx.proc,
      cwd: sys.cwd(ctx.proc),
      env: ctx.env,
      stdin,
      stdout: (d) => ctx.stdout.write(d),
      stderr: (d) => ctx.stderr.write(d),
    });
    if (r.stdout) {
      if (r.stdoutKind === 'bytes' || r.stdoutEncoding === 'binary') {
        const b = new Uint8Array(r.stdout.length);
        for (let i = 0; i < r.stdout.length; i++) b[i] = r.stdout.charCodeAt(i) & 0xff;
        ctx.stdout.write(new TextDecoder().decode(b));
      } else ctx.stdout.write(r.stdout);
    }
    if (r.stderr) ctx.stderr.write(fixStderr(name, r.stderr));
    return r.exitCode;
  };
}
