// nsemu for property testers: `import { topology, commands, probes, invariants } from 'nsemu/fast-check'`.
//
//   topology(opts?)  random topologies (namespaces, veth pairs, bridges, routers, routes,
//                    iptables rules), each `{ script, spec, build() }`: a bash script that runs
//                    unchanged on a real Linux box as root, the plain data it was made from, and
//                    a machine with the script run in it
//   routerChain(opts?) two hosts and a chain of routers routed both ways (symmetric by design)
//   commands(topo?)  random tool command lines (ip, iptables, sysctl, bridge), valid and not
//   probes(topo)     random (from namespace, to address) pairs of a topology
//   invariants       ready properties (async functions that throw a readable Error when violated)
//
// Like the differential tests' arbitraries (src/verify/differential), every draw is a plain
// index taken modulo what exists when the script is compiled, so a shrunk value is still valid.
import fc from 'fast-check';
import { createMachine, type NsemuMachine, type ExecResult } from '../api/machine.ts';
import { diff } from '../api/diff.ts';
import { reachability, type ReachabilityRow } from '../api/reachability.ts';
import type { MachineSnapshot } from '../api/snapshot.ts';
import { machineTaps, type Tap } from '../capture/taps.ts';

// ---------------------------------------------------------------------------------------------
// topology

export interface TopologyOptions {
  /** namespaces: at most (default 4), at least (default 2) */
  maxNamespaces?: number;
  minNamespaces?: number;
  /** veth pairs, at most (default 4; at least 1) */
  maxLinks?: number;
  /** bridges, at most (default 2; 0 or `bridges: false` for none) */
  maxBridges?: number;
  /** routes, at most (default 4) */
  maxRoutes?: number;
  /** iptables rules, at most (default 2) */
  maxRules?: number;
  /** features (all on by default): bridges, routers (ip_forward=1), routes, iptables rules,
   *  links left down */
  bridges?: boolean;
  routers?: boolean;
  routes?: boolean;
  iptables?: boolean;
  downLinks?: boolean;
  /** the namespaces' name prefix (default `pt`: pt0, pt1, …) */
  prefix?: string;
}

/** One device end of a veth pair, where the script leaves it. */
export interface EndSpec {
  ns: string;
  dev: string;
  /** `10.77.0.1/24`, or none for a bridge port */
  address?: string;
  /** the bridge it is a port of */
  bridge?: string;
  up: boolean;
}

export interface RouteSpec {
  ns: string;
  /** the `ip route add` arguments: `10.77.1.0/24 via 10.77.0.2`, `blackhole 10.88.0.0/24` */
  route: string;
}

export interface RuleSpec {
  ns: string;
  /** the `iptables` arguments: `-A FORWARD -s 10.77.0.1 -j DROP` */
  rule: string;
}

export interface TopologySpec {
  namespaces: string[];
  links: { a: EndSpec; b: EndSpec }[];
  bridges: { ns: string; name: string; address: string }[];
  /** namespaces with net.ipv4.ip_forward=1 */
  routers: string[];
  routes: RouteSpec[];
  rules: RuleSpec[];
}

export interface Topology {
  /** bash, runs unchanged on a real Linux box as root (it refuses to if a namespace exists) */
  script: string;
  spec: TopologySpec;
  /** a fresh machine (createMachine({ seed })) with the script run in it; throws if it failed */
  build(seed?: number): Promise<NsemuMachine>;
}

interface Draw {
  namespaces: number;
  links: { a: number; b: number; bridge: number; bridged: boolean; downA: boolean; downB: boolean }[];
  bridges: number[];
  routers: boolean[];
  routes: { ns: number; dst: number; via: number; kind: 'via' | 'default' | 'blackhole' | 'unreachable' | 'prohibit' }[];
  rules: { ns: number; chain: 'INPUT' | 'OUTPUT' | 'FORWARD'; match: 's' | 'd' | 'icmp'; addr: number; target: 'DROP' | 'ACCEPT' | 'REJECT' }[];
}

const TARGETS = ['DROP', 'ACCEPT', 'REJECT'] as const;

/** Random topologies: see TopologyOptions for the bounds and features. */
export function topology(opts: TopologyOptions = {}): fc.Arbitrary<Topology> {
  const maxNs = Math.max(1, opts.maxNamespaces ?? 4);
  const minNs = Math.min(maxNs, Math.max(1, opts.minNamespaces ?? 2));
  const maxBridges = opts.bridges === false ? 0 : Math.max(0, opts.maxBridges ?? 2);
  const i = fc.nat({ max: 15 });
  const down = opts.downLinks === false ? fc.constant(false) : fc.nat({ max: 5 }).map((x) => x === 0);
  const draw: fc.Arbitrary<Draw> = fc.record({
    namespaces: fc.integer({ min: minNs, max: maxNs }),
    links: fc.array(
      fc.record({ a: i, b: i, bridge: i, bridged: maxBridges ? fc.boolean() : fc.constant(false), downA: down, downB: down }),
      { minLength: 1, maxLength: Math.max(1, opts.maxLinks ?? 4) },
    ),
    bridges: fc.array(i, { maxLength: maxBridges }),
    routers: fc.array(opts.routers === false ? fc.constant(false) : fc.boolean(), { minLength: maxNs, maxLength: maxNs }),
    routes:
      opts.routes === false
        ? fc.constant([])
        : fc.array(
            fc.record({ ns: i, dst: i, via: i, kind: fc.constantFrom<Draw['routes'][number]['kind']>('via', 'via', 'default', 'blackhole', 'unreachable', 'prohibit') }),
            { maxLength: Math.max(0, opts.maxRoutes ?? 4) },
          ),
    rules:
      opts.iptables === false
        ? fc.constant([])
        : fc.array(
            fc.record({
              ns: i,
              chain: fc.constantFrom<'INPUT' | 'OUTPUT' | 'FORWARD'>('INPUT', 'OUTPUT', 'FORWARD'),
              match: fc.constantFrom<'s' | 'd' | 'icmp'>('s', 'd', 'icmp'),
              addr: i,
              target: fc.constantFrom(...TARGETS),
            }),
            { maxLength: Math.max(0, opts.maxRules ?? 2) },
          ),
  });
  const prefix = opts.prefix ?? 'pt';
  return draw.map((d) => compileTopology(d, prefix));
}

function compileTopology(d: Draw, prefix: string): Topology {
  const ns = Array.from({ length: d.namespaces }, (_, k) => `${prefix}${k}`);
  const bridges = d.bridges.map((b, j) => ({ ns: ns[b % ns.length]!, name: `br${j}`, address: `10.88.${j}.254/24` }));
  const links: TopologySpec['links'] = d.links.map((l, k) => {
    const br = l.bridged && bridges.length ? bridges[l.bridge % bridges.length]! : undefined;
    if (br) {
      const j = bridges.indexOf(br);
      return {
        a: { ns: br.ns, dev: `l${k}a`, bridge: br.name, up: true },
        b: { ns: ns[l.b % ns.length]!, dev: `l${k}b`, address: `10.88.${j}.${k + 1}/24`, up: !l.downB },
      };
    }
    return {
      a: { ns: ns[l.a % ns.length]!, dev: `l${k}a`, address: `10.77.${k}.1/24`, up: !l.downA },
      b: { ns: ns[l.b % ns.length]!, dev: `l${k}b`, address: `10.77.${k}.2/24`, up: !l.downB },
    };
  });
  const routers = ns.filter((_, k) => d.routers[k]);
  const ends = links.flatMap((l) => [l.a, l.b]);
  const addressed = [...ends.filter((e) => e.address).map((e) => ({ ns: e.ns, dev: e.dev, address: e.address!, up: e.up })), ...bridges.map((b) => ({ ns: b.ns, dev: b.name, address: b.address, up: true }))];
  const subnets = [...new Set(addressed.map((a) => net24(a.address)))];
  const routes: RouteSpec[] = [];
  for (const r of d.routes) {
    const n = ns[r.ns % ns.length]!;
    // a gateway the namespace has on-link: an address of another device on one of its subnets
    const mine = new Set(addressed.filter((a) => a.ns === n && a.up).map((a) => net24(a.address)));
    const gws = addressed.filter((a) => a.ns !== n && mine.has(net24(a.address))).map((a) => bare(a.address));
    const others = subnets.filter((s) => !mine.has(s));
    const dst = others.length ? others[r.dst % others.length]! : '10.99.0.0/24';
    let route: string;
    if (r.kind === 'via' || r.kind === 'default') {
      if (!gws.length) continue;
      route = `${r.kind === 'default' ? 'default' : dst} via ${gws[r.via % gws.length]}`;
    } else route = `${r.kind} ${dst}`;
    if (sameDst(routes.filter((x) => x.ns === n).map((x) => x.route), route)) continue;
    routes.push({ ns: n, route });
  }
  const rules: RuleSpec[] = d.rules.map((r) => {
    const a = addressed.length ? bare(addressed[r.addr % addressed.length]!.address) : '10.99.0.1';
    const m = r.match === 'icmp' ? '-p icmp --icmp-type echo-request' : `-${r.match} ${a}`;
    return { ns: ns[r.ns % ns.length]!, rule: `-A ${r.chain} ${m} -j ${r.target}` };
  });
  return topologyOf({ namespaces: ns, links, bridges, routers, routes, rules });
}

export interface RouterChainOptions {
  /** routers between the two hosts, at most (default 3; at least 1) */
  maxRouters?: number;
  /** FORWARD rules on the hosts' addresses (-s/-d) in routers, at most (default 2; 0 for none) */
  maxRules?: number;
  /** links left down (on by default) */
  downLinks?: boolean;
  /** the namespaces' name prefix (default `rc`: rc0 … rcN, the hosts at both ends) */
  prefix?: string;
}

/**
 * A chain of routers between two hosts, routed both ways: host rc0, routers rc1 … rc(n-1),
 * host rcN, link k joining node k and k+1 as 10.66.k.0/24 (.1 on the left, .2 on the right);
 * the hosts have a default route to their neighbour, each router a route to every subnet
 * beyond its neighbours through them. Links go down as a whole, and a rule drops what a router
 * forwards from or to one of the hosts, which a ping's request and its reply both carry (paths
 * are the same both ways in a chain): so what one end reaches the other does too, and
 * reachabilitySymmetric holds on every draw. (Rules in INPUT or OUTPUT, or on a router's own
 * addresses, would not keep that: a router answers from the address pinged but asks from
 * the one toward the host.)
 */
export function routerChain(opts: RouterChainOptions = {}): fc.Arbitrary<Topology> {
  const maxRouters = Math.max(1, opts.maxRouters ?? 3);
  const down = opts.downLinks === false ? fc.constant(false) : fc.nat({ max: 7 }).map((x) => x === 0);
  const rule = fc.record({
    router: fc.nat({ max: 15 }),
    match: fc.constantFrom<'s' | 'd'>('s', 'd'),
    host: fc.boolean(),
    target: fc.constantFrom<'DROP' | 'REJECT'>('DROP', 'REJECT'),
  });
  return fc
    .record({ routers: fc.integer({ min: 1, max: maxRouters }), down: fc.array(down, { minLength: maxRouters + 1, maxLength: maxRouters + 1 }), rules: fc.array(rule, { maxLength: Math.max(0, opts.maxRules ?? 2) }) })
    .map(({ routers, down: downs, rules }) => {
      const prefix = opts.prefix ?? 'rc';
      const ns = Array.from({ length: routers + 2 }, (_, k) => `${prefix}${k}`);
      const last = ns.length - 1;
      const links: TopologySpec['links'] = [];
      for (let k = 0; k < last; k++) {
        const up = !downs[k];
        links.push({ a: { ns: ns[k]!, dev: `r${k}b`, address: `10.66.${k}.1/24`, up }, b: { ns: ns[k + 1]!, dev: `r${k + 1}a`, address: `10.66.${k}.2/24`, up } });
      }
      // a route through link k (its gateway is on k); none through a link that is down, where
      // the kernel refuses the gateway ("Nexthop has invalid gateway")
      const routes: RouteSpec[] = [];
      const via = (n: number, k: number, route: string): void => void (links[k]!.a.up && routes.push({ ns: ns[n]!, route }));
      via(0, 0, 'default via 10.66.0.2');
      via(last, last - 1, `default via 10.66.${last - 1}.1`);
      for (let r = 1; r < last; r++) {
        for (let k = 0; k < r - 1; k++) via(r, r - 1, `10.66.${k}.0/24 via 10.66.${r - 1}.1`);
        for (let k = r + 1; k < last; k++) via(r, r, `10.66.${k}.0/24 via 10.66.${r}.2`);
      }
      const hosts = ['10.66.0.1', `10.66.${last - 1}.2`];
      const spec: TopologySpec = {
        namespaces: ns,
        links,
        bridges: [],
        routers: ns.slice(1, last),
        routes,
        rules: rules.map((x) => ({ ns: ns[1 + (x.router % routers)]!, rule: `-A FORWARD -${x.match} ${hosts[x.host ? 1 : 0]} -j ${x.target}` })),
      };
      return topologyOf(spec);
    });
}

/** A topology's script and builder, from its spec. */
function topologyOf(spec: TopologySpec): Topology {
  const script = topologyScript(spec);
  return {
    script,
    spec,
    async build(seed = 1) {
      const m = createMachine({ seed });
      const r = await m.run(script, 'topology.sh');
      if (r.status !== 0) throw new Error(`nsemu/fast-check: the topology script failed (status ${r.status}):\n${r.stderr}`);
      return m;
    },
  };
}

const bare = (cidr: string): string => cidr.split('/')[0]!;
const net24 = (cidr: string): string => `${bare(cidr).split('.').slice(0, 3).join('.')}.0/24`;
const firstWord = (s: string): string => s.split(' ')[0]!;
/** the destination an `ip route add` argument list names (the kernel refuses a second one) */
const routeDst = (r: string): string => (['blackhole', 'unreachable', 'prohibit'].includes(firstWord(r)) ? r.split(' ')[1]! : firstWord(r));
const sameDst = (existing: string[], r: string): boolean => existing.some((x) => routeDst(x) === routeDst(r));

/** The bash script of a topology spec (what topology() gives as `script`). */
export function topologyScript(s: TopologySpec): string {
  const L: string[] = [
    '#!/bin/bash',
    '# A random topology from nsemu/fast-check; runs unchanged on Linux as root.',
    `# Remove it with: for n in ${s.namespaces.join(' ')}; do ip netns del $n; done`,
    'set -e',
    `for n in ${s.namespaces.join(' ')}; do`,
    '  if [ -e /var/run/netns/$n ]; then echo "refusing to run: netns $n already exists" >&2; exit 2; fi',
    'done',
  ];
  for (const n of s.namespaces) L.push(`ip netns add ${n}`, `ip -n ${n} link set lo up`);
  for (const b of s.bridges) L.push(`ip -n ${b.ns} link add ${b.name} type bridge`, `ip -n ${b.ns} addr add ${b.address} dev ${b.name}`, `ip -n ${b.ns} link set ${b.name} up`);
  for (const l of s.links) {
    L.push(`ip -n ${l.a.ns} link add ${l.a.dev} type veth peer name ${l.b.dev} netns ${l.b.ns}`);
    for (const e of [l.a, l.b]) {
      if (e.bridge) L.push(`ip -n ${e.ns} link set ${e.dev} master ${e.bridge}`);
      if (e.address) L.push(`ip -n ${e.ns} addr add ${e.address} dev ${e.dev}`);
      if (e.up) L.push(`ip -n ${e.ns} link set ${e.dev} up`);
    }
  }
  for (const r of s.routers) L.push(`ip netns exec ${r} sysctl -q -w net.ipv4.ip_forward=1`);
  for (const r of s.routes) L.push(`ip -n ${r.ns} route add ${r.route}`);
  for (const r of s.rules) L.push(`ip netns exec ${r.ns} iptables ${r.rule}`);
  L.push('sleep 2  # settle: carrier, IPv6 DAD');
  return `${L.join('\n')}\n`;
}

/** Every IPv4 address of a spec (without the prefix length), with its namespace. */
export function addressesOf(s: TopologySpec): { ns: string; address: string }[] {
  return [
    ...s.links.flatMap((l) => [l.a, l.b]).flatMap((e) => (e.address ? [{ ns: e.ns, address: bare(e.address) }] : [])),
    ...s.bridges.map((b) => ({ ns: b.ns, address: bare(b.address) })),
  ];
}

const specOf = (t: Topology | TopologySpec): TopologySpec => ('spec' in t ? t.spec : t);

// ---------------------------------------------------------------------------------------------
// probes and commands

export interface Probe {
  from: string;
  to: string;
}

/** Random (from namespace, to address) pairs of a topology: its addresses and, now and then, one
 *  that no namespace has (10.99.0.1). */
export function probes(topo: Topology | TopologySpec): fc.Arbitrary<Probe> {
  const s = specOf(topo);
  const to = [...new Set(addressesOf(s).map((a) => a.address))];
  return fc.record({
    from: fc.constantFrom(...s.namespaces),
    to: to.length ? fc.oneof({ arbitrary: fc.constantFrom(...to), weight: 5 }, { arbitrary: fc.constant('10.99.0.1'), weight: 1 }) : fc.constant('10.99.0.1'),
  });
}

const GENERIC: TopologySpec = {
  namespaces: ['pt0', 'pt1'],
  links: [{ a: { ns: 'pt0', dev: 'l0a', address: '10.77.0.1/24', up: true }, b: { ns: 'pt1', dev: 'l0b', address: '10.77.0.2/24', up: true } }],
  bridges: [],
  routers: [],
  routes: [],
  rules: [],
};

/** Random command lines for a topology (or a generic one of pt0 and pt1): `ip link/addr/route`,
 *  `iptables`, `sysctl`, `bridge fdb`, most valid, some not (a missing device or namespace, a bad
 *  address, a misspelt subcommand, a rule that is not there, an unknown sysctl). Each is one
 *  change at most, so a failing one should change nothing. */
export function commands(topo?: Topology | TopologySpec): fc.Arbitrary<string> {
  const s = topo ? specOf(topo) : GENERIC;
  const devs = [...s.links.flatMap((l) => [l.a, l.b]).map((e) => ({ ns: e.ns, dev: e.dev })), ...s.bridges.map((b) => ({ ns: b.ns, dev: b.name }))];
  const nsA = fc.oneof({ arbitrary: fc.constantFrom(...s.namespaces), weight: 8 }, { arbitrary: fc.constant('nosuchns'), weight: 1 });
  const dev = devs.length ? fc.oneof({ arbitrary: fc.constantFrom(...devs), weight: 6 }, { arbitrary: fc.constant({ ns: s.namespaces[0]!, dev: 'nosuchdev' }), weight: 1 }) : fc.constant({ ns: s.namespaces[0]!, dev: 'nosuchdev' });
  const addrs = addressesOf(s).map((a) => a.address);
  const octet = fc.integer({ min: 1, max: 254 });
  const addr = fc.oneof(
    { arbitrary: octet.map((h) => `10.77.0.${h}`), weight: 3 },
    { arbitrary: addrs.length ? fc.constantFrom(...addrs) : fc.constant('10.77.0.1'), weight: 3 },
    { arbitrary: fc.constantFrom('10.77.0.300', '10.77.0', 'fe80::zz', 'bogus'), weight: 1 },
  );
  const plen = fc.constantFrom(24, 24, 16, 32, 33);
  const bridgePorts = s.links.flatMap((l) => [l.a, l.b]).filter((e) => e.bridge);
  return fc.oneof(
    dev.chain((d) => fc.constantFrom('up', 'down', 'mtu 1400', 'mtu 70000', 'sett up').map((x) => (x === 'sett up' ? `ip -n ${d.ns} link sett ${d.dev} up` : `ip -n ${d.ns} link set ${d.dev} ${x}`))),
    fc.tuple(dev, fc.constantFrom('add', 'del'), addr, plen).map(([d, op, a, p]) => `ip -n ${d.ns} addr ${op} ${a}/${p} dev ${d.dev}`),
    fc.tuple(nsA, fc.constantFrom('add', 'del'), fc.constantFrom('10.66.0.0/24', 'default', '10.77.0.0/24', '10.66.0.0/33'), fc.constantFrom('via', 'blackhole', 'unreachable'), addr).map(([n, op, dst, kind, gw]) =>
      kind === 'via' ? `ip -n ${n} route ${op} ${dst} via ${gw}` : `ip -n ${n} route ${op} ${kind} ${dst === 'default' ? '10.66.1.0/24' : dst}`,
    ),
    fc.tuple(nsA, fc.constantFrom('-A', '-D', '-I'), fc.constantFrom('INPUT', 'FORWARD', 'OUTPUT', 'NOSUCHCHAIN'), addr, fc.constantFrom('DROP', 'ACCEPT', 'REJECT', 'NOSUCHTARGET')).map(
      ([n, op, chain, a, target]) => `ip netns exec ${n} iptables ${op} ${chain} -s ${a} -j ${target}`,
    ),
    fc.tuple(nsA, fc.constantFrom('-F', '-P FORWARD DROP', '-P FORWARD ACCEPT', '-P INPUT BOGUS', '-X NOSUCHCHAIN', '-N userchain')).map(([n, x]) => `ip netns exec ${n} iptables ${x}`),
    fc.tuple(nsA, fc.constantFrom('net.ipv4.ip_forward=1', 'net.ipv4.ip_forward=0', 'net.ipv4.conf.all.rp_filter=1', 'net.ipv4.conf.all.rp_filter=2', 'net.ipv4.no_such_key=1')).map(([n, kv]) => `ip netns exec ${n} sysctl -w ${kv}`),
    fc.tuple(bridgePorts.length ? fc.oneof(fc.constantFrom(...bridgePorts), dev) : dev, fc.constantFrom('add', 'add', 'del', 'replace'), fc.constantFrom('02:00:00:00:00:01', '02:00:00:00:00:01', '02:00:00:00:00:zz')).map(
      ([d, op, mac]) => `ip netns exec ${d.ns} bridge fdb ${op} ${mac} dev ${d.dev} master static`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// invariants

/** What the invariants use of a machine (an NsemuMachine; a fake one to check a check). */
export type MachineLike = Pick<NsemuMachine, 'exec' | 'run' | 'snapshot' | 'fork' | 'advance'>;

/** A fork of the machine with the script or commands run in it (the machine is unchanged). */
async function sendAll(m: MachineLike, traffic: string | string[]): Promise<ExecResult[]> {
  const out: ExecResult[] = [];
  for (const c of typeof traffic === 'string' ? [traffic] : traffic) out.push(await m.run(`${c}\n`));
  return out;
}

/** One ping from every namespace to every address of the machine (the default traffic). */
export function pingAll(snap: MachineSnapshot): string[] {
  const out: string[] = [];
  const names = Object.keys(snap.namespaces).filter((n) => n !== '(init)');
  const to = names.flatMap((n) => Object.values(snap.namespaces[n]!.devices).flatMap((d) => d.addresses.map(bare))).filter((a) => !a.startsWith('127.'));
  for (const n of names) for (const a of to) out.push(`ip netns exec ${n} ping -c 1 -W 1 ${a}`);
  return out;
}

const kernelOf = (m: MachineLike): NsemuMachine['kernel'] => (m as NsemuMachine).kernel;

export interface DeterminismOptions {
  seed?: number;
  /** how a machine is made (default createMachine); for checking the check */
  create?: (seed: number) => Pick<MachineLike, 'run' | 'snapshot'>;
}

/** Same script, same seed ⇒ the same stdout, stderr, status, virtual time and snapshot. */
async function determinism(script: string, opts: DeterminismOptions = {}): Promise<void> {
  const seed = opts.seed ?? 1;
  const make = opts.create ?? ((s: number) => createMachine({ seed: s }));
  const runs: Record<string, string>[] = [];
  for (let k = 0; k < 2; k++) {
    const m = make(seed);
    const r = await m.run(script);
    runs.push({ stdout: r.stdout, stderr: r.stderr, status: String(r.status), snapshot: JSON.stringify(m.snapshot(), null, 1) });
  }
  const [a, b] = runs as [Record<string, string>, Record<string, string>];
  for (const k of ['status', 'stdout', 'stderr', 'snapshot']) {
    if (a[k] === b[k]) continue;
    const la = a[k]!.split('\n');
    const lb = b[k]!.split('\n');
    let i = 0;
    while (i < la.length && la[i] === lb[i]) i++;
    throw new Error(`determinism: two runs of the same script with seed ${seed} differ in ${k}, at line ${i + 1}:\n  first:  ${la[i] ?? '(end)'}\n  second: ${lb[i] ?? '(end)'}`);
  }
}

/** Runs the commands one after another in a fork; after each that fails (status ≠ 0), the
 *  state must be what it was before it (snapshot(), time aside). Returns how many failed. */
async function failedCommandsChangeNothing(m: MachineLike, cmds: string | string[]): Promise<{ failed: number; succeeded: number }> {
  const f = m.fork();
  let failed = 0;
  let succeeded = 0;
  for (const c of typeof cmds === 'string' ? [cmds] : cmds) {
    const before = f.snapshot();
    const r = await f.exec(c);
    if (r.status === 0) {
      succeeded++;
      continue;
    }
    failed++;
    const changes = diff(before, f.snapshot());
    if (changes.length)
      throw new Error(`failedCommandsChangeNothing: \`${c}\` failed (status ${r.status}: ${r.stderr.trim() || 'no error text'}) but changed the state:\n${changes.map((x) => `  ${x.text}`).join('\n')}`);
  }
  return { failed, succeeded };
}

/** With a tap on every device of the machine, runs the traffic (default: a ping from every
 *  namespace to every address) in the machine itself (pass a fork to keep yours) and checks that
 *  no bridge sent a frame out of the port it came in by. Returns how many frames the bridges
 *  forwarded. */
async function noFrameLeavesByIngress(m: MachineLike, traffic?: string | string[]): Promise<{ forwarded: number }> {
  let ingress: { ns: number; ifindex: number; master: number; frame: Uint8Array } | undefined;
  const violations: string[] = [];
  let forwarded = 0;
  const tap: Tap = {
    ns: -1,
    ifindex: 0,
    deliver(t, dev, frame, dir, nsId) {
      if (dev.master === undefined) return;
      if (dir === 'in') ingress = { ns: nsId, ifindex: dev.ifindex, master: dev.master, frame };
      else if (ingress && ingress.frame === frame && ingress.ns === nsId && ingress.master === dev.master) {
        forwarded++;
        if (dev.ifindex === ingress.ifindex && violations.length < 10) violations.push(`at ${(t / 1e9).toFixed(6)} s a frame came in on ${dev.name} (bridge port, ifindex ${dev.ifindex}, namespace ${nsId}) and went back out of it`);
      }
    },
  };
  const taps = machineTaps(kernelOf(m));
  taps.add(tap);
  try {
    await sendAll(m, traffic ?? pingAll(m.snapshot()));
  } finally {
    taps.delete(tap);
  }
  if (violations.length) throw new Error(`noFrameLeavesByIngress: a bridge sent a frame back out of its ingress port:\n${violations.map((v) => `  ${v}`).join('\n')}`);
  return { forwarded };
}

export interface TtlOptions {
  from: string;
  to: string;
  /** ping -t (default 8) */
  ttl?: number;
  /** most IPv4 frames the probe may cause (default 8 × (ttl + 64) + 16: the request's hops, an
   *  ICMP error's (TTL 64) back, each seen going out of a veth and of a bridge port) */
  maxFrames?: number;
}

/** One `ping -c 1 -W 1 -t TTL` in a fork, with a tap counting the IPv4 frames sent; a routing
 *  loop must end by TTL: bounded frames, and none still moving a second after the ping ended. */
async function ttlBoundsLoops(m: MachineLike, o: TtlOptions): Promise<{ frames: number; status: number }> {
  const ttl = o.ttl ?? 8;
  const max = o.maxFrames ?? 8 * (ttl + 64) + 16;
  const f = m.fork();
  let frames = 0;
  const tap: Tap = {
    ns: -1,
    ifindex: 0,
    deliver(_t, _dev, frame, dir) {
      if (dir === 'out' && frame.length > 14 && frame[12] === 0x08 && frame[13] === 0x00) frames++;
    },
  };
  machineTaps(kernelOf(f)).add(tap);
  const r = await f.exec(`ip netns exec ${o.from} ping -c 1 -W 1 -t ${ttl} ${o.to}`);
  const atEnd = frames;
  f.advance(1);
  if (frames > max) throw new Error(`ttlBoundsLoops: ping -t ${ttl} from ${o.from} to ${o.to} caused ${frames} IPv4 frames, more than ${max}: a loop TTL did not end`);
  if (frames !== atEnd) throw new Error(`ttlBoundsLoops: ping -t ${ttl} from ${o.from} to ${o.to} ended, but ${frames - atEnd} IPv4 frames were still sent in the second after it: a loop TTL did not end`);
  return { frames, status: r.status };
}

/** Where routes are symmetric (and no filter tells the directions apart): namespace a reaches an
 *  address of b iff b reaches an address of a (reachability(), probes in a fork). Returns the rows. */
async function reachabilitySymmetric(m: MachineLike, rows?: ReachabilityRow[]): Promise<ReachabilityRow[]> {
  const snap = m.snapshot();
  const all = rows ?? (await reachability(m as NsemuMachine));
  const owner = new Map<string, string>();
  for (const [n, s] of Object.entries(snap.namespaces)) for (const d of Object.values(s.devices)) for (const a of d.addresses) owner.set(bare(a), n);
  const reach = new Map<string, ReachabilityRow[]>();
  for (const r of all) {
    const to = owner.get(r.to);
    if (!to || to === r.from) continue;
    const k = `${r.from}\0${to}`;
    reach.set(k, [...(reach.get(k) ?? []), r]);
  }
  const delivered = (a: string, b: string): ReachabilityRow | undefined => reach.get(`${a}\0${b}`)?.find((r) => r.disposition === 'delivered');
  const bad: string[] = [];
  for (const k of reach.keys()) {
    const [a, b] = k.split('\0') as [string, string];
    const ab = delivered(a, b);
    if (!ab || delivered(b, a) || !reach.has(`${b}\0${a}`)) continue;
    const back = reach.get(`${b}\0${a}`)!;
    bad.push(`${a} reaches ${b} (${ab.to} delivered) but ${b} reaches no address of ${a} (${back.map((r) => `${r.to}: ${r.disposition}${r.reason ? ` (${r.reason})` : ''}`).join('; ')})`);
  }
  if (bad.length) throw new Error(`reachabilitySymmetric: reachability is not symmetric:\n${bad.map((x) => `  ${x}`).join('\n')}`);
  return all;
}

export const invariants = { determinism, failedCommandsChangeNothing, noFrameLeavesByIngress, ttlBoundsLoops, reachabilitySymmetric };
