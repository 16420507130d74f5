// nsemu shell in a real terminal: tmux (its own server, on a socket of this test's) runs
// `nsemu shell`, the test types into it and reads the screen. Nothing is timed: each step polls
// the screen until what it waits for appears, within a generous overall limit that only
// catches a hang. Skipped (with the reason) without tmux; NSEMU_REQUIRE_KERNEL=1 makes that a
// failure, as for the other host tools.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeNeeds, hostTool } from './helpers/needs.ts';
import { bin } from './helpers/cli.ts';

/** how long one step may wait for the screen (a hang, not a measurement) */
const LIMIT_MS = 120_000;
const socket = `nsemu-test-${process.pid}`;
// not inside the tmux the tests may run in; no user configuration
const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
delete env.TMUX;

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
/** the whole screen and its scrollback, lines joined where they wrapped */
const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'nsemu');
/** type text literally (no key names), then the keys named after it (Enter, Tab) */
const type = (text: string, ...keys: string[]): void => {
  if (text) tmux('send-keys', '-t', 'nsemu', '-l', text);
  for (const k of keys) tmux('send-keys', '-t', 'nsemu', k);
};

async function waitFor(what: RegExp): Promise<string> {
  const until = Date.now() + LIMIT_MS;
  for (;;) {
    const s = screen();
    if (what.test(s)) return s;
    if (Date.now() > until) throw new Error(`the screen never showed ${what} (hung?); it shows:\n${s}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeNeeds('nsemu shell in a terminal (tmux)', hostTool('tmux', 'tmux'), () => {
  beforeAll(async () => {
    tmux('new-session', '-d', '-s', 'nsemu', '-x', '160', '-y', '50', `node '${bin}' shell`);
    // the prompt
    await waitFor(/^# $/m);
  }, LIMIT_MS);
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { env });
  });

  it('sudo ip link add works', async () => {
    type('sudo ip link add v0 type veth peer name v1; echo "rc=$?"', 'Enter');
    await waitFor(/^rc=0$/m);
    type('sudo ip -br link show v0; echo done-1', 'Enter');
    const s = await waitFor(/^done-1$/m);
    expect(s).toMatch(/^v0@v1 +DOWN /m);
  }, LIMIT_MS);

  it('Tab completes `ip netns exec <Tab>` to the namespace names, and a prefix to the one', async () => {
    type('ip netns add red; ip netns add blue; echo done-2', 'Enter');
    await waitFor(/^done-2$/m);
    type('ip netns exec ', 'Tab', 'Tab');
    // readline lists the candidates under the line, then shows the line again
    await waitFor(/^blue +red\s*$/m);
    type('r', 'Tab');
    await waitFor(/^# ip netns exec red $/m);
    type('ip netns identify', 'Enter');
    await waitFor(/^# ip netns exec red ip netns identify\nred\n/m);
  }, LIMIT_MS);

  it('paced time: `ping 127.0.0.1` interrupted by Ctrl-C shows its replies, ^C and the statistics', async () => {
    type('ip link set lo up; ping 127.0.0.1', 'Enter');
    await waitFor(/icmp_seq=2 /);
    type('', 'C-c');
    const s = await waitFor(/^rtt min\/avg\/max\/mdev = .*\n# $/m);
    expect(s.match(/^64 bytes from 127\.0\.0\.1: icmp_seq=\d+ /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(s).toMatch(/^\^C\n--- 127\.0\.0\.1 ping statistics ---\n(\d+) packets transmitted, \1 received, 0% packet loss/m);
  }, LIMIT_MS);

  it('a foreground `tcpdump -c 2` prints two packets of a ping started in the background before it', async () => {
    type('ping -c 3 127.0.0.1 >/dev/null &', 'Enter');
    type('tcpdump -i lo -n -c 2; echo done-4', 'Enter');
    const s = await waitFor(/^done-4$/m);
    expect(s).toMatch(/^2 packets captured$/m);
    expect(s.match(/^[\d:.]+ IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo (request|reply)/gm)).toHaveLength(2);
  }, LIMIT_MS);

  it('nested shell: `ip netns exec x bash` reads the typed lines with its own prompt; exit returns', async () => {
    type('cd /tmp; OUTER=kept; ip netns add x; ip netns exec x bash', 'Enter');
    await waitFor(/^\[x\] # $/m);
    type('ip netns identify; INNER=1; echo done-5', 'Enter');
    const s = await waitFor(/^done-5$/m);
    expect(s).toMatch(/^\[x\] # ip netns identify; INNER=1; echo done-5\nx\ndone-5$/m);
    type('exit', 'Enter');
    await waitFor(/^exit\n# $/m);
    type('ip netns identify; echo "[$OUTER][$INNER]"; pwd; echo done-6', 'Enter');
    const t = await waitFor(/^done-6$/m);
    // in the root namespace identify prints an empty name (iproute2's printf("%s\n", name))
    expect(t).toMatch(/echo done-6\n\n\[kept\]\[\]\n\/tmp\ndone-6$/m);
    type('cd; ip netns del x; echo done-7', 'Enter');
    await waitFor(/^done-7$/m);
  }, LIMIT_MS);

  it('`&` says `[1] PID`, the next prompt after it ends `[1]+  Done  CMD`, and jobs lists what runs', async () => {
    type('sleep 1 &', 'Enter');
    await waitFor(/^# sleep 1 &\n\[1\] \d+\n# $/m);
    type('sleep 2; sleep 30 & jobs', 'Enter');
    // what bash 5.2 prints (checked in tmux): the ended job is reported before the next one starts
    await waitFor(/^# sleep 2; sleep 30 & jobs\n\[1\]\+  Done {20}sleep 1\n\[1\] \d+\n\[1\]\+  Running {17}sleep 30 &\n# $/m);
    type('kill %1; sleep 1; echo done-8', 'Enter');
    await waitFor(/^done-8\n\[1\]\+  Terminated {14}sleep 30\n# $/m);
  }, LIMIT_MS);

  it('the topology is intact afterwards', async () => {
    type('ip netns list; ip -br link | cut -d" " -f1; echo done-3', 'Enter');
    const s = await waitFor(/^done-3$/m);
    expect(s).toMatch(/^blue\nred\nlo\nv1@v0\nv0@v1\ndone-3$/m);
  }, LIMIT_MS);
});
