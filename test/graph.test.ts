// nsemu graph and src/api/graph.ts: the nodes, clusters and edges of a small topology in DOT and
// Mermaid (parsed line by line, not compared as a transcript), SVG through Graphviz in
// WebAssembly, -o FILE, the CLI's errors, and the committed README picture (docs/) kept equal to
// what nsemu graph draws now.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMachine, toDot, toMermaid, toSvg, type MachineSnapshot } from '../src/index.ts';
import { cli } from './helpers/cli.ts';
import { root } from './helpers/needs.ts';
import { tempDir } from './helpers/tmp.ts';

const dir = tempDir('nsemu-graph-');

// two namespaces over a veth (a/va — b/vb); in b a bridge br0 with two ports, vb and p1; p1's
// peer p1x stays down, so p1 is up without carrier; every lo but the initial one is down
const TOPOLOGY = `ip netns add a; ip netns add b
ip link add va netns a type veth peer name vb netns b
ip -n a addr add 10.0.0.1/24 dev va
ip -n b link add br0 type bridge
ip -n b link add p1 type veth peer name p1x
ip -n b link set vb master br0
ip -n b link set p1 master br0
ip -n b addr add 10.0.0.2/24 dev br0
ip -n a link set va up; ip -n b link set vb up; ip -n b link set br0 up; ip -n b link set p1 up
`;
const script = join(dir, 'topology.sh');
writeFileSync(script, `${TOPOLOGY}echo built\n`);

let snap: MachineSnapshot;
beforeAll(async () => {
  const m = createMachine({ seed: 1 });
  const r = await m.run(TOPOLOGY);
  expect(r).toEqual({ stdout: '', stderr: '', status: 0 });
  snap = m.snapshot();
});

/** `k=v, k="v"` → { k: v } (quotes and DOT escapes removed). */
function dotAttrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|[^,\s]+)/g)) {
    const v = m[2]!;
    out[m[1]!] = v.startsWith('"') ? v.slice(1, -1).replace(/\\n/g, '\n').replace(/\\(.)/g, '$1') : v;
  }
  return out;
}

interface ParsedDot {
  clusters: Record<string, string[]>;
  nodes: Record<string, Record<string, string>>;
  edges: { a: string; b: string; attrs: Record<string, string> }[];
}

function parseDot(text: string): ParsedDot {
  const p: ParsedDot = { clusters: {}, nodes: {}, edges: [] };
  let cluster: string[] | undefined;
  const lines = text.split('\n');
  expect(lines[0]).toBe('graph nsemu {');
  expect(lines.at(-1)).toBe('');
  expect(lines.at(-2)).toBe('}');
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if (/^ {2}subgraph cluster_\d+ \{$/.test(line)) cluster = [];
    else if ((m = /^ {4}label="([^"]*)";$/.exec(line)) && cluster) p.clusters[m[1]!] = cluster;
    else if (line === '  }') cluster = undefined;
    else if ((m = /^ {4}"([^"]+)" \[(.*)\];$/.exec(line))) {
      expect(cluster, `node outside a cluster: ${line}`).toBeDefined();
      cluster!.push(m[1]!);
      p.nodes[m[1]!] = dotAttrs(m[2]!);
    } else if ((m = /^ {2}"([^"]+)" -- "([^"]+)" \[(.*)\];$/.exec(line))) p.edges.push({ a: m[1]!, b: m[2]!, attrs: dotAttrs(m[3]!) });
  }
  return p;
}

describe('toDot', () => {
  it('draws each namespace as a cluster with its devices, addresses and state; veth pairs and bridge ports as edges', () => {
    const g = parseDot(toDot(snap));
    // the initial namespace holds only lo: not drawn
    expect(g.clusters).toEqual({ 'netns a': ['a/lo', 'a/va'], 'netns b': ['b/lo', 'b/vb', 'b/br0', 'b/p1x', 'b/p1'] });
    const label = (id: string): string[] => g.nodes[id]!.label!.split('\n');
    expect(label('a/va')).toEqual(['va', 'veth UP', '10.0.0.1/24']);
    expect(label('b/br0')).toEqual(['br0', 'bridge UP', '10.0.0.2/24']);
    expect(label('b/vb')).toEqual(['vb', 'veth UP']);
    expect(label('b/p1')).toEqual(['p1', 'veth NO-CARRIER']);
    expect(label('b/p1x')).toEqual(['p1x', 'veth DOWN']);
    expect(label('a/lo')).toEqual(['lo', 'loopback DOWN']);
    // down: dashed grey; up without carrier: dotted; up and running: the default solid box
    for (const id of ['a/lo', 'b/lo', 'b/p1x']) expect(g.nodes[id]).toMatchObject({ style: 'dashed', color: 'gray50' });
    expect(g.nodes['b/p1']).toMatchObject({ style: 'dotted', color: 'gray50' });
    for (const id of ['a/va', 'b/vb', 'b/br0']) expect(g.nodes[id]!.style).toBeUndefined();
    expect(g.nodes['b/br0']!.peripheries).toBe('2');
    const edges = g.edges.map((e) => `${e.a} -- ${e.b} ${e.attrs.class}${e.attrs.style === 'dashed' ? ' dead' : ''}`);
    expect(edges).toEqual(['a/va -- b/vb veth', 'b/p1 -- b/br0 port dead', 'b/p1 -- b/p1x veth dead', 'b/vb -- b/br0 port']);
  });

  it('draws the initial namespace once it holds more than lo, and is the same text for the same snapshot', async () => {
    const m = createMachine({ seed: 1 });
    await m.exec('ip link add v0 type veth peer name v1; ip netns add x; ip link set v1 netns x');
    const text = toDot(m.snapshot());
    const g = parseDot(text);
    expect(g.clusters).toEqual({ 'initial namespace': ['(init)/lo', '(init)/v0'], 'netns x': ['x/lo', 'x/v1'] });
    expect(g.edges.map((e) => `${e.a} -- ${e.b}`)).toEqual(['(init)/v0 -- x/v1']);
    expect(toDot(m.fork().snapshot())).toBe(text);
  });
});

describe('toMermaid', () => {
  it('has the same nodes and edges', () => {
    const text = toMermaid(snap);
    const lines = text.split('\n');
    expect(lines[0]).toBe('flowchart LR');
    const names: Record<string, string> = {};
    const bridges: string[] = [];
    const subgraphs: string[] = [];
    const edges: string[] = [];
    const classes: Record<string, string[]> = {};
    for (const line of lines) {
      let m: RegExpExecArray | null;
      if ((m = /^ {2}subgraph ns\d+\["([^"]*)"\]$/.exec(line))) subgraphs.push(m[1]!);
      else if ((m = /^ {4}(n\d+)(\[\[?)"([^"]*)"\]\]?$/.exec(line))) {
        names[m[1]!] = m[3]!.split('<br/>')[0]!;
        if (m[2] === '[[') bridges.push(m[3]!.split('<br/>')[0]!);
      } else if ((m = /^ {2}(n\d+) (===|---|-\.-) (n\d+)$/.exec(line))) edges.push(`${m[1]} ${m[2]} ${m[3]}`);
      else if ((m = /^ {2}class ([\w,]+) (\w+);$/.exec(line))) classes[m[2]!] = m[1]!.split(',');
    }
    expect(subgraphs).toEqual(['netns a', 'netns b']);
    expect(Object.values(names)).toEqual(['lo', 'va', 'lo', 'vb', 'br0', 'p1x', 'p1']);
    expect(bridges).toEqual(['br0']);
    const named = (e: string): string => e.replace(/n\d+/g, (id) => names[id]!);
    expect(edges.map(named)).toEqual(['va === vb', 'p1 -.- br0', 'p1 -.- p1x', 'vb --- br0']);
    expect(classes.down!.map((id) => names[id])).toEqual(['lo', 'lo', 'p1x']);
    expect(classes.nocarrier!.map((id) => names[id])).toEqual(['p1']);
  });
});

/** An SVG document as Graphviz writes it: an XML prolog, then one <svg> element to the end. */
function expectSvg(svg: string, labels: string[]): void {
  expect(svg).toMatch(/^(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg.match(/<g\b/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
  const text = svg.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  for (const l of labels) expect(text).toContain(`>${l}</text>`);
}

describe('toSvg', () => {
  it('is an SVG document with the devices and addresses as its text', async () => {
    const svg = await toSvg(snap);
    expectSvg(svg, ['va', 'vb', 'br0', 'p1', 'p1x', '10.0.0.1/24', '10.0.0.2/24', 'netns a', 'netns b', 'veth NO-CARRIER']);
    expect(await toSvg(snap)).toBe(svg);
  });
});

describe('nsemu graph', () => {
  it("prints DOT by default; the script's output goes to stderr (nowhere with -q)", async () => {
    const r = await cli(['graph', script]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(toDot(snap));
    expect(r.stderr).toBe('built\n');
    const q = await cli(['graph', '-q', '--format', 'mermaid', script]);
    expect(q).toMatchObject({ stdout: toMermaid(snap), stderr: '', status: 0 });
  });

  it('-o FILE writes the file (the format from its name unless --format says), stdout stays empty', async () => {
    const svgFile = join(dir, 'out.svg');
    const r = await cli(['graph', '-q', '-o', svgFile, script]);
    expect(r).toMatchObject({ stdout: '', stderr: '', status: 0 });
    expect(readFileSync(svgFile, 'utf8')).toBe(await toSvg(snap));
    const dotFile = join(dir, 'out.txt');
    expect((await cli(['graph', '-q', '--format', 'dot', '-o', dotFile, script])).status).toBe(0);
    expect(readFileSync(dotFile, 'utf8')).toBe(toDot(snap));
    const mmd = join(dir, 'out.mmd');
    expect((await cli(['graph', '-q', '-o', mmd, script])).status).toBe(0);
    expect(readFileSync(mmd, 'utf8')).toBe(toMermaid(snap));
    const bad = await cli(['graph', '-q', '-o', join(dir, 'no/such/dir.dot'), script]);
    expect(bad).toMatchObject({ stderr: `nsemu: ${join(dir, 'no/such/dir.dot')}: No such file or directory\n`, status: 1 });
  });

  it('a bad format, an unknown option or no script: commander’s error, status 1', async () => {
    const f = await cli(['graph', '--format', 'png', script]);
    expect(f).toMatchObject({ stdout: '', status: 1 });
    expect(f.stderr).toMatch(/^error: option '--format <format>' argument 'png' is invalid\. Allowed choices are dot, mermaid, svg\./);
    expect(await cli(['graph', '--colour', script])).toMatchObject({ stderr: "error: unknown option '--colour'\n", status: 1 });
    expect(await cli(['graph'])).toMatchObject({ stderr: "error: missing required argument 'script'\n", status: 1 });
    expect(existsSync(join(dir, 'png'))).toBe(false);
  });

  it('says so when the script fails or leaves nothing to draw, and draws what is left', async () => {
    const gone = join(dir, 'gone.sh');
    writeFileSync(gone, 'ip netns add z; ip netns del z; exit 3\n');
    const r = await cli(['graph', gone]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      `nsemu: graph: ${gone} exited with status 3; drawing the state it left\nnsemu: graph: ${gone} left nothing to draw (only the initial namespace's lo; a script that deletes its namespaces at exit leaves none)\n`,
    );
    expect(parseDot(r.stdout)).toEqual({ clusters: {}, nodes: {}, edges: [] });
    expect(await cli(['graph', join(dir, 'nope.sh')])).toMatchObject({ stderr: `nsemu: ${join(dir, 'nope.sh')}: No such file or directory\n`, status: 127 });
  });
});

describe("the README's picture", () => {
  it('docs/seed000-graph.svg is what nsemu graph draws for examples/seed000-veth-bridge-kept.sh now', async () => {
    const r = await cli(['graph', '-q', '--format', 'svg', join(root, 'examples/seed000-veth-bridge-kept.sh')]);
    expect(r.status).toBe(0);
    expectSvg(r.stdout, ['veth0-0', 'veth0-1', 'br0', '192.168.100.1/24', '192.168.100.2/24', 'netns host', 'netns ns0']);
    // regenerate: npx nsemu graph -q -o docs/seed000-graph.svg examples/seed000-veth-bridge-kept.sh
    expect(r.stdout, 'docs/seed000-graph.svg is stale').toBe(readFileSync(join(root, 'docs/seed000-graph.svg'), 'utf8'));
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('(docs/seed000-graph.svg)');
  });
});
