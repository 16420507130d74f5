// Records scenario scripts on the real kernel.
//
//   npx tsx scripts/record.ts [-n RUNS] FILE.sh...
//   npx tsx scripts/record.ts --check [-n RUNS] FILE.sh...   (compare with the recordings, write nothing)
//   npx tsx scripts/record.ts --if-unchanged [-n RUNS] FILE.sh...
//       (re-record only the scripts whose output and exit status are those of their recording, e.g.
//       to refresh the manifest's kernel and tool versions; a changed one is reported, not written)
//
// Each script runs RUNS times (default 3), one run at a time, each in a fresh sandbox (see
// src/verify/sandbox.ts: new network + mount namespaces, tmpfs /run and /run/netns, /sys
// remounted; nothing can touch the machine's networking). Every run's stdout+stderr is normalised
// (src/verify/normalize.ts). If all runs agree (output and exit status), DIR/expected/NAME.out is
// written beside the script and DIR/expected/MANIFEST.json gets an entry (kernel, tool versions,
// date, sha256 of script and output, runs, status). If they do not, the differences are printed,
// nothing is written for that script, and the exit status is 1. Needs root.
import { kernelAvailable } from '../src/verify/sandbox.ts';
import { expectedDir, expectedPath, kernelRelease, readManifest, recordScript, saveRecording, toolVersions } from '../src/verify/recorder.ts';
import { unifiedDiff } from '../src/verify/diff.ts';
import { existsSync, readFileSync } from 'node:fs';

function usage(msg?: string): never {
  if (msg) console.error(`record: ${msg}`);
  console.error('usage: npx tsx scripts/record.ts [--check | --if-unchanged] [-n RUNS] FILE.sh...');
  process.exit(2);
}

const args = process.argv.slice(2);
let runs = 3;
let check = false;
let ifUnchanged = false;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '-n') {
    runs = Number(args[++i]);
    if (!Number.isInteger(runs) || runs < 1) usage(`-n wants a positive integer, got "${args[i]}"`);
  } else if (/^-n\d+$/.test(a)) runs = Number(a.slice(2));
  else if (a === '--check') check = true;
  else if (a === '--if-unchanged') ifUnchanged = true;
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else files.push(a);
}
if (!files.length) usage('no scripts given');
if (check && ifUnchanged) usage('--check and --if-unchanged exclude each other');
for (const f of files) {
  if (!existsSync(f)) usage(`no such file: ${f}`);
  if (!f.endsWith('.sh')) usage(`not a .sh script: ${f}`);
}

const k = kernelAvailable();
if (!k.ok) {
  console.error(`record: cannot run on the real kernel here: ${k.reason}`);
  process.exit(2);
}

const env = { kernel: kernelRelease(), tools: toolVersions() };
console.log(`record: kernel ${env.kernel}; ${Object.entries(env.tools).map(([t, v]) => `${t} ${v}`).join(', ')}`);
let status = 0;
for (const f of files) {
  const rec = await recordScript(f, runs, (l) => console.log(l));
  if (rec.leak) {
    console.log(`LEAK: ${rec.name}:\n${rec.leak}`);
    status = 1;
  }
  if (rec.flaky) {
    process.stdout.write(rec.flaky);
    console.log(`${rec.name}: NOT recorded (runs differ)`);
    status = 1;
    continue;
  }
  if (check || ifUnchanged) {
    const exp = expectedPath(f);
    const want = existsSync(exp) ? readFileSync(exp, 'utf8') : '';
    const wantStatus = readManifest(expectedDir(f))[rec.name]?.status;
    if (rec.output !== want) {
      process.stdout.write(`DIFFERS: ${rec.name} from ${exp}:\n${unifiedDiff(want, rec.output, 'recording', 'now', { maxLines: 80 })}`);
      status = 1;
      continue;
    }
    if (wantStatus !== rec.status) {
      console.log(`DIFFERS: ${rec.name} exits ${rec.status}, its recording ${wantStatus ?? '(none)'}`);
      status = 1;
      continue;
    }
    console.log(`${rec.name}: same as the recording over ${runs} runs`);
    if (check) continue;
  }
  saveRecording(rec, env);
  const lines = rec.output.split('\n').length - 1;
  console.log(`${rec.name}: ${lines} lines, exit ${rec.status}, identical over ${runs} runs`);
}
process.exit(status);
