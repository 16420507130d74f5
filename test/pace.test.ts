// An interactive session paces virtual time to a wall clock (MachineOptions.pace): the clock
// here is vitest's fake one, so nothing depends on how fast this machine is.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMachine } from '../src/kernel/world.ts';
import { SIG } from '../src/kernel/machine.ts';
import { runScript } from '../src/shell/index.ts';

describe('paced virtual time', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const start = (src: string) => {
    const m = createMachine({ seed: 1, pace: () => Date.now() });
    let out = '';
    let status: number | undefined;
    void runScript(src, { machine: m, onOutput: (_fd, s) => void (out += s) }).then((r) => void (status = r.status));
    return { m, out: () => out, status: () => status };
  };

  it('sleep 5 takes five seconds of the clock', async () => {
    const r = start('sleep 5; echo done');
    await vi.advanceTimersByTimeAsync(4900);
    expect(r.out()).toBe('');
    expect(r.status()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(r.out()).toBe('done\n');
    expect(r.status()).toBe(0);
  });

  it('ping prints one reply a second, and its statistics when interrupted', async () => {
    const r = start('ip link set lo up; ping 127.0.0.1');
    await vi.advanceTimersByTimeAsync(2500);
    expect(r.out().match(/bytes from 127.0.0.1/g)).toHaveLength(3);
    const ping = [...r.m.procs.values()].find((p) => p.comm === 'ping')!;
    r.m.kill(ping, SIG.SIGINT);
    await vi.advanceTimersByTimeAsync(10);
    expect(r.out()).toContain('3 packets transmitted, 3 received, 0% packet loss');
    expect(r.status()).toBe(0);
  });

  it('a process waiting with nothing left to happen waits for a signal instead of being stopped', async () => {
    const r = start('tcpdump -i lo -n');
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(r.status()).toBeUndefined();
    expect(r.out()).not.toContain('nothing is left to happen');
    const tcpdump = [...r.m.procs.values()].find((p) => p.comm === 'tcpdump')!;
    r.m.kill(tcpdump, SIG.SIGINT);
    await vi.advanceTimersByTimeAsync(10);
    expect(r.out()).toContain('0 packets captured');
    expect(r.status()).toBe(0);
  });

  it('at an idle moment time stands still: the next command starts where the last ended', async () => {
    const m = createMachine({ seed: 1, pace: () => Date.now() });
    const first = runScript('sleep 1', { machine: m });
    await vi.advanceTimersByTimeAsync(1100);
    await first;
    const t = m.now;
    await vi.advanceTimersByTimeAsync(60_000); // the prompt, idle
    expect(m.now).toBe(t);
    const second = runScript('sleep 2; echo $?', { machine: m });
    await vi.advanceTimersByTimeAsync(1900);
    expect(m.now - t).toBeLessThan(2_000_000_000);
    await vi.advanceTimersByTimeAsync(200);
    expect((await second).output).toBe('0\n');
  });
});
