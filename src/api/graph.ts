// The topology of a snapshot as a drawing: Graphviz DOT text, Mermaid flowchart text, or SVG
// (the DOT laid out by Graphviz compiled to WebAssembly, @viz-js/viz, loaded only when asked).
//   toDot(m.snapshot())      namespaces as clusters, devices as nodes, veth pairs and bridge ports as edges
//   toMermaid(m.snapshot())  the same graph for Markdown renderers that draw Mermaid
//   await toSvg(m.snapshot())
// Pure functions of the snapshot, with everything sorted (namespaces by name, devices by
// ifindex): the same snapshot gives the same bytes.
//
// What is drawn:
// - every namespace as a cluster; the initial namespace only when it holds more than lo;
// - every device as a box: name, kind and state, its IPv4 addresses; a bridge with a double
//   border; a device that is down (not IFF_UP) dashed and grey, one that is up without carrier
//   dotted and grey;
// - a veth pair as a thick edge between its two ends (once per pair; dashed grey while the pair
//   has no carrier), a bridge port as a blue edge to its bridge (dashed grey while the port has
//   no carrier).
import { INIT_NS, type DeviceSnapshot, type MachineSnapshot } from './snapshot.ts';

/** A device as the graph draws it. */
interface GraphNode {
  /** `NS/DEV`, as DeviceSnapshot.peer names devices */
  id: string;
  ns: string;
  name: string;
  dev: DeviceSnapshot;
  /** what state it is drawn in */
  look: 'ok' | 'down' | 'no-carrier';
}

interface GraphEdge {
  a: string;
  b: string;
  kind: 'veth' | 'port';
  /** the link passes no frames (an end without carrier) */
  dead: boolean;
}

interface TopologyGraph {
  clusters: { ns: string; label: string; nodes: GraphNode[] }[];
  edges: GraphEdge[];
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The state word of a device: DOWN (not IFF_UP), NO-CARRIER (up, no carrier) or its operstate. */
function stateWord(d: DeviceSnapshot): string {
  if (!d.up) return 'DOWN';
  if (!d.carrier) return 'NO-CARRIER';
  return d.operstate;
}

/** The nodes and edges to draw, sorted. */
function topology(s: MachineSnapshot): TopologyGraph {
  const nsNames = Object.keys(s.namespaces).sort((a, b) => (a === INIT_NS ? -1 : b === INIT_NS ? 1 : byCodeUnits(a, b)));
  const clusters: TopologyGraph['clusters'] = [];
  const nodes = new Map<string, GraphNode>();
  for (const ns of nsNames) {
    const devs = Object.entries(s.namespaces[ns]!.devices).sort(([an, a], [bn, b]) => a.ifindex - b.ifindex || byCodeUnits(an, bn));
    if (ns === INIT_NS && devs.every(([, d]) => d.kind === 'loopback')) continue;
    const list: GraphNode[] = devs.map(([name, dev]) => ({ id: `${ns}/${name}`, ns, name, dev, look: !dev.up ? 'down' : !dev.carrier ? 'no-carrier' : 'ok' }));
    for (const n of list) nodes.set(n.id, n);
    clusters.push({ ns, label: ns === INIT_NS ? 'initial namespace' : `netns ${ns}`, nodes: list });
  }
  const edges: GraphEdge[] = [];
  for (const c of clusters)
    for (const n of c.nodes) {
      const peer = n.dev.peer !== undefined ? nodes.get(n.dev.peer) : undefined;
      // a pair once, from its end that sorts first (an end whose peer is not drawn: no edge)
      if (peer && byCodeUnits(n.id, peer.id) < 0) edges.push({ a: n.id, b: peer.id, kind: 'veth', dead: !n.dev.carrier || !peer.dev.carrier });
      const master = n.dev.master !== undefined ? nodes.get(`${n.ns}/${n.dev.master}`) : undefined;
      if (master) edges.push({ a: n.id, b: master.id, kind: 'port', dead: !n.dev.carrier });
    }
  edges.sort((x, y) => byCodeUnits(x.a, y.a) || byCodeUnits(x.b, y.b) || byCodeUnits(x.kind, y.kind));
  return { clusters, edges };
}

/** The text lines of a device's label. */
function labelLines(n: GraphNode): string[] {
  return [n.name, `${n.dev.kind} ${stateWord(n.dev)}`, ...n.dev.addresses];
}

/** A DOT double-quoted string. */
const dotQ = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Graphviz DOT text of the snapshot's topology (an undirected graph, one node or edge a line). */
export function toDot(s: MachineSnapshot): string {
  const g = topology(s);
  const out: string[] = [
    'graph nsemu {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, nodesep=0.3];',
    '  node [shape=box, fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  g.clusters.forEach((c, i) => {
    out.push(`  subgraph cluster_${i} {`, `    label=${dotQ(c.label)};`, '    style=rounded;');
    for (const n of c.nodes) {
      const attrs = [`label=${dotQ(labelLines(n).join('\n'))}`];
      if (n.dev.kind === 'bridge') attrs.push('peripheries=2');
      if (n.look === 'down') attrs.push('style=dashed', 'color=gray50', 'fontcolor=gray50');
      else if (n.look === 'no-carrier') attrs.push('style=dotted', 'color=gray50', 'fontcolor=gray30');
      out.push(`    ${dotQ(n.id)} [${attrs.join(', ')}];`);
    }
    out.push('  }');
  });
  for (const e of g.edges) {
    const attrs = [`class=${e.kind}`];
    if (e.kind === 'veth') attrs.push('penwidth=2');
    attrs.push(...(e.dead ? ['style=dashed', 'color=gray50'] : e.kind === 'port' ? ['color="#3465a4"'] : []));
    out.push(`  ${dotQ(e.a)} -- ${dotQ(e.b)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Mermaid's quoted label text: `"` and markup characters as entity codes, lines joined by <br/>. */
const mermaidQ = (lines: string[]): string =>
  `"${lines.map((l) => l.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>')}"`;

/** Mermaid flowchart text of the snapshot's topology (nodes n1, n2… in drawing order). */
export function toMermaid(s: MachineSnapshot): string {
  const g = topology(s);
  const out: string[] = ['flowchart LR'];
  const ids = new Map<string, string>();
  const down: string[] = [];
  const noCarrier: string[] = [];
  g.clusters.forEach((c, i) => {
    out.push(`  subgraph ns${i}[${mermaidQ([c.label])}]`);
    for (const n of c.nodes) {
      const id = `n${ids.size + 1}`;
      ids.set(n.id, id);
      const label = mermaidQ(labelLines(n));
      // a bridge as a subroutine box (double sides), the other devices as plain boxes
      out.push(`    ${id}${n.dev.kind === 'bridge' ? `[[${label}]]` : `[${label}]`}`);
      if (n.look === 'down') down.push(id);
      else if (n.look === 'no-carrier') noCarrier.push(id);
    }
    out.push('  end');
  });
  const linkStyles: string[] = [];
  g.edges.forEach((e, i) => {
    out.push(`  ${ids.get(e.a)} ${e.dead ? '-.-' : e.kind === 'veth' ? '===' : '---'} ${ids.get(e.b)}`);
    if (e.kind === 'port' && !e.dead) linkStyles.push(`  linkStyle ${i} stroke:#3465a4`);
  });
  out.push(...linkStyles);
  out.push('  classDef down stroke-dasharray:5 5,stroke:#7f7f7f,color:#7f7f7f;');
  out.push('  classDef nocarrier stroke-dasharray:2 2,stroke:#7f7f7f,color:#4d4d4d;');
  if (down.length) out.push(`  class ${down.join(',')} down;`);
  if (noCarrier.length) out.push(`  class ${noCarrier.join(',')} nocarrier;`);
  return `${out.join('\n')}\n`;
}

type VizInstance = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;
let viz: Promise<VizInstance> | undefined;

/** SVG of the snapshot's topology: toDot laid out by Graphviz (WebAssembly, no system Graphviz). */
export async function toSvg(s: MachineSnapshot): Promise<string> {
  viz ??= import('@viz-js/viz').then((v) => v.instance());
  return (await viz).renderString(toDot(s), { format: 'svg', engine: 'dot' });
}
