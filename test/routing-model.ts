// Random trees of routers, the bash script that builds one and pings across it (the same script
// runs in nsemu and on the real kernel via scripts/kernel-run.ts), and a pure model of where the
// ping's packets go: the route tables walked hop by hop. Used by routing-properties.test.ts.
//
// The world: routers rt_r0..rt_r(n-1) joined as a tree (router i's uplink is 10.20.i.0/24 to
// its parent: parent .1 on c<i>, child .2 on p0), hosts rt_h0..rt_h(k-1) each on a link
// 10.30.j.0/24 to some router (router .1 on h<j>, host .2 on e0; default route via .1 unless left
// out). Each router has ip_forward on or off, and for every subnet it is not on, a route that is
// right (via the tree neighbour toward it), missing, wrong (via another neighbour: routes
// pointing back make loops), or of a type that fails (blackhole, unreachable, prohibit, throw);
// some routers have a default route via a random neighbour. A host
// pings another host, a router's address, or an address no route table knows (10.99.0.1),
// sometimes with -t.
//
// The model follows the kernel's order (ip_route_input_slow, ip_forward, icmp_send, icmp_reply):
// a packet for one of the node's addresses is delivered (weak host model; from one of its own
// addresses it is a martian, dropped); forwarding off → silent drop; no route (or a throw route)
// → "Destination Net Unreachable" from the router, an unreachable route → "Destination Host
// Unreachable", prohibit → "Packet filtered", blackhole → silence (ip_error); TTL ≤ 1 → "Time to
// live exceeded"; an ICMP error is never answered with another one. An error leaves from the address of the interface the router's
// route back to the sender uses, an echo reply from the address that was pinged; both need
// routes back, hop by hop, like the request.
import fc from 'fast-check';

export const MAX_ROUTERS = 5;
export const MAX_HOSTS = 3;
export const UNKNOWN = '10.99.0.1';

export interface Iface {
  dev: string;
  addr: string;
  /** the /24 it is on: "10.20.1" */
  net: string;
  /** the node at the other end, and its address */
  peer: string;
  peerAddr: string;
}

export interface Node {
  name: string;
  router: boolean;
  forward: boolean;
  ifaces: Iface[];
  /** routes added with ip route: /24 (by net) and default ("") → gateway address, or a type */
  routes: Map<string, string | ErrorRouteType>;
}

export type ErrorRouteType = 'blackhole' | 'unreachable' | 'prohibit' | 'throw';
const ERROR_TYPES: ErrorRouteType[] = ['blackhole', 'unreachable', 'prohibit', 'throw'];

export interface World {
  nodes: Map<string, Node>;
  /** the pinging host */
  src: string;
  target: string;
  /** ping -t, if given */
  ttl: number | undefined;
}

/** The raw draws; every value is taken modulo what exists, so shrunk cases stay valid. */
export interface Spec {
  routers: number;
  hosts: number;
  parents: number[];
  hostAt: number[];
  forwardOff: boolean[];
  /** per router, per subnet slot: below `right` right, below `right + missing` missing, below
   *  `right + missing + failing` a failing type, else wrong (which neighbour or type: the draw
   *  modulo the others) */
  routeDraw: number[];
  /** per router: below `noDefault` no default route, else one via a neighbour (draw modulo) */
  defaultDraw: number[];
  hostNoDefault: boolean[];
  src: number;
  /** ping's target: an address of the world or 10.99.0.1 (modulo their number); -1: 10.99.0.1;
   *  -2 - i: another host (i modulo their number) */
  target: number;
  /** 0: ping's default (64) */
  ttl: number;
  right: number;
  missing: number;
  failing: number;
  noDefault: number;
}

export interface SpecOptions {
  /** percentages of right, missing and failing routes (the rest are wrong) */
  right?: number;
  missing?: number;
  failing?: number;
  /** percentage of routers without a default route */
  noDefault?: number;
  /** fewest routers */
  minRouters?: number;
  /** always ping 10.99.0.1, or always another host */
  target?: 'unknown' | 'host';
}

export function specArb(o: SpecOptions = {}): fc.Arbitrary<Spec> {
  const rarely = fc.nat({ max: 9 }).map((x) => x === 0);
  return fc.record({
    routers: fc.integer({ min: o.minRouters ?? 1, max: MAX_ROUTERS }),
    hosts: fc.integer({ min: 2, max: MAX_HOSTS }),
    parents: fc.array(fc.nat(), { minLength: MAX_ROUTERS, maxLength: MAX_ROUTERS }),
    hostAt: fc.array(fc.nat(), { minLength: MAX_HOSTS, maxLength: MAX_HOSTS }),
    forwardOff: fc.array(rarely, { minLength: MAX_ROUTERS, maxLength: MAX_ROUTERS }),
    routeDraw: fc.array(fc.nat({ max: 99 }), { minLength: MAX_ROUTERS * 8, maxLength: MAX_ROUTERS * 8 }),
    defaultDraw: fc.array(fc.nat({ max: 99 }), { minLength: MAX_ROUTERS, maxLength: MAX_ROUTERS }),
    hostNoDefault: fc.array(rarely, { minLength: MAX_HOSTS, maxLength: MAX_HOSTS }),
    src: fc.nat(),
    target: o.target === 'unknown' ? fc.constant(-1) : o.target === 'host' ? fc.nat().map((x) => -2 - x) : fc.nat(),
    ttl: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 })),
    right: fc.constant(o.right ?? 55),
    missing: fc.constant(o.missing ?? 20),
    failing: fc.constant(o.failing ?? 8),
    noDefault: fc.constant(o.noDefault ?? 50),
  });
}

const R = (i: number): string => `rt_r${i}`;
const H = (j: number): string => `rt_h${j}`;
const net24 = (a: string): string => a.split('.').slice(0, 3).join('.');

function addLink(nodes: Map<string, Node>, a: string, devA: string, b: string, devB: string, net: string): void {
  nodes.get(a)!.ifaces.push({ dev: devA, addr: `${net}.1`, net, peer: b, peerAddr: `${net}.2` });
  nodes.get(b)!.ifaces.push({ dev: devB, addr: `${net}.2`, net, peer: a, peerAddr: `${net}.1` });
}

/** The interface of router `from` that leads toward `net` through the tree. */
function towards(nodes: Map<string, Node>, from: string, net: string): Iface | undefined {
  const seen = new Set([from]);
  let frontier: { node: string; first: Iface | undefined }[] = [{ node: from, first: undefined }];
  while (frontier.length) {
    const next: typeof frontier = [];
    for (const { node, first } of frontier) {
      for (const f of nodes.get(node)!.ifaces) {
        if (f.net === net) return first;
        const peer = nodes.get(f.peer)!;
        if (!peer.router || seen.has(f.peer)) continue;
        seen.add(f.peer);
        next.push({ node: f.peer, first: first ?? f });
      }
    }
    frontier = next;
  }
  return undefined;
}

export function buildWorld(s: Spec): World {
  const nodes = new Map<string, Node>();
  for (let i = 0; i < s.routers; i++) nodes.set(R(i), { name: R(i), router: true, forward: !s.forwardOff[i], ifaces: [], routes: new Map() });
  for (let j = 0; j < s.hosts; j++) nodes.set(H(j), { name: H(j), router: false, forward: false, ifaces: [], routes: new Map() });
  for (let i = 1; i < s.routers; i++) addLink(nodes, R(s.parents[i]! % i), `c${i}`, R(i), 'p0', `10.20.${i}`);
  for (let j = 0; j < s.hosts; j++) {
    addLink(nodes, R(s.hostAt[j]! % s.routers), `h${j}`, H(j), 'e0', `10.30.${j}`);
    if (!s.hostNoDefault[j]) nodes.get(H(j))!.routes.set('', `10.30.${j}.1`);
  }
  const nets = [...Array.from({ length: s.routers - 1 }, (_, i) => `10.20.${i + 1}`), ...Array.from({ length: s.hosts }, (_, j) => `10.30.${j}`)];
  for (let i = 0; i < s.routers; i++) {
    const r = nodes.get(R(i))!;
    const routerIfaces = r.ifaces.filter((f) => nodes.get(f.peer)!.router);
    nets.forEach((net, slot) => {
      if (r.ifaces.some((f) => f.net === net)) return;
      const right = towards(nodes, r.name, net)!;
      const d = s.routeDraw[i * 8 + slot]!;
      if (d < s.right) r.routes.set(net, right.peerAddr);
      else if (d < s.right + s.missing) return;
      else if (d < s.right + s.missing + s.failing) r.routes.set(net, ERROR_TYPES[d % ERROR_TYPES.length]!);
      else {
        const others = routerIfaces.filter((f) => f !== right);
        r.routes.set(net, (others.length ? others[d % others.length]! : right).peerAddr);
      }
    });
    const dd = s.defaultDraw[i]!;
    if (dd >= s.noDefault && routerIfaces.length) r.routes.set('', routerIfaces[dd % routerIfaces.length]!.peerAddr);
  }
  const src = H(s.src % s.hosts);
  const targets = [...nodes.values()].flatMap((n) => (n.name === src ? [] : n.ifaces.map((f) => f.addr)));
  targets.push(UNKNOWN);
  const hosts = [...nodes.values()].filter((n) => !n.router && n.name !== src).map((n) => n.ifaces[0]!.addr);
  const target = s.target === -1 ? UNKNOWN : s.target < 0 ? hosts[(-2 - s.target) % hosts.length]! : targets[s.target % targets.length]!;
  return { nodes, src, target, ttl: s.ttl || undefined };
}

/** The number of veth links. */
export function linkCount(w: World): number {
  let l = 0;
  for (const n of w.nodes.values()) l += n.ifaces.length;
  return l / 2;
}

/** The bash script: builds the world, settles, pings once; prints ping's From/64 bytes/error
 *  lines and its exit status. Runs unchanged in nsemu and on the real kernel. */
export function script(w: World): string {
  const lines: string[] = [];
  for (const n of w.nodes.values()) {
    lines.push(`ip netns add ${n.name}`);
    lines.push(
      `ip netns exec ${n.name} sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0`,
    );
  }
  for (const n of w.nodes.values()) {
    for (const f of n.ifaces) {
      if (!f.addr.endsWith('.1')) continue; // each link once, from its .1 end
      const p = w.nodes.get(f.peer)!.ifaces.find((g) => g.net === f.net)!;
      lines.push(`ip link add ${f.dev} netns ${n.name} type veth peer name ${p.dev} netns ${f.peer}`);
      lines.push(`ip -n ${n.name} addr add ${f.addr}/24 dev ${f.dev}; ip -n ${f.peer} addr add ${p.addr}/24 dev ${p.dev}`);
      lines.push(`ip -n ${n.name} link set ${f.dev} up; ip -n ${f.peer} link set ${p.dev} up`);
    }
  }
  for (const n of w.nodes.values()) {
    if (n.router) lines.push(`ip netns exec ${n.name} sysctl -q -w net.ipv4.ip_forward=${n.forward ? 1 : 0}`);
    for (const [net, r] of n.routes) {
      const prefix = net === '' ? 'default' : `${net}.0/24`;
      lines.push(`ip -n ${n.name} route add ${ERROR_TYPES.includes(r as ErrorRouteType) ? `${r} ${prefix}` : `${prefix} via ${r}`}`);
    }
  }
  lines.push('sleep 2');
  const t = w.ttl ? `-t ${w.ttl} ` : '';
  lines.push(`ip netns exec ${w.src} ping -c 1 -W 1 ${t}${w.target} 2>&1 | grep -E '^From|^64 bytes|^ping:'; echo "rc=\${PIPESTATUS[0]}"`);
  return `${lines.join('\n')}\n`;
}

// ---- the model ------------------------------------------------------------------------------

interface Pkt {
  src: string;
  dst: string;
  ttl: number;
  /** an ICMP error (never answered with another): who sent it, and what ping prints for it */
  error?: { from: string; text: string };
}

/** Where a packet was delivered, as it arrived; undefined: lost on the way. */
type Arrival = { at: string; pkt: Pkt } | undefined;

interface Hop {
  iface: Iface;
  nexthop: string;
}

function isLocal(n: Node, a: string): boolean {
  return n.ifaces.some((f) => f.addr === a);
}

/** fib_lookup: connected /24, then a /24 route, then the default; undefined: no route, or a
 *  route whose type fails the lookup (that type). */
function fibLookup(n: Node, dst: string): Hop | ErrorRouteType | undefined {
  const on = n.ifaces.find((f) => f.net === net24(dst));
  if (on) return { iface: on, nexthop: dst };
  const r = n.routes.get(net24(dst)) ?? n.routes.get('');
  if (r === undefined || ERROR_TYPES.includes(r as ErrorRouteType)) return r as ErrorRouteType | undefined;
  return { iface: n.ifaces.find((f) => f.net === net24(r))!, nexthop: r };
}

/** A route to send on, or none. */
function lookup(n: Node, dst: string): Hop | undefined {
  const r = fibLookup(n, dst);
  return typeof r === 'object' ? r : undefined;
}

/** ip_error: what a failed input route answers (on a forwarding device). */
const IP_ERROR: Record<ErrorRouteType | 'none', string | undefined> = {
  none: 'Destination Net Unreachable',
  throw: 'Destination Net Unreachable',
  unreachable: 'Destination Host Unreachable',
  prohibit: 'Packet filtered',
  blackhole: undefined,
};

/** The packet leaves `from` over hop; follow it node by node. `hits` collects the failing route
 *  types that ended a packet. */
function travel(w: World, hop: Hop, pkt: Pkt, from: string, hits: Set<string>): Arrival {
  for (let guard = 0; guard < 1000; guard++) {
    if (hop.nexthop !== hop.iface.peerAddr) throw new Error(`model: ${from} would ARP for ${hop.nexthop}, which nobody has`);
    const n = w.nodes.get(hop.iface.peer)!;
    if (isLocal(n, pkt.dst)) return isLocal(n, pkt.src) ? undefined : { at: n.name, pkt };
    if (!n.forward) return undefined;
    const next = fibLookup(n, pkt.dst);
    if (typeof next !== 'object') {
      if (next) hits.add(next);
      const text = IP_ERROR[next ?? 'none'];
      return text ? icmpError(w, n, pkt, text, hits) : undefined;
    }
    if (isLocal(n, pkt.src)) return undefined; // martian source
    if (pkt.ttl <= 1) return icmpError(w, n, pkt, 'Time to live exceeded', hits);
    pkt = { ...pkt, ttl: pkt.ttl - 1 };
    hop = next;
    from = n.name;
  }
  throw new Error('model: a packet that never ends');
}

/** icmp_send: from the address of the interface that routes back to the sender. */
function icmpError(w: World, n: Node, about: Pkt, text: string, hits: Set<string>): Arrival {
  if (about.error) return undefined;
  const back = lookup(n, about.src);
  if (!back) return undefined;
  return travel(w, back, { src: back.iface.addr, dst: about.src, ttl: 64, error: { from: back.iface.addr, text } }, n.name, hits);
}

export type Outcome =
  | { kind: 'reply'; from: string; ttl: number }
  | { kind: 'error'; from: string; text: string }
  | { kind: 'none' }
  | { kind: 'connect' };

/** What the ping sees; `hits`: the failing route types that ended one of the run's packets (the
 *  request, the error about it, the reply). */
export function predict(w: World): Outcome & { hits: string[] } {
  const hits = new Set<string>();
  const o = follow(w, hits);
  return { ...o, hits: [...hits].sort() };
}

function follow(w: World, hits: Set<string>): Outcome {
  const s = w.nodes.get(w.src)!;
  const out = lookup(s, w.target);
  if (!out) return { kind: 'connect' };
  const srcAddr = out.iface.addr;
  const req = travel(w, out, { src: srcAddr, dst: w.target, ttl: w.ttl ?? 64 }, s.name, hits);
  if (!req) return { kind: 'none' };
  if (req.pkt.error) return req.at === s.name ? { kind: 'error', ...req.pkt.error } : { kind: 'none' };
  // icmp_reply from the pinged address, routed by the target's own tables
  const t = w.nodes.get(req.at)!;
  const back = lookup(t, srcAddr);
  const reply = back && travel(w, back, { src: w.target, dst: srcAddr, ttl: 64 }, t.name, hits);
  if (!reply || reply.at !== s.name) return { kind: 'none' };
  return { kind: 'reply', from: w.target, ttl: reply.pkt.ttl };
}

/** The script's output for an outcome (a reply's time= removed, see `observed`). */
export function expectedOutput(o: Outcome): string {
  switch (o.kind) {
    case 'reply':
      return `64 bytes from ${o.from}: icmp_seq=1 ttl=${o.ttl}\nrc=0`;
    case 'error':
      return `From ${o.from} icmp_seq=1 ${o.text}\nrc=1`;
    case 'none':
      return 'rc=1';
    case 'connect':
      return 'ping: connect: Network is unreachable\nrc=2';
  }
}

/** The script's output with a reply's time= removed. */
export const observed = (out: string): string => out.replace(/ time=\S+ ms/, '').trim();
