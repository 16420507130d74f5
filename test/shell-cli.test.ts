// The nsemu command line: run, -c, shell; output order, exit statuses, no stack traces. Most
// cases run the CLI in-process (test/helpers/cli.ts); the program itself is spawned where only a
// real process shows the behaviour (its exit status, SIGPIPE).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/shell/index.ts';
import { bin, cli, spawnNsemu } from './helpers/cli.ts';
import { tempDir } from './helpers/tmp.ts';

const dir = tempDir('nsemu-cli-');

async function nsemu(args: string[], input = ''): Promise<{ out: string; status: number }> {
  const r = await cli(args, input);
  return { out: r.out, status: r.status };
}

describe('nsemu run', () => {
  it('runs a script file with arguments, interleaving stdout and stderr as written, with its exit status', async () => {
    const f = join(dir, 's1.sh');
    writeFileSync(f, 'echo "args: $1 $2"\nfoo\necho err >&2\necho out\nsleep 100\necho "t=$SECONDS"\nexit 4\n');
    const want = `args: a --b\n${f}: line 2: foo: command not found\nerr\nout\nt=100\n`;
    expect(await nsemu(['run', '--seed', '3', f, 'a', '--b'])).toEqual({ out: want, status: 4 });
    // the program itself: the same bytes through one pipe, and the script's status as its own
    expect(spawnNsemu(['run', '--seed', '3', f, 'a', '--b'])).toEqual({ out: want, status: 4 });
  });

  it('runs -c commands, with `run -c` and without', async () => {
    expect(await nsemu(['-c', 'echo $0 $1; foo'])).toEqual({ out: 'bash\nbash: line 1: foo: command not found\n', status: 127 });
    expect(await nsemu(['run', '-c', 'echo "$0 $1"', 'name', 'one'])).toEqual({ out: 'name one\n', status: 0 });
  });

  it('runs a script read from stdin (run -)', async () => {
    expect(await nsemu(['run', '-'], 'echo "from $0"; exit 3\n')).toEqual({ out: 'from -\n', status: 3 });
  });

  it('ends quietly (status 141, as by SIGPIPE) when its reader goes away', () => {
    const r = spawnSync('bash', ['-c', `node '${bin}' -c 'for i in $(seq 1 20000); do echo line $i; done' 2>"${join(dir, 'err')}" | head -2; echo "\${PIPESTATUS[0]}"; cat "${join(dir, 'err')}"`], { encoding: 'utf8', timeout: 300_000 });
    expect(r.stdout).toBe('line 1\nline 2\n141\n');
  });

  it('gives the real stdin to the script', async () => {
    expect(await nsemu(['-c', 'read x; echo "x=$x"'], 'line1\n')).toEqual({ out: 'x=line1\n', status: 0 });
    expect(spawnNsemu(['-c', 'read x; echo "x=$x"'], 'line1\n')).toEqual({ out: 'x=line1\n', status: 0 });
  });

  it('reports a missing script and a time limit without a stack trace', async () => {
    expect(await nsemu(['run', join(dir, 'nope.sh')])).toEqual({ out: `nsemu: ${join(dir, 'nope.sh')}: No such file or directory\n`, status: 127 });
    const r = await nsemu(['run', '--max-time', '50', '-c', 'echo a; sleep 60; echo b']);
    expect(r.out).toBe('a\nnsemu: virtual time limit (50 s) reached; stopping every process\n');
    expect(r.status).toBe(137);
    const bad = await nsemu(['run', '--seed', 'x', '-c', 'true']);
    expect(bad.out).toMatch(/^error: option '--seed <n>' argument 'x' is invalid/);
    expect(bad.status).toBe(1);
  });
});

describe('nsemu shell', () => {
  it('runs lines, continues incomplete constructs, survives errors, ends at end of input', async () => {
    const input = ['x=5', 'if [ $x -gt 3 ]; then', '  echo big', 'fi', 'nosuch', 'echo )', 'echo $((1/0))', 'echo still $x', 'sleep 2; echo $SECONDS'].join('\n');
    const r = await nsemu(['shell'], `${input}\n`);
    expect(r.out).toBe(
      'big\nbash: nosuch: command not found\nbash: syntax error near unexpected token `)\'\nbash: 1/0: division by 0 (error token is "0")\nstill 5\n2\n',
    );
    expect(r.status).toBe(0);
  });

  it('stops at exit with its status', async () => {
    expect(await nsemu(['shell'], 'echo a\nexit 3\necho b\n')).toEqual({ out: 'a\nexit\n', status: 3 });
    expect(spawnNsemu(['shell'], 'echo a\nexit 3\necho b\n')).toEqual({ out: 'a\nexit\n', status: 3 });
  });
});

describe('Session (the interactive shell behind nsemu shell)', () => {
  it('interrupts a command with Ctrl-C and keeps the session; outlives a deadlock', async () => {
    let out = '';
    const s = new Session({ onOutput: (_fd, c) => (out += c) });
    const looping = s.run('while :; do :; done; echo not here');
    setTimeout(() => s.interrupt(), 50);
    expect(await looping).toBe(130);
    expect(await s.run('sleep 5 & echo "job $!"; wait; echo "after $SECONDS"')).toBe(0);
    expect(await s.run('sleep infinity')).toBe(137);
    expect(await s.run('echo alive')).toBe(0);
    s.close();
    expect(await s.exited).toBe(0);
    expect(out).toMatch(/^\[1\] (\d+)\njob \1\nafter 5\nnsemu: every process is blocked and nothing is left to happen; stopping them\nKilled\nalive\n$/);
  });
});
