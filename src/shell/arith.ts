// Shell arithmetic ($(( )), (( )), let, array indexes): 64-bit signed integers as bash has them.
// Expressions come either as mvdan AST nodes (evalArith) or as text (a variable's value is
// itself an expression: x="1+2"; echo $((x*2)) gives 6), parsed here by a small Pratt parser.
import type { Arith } from './ast.ts';

export class ArithError extends Error {
  constructor(
    message: string,
    /** the expression text bash quotes in "expr: message (error token is "...")" */
    readonly expr = '',
    readonly token = '',
  ) {
    super(message);
  }
}

const I64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** What arithmetic needs from the shell. */
export interface ArithEnv {
  /** value of a variable (name may carry an index: a[3]); undefined if unset */
  get(name: string, index?: bigint | string): string | undefined;
  set(name: string, value: bigint, index?: bigint | string): void;
  /** expand a word of the AST (parameter expansion, command substitution) to text */
  expandWord(w: Arith & { t: 'word' }): Promise<string>;
  /** nounset */
  strict?: boolean;
}

type Lv = { name: string; index?: bigint | string };

// ---- numbers ------------------------------------------------------------------------------

const SHORT_DECIMAL = /^(?:0|[1-9][0-9]{0,17})$/;

/** Parse an integer constant as bash does: 10, 0x1f, 017, 2#101, 64#_ . */
export function parseNumber(s: string): bigint | undefined {
  const t = s.trim();
  // the common case first: a decimal short enough not to wrap (what the last test below gives)
  if (SHORT_DECIMAL.test(t)) return BigInt(t);
  let m = /^([0-9]+)#([0-9a-zA-Z@_]+)$/.exec(t);
  if (m) {
    const base = Number(m[1]);
    if (base < 2 || base > 64) return undefined;
    let v = 0n;
    for (const ch of m[2]!) {
      let d: number;
      if (ch >= '0' && ch <= '9') d = ch.charCodeAt(0) - 48;
      else if (ch >= 'a' && ch <= 'z') d = ch.charCodeAt(0) - 97 + 10;
      else if (ch >= 'A' && ch <= 'Z') d = base <= 36 ? ch.charCodeAt(0) - 65 + 10 : ch.charCodeAt(0) - 65 + 36;
      else if (ch === '@') d = 62;
      else d = 63;
      if (d >= base) return undefined;
      v = I64(v * BigInt(base) + BigInt(d));
    }
    return v;
  }
  m = /^0[xX]([0-9a-fA-F]+)$/.exec(t);
  if (m) return I64(BigInt(`0x${m[1]}`));
  if (/^0[0-7]+$/.test(t)) return I64(BigInt(`0o${t.slice(1)}`));
  if (/^[0-9]+$/.test(t)) return I64(BigInt(t));
  return undefined;
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

// ---- text expressions -------------------------------------------------------------------

type Tok = { t: 'num'; v: bigint } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'end' };

const OPS = [
  '<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=',
  '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '^', '|', '?', ':', ',', '(', ')', '[', ']',
];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < src.length && /[0-9a-zA-Z#@_]/.test(src[j]!)) j++;
      const lit = src.slice(i, j);
      const v = parseNumber(lit);
      if (v === undefined) throw new ArithError('value too great for base', src, lit);
      out.push({ t: 'num', v });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      out.push({ t: 'id', v: src.slice(i, j) });
      i = j;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ArithError('syntax error: invalid arithmetic operator', src, src.slice(i));
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  out.push({ t: 'end' });
  return out;
}

const BIN_PREC: Record<string, number> = {
  ',': 1,
  '||': 4,
  '&&': 5,
  '|': 6,
  '^': 7,
  '&': 8,
  '==': 9,
  '!=': 9,
  '<': 10,
  '>': 10,
  '<=': 10,
  '>=': 10,
  '<<': 11,
  '>>': 11,
  '+': 12,
  '-': 12,
  '*': 13,
  '/': 13,
  '%': 13,
  '**': 14,
};
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '^=', '|=', '<<=', '>>=']);

/** Evaluate arithmetic text. */
export async function evalArithText(src: string, env: ArithEnv, depth = 0): Promise<bigint> {
  if (depth > 64) throw new ArithError('expression recursion level exceeded', src, src);
  if (src.trim() === '') return 0n;
  const toks = tokenize(src);
  let pos = 0;
  const peek = (): Tok => toks[pos]!;
  const next = (): Tok => toks[pos++]!;
  const rest = (): string => {
    // the text from the current token on, for error messages
    return src.trim().length ? src.slice(Math.max(0, src.length - 1)) : '';
  };
  const fail = (msg: string): never => {
    const t = peek();
    const tokText = t.t === 'end' ? '' : t.t === 'num' ? String(t.v) : t.v;
    throw new ArithError(msg, src, tokText || rest());
  };

  const valueOfName = async (lv: Lv): Promise<bigint> => {
    const v = env.get(lv.name, lv.index);
    if (v === undefined) {
      if (env.strict) throw new ArithError(`${lv.name}: unbound variable`, '', '');
      return 0n;
    }
    return evalValue(v, env, depth + 1);
  };

  // each parse function returns a thunk evaluated lazily (for && || ?: short-circuit)
  type Node = () => Promise<bigint>;
  type LNode = { lv?: Lv; eval: Node };

  const parseLvalue = (id: string): Lv => {
    const lv: Lv = { name: id };
    return lv;
  };

  const primary = (): LNode => {
    const t = next();
    if (t.t === 'num') return { eval: async () => t.v };
    if (t.t === 'id') {
      const lv = parseLvalue(t.v);
      let idxNode: Node | undefined;
      if (peek().t === 'op' && (peek() as { v: string }).v === '[') {
        next();
        idxNode = expr(1).eval;
        const c = next();
        if (!(c.t === 'op' && c.v === ']')) fail('syntax error: invalid arithmetic operator');
      }
      const resolve = async (): Promise<Lv> => (idxNode ? { name: lv.name, index: await idxNode() } : lv);
      const node: LNode = {
        eval: async () => valueOfName(await resolve()),
      };
      (node as LNode & { resolve: () => Promise<Lv> }).resolve = resolve;
      node.lv = lv;
      return node;
    }
    if (t.t === 'op' && t.v === '(') {
      const e = expr(1);
      const c = next();
      if (!(c.t === 'op' && c.v === ')')) fail('missing `)\'');
      return { eval: e.eval };
    }
    pos--;
    return fail('syntax error: operand expected');
  };

  const unary = (): LNode => {
    const t = peek();
    if (t.t === 'op') {
      if (t.v === '++' || t.v === '--') {
        next();
        const x = unary();
        if (!x.lv) fail('syntax error: operand expected');
        const d = t.v === '++' ? 1n : -1n;
        return {
          eval: async () => {
            const lv = await (x as LNode & { resolve: () => Promise<Lv> }).resolve();
            const v = I64((await valueOfName(lv)) + d);
            env.set(lv.name, v, lv.index);
            return v;
          },
        };
      }
      if (t.v === '+' || t.v === '-' || t.v === '!' || t.v === '~') {
        next();
        const x = unary();
        return {
          eval: async () => {
            const v = await x.eval();
            return t.v === '-' ? I64(-v) : t.v === '+' ? v : t.v === '!' ? (v === 0n ? 1n : 0n) : I64(~v);
          },
        };
      }
    }
    const p = primary();
    const n = peek();
    if (n.t === 'op' && (n.v === '++' || n.v === '--') && p.lv) {
      next();
      const d = n.v === '++' ? 1n : -1n;
      return {
        eval: async () => {
          const lv = await (p as LNode & { resolve: () => Promise<Lv> }).resolve();
          const v = await valueOfName(lv);
          env.set(lv.name, I64(v + d), lv.index);
          return v;
        },
      };
    }
    return p;
  };

  const expr = (minPrec: number): LNode => {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t.t !== 'op') break;
      if (ASSIGN_OPS.has(t.v)) {
        if (minPrec > 2) break;
        if (!left.lv) fail('attempted assignment to non-variable');
        next();
        const right = expr(2);
        const l = left as LNode & { resolve: () => Promise<Lv> };
        const op = t.v;
        left = {
          eval: async () => {
            const lv = await l.resolve();
            const rv = await right.eval();
            const v = op === '=' ? rv : binop(op.slice(0, -1), await valueOfName(lv), rv, src);
            env.set(lv.name, v, lv.index);
            return v;
          },
        };
        continue;
      }
      if (t.v === '?') {
        if (minPrec > 3) break;
        next();
        const a = expr(1);
        const c = next();
        if (!(c.t === 'op' && c.v === ':')) fail("syntax error: `:' expected for conditional expression");
        const b = expr(3);
        const cond = left;
        left = { eval: async () => ((await cond.eval()) !== 0n ? a.eval() : b.eval()) };
        continue;
      }
      const prec = BIN_PREC[t.v];
      if (prec === undefined || prec < minPrec) break;
      next();
      const right = expr(t.v === '**' ? prec : prec + 1);
      const l = left;
      const op = t.v;
      if (op === '&&') left = { eval: async () => ((await l.eval()) !== 0n && (await right.eval()) !== 0n ? 1n : 0n) };
      else if (op === '||') left = { eval: async () => ((await l.eval()) !== 0n || (await right.eval()) !== 0n ? 1n : 0n) };
      else if (op === ',') left = { eval: async () => (await l.eval(), right.eval()) };
      else left = { eval: async () => binop(op, await l.eval(), await right.eval(), src) };
    }
    return left;
  };

  const e = expr(1);
  if (peek().t !== 'end') fail('syntax error in expression');
  return e.eval();
}

/** A variable's value used in arithmetic: empty is 0, a number is itself, else an expression. */
export async function evalValue(v: string, env: ArithEnv, depth = 0): Promise<bigint> {
  const t = v.trim();
  if (t === '') return 0n;
  const n = parseNumber(t);
  if (n !== undefined) return n;
  if (/^-[0-9]+$/.test(t)) return I64(-BigInt(t.slice(1)));
  return evalArithText(t, env, depth);
}

export function binop(op: string, a: bigint, b: bigint, src = ''): bigint {
  switch (op) {
    case '+':
      return I64(a + b);
    case '-':
      return I64(a - b);
    case '*':
      return I64(a * b);
    case '/':
      if (b === 0n) throw new ArithError('division by 0', src, String(b));
      return I64(a / b);
    case '%':
      if (b === 0n) throw new ArithError('division by 0', src, String(b));
      return I64(a % b);
    case '**':
      if (b < 0n) throw new ArithError('exponent less than 0', src, String(b));
      return I64(a ** b);
    case '<<':
      return I64(a << (b & 63n));
    case '>>':
      return I64(a >> (b & 63n));
    case '&':
      return I64(a & b);
    case '|':
      return I64(a | b);
    case '^':
      return I64(a ^ b);
    case '<':
      return a < b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '&&':
      return a !== 0n && b !== 0n ? 1n : 0n;
    case '||':
      return a !== 0n || b !== 0n ? 1n : 0n;
    case ',':
      return b;
    default:
      throw new ArithError(`syntax error: invalid arithmetic operator`, src, op);
  }
}

// ---- AST expressions ----------------------------------------------------------------------

/** The literal text of an AST word if it has no expansions (for names on the left of =). */
function wordLit(x: Arith): string | undefined {
  if (x.t !== 'word') return undefined;
  let s = '';
  for (const p of x.w.parts) {
    if (p.k !== 'lit') return undefined;
    s += p.v;
  }
  return s;
}

async function lvalueOf(x: Arith, env: ArithEnv): Promise<Lv | undefined> {
  const lit = wordLit(x);
  if (lit === undefined) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/s.exec(lit);
  if (!m) return undefined;
  if (m[2] === undefined) return { name: m[1]! };
  return { name: m[1]!, index: await evalArithText(m[2], env) };
}

/** Evaluate an mvdan arithmetic node. */
export async function evalArith(x: Arith, env: ArithEnv): Promise<bigint> {
  switch (x.t) {
    case 'paren':
      return evalArith(x.x, env);
    case 'word': {
      const lit = wordLit(x);
      if (lit !== undefined) {
        if (NAME_RE.test(lit)) {
          const v = env.get(lit);
          if (v === undefined) {
            if (env.strict) throw new ArithError(`${lit}: unbound variable`);
            return 0n;
          }
          return evalValue(v, env, 1);
        }
        return evalValue(lit, env, 1);
      }
      const text = await env.expandWord(x);
      return evalValue(text, env, 1);
    }
    case 'un': {
      if (x.op === '++' || x.op === '--') {
        const lv = await lvalueOf(x.x, env);
        if (!lv) throw new ArithError('syntax error: operand expected', '', x.op);
        const cur = await evalValue(env.get(lv.name, lv.index) ?? '', env, 1);
        const nv = I64(cur + (x.op === '++' ? 1n : -1n));
        env.set(lv.name, nv, lv.index);
        return x.post ? cur : nv;
      }
      const v = await evalArith(x.x, env);
      switch (x.op) {
        case '-':
          return I64(-v);
        case '+':
          return v;
        case '!':
          return v === 0n ? 1n : 0n;
        case '~':
          return I64(~v);
        default:
          throw new ArithError('syntax error: operand expected', '', x.op);
      }
    }
    case 'bin': {
      const op = x.op;
      if (ASSIGN_OPS.has(op)) {
        const lv = await lvalueOf(x.x, env);
        if (!lv) throw new ArithError('attempted assignment to non-variable', '', op);
        const rv = await evalArith(x.y, env);
        const v = op === '=' ? rv : binop(op.slice(0, -1), await evalValue(env.get(lv.name, lv.index) ?? '', env, 1), rv);
        env.set(lv.name, v, lv.index);
        return v;
      }
      if (op === '?') {
        const c = await evalArith(x.x, env);
        const y = x.y;
        if (y.t !== 'bin' || y.op !== ':') throw new ArithError("syntax error: `:' expected for conditional expression");
        return c !== 0n ? evalArith(y.x, env) : evalArith(y.y, env);
      }
      if (op === '&&') return (await evalArith(x.x, env)) !== 0n && (await evalArith(x.y, env)) !== 0n ? 1n : 0n;
      if (op === '||') return (await evalArith(x.x, env)) !== 0n || (await evalArith(x.y, env)) !== 0n ? 1n : 0n;
      const a = await evalArith(x.x, env);
      const b = await evalArith(x.y, env);
      return binop(op, a, b);
    }
  }
}
