// The virtual files a script sees are those of the reading process's network namespace:
// /proc/sys/net, /sys/class/net, /run/netns, /proc/PID/ns; and sysctl(8) over them.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';
import type { Command } from '../src/userland/command.ts';
import { netnsAddNamed } from '../src/kernel/netns.ts';

// A stand-in for `ip netns add/list/exec` (the real ip is src/userland's): enough to put a
// shell into a second namespace created through the kernel API.
const ip: Command = async (ctx) => {
  const [obj, sub, name, ...rest] = ctx.argv.slice(1);
  if (obj !== 'netns') return 1;
  if (sub === 'add') {
    ctx.m.mutate((k) => netnsAddNamed(k, name!));
    return 0;
  }
  if (sub === 'list') {
    for (const e of ctx.m.world.netnsNames) ctx.stdout.write(`${e.name}\n`);
    return 0;
  }
  if (sub === 'exec') {
    const ns = ctx.m.world.netnsNames.find((e) => e.name === name)?.ns;
    if (ns === undefined) {
      ctx.stderr.write(`Cannot open network namespace "${name}": No such file or directory\n`);
      return 255;
    }
    return ctx.run(rest, { netns: ns });
  }
  return 1;
};

const run = (src: string, opts: Parameters<typeof runScript>[1] = {}) => runScript(src, { programs: { ip }, ...opts });
const out = async (src: string): Promise<string> => (await run(src)).output;

describe('/proc/sys/net bound to the namespace', () => {
  it('reads and writes the sysctls of the namespace the process is in', async () => {
    const r = await run(`
ip netns add blue
ip netns exec blue sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
echo "root: $(cat /proc/sys/net/ipv4/ip_forward)"
echo "blue: $(ip netns exec blue cat /proc/sys/net/ipv4/ip_forward)"
ip netns exec blue bash <<'EOF'
read v < /proc/sys/net/ipv4/ip_forward
echo "heredoc shell in blue: $v"
EOF
`);
    expect(r.output).toBe('root: 0\nblue: 1\nheredoc shell in blue: 1\n');
    const w = r.machine.world;
    const blue = w.netnsNames.find((e) => e.name === 'blue')!.ns;
    expect(w.netns[blue]!.sysctl['ipv4/ip_forward']).toBe('1');
    expect(w.netns[w.initNs]!.sysctl['ipv4/ip_forward']).toBe('0');
  });

  it('reports the kernel refusing a value as bash does', async () => {
    expect(await out('echo abc > /proc/sys/net/ipv4/ip_forward; echo rc=$?; printf x > /proc/sys/net/ipv4/ip_forward; echo rc=$?')).toBe(
      'bash: line 1: echo: write error: Invalid argument\nrc=1\nbash: line 1: printf: write error: Invalid argument\nrc=1\n',
    );
    expect(await out("sh -c 'echo abc > /proc/sys/net/ipv4/ip_forward'; echo rc=$?")).toBe('sh: 1: echo: echo: I/O error\nrc=1\n');
    expect(await out('echo 1 > /proc/sys/net/ipv4/nonexist; echo rc=$?; cat <<< abc > /proc/sys/net/ipv4/ip_forward; echo rc=$?')).toBe(
      'bash: line 1: /proc/sys/net/ipv4/nonexist: No such file or directory\nrc=1\ncat: write error: Invalid argument\nrc=1\n',
    );
  });

  it('denies writes to non-root processes', async () => {
    expect(await out("setpriv --reuid=65534 --regid=65534 --clear-groups bash -c 'echo 0 > /proc/sys/net/ipv4/ip_forward'; echo rc=$?; setpriv --reuid=65534 --regid=65534 --clear-groups id")).toBe(
      'bash: line 1: /proc/sys/net/ipv4/ip_forward: Permission denied\nrc=1\nuid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n',
    );
  });

  it('lists the sysctl directories', async () => {
    const o = await out('ls /proc/sys/net; ls /proc/sys/net/ipv4/conf');
    expect(o).toMatch(/^(.*\n)*ipv4\n(.*\n)*/);
    expect(o).toContain('all\ndefault\nlo\n');
  });
});

describe('sysctl(8)', () => {
  it('reads and writes keys as procps does', async () => {
    expect(await out('sysctl net.ipv4.ip_forward; sysctl -n net.ipv4.ip_forward; sysctl -w net.ipv4.ip_forward=1; sysctl net.ipv4.conf.all.forwarding net/ipv4/ip_forward; sysctl -q net.ipv4.ip_forward=0; sysctl -N net.ipv4.ip_forward')).toBe(
      'net.ipv4.ip_forward = 0\n0\nnet.ipv4.ip_forward = 1\nnet.ipv4.conf.all.forwarding = 1\nnet.ipv4.ip_forward = 1\nnet.ipv4.ip_forward\n',
    );
  });

  it('prints procps errors', async () => {
    expect(await out('sysctl net.ipv4.nonexist; echo rc=$?; sysctl -e net.ipv4.nonexist; echo rc=$?; sysctl net.ipv4.ip_forward=abc; echo rc=$?; sysctl -w net.ipv4.ip_forward; echo rc=$?; sysctl kernel.x; echo rc=$?; sysctl net.ipv4.ip_forward.x; echo rc=$?')).toBe(
      [
        'sysctl: cannot stat /proc/sys/net/ipv4/nonexist: No such file or directory',
        'rc=1',
        'rc=0',
        'sysctl: setting key "net.ipv4.ip_forward": Invalid argument',
        'rc=1',
        'sysctl: command line(0): invalid syntax, continuing...',
        'rc=1',
        'sysctl: cannot stat /proc/sys/kernel/x: No such file or directory',
        'rc=1',
        'sysctl: cannot stat /proc/sys/net/ipv4/ip_forward/x: Not a directory',
        'rc=1',
        '',
      ].join('\n'),
    );
    expect(await out('setpriv --reuid=65534 --regid=65534 --clear-groups sysctl -w net.ipv4.ip_forward=1; echo rc=$?')).toBe('sysctl: permission denied on key "net.ipv4.ip_forward"\nrc=1\n');
  });

  it('works in the namespace it runs in, and -a lists net.*', async () => {
    const o = await out('ip netns add red; ip netns exec red sysctl net.ipv4.ip_forward=1; sysctl -n net.ipv4.ip_forward; ip netns exec red sysctl -n net.ipv4.ip_forward; sysctl -a | grep -c "^net\\.ipv4\\.conf\\.lo\\."; sysctl -a -r "ip_forw" | head -1');
    expect(o).toMatch(/^net\.ipv4\.ip_forward = 1\n0\n1\n[1-9]\d*\nnet\.ipv4\.ip_forward = 0\n$/);
  });
});

describe('/run/netns, /sys/class/net, /proc/PID/ns', () => {
  it('lists named namespaces in /run/netns and /var/run/netns', async () => {
    expect(await out('[ -e /var/run/netns/a ] || echo "no a"; ip netns add a; ip netns add b; ls /var/run/netns; ls /run/netns/b; [ -e /var/run/netns/a ] && echo "a exists"; for f in /run/netns/*; do echo $f; done')).toBe(
      'no a\na\nb\n/run/netns/b\na exists\n/run/netns/a\n/run/netns/b\n',
    );
  });

  it('shows /sys/class/net of the namespace', async () => {
    expect(await out('ls /sys/class/net; cat /sys/class/net/lo/ifindex; grep -c 1 /sys/class/net/*/ifindex; cat /sys/class/net/eth9/mtu; echo rc=$?')).toBe(
      'lo\n1\n1\ncat: /sys/class/net/eth9/mtu: No such file or directory\nrc=1\n',
    );
  });

  it('links /proc/PID/ns/net to the namespace inode of that process', async () => {
    const r = await run(`
ls /proc/$$/ns | tr '\\n' ' '; echo
readlink /proc/$$/ns/net
readlink /proc/self/ns/uts
ip netns add green
if [ "$(readlink /proc/$$/ns/net)" = "$(ip netns exec green readlink /proc/self/ns/net)" ]; then echo same; else echo different; fi
if [ "$(ip netns exec green readlink /proc/self/ns/net)" = "$(ip netns exec green readlink /proc/self/ns/net)" ]; then echo same; else echo different; fi
[ -e /proc/self/ns/net ] && [ -d /proc/$$ ] && echo present
sleep 10 & p=$!; [ -d /proc/$p ] && echo "job visible"; kill $p; wait $p; [ -d /proc/$p ] || echo "job gone"
`);
    const w = r.machine.world;
    expect(r.output).toBe(
      `cgroup ipc mnt net pid pid_for_children time time_for_children user uts \nnet:[${w.netns[w.initNs]!.id}]\nuts:[4026531838]\ndifferent\nsame\npresent\njob visible\njob gone\n`,
    );
  });
});

describe('the in-memory filesystem', () => {
  it('keeps files between commands and processes', async () => {
    expect(await out('cd /tmp; echo a > f; echo b >> f; cat f; wc -l < f; cp f g; mv g h; ls; rm f h; ls; mkdir -p d/e; touch d/e/x; find d | sort')).toBe(
      'a\nb\n2\nf\nh\nd\nd/e\nd/e/x\n',
    );
  });

  it('has /dev/null, /dev/stdout, /dev/stderr', async () => {
    expect(await out('echo gone > /dev/null; echo out > /dev/stdout; echo err > /dev/stderr 2>&1; cat /dev/null; echo x | tee /dev/stderr >/dev/null')).toBe('out\nerr\nx\n');
  });
});
