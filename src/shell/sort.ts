// GNU sort's key handling (coreutils sort.c `begfield`/`limfield`, `keycompare`) for the forms
// scenarios use (`sort -k1,1n -k3,3`): just-bash's sort splits fields on runs of blanks after
// dropping leading ones, so a line with leading blanks gets an empty first field. Without -t,
// GNU fields are "blanks then non-blanks" and keep their leading blanks. Anything else (no -k,
// options not handled here) goes to just-bash's sort unchanged.
import type { Command } from '../userland/command.ts';

interface Key {
  sf: number;
  sc: number;
  ef: number; // 0 = end of line
  ec: number;
  n: boolean;
  r: boolean;
  b: boolean; // skip leading blanks of the start
  f: boolean;
}

const BLANK = /[ \t]/;

function parseKey(spec: string, g: { n: boolean; r: boolean; b: boolean; f: boolean }): Key | undefined {
  const m = /^(\d+)(?:\.(\d+))?([bfnr]*)(?:,(\d+)(?:\.(\d+))?([bfnr]*))?$/.exec(spec);
  if (!m) return undefined;
  const o1 = m[3] ?? '', o2 = m[6] ?? '';
  const opts = o1 + o2;
  const any = opts.length > 0;
  return {
    sf: Number(m[1]),
    sc: m[2] ? Number(m[2]) : 1,
    ef: m[4] ? Number(m[4]) : 0,
    ec: m[5] ? Number(m[5]) : 0,
    n: any ? opts.includes('n') : g.n,
    r: any ? opts.includes('r') : g.r,
    b: any ? o1.includes('b') : g.b,
    f: any ? opts.includes('f') : g.f,
  };
}

/** start/end offsets of field i (1-based) without -t: each field = leading blanks + non-blanks */
function fieldStart(line: string, field: number, tab: string | undefined): number {
  let p = 0;
  for (let i = 1; i < field && p < line.length; i++) {
    if (tab !== undefined) {
      const q = line.indexOf(tab, p);
      if (q < 0) return line.length;
      p = q + 1;
    } else {
      while (p < line.length && BLANK.test(line[p]!)) p++;
      while (p < line.length && !BLANK.test(line[p]!)) p++;
    }
  }
  return p;
}

function fieldEnd(line: string, field: number, tab: string | undefined): number {
  let p = fieldStart(line, field, tab);
  if (tab !== undefined) {
    const q = line.indexOf(tab, p);
    return q < 0 ? line.length : q;
  }
  while (p < line.length && BLANK.test(line[p]!)) p++;
  while (p < line.length && !BLANK.test(line[p]!)) p++;
  return p;
}

function keyText(line: string, k: Key, tab: string | undefined): string {
  let s = fieldStart(line, k.sf, tab);
  if (k.b) while (s < line.length && BLANK.test(line[s]!)) s++;
  s = Math.min(line.length, s + k.sc - 1);
  let e = line.length;
  if (k.ef) {
    if (k.ec) e = Math.min(line.length, fieldStart(line, k.ef, tab) + k.ec);
    else e = fieldEnd(line, k.ef, tab);
  }
  return e > s ? line.slice(s, e) : '';
}

function num(s: string): number {
  const m = /^[ \t]*(-?(\d*\.?\d*))/.exec(s);
  const v = m ? parseFloat(m[1]!) : NaN;
  return Number.isNaN(v) ? 0 : v;
}

function cmpBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


export function gnuSort(fallback: Command): Command {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    const g = { n: false, r: false, b: false, f: false };
    let unique = false, stable = false, tab: string | undefined;
    const specs: string[] = [];
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        files.push(...args.slice(i + 1));
        break;
      }
      if (a.startsWith('-') && a.length > 1) {
        let j = 1;
        for (; j < a.length; j++) {
          const c = a[j]!;
          if (c === 'k' || c === 't') {
            const v = a.slice(j + 1) || args[++i];
            if (v === undefined) return fallback(ctx);
            if (c === 'k') specs.push(v);
            else tab = v;
            break;
          }
          if (c === 'n') g.n = true;
          else if (c === 'r') g.r = true;
          else if (c === 'b') g.b = true;
          else if (c === 'f') g.f = true;
          else if (c === 'u') unique = true;
          else if (c === 's') stable = true;
          else return fallback(ctx);
        }
      } else files.push(a);
    }
    if (specs.length === 0) return fallback(ctx);
    const keys: Key[] = [];
    for (const s of specs) {
      const k = parseKey(s, g);
      if (!k) return fallback(ctx);
      keys.push(k);
    }
    let text = '';
    if (files.length === 0) text = await ctx.stdin.readAll();
    else {
      for (const f of files) {
        try {
          text += f === '-' ? await ctx.stdin.readAll() : await ctx.readFile(f);
        } catch {
          ctx.stderr.write(`sort: cannot read: ${f}: No such file or directory\n`);
          return 2;
        }
      }
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const cmp = (a: string, b: string): number => {
      for (const k of keys) {
        let x = keyText(a, k, tab), y = keyText(b, k, tab);
        let c: number;
        if (k.n) c = num(x) - num(y);
        else {
          if (k.f) {
            x = x.toUpperCase();
            y = y.toUpperCase();
          }
          c = cmpBytes(x, y);
        }
        if (c !== 0) return k.r ? -c : c;
      }
      if (stable || unique) return 0;
      const c = cmpBytes(a, b);
      return g.r ? -c : c;
    };
    const sorted = lines.map((l, i) => ({ l, i })).sort((p, q) => cmp(p.l, q.l) || p.i - q.i).map((p) => p.l);
    const out: string[] = [];
    for (const l of sorted) if (!unique || out.length === 0 || cmp(out[out.length - 1]!, l) !== 0) out.push(l);
    ctx.stdout.write(out.map((l) => l + '\n').join(''));
    return 0;
  };
}
