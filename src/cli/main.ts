// The nsemu program: the command line of cli.ts bound to this process's stdio and exit status.
import { main } from './cli.ts';

// A reader that goes away (`nsemu run x.sh | head`) ends nsemu as SIGPIPE ends a program:
// quietly, with status 128 + 13.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(128 + 13);
  });
}

process.exitCode = await main(process.argv, {
  write: (fd, s) => void (fd === 1 ? process.stdout : process.stderr).write(s),
  stdin: process.stdin,
  stdoutTTY: process.stdout.isTTY === true,
  stderrTTY: process.stderr.isTTY === true,
  terminal: process.stdout,
});
