// ping's table of received sequence numbers (iputils' rcvd_tbl, 65,536 bits) is reused when the
// 16-bit sequence wraps: each slot is cleared when its probe is sent (rcvd_clear), so a run of
// more than 65,536 probes reports no duplicates. In virtual time such a flood takes seconds.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';

describe('ping past 65,536 probes (the sequence number wraps)', () => {
  it('a flood of 70,000 (ping -f -c 70000) reports no duplicates', async () => {
    const r = await runScript('ip link set lo up\nping -f -c 70000 127.0.0.1 | tail -2', { seed: 1 });
    expect(r.stderr).toBe('');
    // a duplicate would show as "+N duplicates," in the statistics
    expect(r.stdout).toMatch(/^70000 packets transmitted, 70000 received, 0% packet loss, time \d+ms\nrtt /m);
  }, 300_000);
});
