// Real-kernel tests (need root and network namespaces; see src/verify/sandbox.ts):
//   * three quick project scenarios, run again in the sandbox, still give their recording;
//   * the sandbox leaves the machine alone: its networking, named namespaces, /run/netns,
//     sysctls and mounts are the same before and after a run, during a run, and after a run
//     killed midway with SIGKILL (whose processes are then all gone).
// Without a usable kernel these tests are skipped with the reason, unless NSEMU_REQUIRE_KERNEL=1
// (CI), which turns the reason into a failure.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { unifiedDiff } from '../../src/verify/diff.ts';
import { normalize } from '../../src/verify/normalize.ts';
import { expectedPath, readManifest, toolVersions } from '../../src/verify/recorder.ts';
import { machineState, runFileInSandbox, runInSandbox, startSandbox } from '../../src/verify/sandbox.ts';
import { describeNeeds, kernel } from '../helpers/needs.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const QUICK = ['ifindex-alloc', 'netns-ids', 'netns-move'];


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `cond` holds or `ms` passed; returns whether it held. */
async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(100);
  }
  return cond();
}

function hostProcessesWith(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(marker)) found.push(`${pid}: ${cmd}`);
    } catch {
      /* gone */
    }
  }
  return found;
}

describeNeeds('real kernel', kernel(), () => {
  describe('recordings still hold', () => {
    const dir = join(root, 'test/scenarios');
    const manifest = readManifest(join(dir, 'expected'));
    test.each(QUICK)('%s', async (name) => {
      const script = join(dir, `${name}.sh`);
      const expected = readFileSync(expectedPath(script), 'utf8');
      const r = await runFileInSandbox(script, { timeoutMs: 400_000 });
      const got = normalize(r.output);
      if (got !== expected) {
        const e = manifest[name];
        const now = toolVersions();
        const versions = e
          ? Object.keys({ ...e.tools, ...now })
              .filter((t) => e.tools[t] !== now[t])
              .map((t) => `${t} ${e.tools[t] ?? '-'} then, ${now[t] ?? '-'} now`)
          : [];
        throw new Error(
          `test/scenarios/${name}.sh gives a different output on this machine than its recording` +
            (e ? ` (recorded on Linux ${e.kernel} ${e.recorded}; this is ${process.platform} ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}` : '') +
            (versions.length ? `; tool versions differ: ${versions.join(', ')}` : '') +
            `):\n${unifiedDiff(expected, got, 'recording', 'now', { maxLines: 120 })}`,
        );
      }
      const status = manifest[name]?.status;
      if (status !== undefined && r.status !== status) throw new Error(`test/scenarios/${name}.sh exited ${r.status}; the recording exited ${status}`);
    });
  });

  describe('the sandbox leaves the machine alone', () => {
    // Touches everything a scenario may touch: namespaces, veths, addresses, routes, neighbours,
    // sysctls (also IPv4 conf/all, which new namespaces copy from the machine's), lo, /run/netns.
    const BUSY = `
      ip link set lo up
      ip netns add nsemu_t1; ip netns add nsemu_t2
      ip link add nsemu-v0 type veth peer name nsemu-v1 netns nsemu_t1
      ip addr add 10.250.0.1/24 dev nsemu-v0; ip link set nsemu-v0 up
      ip -n nsemu_t1 addr add 10.250.0.2/24 dev nsemu-v1; ip -n nsemu_t1 link set nsemu-v1 up
      ip route add default via 10.250.0.2; ip route add 10.251.0.0/16 via 10.250.0.2
      ip neigh add 10.250.0.9 lladdr 02:00:00:00:00:09 dev nsemu-v0
      sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=1 net.ipv6.conf.all.disable_ipv6=1
      ip link set lo mtu 1500
      ip link set lo down
      ip netns set nsemu_t2 7
      command -v iptables >/dev/null && iptables -A INPUT -j ACCEPT
      ls /run/netns
    `;

    test('after a normal run', async () => {
      const before = machineState();
      expect(before, 'the listings of the machine are not empty').toMatch(/\n1: lo: <LOOPBACK/);
      const r = await runInSandbox(BUSY, { timeoutMs: 400_000 });
      expect(r.output).toContain('nsemu_t1');
      expect(r.status).toBe(0);
      const after = machineState();
      if (after !== before) throw new Error(`the machine changed:\n${unifiedDiff(before, after, 'before', 'after')}`);
    });

    test('during a run, and after one killed midway with SIGKILL', async () => {
      const marker = `1000.${process.pid}`;
      const before = machineState();
      const tmp = mkdtempSync(join(tmpdir(), 'nsemu-kill-'));
      try {
        const script = join(tmp, 'kill.sh');
        writeFileSync(script, `${BUSY}\nip netns exec nsemu_t1 sleep ${marker} &\nsleep ${marker} &\necho READY\nsleep ${marker}\n`);
        const r = startSandbox(script, { timeoutMs: 400_000 });
        // the state, not a line printed before it: READY comes before the last sleep starts
        const ready = await waitFor(() => r.output().includes('READY') && hostProcessesWith(`sleep ${marker}`).length >= 3, 300_000);
        expect(ready, `the sandbox never got its three sleeps running; output:\n${r.output()}`).toBe(true);
        expect(hostProcessesWith(`sleep ${marker}`).length).toBe(3);
        const during = machineState();
        if (during !== before) throw new Error(`the machine changed while the sandbox ran:\n${unifiedDiff(before, during, 'before', 'during')}`);
        r.kill('SIGKILL');
        const res = await r.result;
        expect(res.status).toBe(128 + 9);
        // namespace teardown is asynchronous in the kernel; give it a moment
        const gone = await waitFor(() => hostProcessesWith(`sleep ${marker}`).length === 0, 120_000);
        expect(gone, `processes left behind: ${hostProcessesWith(`sleep ${marker}`).join('; ')}`).toBe(true);
        await waitFor(() => machineState() === before, 120_000);
        const after = machineState();
        if (after !== before) throw new Error(`the machine changed after the killed run:\n${unifiedDiff(before, after, 'before', 'after')}`);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
