// The nsemu command line run in-process (src/cli/cli.ts's main with buffers for stdio), so CLI
// tests need no node start-up of their own; a few tests still spawn bin/nsemu.js to check the
// program itself (exit status, SIGPIPE).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/cli.ts';
import { root } from './needs.ts';

export interface CliResult {
  /** stdout and stderr interleaved as written */
  out: string;
  stdout: string;
  stderr: string;
  status: number;
}

export async function cli(args: string[], input = ''): Promise<CliResult> {
  const stdin = new PassThrough();
  stdin.end(input);
  const r: CliResult = { out: '', stdout: '', stderr: '', status: 0 };
  r.status = await main(['node', 'nsemu', ...args], {
    write: (fd, s) => {
      r.out += s;
      if (fd === 1) r.stdout += s;
      else r.stderr += s;
    },
    stdin,
    stdoutTTY: false,
    stderrTTY: false,
  });
  return r;
}

export const bin = join(root, 'bin', 'nsemu.js');

/** Run the real program, stdout and stderr into one pipe as the conformance tool does. The
 *  limit only catches a hang: nothing is timed. */
export function spawnNsemu(args: string[], input = ''): { out: string; status: number | null } {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const r = spawnSync('sh', ['-c', `node '${bin}' ${quoted} 2>&1`], { input, encoding: 'utf8', timeout: 300_000 });
  return { out: r.stdout, status: r.status };
}
