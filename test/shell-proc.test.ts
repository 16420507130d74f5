// Processes in virtual time: pipes, background jobs, $!, wait, kill, trap, timeout, sleep,
// scripts read from stdin, determinism.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';

const run = (src: string, opts: Parameters<typeof runScript>[1] = {}) => runScript(src, opts);
const secs = (ns: number): number => ns / 1e9;

describe('pipes', () => {
  it('connects concurrent stages', async () => {
    const r = await run('echo hi | cat | cat | tr h H; printf "b\\na\\nc\\n" | sort | head -2 | tail -1; seq 3 | while read n; do echo $((n*n)); done');
    expect(r.output).toBe('Hi\nb\n1\n4\n9\n');
  });

  it('runs every stage in a subshell (variables set in a loop stage are lost) and keeps PIPESTATUS', async () => {
    expect((await run('x=0; echo a | while read l; do x=1; done; echo "x=$x"; true | false | true; echo ${PIPESTATUS[*]}')).output).toBe('x=0\n0 1 0\n');
  });

  it('lets a reader consume a writer line by line as the writer produces in virtual time', async () => {
    const r = await run('{ echo a; sleep 1; echo b; sleep 2; echo c; } | while read l; do echo "$l at $SECONDS"; done');
    expect(r.output).toBe('a at 0\nb at 1\nc at 3\n');
    expect(secs(r.machine.now)).toBe(3);
  });

  it('kills a writer whose reader has gone with SIGPIPE (head stops reading)', async () => {
    const r = await run('while true; do echo x; done | head -3; echo "st=${PIPESTATUS[*]}"; yes() { while :; do echo y; done; }; yes | grep -q y; echo "q=$?"; seq 100 | head -n 2');
    expect(r.output).toBe('x\nx\nx\nst=141 0\nq=0\n1\n2\n');
  });

  it('grep reads a pipe line by line; its output to a pipe is block-buffered unless --line-buffered (as bash+grep print)', async () => {
    const r = await run('{ echo a; sleep 1; echo b; sleep 1; echo c; } | grep -v b | while read l; do echo "$l $SECONDS"; done; { echo a; sleep 1; echo c; } | grep --line-buffered -v b | while read l; do echo "$l $SECONDS"; done; printf "a\\nb\\na\\n" | grep -m1 a; printf "ab\\ncd" | grep d');
    expect(r.output).toBe('a 2\nc 2\na 2\nc 3\na\ncd\n');
  });

  it('substitutes processes: < <(cmd), <(a) <(b) as files, > >(cmd)', async () => {
    const r = await run('while read a; do echo "[$a]"; done < <(printf "1\\n2\\n"); cat <(echo x) <(echo y); comm -12 <(printf "a\\nb\\n") <(printf "b\\nc\\n"); echo hi > >(tr a-z A-Z); sleep 1');
    expect(r.output).toBe('[1]\n[2]\nx\ny\nb\nHI\n');
  });

  it('sends stderr through |& and 2>&1', async () => {
    expect((await run('{ echo out; echo err >&2; } 2>&1 | sort; { echo e2 >&2; } |& tr e E')).output).toBe('err\nout\nE2\n');
  });

  it('waits for end of file in command substitution, also from a background job holding the pipe', async () => {
    const r = await run('x=$(echo a; (sleep 5; echo late) & echo b); echo "$x" | tr "\\n" " "; echo; echo $SECONDS');
    expect(r.output).toBe('a b late \n5\n');
  });
});

describe('background jobs in virtual time', () => {
  it('runs `cmd &` concurrently with what follows', async () => {
    const r = await run('(sleep 2; echo a) & sleep 1; echo b; wait; echo "done $SECONDS"');
    expect(r.output).toBe('b\na\ndone 2\n');
    expect(secs(r.machine.now)).toBe(2);
  });

  it('interleaves a background writer and a foreground reader of the same file', async () => {
    const src = `
f=$(mktemp)
(for i in 1 2 3; do echo "w$i" >> "$f"; sleep 1; done) &
for i in 1 2 3; do sleep 0.5; echo "r$i: $(tail -1 "$f")"; sleep 0.5; done
wait
`;
    expect((await run(src)).output).toBe('r1: w1\nr2: w2\nr3: w3\n');
  });

  it('orders parallel jobs by their virtual finishing time', async () => {
    expect((await run('for i in 3 1 2; do (sleep $i; echo $i) & done; wait; echo all')).output).toBe('1\n2\n3\nall\n');
  });

  it('gives $! the job pid and wait its status', async () => {
    const r = await run('sleep 1 & p1=$!; (sleep 2; exit 3) & p2=$!; [ "$p1" != "$p2" ] && echo distinct; wait $p2; echo "p2=$?"; wait $p1; echo "p1=$?"; (exit 4) & wait -n; echo "n=$?"');
    expect(r.output).toBe('distinct\np2=3\np1=0\nn=4\n');
  });

  it('lists running jobs like bash', async () => {
    const r = await run('sleep 10 & sleep 20 & jobs; kill %1; wait %1; echo "st=$?"; jobs');
    expect(r.output).toBe('[1]-  Running                 sleep 10 &\n[2]+  Running                 sleep 20 &\nst=143\n[2]+  Running                 sleep 20 &\n');
  });

  it('gives a background job /dev/null as stdin', async () => {
    expect((await run('(cat; echo "eof") & wait', { stdin: 'not for the job\n' })).output).toBe('eof\n');
  });
});

describe('signals, kill, trap', () => {
  it('kills a sleeping job without waiting for its sleep', async () => {
    const t = performance.now();
    const r = await run('sleep 3600 & p=$!; sleep 1; kill $p; wait $p; echo "st=$?"; echo $SECONDS');
    expect(r.output).toBe('st=143\n1\n');
    // an hour of sleep: in wall time it would take an hour; the bound is far above any machine's speed
    expect(performance.now() - t).toBeLessThan(600_000);
  });

  it('understands signal specs', async () => {
    expect((await run('sleep 9 & kill -9 $!; wait $!; echo $?; sleep 9 & kill -s INT $!; wait $!; echo $?; sleep 9 & kill -SIGUSR1 $!; wait $!; echo $?; kill -l 15; kill -s FOO 1; echo $?')).output).toBe(
      '137\n130\n138\nTERM\nbash: line 1: kill: FOO: invalid signal specification\n1\n',
    );
  });

  it('reports a foreground command killed by a signal as bash does', async () => {
    const r = await run("sh -c 'kill -9 $$'; echo rc=$?; sh -c 'kill $$'; echo rc=$?", { name: 'k.sh' });
    expect(r.output).toMatch(/^k\.sh: line 1: \d+ Killed {18}sh -c 'kill -9 \$\$'\nrc=137\nTerminated\nrc=143\n$/);
  });

  it('runs the EXIT trap at the end, after exit N, and when killed by TERM', async () => {
    const a = await run('trap "echo bye \\$?" EXIT; echo body');
    expect(a.output).toBe('body\nbye 0\n');
    const b = await run('trap "echo bye" EXIT; exit 3');
    expect(b.output).toBe('bye\n');
    expect(b.status).toBe(3);
    const c = await run('trap "echo bye" EXIT; kill $$; echo notreached');
    expect(c.output).toBe('bye\n');
    expect(c.status).toBe(143);
    const d = await run('trap "exit 5" EXIT; exit 3');
    expect(d.status).toBe(5);
  });

  it('runs a signal trap and continues; defers it until the foreground command ends', async () => {
    expect((await run('trap "echo INT caught" INT; kill -INT $$; echo after')).output).toBe('INT caught\nafter\n');
    const r = await run('trap "echo usr1 at \\$SECONDS" USR1; (sleep 1; kill -USR1 $$) & sleep 3; echo "slept $SECONDS"');
    expect(r.output).toBe('usr1 at 3\nslept 3\n');
    const w = await run('trap "echo usr1" USR1; (sleep 1; kill -USR1 $$) & wait; echo "waited $? at $SECONDS"');
    expect(w.output).toBe('usr1\nwaited 138 at 1\n');
  });

  it('resets traps in subshells and keeps ignored signals ignored', async () => {
    expect((await run("trap 'echo t1' EXIT; (trap 'echo t2' EXIT; echo sub); echo main")).output).toBe('sub\nt2\nmain\nt1\n');
    expect((await run("trap '' TERM; sleep 2 & kill $!; wait $!; echo st=$?")).output).toBe('st=0\n');
  });
});

describe('sleep and timeout', () => {
  it('sleeps in virtual time only', async () => {
    const t = performance.now();
    const r = await run('sleep 3600; echo $SECONDS; sleep 0.25 0.25s; sleep 1m');
    expect(r.output).toBe('3600\n');
    expect(secs(r.machine.now)).toBe(3660.5);
    // an hour of sleep: in wall time it would take an hour; the bound is far above any machine's speed
    expect(performance.now() - t).toBeLessThan(600_000);
  });

  it('stops the command at the deadline with 124, or with its own status', async () => {
    const r = await run('timeout 2 sleep 10; echo "rc=$? t=$SECONDS"; timeout 5 sh -c "exit 7"; echo "rc=$? t=$SECONDS"; timeout 1 nosuch; echo $?; timeout x true; echo $?');
    expect(r.output).toBe(
      "rc=124 t=2\nrc=7 t=2\ntimeout: failed to run command ‘nosuch’: No such file or directory\n127\ntimeout: invalid time interval ‘x’\nTry 'timeout --help' for more information.\n125\n",
    );
  });

  it('kills with -s KILL (timeout dies of it too) and escalates with -k', async () => {
    const r = await run("timeout -s KILL 1 sleep 5; echo rc=$?; timeout -k 1 1 sh -c 'trap \"\" TERM; sleep 10'; echo \"rc=$? t=$SECONDS\"", { name: 't.sh' });
    expect(r.output).toMatch(/^t\.sh: line 1: \d+ Killed {18}timeout -s KILL 1 sleep 5\nrc=137\nt\.sh: line 1: \d+ Killed {18}timeout -k 1 1 sh -c 'trap "" TERM; sleep 10'\nrc=137 t=3\n$/);
  });

  it('reports usage errors', async () => {
    expect((await run('sleep; sleep abc; echo rc=$?')).output).toBe(
      "sleep: missing operand\nTry 'sleep --help' for more information.\nsleep: invalid time interval ‘abc’\nTry 'sleep --help' for more information.\nrc=1\n",
    );
  });
});

describe('shells started by scripts', () => {
  it('runs bash -c, sh -c and bash FILE with their own $0 and arguments', async () => {
    expect((await run("bash -c 'echo inner $0 $1' zero one; echo 'echo file $0 $1' > /tmp/f.sh; bash /tmp/f.sh A; bash /nonexist.sh; echo rc=$?")).output).toBe(
      'inner zero one\nfile /tmp/f.sh A\nbash: /nonexist.sh: No such file or directory\nrc=127\n',
    );
  });

  it('reads a script from stdin one command at a time, leaving the rest to the commands it runs', async () => {
    expect((await run("printf 'read l\\nthe line read\\necho \"l=$l\"\\n' | bash")).output).toBe('l=the line read\n');
    expect((await run("printf 'read l\\necho \"l=$l\"\\nline two\\n' | bash")).output).toBe('bash: line 2: line: command not found\n');
    expect((await run("bash <<'XX'\necho heredoc bash\nfoo\necho after\nXX\necho 'exit 7' | bash; echo rc=$?")).output).toBe(
      'heredoc bash\nbash: line 2: foo: command not found\nafter\nrc=7\n',
    );
  });

  it('passes exported variables to child processes only', async () => {
    expect((await run("x=1; export x; y=2; bash -c 'echo x=$x y=$y'; z=3 bash -c 'echo z=$z'; A=1 env | grep ^A=")).output).toBe('x=1 y=\nz=3\nA=1\n');
  });
});

describe('determinism', () => {
  const src = 'for i in 1 2 3; do (sleep 0.$i; echo "job $i $(mktemp)") & done; wait; echo $RANDOM $RANDOM; mktemp -d';
  it('gives the same bytes for the same script and seed', async () => {
    const a = await run(src, { seed: 7 });
    const b = await run(src, { seed: 7 });
    expect(a.output).toBe(b.output);
    expect(a.output).toMatch(/^job 1 \/tmp\/tmp\.\w{10}\njob 2 /);
  });
  it('changes the random names with the seed', async () => {
    const a = await run(src, { seed: 7 });
    const c = await run(src, { seed: 8 });
    expect(a.output).not.toBe(c.output);
  });
});

describe('the machine stops runaway scripts', () => {
  it('ends a run blocked forever with a notice', async () => {
    const r = await run('echo start; sleep infinity; echo never');
    expect(r.output).toBe('start\nnsemu: every process is blocked and nothing is left to happen; stopping them\n');
    expect(r.status).toBe(137);
  });
  it('ends at the virtual time limit', async () => {
    const r = await run('while true; do sleep 100; done', { maxTime: 1000 });
    expect(r.output).toBe('nsemu: virtual time limit (1000 s) reached; stopping every process\n');
  });
});
