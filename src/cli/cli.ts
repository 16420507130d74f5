// The nsemu command line.
//   nsemu run [--seed N] [--max-time SECONDS] SCRIPT.sh [args...]   run a script on a fresh machine
//   nsemu run [--pcap FILE.pcapng] [--out DIR] ...                  export the captures (pcapng / tcpdump -w files)
//   nsemu run -c 'commands' [name [args...]]                       as bash -c
//   nsemu run --example NAME                                       run one of the examples (lessons)
//   nsemu SCRIPT.sh [args...]                                      nsemu run SCRIPT.sh (a name that is no subcommand)
//   nsemu -c 'commands'                                            the same
//   nsemu shell [--seed N] [--load FILE] [--fast]                  an interactive prompt, paced to the wall clock (src/cli/shell.ts)
//   nsemu examples                                                 list the examples and lessons (src/cli/examples.ts)
//   nsemu verify [--record DIR] SCRIPT.sh...                       compare with the real kernel
//   nsemu graph [--format dot|mermaid|svg] [-o FILE] SCRIPT.sh      draw the topology a script leaves (src/cli/graph.ts)
//   nsemu whatif SCRIPT.sh --change 'CMD' [--change ...] [--json] [--matrix]   what a change does to reachability (src/cli/whatif.ts)
//   nsemu --version                                                package.json's version
// Output is streamed to the real stdout/stderr in the order the emulated processes write it;
// the exit status is the script's. Machine notices (deadlock, time limit) go to stderr as nsemu: ...
//
// `main(argv, io)` runs the whole command line in-process against an I/O object (the tests call
// it this way); src/cli/main.ts binds it to the real process.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runScript } from '../shell/index.ts';
import { exportMachine } from '../capture/export.ts';
import { packageVersion } from './version.ts';
import { fsError } from './fs-error.ts';
import { examplesText, findExample } from './examples.ts';
import { shell } from './shell.ts';

function intArg(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('not a non-negative integer');
  return Number(v);
}
function secondsArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('not a positive number of seconds');
  return n;
}

/** Where the command line reads and writes: the real process, or a test's buffers. */
export interface CliIo {
  write(fd: 1 | 2, s: string): void;
  /** the host's standard input (read only when an emulated process reads it) */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; pause(): unknown; unref?: () => void; setEncoding(e: BufferEncoding): unknown };
  /** standard output is a terminal (prompts, line editing) */
  stdoutTTY: boolean;
  stderrTTY: boolean;
  /** the terminal readline edits lines on, when stdin is one */
  terminal?: NodeJS.WritableStream;
}

/**
 * The script's stdin: the host's stdin, read only when an emulated process reads it (a script
 * that never reads does not wait for an open pipe to close).
 */
function hostStdin(io: CliIo): () => Promise<string | null> {
  let it: AsyncIterator<string> | undefined;
  return async () => {
    if (!it) {
      io.stdin.setEncoding('utf8');
      it = (io.stdin as AsyncIterable<string>)[Symbol.asyncIterator]();
    }
    const r = await it.next();
    return r.done ? null : r.value;
  };
}

async function runAndExit(io: CliIo, src: string, name: string, args: string[], o: { seed?: number; maxTime?: number; pcap?: string; out?: string }, mode: 'c' | 'file'): Promise<number> {
  const write = io.write;
  const opts: Parameters<typeof runScript>[1] = { name, args, mode, onOutput: write, seed: o.seed ?? 1 };
  if (o.maxTime !== undefined) opts.maxTime = o.maxTime;
  opts.stdin = hostStdin(io);
  // --pcap / --out: captures leave the machine only where the user asks
  const exp = o.pcap !== undefined || o.out !== undefined ? exportMachine({ seed: o.seed ?? 1, maxTime: o.maxTime, pcap: o.pcap, out: o.out, notice: (m) => write(2, m.endsWith('\n') ? m : `${m}\n`) }) : undefined;
  if (exp) opts.machine = exp.machine;
  const r = await runScript(src, opts);
  // --out / --pcap files the host refuses, or captures that cannot be placed: status 2
  let failed: string | undefined;
  try {
    failed = exp?.finish();
  } catch (e) {
    failed = `${(e as { path?: string }).path ?? o.out ?? o.pcap}: ${fsError(e)}`;
  }
  if (failed !== undefined) write(2, `nsemu: ${failed}\n`);
  // the host's stdin may have been opened: do not let it keep the process alive
  io.stdin.pause();
  io.stdin.unref?.();
  return failed !== undefined ? 2 : r.status;
}

/** Run the nsemu command line (argv as process.argv: node, script, args…); resolves with the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let status = 0;
  const program = new Command();
  program
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.write(1, s), writeErr: (s) => io.write(2, s) })
    .name('nsemu')
    .version(packageVersion(), '-V, --version', 'print the version of nsemu')
    .enablePositionalOptions()
    .description('Deterministic userspace emulator of Linux networking: run bash scenarios against an emulated kernel')
    .option('-c <commands>', 'run commands as bash -c does')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .option('--max-time <seconds>', 'virtual-time limit', secondsArg)
    .argument('[args...]')
    .allowExcessArguments(true)
    // `nsemu script.sh -x`: what follows the script (or -c's name) is its arguments
    .passThroughOptions()
    .action(async (args: string[], o: { c?: string; seed?: number; maxTime?: number }) => {
      if (o.c === undefined) {
        // `nsemu script.sh`: a file that is no subcommand runs as `nsemu run` would run it
        if (args.length > 0 && existsSync(args[0]!) && !statSync(args[0]!).isDirectory()) {
          status = await runAndExit(io, readFileSync(args[0]!, 'utf8'), args[0]!, args.slice(1), o, 'file');
          return;
        }
        if (args.length > 0 && (args[0]!.endsWith('.sh') || args[0]!.includes('/'))) {
          io.write(2, `nsemu: ${args[0]}: ${existsSync(args[0]!) ? 'Is a directory' : 'No such file or directory'}\n`);
          status = 127;
          return;
        }
        // another word that is no subcommand is an error, as commander reports one; nothing: the help
        if (args.length > 0) program.error(`error: unknown command '${args[0]}'`, { code: 'commander.unknownCommand' });
        program.help({ error: true });
        return;
      }
      status = await runAndExit(io, o.c, args[0] ?? 'bash', args.slice(1), o, 'c');
    });
  program
    .command('run')
    .description('run a bash script (or -c commands) on a fresh emulated machine')
    .option('-c <commands>', 'run commands as bash -c does')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .option('--max-time <seconds>', 'virtual-time limit', secondsArg)
    .option('--pcap <file>', 'record every frame of every namespace/device into FILE (pcapng)')
    .option('--out <dir>', "copy the files the script's tcpdump -w wrote into DIR (each at its path below the directory they all share)")
    .option('--example <name>', 'run the example (or lesson) NAME that comes with nsemu (nsemu examples lists them)')
    .argument('[script]', 'the script to run')
    .argument('[args...]', 'its arguments ($1 ...)')
    .passThroughOptions()
    .action(async (script: string | undefined, args: string[], o: { c?: string; seed?: number; maxTime?: number; pcap?: string; out?: string; example?: string }) => {
      if (o.example !== undefined) {
        const ex = findExample(o.example);
        if (!ex) {
          io.write(2, `nsemu: run: no example named '${o.example}' (nsemu examples lists them)\n`);
          status = 2;
          return;
        }
        status = await runAndExit(io, readFileSync(ex.path, 'utf8'), `examples/${ex.name}.sh`, script === undefined ? args : [script, ...args], o, 'file');
        return;
      }
      if (o.c !== undefined) {
        const rest = script === undefined ? args : [script, ...args];
        status = await runAndExit(io, o.c, rest[0] ?? 'bash', rest.slice(1), o, 'c');
        return;
      }
      if (script === undefined) {
        io.write(2, 'nsemu: run: a script or -c commands are required\n');
        status = 2;
        return;
      }
      let src: string;
      try {
        src = script === '-' ? await readAll(io.stdin) : readFileSync(script, 'utf8');
      } catch (e) {
        io.write(2, `nsemu: ${script}: ${fsError(e)}\n`);
        status = 127;
        return;
      }
      status = await runAndExit(io, src, script, args, o, 'file');
    });
  program
    .command('shell')
    .description('an interactive bash prompt on one emulated machine')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .option('--load <file>', 'first run FILE in the session (as source FILE does): start from the network it builds')
    .option('--fast', 'pure virtual time: commands finish at once instead of following the wall clock')
    .action(async (o: { seed?: number; load?: string; fast?: boolean }) => {
      status = await shell(io, o);
    });
  program
    .command('examples')
    .description('list the examples that come with nsemu: the lessons (tutorial scenarios recorded on the real kernel) and other topologies')
    .action(() => {
      io.write(1, examplesText());
    });
  program
    .command('verify')
    .description('run scripts in nsemu and on the real kernel (sandboxed, needs root), compare the normalised outputs')
    .option('--record <dir>', "record the kernel's normalised output as DIR/expected/NAME.out (3 runs, flaky refused)")
    .argument('<scripts...>', 'the scripts')
    .action(async (scripts: string[], o: { record?: string }) => {
      const { verifyCommand } = await import('../verify/verify.ts');
      status = await verifyCommand(scripts, o, {
        out: (s) => io.write(1, s),
        err: (s) => io.write(2, s),
        tty: io.stderrTTY,
      });
    });
  program
    .command('graph')
    .description("replay a script on a fresh machine and draw the topology it leaves when it ends (after its EXIT trap): namespaces, devices with their addresses and state, veth pairs, bridge ports. The graph goes to stdout (or -o FILE), the script's own output to stderr")
    .addOption(new Option('--format <format>', 'dot (Graphviz), mermaid, or svg (laid out by Graphviz in WebAssembly); default: from -o FILE (.svg, .mmd), else dot').choices(['dot', 'mermaid', 'svg']))
    .option('-o, --output <file>', 'write the graph to FILE instead of stdout')
    .option('-q, --quiet', "discard the script's output instead of sending it to stderr")
    .option('--seed <n>', 'random seed of the machine', intArg)
    .option('--max-time <seconds>', 'virtual-time limit', secondsArg)
    .argument('<script>', 'the script to replay (- reads it from stdin)')
    .argument('[args...]', 'its arguments ($1 ...), after --')
    .action(async (script: string, args: string[], o: import('./graph.ts').GraphOptions) => {
      const { graphCommand } = await import('./graph.ts');
      status = await graphCommand(script, args, o, { write: io.write, readStdin: () => readAll(io.stdin) });
    });
  program
    .command('whatif')
    .description('replay a script, then apply each change in its own fork and print the (namespace, address) pairs whose reachability changed')
    .option('--change <cmd>', 'a command line to apply (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'machine-readable output')
    .option('--matrix', 'print the whole reachability matrix too')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .argument('<script>', 'the script to replay')
    .action(async (script: string, o: { change?: string[]; json?: boolean; matrix?: boolean; seed?: number }) => {
      let src: string;
      try {
        src = script === '-' ? await readAll(io.stdin) : readFileSync(script, 'utf8');
      } catch (e) {
        io.write(2, `nsemu: ${script}: ${fsError(e)}\n`);
        status = 127;
        return;
      }
      const { whatifCommand } = await import('./whatif.ts');
      status = await whatifCommand(script, src, o, { out: (s) => io.write(1, s), err: (s) => io.write(2, s), tty: io.stderrTTY });
    });
  program
    .command('explain')
    .description("the way of one ping through the emulated kernel, hop by hop, ending in why it failed: the script's last ping (or --ping N), run where the script runs it, or --from NS --to ADDR after the whole script (the script's EXIT trap is not run)")
    .option('--from <ns>', 'the namespace the probe leaves from ((init) for the initial one)')
    .option('--to <addr>', 'the address it goes to')
    .option('--last', "the script's last ping (the default)")
    .option('--ping <n>', "the script's Nth ping command", intArg)
    .option('--json', 'machine-readable output')
    .option('--seed <n>', 'random seed of the machine', intArg)
    .argument('<script>', 'the script')
    .action(async (script: string, o: import('./explain.ts').ExplainOptions) => {
      const { explainCommand } = await import('./explain.ts');
      status = await explainCommand(script, o, io);
    });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    // commander has printed its message (help, a bad option) through configureOutput
    if (e instanceof CommanderError) return e.exitCode;
    io.write(2, `nsemu: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 70;
  }
  return status;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let s = '';
  for await (const chunk of stream as AsyncIterable<string | Buffer>) s += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  return s;
}
