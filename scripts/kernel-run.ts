// Runs a bash script once on the real kernel, in the sandbox of src/verify/sandbox.ts, and prints
// its stdout+stderr: a quick way to see what the kernel says before writing a scenario.
//
//   npx tsx scripts/kernel-run.ts [-N] FILE.sh      (-N: normalise the output like the recordings)
//   npx tsx scripts/kernel-run.ts [-N] -e 'ip link add a type veth; ip -br link'
//
// Exits with the script's exit status. Needs root.
import { kernelAvailable, runFileInSandbox, runInSandbox } from '../src/verify/sandbox.ts';
import { normalize } from '../src/verify/normalize.ts';

const args = process.argv.slice(2);
let norm = false;
let source: string | undefined;
let file: string | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '-N') norm = true;
  else if (a === '-e') source = args[++i];
  else file = a;
}
if (source === undefined && file === undefined) {
  console.error("usage: npx tsx scripts/kernel-run.ts [-N] FILE.sh | -e 'COMMANDS'");
  process.exit(2);
}
const k = kernelAvailable();
if (!k.ok) {
  console.error(`kernel-run: cannot run on the real kernel here: ${k.reason}`);
  process.exit(2);
}
const r = source !== undefined ? await runInSandbox(source) : await runFileInSandbox(file!);
process.stdout.write(norm ? normalize(r.output) : r.output);
process.exit(r.status);
