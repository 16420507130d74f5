// The nsemu command line.
//   nsemu run [--seed N] [--max-time SECONDS] SCRIPT.sh [args...]   run a script on a fresh machine
//   nsemu run [--pcap FILE.pcapng] [--out DIR] ...                  export the captures (pcapng / tcpdump -w files)
//   nsemu run -c 'commands' [name [args...]]                       as bash -c
//   nsemu -c 'commands'                                            the same
//   nsemu shell [--seed N]                                         an interactive prompt
//   nsemu verify [--record DIR] SCRIPT.sh...                       compare with the real kernel
// Output is streamed to the real stdout/stderr in the order the emulated processes write it;
// the exit status is the script's. Machine notices (deadlock, time limit) go to stderr as nsemu: ...
import { readFileSync } from 'node:fs';
import * as readline from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { runScript, Session, parse, preloadTextTools, ShellSyntaxError } from '../shell/index.ts';
import { exportMachine } from '../capture/export.ts';

function intArg(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('not a non-negative integer');
  return Number(v);
}
function secondsArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('not a positive number of seconds');
  return n;
}

// A reader that goes away (`nsemu run x.sh | head`) ends nsemu as SIGPIPE ends a program:
// quietly, with status 128 + 13.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(128 + 13);
  });
}

const write = (fd: 1 | 2, s: string): void => {
  (fd === 1 ? process.stdout : process.stderr).write(s);
};

/**
 * The script's stdin: the host's stdin, read only when an emulated process reads it (a script
 * that never reads does not wait for an open pipe to close).
 */
function hostStdin(): () => Promise<string | null> {
  let it: AsyncIterator<string> | undefined;
  return async () => {
    if (!it) {
      process.stdin.setEncoding('utf8');
      it = (process.stdin as AsyncIterable<string>)[Symbol.asyncIterator]();
    }
    const r = await it.next();
    return r.done ? null : r.value;
  };
}

async function runAndExit(src: string, name: string, args: string[], o: { seed?: number; maxTime?: number; pcap?: string; out?: string }, mode: 'c' | 'file'): Promise<void> {
  const opts: Parameters<typeof runScript>[1] = { name, args, mode, onOutput: write, seed: o.seed ?? 1 };
  if (o.maxTime !== undefined) opts.maxTime = o.maxTime;
  opts.stdin = hostStdin();
  // --pcap / --out: captures leave the machine only where the user asks
  const exp = o.pcap !== undefined || o.out !== undefined ? exportMachine({ seed: o.seed ?? 1, maxTime: o.maxTime, pcap: o.pcap, out: o.out, notice: (m) => write(2, m.endsWith('\n') ? m : `${m}\n`) }) : undefined;
  if (exp) opts.machine = exp.machine;
  const r = await runScript(src, opts);
  exp?.finish();
  process.exitCode = r.status;
  // the host's stdin may have been opened: do not let it keep the process alive
  process.stdin.pause();
  process.stdin.unref?.();
}

async function shell(o: { seed?: number }): Promise<void> {
  await preloadTextTools();
  const session = new Session({ seed: o.seed ?? 1, onOutput: write });
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true, historySize: 1000, prompt: '# ' });
  let buf = '';
  let busy = false;
  const tty = process.stdin.isTTY === true;
  const prompt = (cont: boolean): void => {
    if (!tty) return;
    rl.setPrompt(cont ? '> ' : '# ');
    rl.prompt();
  };
  rl.on('SIGINT', () => {
    if (busy) session.interrupt();
    else {
      buf = '';
      process.stdout.write('^C\n');
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
        const r = await session.run(src);
        if (r === 'exit') {
          rl.close();
          return;
        }
      }
      prompt(false);
    }
    busy = false;
    if (closing) session.close();
  };
  rl.on('line', (line) => {
    lines.push(line);
    void pump();
  });
  rl.on('close', () => {
    closing = true;
    if (!busy) session.close();
  });
  prompt(false);
  const st = await session.exited;
  rl.close();
  process.exitCode = st;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('nsemu')
    .enablePositionalOptions()
    .description('Deterministic userspace emulator of Linux networking: run bash scenarios against an emulated kernel')
    .option('-c <commands>', 'run commands as bash -c does')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .option('--max-time <seconds>', 'virtual-time limit', secondsArg)
    .argument('[args...]')
    .allowExcessArguments(true)
    .action(async (args: string[], o: { c?: string; seed?: number; maxTime?: number }) => {
      if (o.c === undefined) {
        program.help({ error: true });
        return;
      }
      await runAndExit(o.c, args[0] ?? 'bash', args.slice(1), o, 'c');
    });
  program
    .command('run')
    .description('run a bash script (or -c commands) on a fresh emulated machine')
    .option('-c <commands>', 'run commands as bash -c does')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .option('--max-time <seconds>', 'virtual-time limit', secondsArg)
    .option('--pcap <file>', 'record every frame of every namespace/device into FILE (pcapng)')
    .option('--out <dir>', "copy the files the script's tcpdump -w wrote into DIR")
    .argument('[script]', 'the script to run')
    .argument('[args...]', 'its arguments ($1 ...)')
    .passThroughOptions()
    .action(async (script: string | undefined, args: string[], o: { c?: string; seed?: number; maxTime?: number; pcap?: string; out?: string }) => {
      if (o.c !== undefined) {
        const rest = script === undefined ? args : [script, ...args];
        await runAndExit(o.c, rest[0] ?? 'bash', rest.slice(1), o, 'c');
        return;
      }
      if (script === undefined) {
        process.stderr.write('nsemu: run: a script or -c commands are required\n');
        process.exitCode = 2;
        return;
      }
      let src: string;
      try {
        src = script === '-' ? readFileSync(0, 'utf8') : readFileSync(script, 'utf8');
      } catch (e) {
        const code = (e as { code?: string }).code;
        process.stderr.write(`nsemu: ${script}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : code === 'EACCES' ? 'Permission denied' : String((e as Error).message)}\n`);
        process.exitCode = 127;
        return;
      }
      await runAndExit(src, script, args, o, 'file');
    });
  program
    .command('shell')
    .description('an interactive bash prompt on one emulated machine')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .action(async (o: { seed?: number }) => {
      await shell(o);
    });
  program
    .command('verify')
    .description('run scripts in nsemu and on the real kernel (sandboxed, needs root), compare the normalised outputs')
    .option('--record <dir>', "record the kernel's normalised output as DIR/expected/NAME.out (3 runs, flaky refused)")
    .argument('<scripts...>', 'the scripts')
    .action(async (scripts: string[], o: { record?: string }) => {
      const { verifyCommand } = await import('../verify/verify.ts');
      process.exitCode = await verifyCommand(scripts, o, {
        out: (s) => process.stdout.write(s),
        err: (s) => process.stderr.write(s),
        tty: process.stderr.isTTY === true,
      });
    });
  await program.parseAsync(argv);
}

await main(process.argv).catch((e: unknown) => {
  process.stderr.write(`nsemu: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 70;
});
