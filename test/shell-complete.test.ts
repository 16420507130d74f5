// Tab completion in nsemu shell (src/cli/complete.ts): what readline's completer answers for a
// line, on a fixed source and on a live session's machine (src/cli/shell.ts's sessionSource).
import { describe, expect, it } from 'vitest';
import { complete, lastCommandWords, type CompletionSource } from '../src/cli/complete.ts';
import { sessionSource } from '../src/cli/shell.ts';
import { Session } from '../src/shell/index.ts';

const fixed: CompletionSource = {
  commands: () => ['ip', 'iptables', 'iptables-save', 'ping', 'sudo', 'cd', 'cat'],
  namespaces: () => ['red', 'blue', 'host'],
  devices: (ns) => (ns === 'red' ? ['lo', 'veth-red'] : ns === 'blue' ? ['lo', 'veth-blue'] : ['lo', 'br0', 'eth0']),
  files: (dir) => (dir === '.' ? ['notes.txt', 'lab/', '.hidden'] : dir === 'lab/' ? ['a.sh', 'b.sh'] : []),
};
const c = (line: string): [string[], string] => complete(line, fixed);

describe('completion words', () => {
  it('splits the last simple command, reading quotes', () => {
    expect(lastCommandWords('echo a; ip -n "red" li')).toEqual(['ip', '-n', 'red', 'li']);
    expect(lastCommandWords('ls | grep ')).toEqual(['grep', '']);
  });
});

describe('complete()', () => {
  it('command names first, after sudo and after ip netns exec NS', () => {
    expect(c('ip')).toEqual([['ip', 'iptables', 'iptables-save'], 'ip']);
    expect(c('pi')).toEqual([['ping '], 'pi']);
    expect(c('sudo pi')).toEqual([['ping '], 'pi']);
    expect(c('sudo -u nobody pi')).toEqual([['ping '], 'pi']);
    expect(c('ip netns exec red pi')).toEqual([['ping '], 'pi']);
  });

  it('ip objects, subcommands, namespaces and devices', () => {
    expect(c('ip ')[0]).toContain('link');
    expect(c('ip li')).toEqual([['link '], 'li']);
    expect(c('ip link ')[0]).toEqual(['add', 'afstats', 'delete', 'help', 'list', 'property', 'set', 'show', 'xstats']);
    expect(c('ip netns ')[0]).toContain('exec');
    expect(c('ip netns exec ')).toEqual([['blue', 'host', 'red'], '']);
    expect(c('ip netns exec r')).toEqual([['red '], 'r']);
    expect(c('ip netns del ')).toEqual([['blue', 'host', 'red'], '']);
    expect(c('ip -n ')).toEqual([['blue', 'host', 'red'], '']);
    expect(c('ip -n red link set ')[0]).toEqual(['dev', 'lo', 'veth-red']);
    expect(c('ip -n blue addr add 10.0.0.1/24 dev ')).toEqual([['lo', 'veth-blue'], '']);
    expect(c('ip netns exec red ip link set dev v')).toEqual([['veth-red '], 'v']);
    expect(c('ip addr show dev b')).toEqual([['br0 '], 'b']);
    expect(c('ip link set eth0 netns ')).toEqual([['blue', 'host', 'red'], '']);
    expect(c('ip link add v0 type ve')).toEqual([['veth '], 've']);
  });

  it('bridge and iptables words', () => {
    expect(c('bridge f')).toEqual([['fdb '], 'f']);
    expect(c('bridge fdb show dev ')).toEqual([['br0', 'eth0', 'lo'], '']);
    expect(c('iptables -t n')).toEqual([['nat '], 'n']);
    expect(c('iptables -t nat -A P')).toEqual([['POSTROUTING', 'PREROUTING'], 'P']);
    expect(c('iptables -A FORWARD -j DR')).toEqual([['DROP '], 'DR']);
    expect(c('iptables -P FORWARD ')).toEqual([['ACCEPT', 'DROP'], '']);
    expect(c('iptables -A INPUT -i ')).toEqual([['br0', 'eth0', 'lo'], '']);
  });

  it('file names otherwise (directories with /, dot files only when asked)', () => {
    expect(c('cat ')).toEqual([['lab/', 'notes.txt'], '']);
    expect(c('cat n')).toEqual([['notes.txt '], 'n']);
    expect(c('cat la')).toEqual([['lab/'], 'la']);
    expect(c('bash lab/')).toEqual([['lab/a.sh', 'lab/b.sh'], 'lab/']);
    expect(c('cat .h')).toEqual([['.hidden '], '.h']);
    expect(c('ping -c 1 "x')).toEqual([[], '"x']);
  });
});

describe('completion on a live session', () => {
  it("sees the session's namespaces, devices, PATH and files", async () => {
    const s = new Session({ onOutput: () => {} });
    await s.run('ip netns add red; ip netns add blue; ip link add v0 type veth peer name v1; mkdir /root/lab; touch /root/lab/x.pcap\n');
    const src = sessionSource(s);
    expect(complete('ip netns exec ', src)).toEqual([['blue', 'red'], '']);
    expect(complete('ip link set dev v', src)).toEqual([['v0', 'v1'], 'v']);
    expect(complete('ip -n red link set ', src)[0]).toEqual(['dev', 'lo']);
    expect(complete('tcpdu', src)).toEqual([['tcpdump '], 'tcpdu']);
    expect(complete('sud', src)).toEqual([['sudo '], 'sud']);
    expect(complete('tcpdump -r lab/', src)).toEqual([['lab/x.pcap '], 'lab/']);
    s.close();
    await s.exited;
  });
});
