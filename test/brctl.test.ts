// brctl beside the recorded scenario (test/scenarios/bridge-brctl.sh): the forms tutorials pipe
// it through (GNU sort's keys over its leading blanks), setageing's units, showmacs timers.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';

describe('brctl', () => {
  it('showmacs rows sort as GNU sort orders them (-k1,1n -k3,3 over leading blanks)', async () => {
    const r = await runScript(
      'printf "port no\\tmac addr\\t\\tis local?\\tageing timer\\n  2\\tbb\\tyes\\t\\t   0.00\\n 10\\taa\\tno\\t\\t   1.00\\n  1\\tcc\\tyes\\t\\t   0.00\\n  1\\tdd\\tno\\t\\t   0.00\\n" | sort -k1,1n -k3,3\n',
    );
    expect(r.stdout).toBe(
      'port no\tmac addr\t\tis local?\tageing timer\n  1\tdd\tno\t\t   0.00\n  1\tcc\tyes\t\t   0.00\n  2\tbb\tyes\t\t   0.00\n 10\taa\tno\t\t   1.00\n',
    );
  });

  it('setageing takes seconds (sysfs and ip -d show centiseconds); showmacs counts the timer up', async () => {
    const r = await runScript(
      'brctl addbr br0; brctl setageing br0 12.5; ip -d link show br0 | grep -o "ageing_time [0-9]*"\n' +
        'ip netns add a; ip netns add b\n' +
        'ip link add pa type veth peer name e netns a; ip link add pb type veth peer name e netns b\n' +
        'brctl addif br0 pa pb; ip link set pa up; ip link set pb up; ip link set br0 up\n' +
        'ip -n a link set e up; ip -n b link set e up; ip -n a addr add 10.1.0.1/24 dev e; ip -n b addr add 10.1.0.2/24 dev e\n' +
        'ip netns exec a ping -c 1 -W 1 10.1.0.2 > /dev/null; sleep 2.5\n' +
        'brctl showmacs br0 | awk \'$3 == "no" { print $1, $4 }\' | sort\n' +
        'brctl showstp br0 | grep "ageing time"\n',
    );
    expect(r.stdout).toBe('ageing_time 1250\n1 2.50\n2 2.50\n ageing time\t\t  12.50\n');
  });

  it('stp on: ports pass through listening and learning, forward_delay each', async () => {
    const r = await runScript(
      'brctl addbr br0; brctl stp br0 on; ip link set br0 type bridge forward_delay 300; brctl show | cut -f4\n' +
        'ip link add p type veth peer name q; brctl addif br0 p; ip link set p up; ip link set q up; ip link set br0 up\n' +
        'for t in 0 3 3; do sleep $t; bridge link | grep -o "state [a-z]*"; done\n',
    );
    expect(r.stdout).toBe('STP enabled\nyes\nstate listening\nstate learning\nstate forwarding\n');
  });
});
