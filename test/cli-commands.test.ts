// The nsemu command line's own words: unknown subcommands and options are commander's errors
// (status 1, nothing run), --version prints package.json's version. In-process (helpers/cli.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.ts';
import { root } from './helpers/needs.ts';

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('nsemu', () => {
  it('an unknown subcommand is an error, not the help', async () => {
    expect(await cli(['frobnicate'])).toEqual({ out: "error: unknown command 'frobnicate'\n", stdout: '', stderr: "error: unknown command 'frobnicate'\n", status: 1 });
    expect(await cli(['frobnicate', 'x.sh', '--why'])).toMatchObject({ stdout: '', status: 1 });
    // a subcommand's own mistakes are its errors
    expect(await cli(['explain'])).toMatchObject({ stderr: "error: missing required argument 'script'\n", status: 1 });
  });

  it('an unknown option is an error, before or after a subcommand', async () => {
    expect(await cli(['--bogus'])).toMatchObject({ stderr: "error: unknown option '--bogus'\n", stdout: '', status: 1 });
    expect(await cli(['run', '--bogus', '-c', 'echo no'])).toMatchObject({ stderr: "error: unknown option '--bogus'\n", stdout: '', status: 1 });
    expect(await cli(['shell', '--bogus'])).toMatchObject({ stderr: "error: unknown option '--bogus'\n", stdout: '', status: 1 });
  });

  it('--version and -V print the version', async () => {
    expect(await cli(['--version'])).toEqual({ out: `${version}\n`, stdout: `${version}\n`, stderr: '', status: 0 });
    expect(await cli(['-V'])).toMatchObject({ stdout: `${version}\n`, status: 0 });
  });

  it('with nothing to do prints the help on stderr, status 1; -c and run still run', async () => {
    const r = await cli([]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: nsemu \[options\] \[command\] \[args\.\.\.\]\n/);
    expect(r.stderr).toMatch(/\n {2}graph \[options\] <script> \[args\.\.\.\]/);
    expect(r.status).toBe(1);
    expect(await cli(['-c', 'echo "$0 $1"', 'name', 'x'])).toMatchObject({ out: 'name x\n', status: 0 });
    expect(await cli(['run', '-c', 'exit 5'])).toMatchObject({ out: '', status: 5 });
  });
});
