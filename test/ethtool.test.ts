// `ethtool`: DEV, -i, -S, -k for veth, bridge and lo, and the errors.
// The whole session of these commands on the real kernel is the recorded scenario
// test/scenarios/ethtool-session.sh (run in nsemu by test/scenarios.test.ts); the tests here
// check single behaviours in nsemu alone (the World after a failed command, and the like).
import { describe, expect, it } from 'vitest';
import { Env, ok } from './ip-helpers.ts';

describe('ethtool', () => {
  it('-S reports the peer ifindex in the peer namespace', async () => {
    const env = new Env();
    await ok(env, 'ip netns add c');
    await ok(env, 'ip link add v24 index 24 type veth peer name e23 index 23 netns c');
    expect((await ok(env, 'ethtool -S v24')).split('\n')[1]).toBe('     peer_ifindex: 23');
    expect((await ok(env, 'ethtool -S e23', { netns: 'c' })).split('\n')[1]).toBe('     peer_ifindex: 24');
  });
});
