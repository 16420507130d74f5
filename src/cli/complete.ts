// Tab completion for `nsemu shell`, in the manner of bash with Debian's bash-completion: the
// first word of a command completes to command names (builtins, functions, programs on the
// machine's $PATH); `ip`, `bridge` and `iptables` complete their objects, subcommands and
// options; namespace names after `ip netns exec `, `ip -n `, `... netns `; device names after
// `dev `, `tcpdump -i `, `ip link set `, `iptables -i `; file names (the machine's files)
// everywhere else. A wrapper (`sudo`, `ip netns exec NS`, `timeout 5`, `env`, ...) starts a new
// command, in that namespace for device names.
//
// `complete(line, source)` answers what readline's completer asks: the candidates for the word
// before the cursor and that word. A single candidate gets bash's trailing space (a directory
// its `/`).

export interface CompletionSource {
  /** every command name the shell knows (builtins, functions, aliases, programs on $PATH) */
  commands(): string[];
  /** the names in /run/netns */
  namespaces(): string[];
  /** the devices of a named namespace (undefined: the shell's own) */
  devices(netns?: string): string[];
  /** the entries of a directory of the machine (directories with a trailing `/`); [] if none */
  files(dir: string): string[];
}

const IP_OBJECTS = ['address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbour', 'ntable', 'link', 'l2tp', 'fou', 'ila', 'macsec', 'tunnel', 'tuntap', 'token', 'tcpmetrics', 'monitor', 'xfrm', 'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop', 'mptcp', 'ioam', 'stats', 'help'];
/** iproute2's matches(): an abbreviation stands for the first object (in ip.c's order) it starts. */
const IP_ORDER = ['address', 'addrlabel', 'maddress', 'route', 'rule', 'neigh', 'neighbour', 'ntable', 'ntbl', 'link', 'l2tp', 'fou', 'ila', 'macsec', 'tunnel', 'tunl', 'tuntap', 'tap', 'token', 'tcpmetrics', 'tcp_metrics', 'monitor', 'xfrm', 'mroute', 'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop', 'mptcp', 'ioam', 'stats', 'help'];
const IP_SUB: Record<string, string[]> = {
  address: ['add', 'change', 'replace', 'delete', 'show', 'list', 'flush', 'save', 'restore', 'showdump', 'help'],
  route: ['add', 'change', 'replace', 'delete', 'append', 'prepend', 'show', 'list', 'flush', 'get', 'save', 'restore', 'showdump', 'help'],
  rule: ['add', 'delete', 'list', 'show', 'flush', 'save', 'restore', 'help'],
  neigh: ['add', 'delete', 'change', 'replace', 'show', 'list', 'flush', 'get', 'help'],
  link: ['add', 'delete', 'set', 'show', 'list', 'xstats', 'afstats', 'property', 'help'],
  netns: ['list', 'add', 'attach', 'set', 'delete', 'identify', 'pids', 'exec', 'monitor', 'list-id', 'help'],
  maddress: ['show', 'add', 'delete', 'help'],
  tunnel: ['add', 'change', 'delete', 'show', 'prl', '6rd', 'help'],
  tuntap: ['add', 'delete', 'show', 'list', 'help'],
  nexthop: ['add', 'replace', 'delete', 'show', 'list', 'flush', 'get', 'bucket', 'help'],
  vrf: ['show', 'exec', 'identify', 'pids', 'help'],
  monitor: ['all', 'link', 'address', 'route', 'neigh', 'netconf', 'rule', 'nsid', 'nexthop', 'help'],
  neighbour: [],
};
IP_SUB.neighbour = IP_SUB.neigh!;
const IP_OPTIONS = ['-4', '-6', '-brief', '-color', '-details', '-json', '-netns', '-oneline', '-pretty', '-resolve', '-statistics', '-all', '-batch', '-force', '-family', '-human', '-iec', '-timestamp'];
/** ip options that take a value (the next word) */
const IP_ARG_OPTS = /^-(n|ne|net|netn|netns|f|fa|fam|fami|famil|family|b|ba|bat|batc|batch|rc|rcvbuf|l|loops)$/;
const LINK_TYPES = ['bridge', 'bond', 'dummy', 'geneve', 'gre', 'gretap', 'ifb', 'ipip', 'ipvlan', 'macvlan', 'macvtap', 'sit', 'team', 'vcan', 'veth', 'vlan', 'vrf', 'vxlan', 'wireguard'];
/** words after which ip expects a device name */
const DEV_WORDS = new Set(['dev', 'master', 'link', 'oif', 'iif']);

const BRIDGE_OBJECTS = ['link', 'fdb', 'mdb', 'vlan', 'vni', 'monitor', 'help'];
const BRIDGE_SUB: Record<string, string[]> = {
  link: ['set', 'show', 'help'],
  fdb: ['add', 'append', 'delete', 'replace', 'show', 'flush', 'get', 'help'],
  mdb: ['add', 'delete', 'replace', 'show', 'get', 'flush', 'help'],
  vlan: ['add', 'delete', 'set', 'show', 'tunnelshow', 'global', 'help'],
  vni: ['add', 'delete', 'show', 'help'],
  monitor: ['link', 'fdb', 'mdb', 'vlan', 'all'],
};
const BRCTL_SUB = ['addbr', 'delbr', 'addif', 'delif', 'hairpin', 'setageing', 'setbridgeprio', 'setfd', 'sethello', 'setmaxage', 'setpathcost', 'setportprio', 'show', 'showmacs', 'showstp', 'stp'];

const IPT_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];
const IPT_CHAINS: Record<string, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};
const IPT_TARGETS = ['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'MASQUERADE', 'SNAT', 'DNAT'];
const IPT_OPTIONS = ['--append', '--check', '--delete', '--insert', '--replace', '--list', '--list-rules', '--flush', '--zero', '--new-chain', '--delete-chain', '--policy', '--rename-chain', '--table', '--protocol', '--source', '--destination', '--in-interface', '--out-interface', '--jump', '--goto', '--match', '--numeric', '--verbose', '--line-numbers', '--exact', '--fragment', '--set-counters', '--wait', '--help', '--version'];
const IPT_CHAIN_OPTS = /^(-[ADIRLSFZNXPE]|--(append|check|delete|insert|replace|list|list-rules|flush|zero|delete-chain|policy|rename-chain))$/;

/** words that run the rest of the line as a command of its own (with how many words they take) */
function wrapped(words: string[]): { start: number; netns?: string } | undefined {
  const w0 = words[0];
  if (w0 === 'sudo') {
    let i = 1;
    while (i < words.length && words[i]!.startsWith('-')) i += /^-[ugpCDrtTUh]$/.test(words[i]!) ? 2 : 1;
    return { start: i };
  }
  if (w0 === 'exec' || w0 === 'nohup' || w0 === 'time' || w0 === 'command' || w0 === 'builtin' || w0 === 'nice' || w0 === 'xargs') {
    let i = 1;
    while (i < words.length && words[i]!.startsWith('-')) i++;
    return { start: i };
  }
  if (w0 === 'env') {
    let i = 1;
    while (i < words.length && (words[i]!.startsWith('-') || words[i]!.includes('='))) i++;
    return { start: i };
  }
  if (w0 === 'timeout') {
    let i = 1;
    while (i < words.length && words[i]!.startsWith('-')) i += /^-[sk]$/.test(words[i]!) ? 2 : 1;
    return { start: i + 1 };
  }
  if (w0 === 'ip' || w0 === 'ip-netns') {
    const a = ipArgs(words);
    if (a.obj === 'netns' && a.rest[0] === 'exec' && a.rest.length >= 2) return { start: a.restAt + 2, netns: a.rest[1] };
    if (a.obj === 'vrf' && a.rest[0] === 'exec' && a.rest.length >= 2) return { start: a.restAt + 2 };
  }
  if (w0 === 'nsenter') {
    let i = 1;
    let netns: string | undefined;
    while (i < words.length && words[i]!.startsWith('-')) {
      const m = /^--net=\/(?:var\/)?run\/netns\/(.+)$/.exec(words[i]!);
      if (m) netns = m[1];
      i++;
    }
    return { start: i, ...(netns !== undefined ? { netns } : {}) };
  }
  return undefined;
}

/** An iproute2 object as ip understands an abbreviation of it. */
function ipObject(w: string): string | undefined {
  const o = IP_ORDER.find((x) => x.startsWith(w));
  return o === 'ntbl' ? 'ntable' : o === 'tunl' ? 'tunnel' : o === 'tap' ? 'tuntap' : o === 'tcp_metrics' ? 'tcpmetrics' : o === 'neighbour' ? 'neigh' : o;
}
const SUB_ALIASES: Record<string, string> = { del: 'delete', ls: 'list', lst: 'list', sh: 'show', s: 'show' };
function subcommand(word: string | undefined, list: string[]): string | undefined {
  if (word === undefined) return undefined;
  return SUB_ALIASES[word] ?? list.find((x) => x.startsWith(word)) ?? word;
}

/** ip's global options (and -n NS), the object, and the words after it. */
function ipArgs(words: string[]): { netns?: string; obj?: string; objAt: number; rest: string[]; restAt: number; pendingOpt?: string } {
  let i = 1;
  let netns: string | undefined;
  let pendingOpt: string | undefined;
  while (i < words.length && words[i]!.startsWith('-')) {
    const o = words[i]!.replace(/^--/, '-');
    if (IP_ARG_OPTS.test(o)) {
      if (i + 1 >= words.length) {
        pendingOpt = o;
        i++;
        break;
      }
      if (/^-n/.test(o)) netns = words[i + 1];
      i += 2;
    } else i++;
  }
  const out: { netns?: string; obj?: string; objAt: number; rest: string[]; restAt: number; pendingOpt?: string } = { objAt: i, rest: words.slice(i + 1), restAt: i + 1 };
  if (netns !== undefined) out.netns = netns;
  if (pendingOpt !== undefined) out.pendingOpt = pendingOpt;
  if (i < words.length) {
    const o = ipObject(words[i]!);
    if (o !== undefined) out.obj = o;
  }
  return out;
}

/** Candidates for the last word of `words` (the one being typed, maybe ''). */
function candidates(words: string[], src: CompletionSource, netns?: string): { list: string[]; files?: boolean } {
  const w = words.length > 1 ? wrapped(words) : undefined;
  if (w && w.start < words.length) return candidates(words.slice(w.start), src, w.netns ?? netns);
  if (words.length <= 1) return { list: src.commands() };
  const cmd = words[0]!;
  const prev = words[words.length - 2]!;
  const cur = words[words.length - 1]!;
  const devices = (ns?: string): { list: string[] } => ({ list: src.devices(ns ?? netns) });
  if (cmd === 'ip') return ipCandidates(words, src, netns);
  if (cmd === 'bridge') {
    if (prev === '-n' || prev === '-netns') return { list: src.namespaces() };
    const ns = words.findIndex((x) => x === '-n' || x === '-netns');
    if (DEV_WORDS.has(prev) || prev === 'br' || prev === 'brport') return devices(ns > 0 ? words[ns + 1] : undefined);
    if (cur.startsWith('-')) return { list: ['-details', '-statistics', '-json', '-pretty', '-netns', '-oneline', '-color', '-compressedvlans'] };
    const args = words.slice(1).filter((x, i) => !x.startsWith('-') && !/^-n(etns)?$/.test(words[i]!));
    if (args.length === 1) return { list: BRIDGE_OBJECTS };
    const obj = BRIDGE_OBJECTS.find((x) => x.startsWith(args[0]!));
    if (args.length === 2 && obj) return { list: BRIDGE_SUB[obj] ?? [] };
    return { list: ['dev'] };
  }
  if (cmd === 'iptables' || cmd === 'iptables-save' || cmd === 'iptables-restore' || cmd === 'ip6tables') {
    const t = words.findIndex((x) => x === '-t' || x === '--table');
    const table = t > 0 && words[t + 1] && IPT_CHAINS[words[t + 1]!] ? words[t + 1]! : 'filter';
    if (prev === '-t' || prev === '--table') return { list: IPT_TABLES };
    if (IPT_CHAIN_OPTS.test(prev)) return { list: IPT_CHAINS[table]! };
    if (words.length >= 4 && /^(-P|--policy)$/.test(words[words.length - 3]!)) return { list: ['ACCEPT', 'DROP'] };
    if (prev === '-j' || prev === '--jump' || prev === '-g' || prev === '--goto') return { list: [...IPT_TARGETS, ...IPT_CHAINS[table]!] };
    if (prev === '-p' || prev === '--protocol') return { list: ['tcp', 'udp', 'icmp', 'all'] };
    if (prev === '-i' || prev === '-o' || prev === '--in-interface' || prev === '--out-interface' || prev === '--physdev-in' || prev === '--physdev-out') return devices();
    if (prev === '-m' || prev === '--match') return { list: ['comment', 'conntrack', 'icmp', 'limit', 'mark', 'multiport', 'physdev', 'state', 'tcp', 'udp'] };
    if (cur.startsWith('--')) return { list: IPT_OPTIONS };
    if (cur.startsWith('-')) return { list: ['-A', '-C', '-D', '-I', '-R', '-L', '-S', '-F', '-Z', '-N', '-X', '-P', '-E', '-t', '-p', '-s', '-d', '-i', '-o', '-j', '-g', '-m', '-n', '-v', '-x', '-h', ...IPT_OPTIONS] };
    return { list: [], files: cmd !== 'iptables' };
  }
  if (cmd === 'brctl') {
    if (words.length === 2) return { list: BRCTL_SUB };
    return devices();
  }
  if ((cmd === 'tcpdump' && (prev === '-i' || prev === '--interface')) || (cmd === 'ping' && prev === '-I')) return devices();
  // ethtool DEV, ifconfig DEV: the first word that is not an option
  if ((cmd === 'ethtool' || cmd === 'ifconfig') && !cur.startsWith('-') && words.slice(1, -1).every((x) => x.startsWith('-'))) return devices();
  if ((cmd === 'route' || cmd === 'arp') && DEV_WORDS.has(prev)) return devices();
  if (cmd === 'man') return { list: src.commands() };
  return { list: [], files: true };
}

function ipCandidates(words: string[], src: CompletionSource, outerNetns?: string): { list: string[]; files?: boolean } {
  const a = ipArgs(words.slice(0, -1));
  const cur = words[words.length - 1]!;
  const prev = words[words.length - 2]!;
  const netns = a.netns ?? outerNetns;
  if (a.pendingOpt !== undefined) return /^-n/.test(a.pendingOpt) ? { list: src.namespaces() } : { list: [], files: true };
  if (a.objAt === words.length - 1) return { list: cur.startsWith('-') ? IP_OPTIONS : IP_OBJECTS };
  const obj = ipObject(words[a.objAt]!);
  if (obj === undefined) return { list: [] };
  const rest = words.slice(a.objAt + 1, -1);
  const subs = IP_SUB[obj] ?? ['help'];
  if (rest.length === 0) return { list: subs };
  const sub = subcommand(rest[0], subs);
  if (obj === 'netns') {
    if (rest.length === 1 && ['exec', 'delete', 'set', 'pids', 'monitor', 'attach'].includes(sub!)) return { list: sub === 'pids' || sub === 'attach' || sub === 'monitor' ? [] : src.namespaces() };
    return { list: [] };
  }
  if (DEV_WORDS.has(prev)) return { list: src.devices(netns) };
  if (prev === 'netns') return { list: src.namespaces() };
  if (prev === 'type' && obj === 'link') return { list: LINK_TYPES };
  if (obj === 'link') {
    if (rest.length === 1 && (sub === 'set' || sub === 'show' || sub === 'delete' || sub === 'list')) return { list: [...src.devices(netns), ...(sub === 'show' || sub === 'list' ? ['dev', 'type', 'up', 'master'] : ['dev'])] };
    if (sub === 'set') return { list: ['up', 'down', 'name', 'netns', 'master', 'nomaster', 'address', 'mtu', 'arp', 'multicast', 'promisc', 'alias', 'txqueuelen'] };
    if (sub === 'add') return { list: ['name', 'type', 'link', 'address', 'mtu', 'index', 'netns', 'peer', 'master'] };
    return { list: ['dev'] };
  }
  if (obj === 'address' || obj === 'neigh' || obj === 'route') {
    const kw = obj === 'route' ? ['via', 'dev', 'table', 'metric', 'proto', 'scope', 'src', 'onlink', 'default'] : obj === 'neigh' ? ['lladdr', 'dev', 'nud', 'proxy', 'router'] : ['dev', 'label', 'broadcast', 'scope', 'local', 'peer'];
    if (cur.length === 0 || /^[a-z]/.test(cur)) return { list: kw };
    return { list: [] };
  }
  return { list: [] };
}

/** The words of the last simple command before the cursor (quotes and backslashes read). */
export function lastCommandWords(line: string): string[] {
  let words: string[] = [];
  let w = '';
  let inWord = false;
  let q: '' | "'" | '"' = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (q) {
      if (c === q) q = '';
      else if (c === '\\' && q === '"' && i + 1 < line.length) w += line[++i];
      else w += c;
      continue;
    }
    if (c === "'" || c === '"') {
      q = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      w += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(w);
      w = '';
      inWord = false;
    } else if (';|&()`'.includes(c) || (c === '$' && line[i + 1] === '(')) {
      words = [];
      w = '';
      inWord = false;
      if (c === '$') i++;
    } else {
      w += c;
      inWord = true;
    }
  }
  words.push(w);
  return words;
}

function fileCandidates(word: string, src: CompletionSource): string[] {
  const slash = word.lastIndexOf('/');
  const dir = slash < 0 ? '' : word.slice(0, slash + 1);
  const base = word.slice(slash + 1);
  return src
    .files(dir === '' ? '.' : dir)
    .filter((f) => f.startsWith(base) && (base.startsWith('.') || !f.startsWith('.')))
    .map((f) => dir + f);
}

/** readline's completer: the candidates for the word before the cursor, and that word. */
export function complete(line: string, src: CompletionSource): [string[], string] {
  const words = lastCommandWords(line);
  const cur = words[words.length - 1]!;
  // a word with quotes or backslashes in it is left as typed (readline would replace it plain)
  const shown = /(?:^|[\s;|&()])([^\s;|&()]*)$/.exec(line)?.[1] ?? '';
  if (shown !== cur) return [[], shown];
  const r = candidates(words, src);
  const hits = [...new Set(cur.includes('/') || r.files ? fileCandidates(cur, src) : r.list.filter((c) => c.startsWith(cur)))].sort();
  // one candidate: bash's trailing space (not after a directory, to go on into it)
  if (hits.length === 1 && !hits[0]!.endsWith('/')) return [[`${hits[0]} `], cur];
  return [hits, cur];
}
