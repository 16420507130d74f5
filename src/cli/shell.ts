// `nsemu shell`: an interactive bash prompt on one emulated machine (src/shell's Session), read
// with node's readline: line editing and history on a terminal, Tab completion of commands,
// ip/bridge/iptables words, namespace and device names and the machine's files (complete.ts);
// Ctrl-C interrupts what runs, Ctrl-D ends the session. Without a terminal it reads lines from
// stdin and prints no prompt.
//
// Virtual time follows the wall clock (performance.now(), given to the Session as `pace`: the
// clock stays out of the kernel and the shell): a ping prints a line a second. `--fast` keeps
// pure virtual time (everything finishes at once, and time stands still at the prompt).
// As on a terminal, the lines typed while a foreground command runs are its input (a nested
// `ip netns exec x bash` reads them and shows its own prompt); when it ends, the top-level
// shell reads on.
//
// `--load FILE` runs FILE in the session before the first prompt, as `source FILE` would, so a
// teacher can hand out a prepared network: its namespaces, devices, variables and functions are
// there when the prompt appears (an EXIT trap it sets runs when the session ends).
import { readFileSync } from 'node:fs';
import * as readline from 'node:readline';
import { Session, parse, preloadTextTools, ShellSyntaxError } from '../shell/index.ts';
import { BUILTINS } from '../shell/builtins.ts';
import { System } from '../shell/system.ts';
import { normPath } from '../shell/vfs.ts';
import { kernelFiles } from '../kernel/files.ts';
import { complete, type CompletionSource } from './complete.ts';
import { fsError } from './fs-error.ts';
import type { CliIo } from './cli.ts';

const KEYWORDS = ['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'function', 'time', 'coproc'];

/** What completion sees of a session: its machine, and its shell's directory, $PATH and names. */
export function sessionSource(session: Session): CompletionSource {
  const m = session.machine;
  const files = kernelFiles(m);
  const list = (dir: string): string[] => {
    const sh = session.shell;
    const sys = System.maybe(m);
    if (!sh || !sys) return [];
    const path = normPath(sh.cwd, dir);
    try {
      return sys.vfs.readdir(sh.p, path).map((n) => (sys.vfs.tryGet(sh.p, `${path}/${n}`)?.type === 'dir' ? `${n}/` : n));
    } catch {
      return [];
    }
  };
  return {
    commands: () => {
      const sh = session.shell;
      const names = new Set<string>([...Object.keys(BUILTINS), ...KEYWORDS]);
      if (sh) {
        for (const f of sh.funcs.keys()) names.add(f);
        for (const a of sh.aliases.keys()) names.add(a);
        for (const dir of (sh.get('PATH') ?? '').split(':')) for (const f of list(dir || '.')) if (!f.endsWith('/')) names.add(f);
      }
      return [...names];
    },
    namespaces: () => files.netnsNames(),
    devices: (name) => {
      const ns = name === undefined ? session.shell?.p.netns : files.netnsByName(name);
      return ns === undefined ? [] : files.sysfsNetList(ns);
    },
    files: list,
  };
}

export async function shell(io: CliIo, o: { seed?: number; load?: string; fast?: boolean }): Promise<number> {
  let loaded: string | undefined;
  if (o.load !== undefined) {
    try {
      loaded = readFileSync(o.load, 'utf8');
    } catch (e) {
      io.write(2, `nsemu: ${o.load}: ${fsError(e)}\n`);
      return 127;
    }
  }
  await preloadTextTools();
  const tty = io.stdin.isTTY === true;
  // on a terminal, programs see its type (clear prints what it clears with)
  const term = tty ? process.env.TERM : undefined;
  let rl: readline.Interface | undefined;
  const session = new Session({
    seed: o.seed ?? 1,
    onOutput: io.write,
    ...(term ? { env: { TERM: term } } : {}),
    ...(o.fast ? {} : { pace: () => performance.now() }),
    // a nested interactive shell's prompt becomes the line editor's
    onPrompt: (text) => {
      if (!tty || !rl) return;
      rl.setPrompt(text);
      rl.prompt(true);
    },
  });
  if (loaded !== undefined && (await session.run(loaded)) === 'exit') return session.exited;
  const source = sessionSource(session);
  // without a terminal readline writes nothing to its output: the session's own output goes to io
  rl = readline.createInterface({
    input: io.stdin,
    output: tty ? io.terminal : undefined,
    terminal: tty,
    historySize: 1000,
    prompt: '# ',
    completer: (line: string) => complete(line, source),
  });
  let buf = '';
  let busy = false;
  const prompt = (cont: boolean): void => {
    if (!tty) return;
    rl.setPrompt(cont ? '> ' : '# ');
    rl.prompt();
  };
  rl.on('SIGINT', () => {
    if (busy) {
      // the terminal echoes it; the job (ping: its statistics) writes what follows
      io.write(1, '^C');
      session.interrupt();
    } else {
      buf = '';
      io.write(1, '^C\n');
      prompt(false);
    }
  });
  const lines: string[] = [];
  let closing = false;
  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (lines.length) {
      const line = lines.shift()!;
      buf += `${line}\n`;
      try {
        parse(buf, 'bash');
      } catch (e) {
        if (e instanceof ShellSyntaxError && e.incomplete) {
          prompt(true);
          continue;
        }
        // a syntax error: the session reports it
      }
      const src = buf;
      buf = '';
      if (src.trim()) {
        // while it runs, typed lines are its input (no prompt of ours meanwhile)
        if (tty) rl.setPrompt('');
        running = true;
        const r = await session.run(src);
        running = false;
        if (r === 'exit') {
          rl.close();
          return;
        }
        // what it did not read, the top-level shell reads next
        const rest = session.typeahead();
        if (rest) lines.unshift(...rest.replace(/\n$/, '').split('\n'));
      } else session.notifyJobs();
      if (!lines.length) prompt(false);
    }
    busy = false;
    if (closing) session.close();
  };
  let running = false;
  rl.on('line', (line) => {
    if (running) session.feed(line);
    else {
      lines.push(line);
      void pump();
    }
  });
  rl.on('close', () => {
    closing = true;
    if (!busy) session.close();
    else session.tty.end();
  });
  prompt(false);
  const st = await session.exited;
  rl.close();
  return st;
}
