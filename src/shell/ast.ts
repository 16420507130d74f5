// The shell's AST: mvdan-sh parses (bash dialect) and this module converts its GopherJS node
// wrappers into plain, typed objects once per parse. The interpreter (interp.ts) only sees these.
import sh, { type GoNode } from 'mvdan-sh';

// Token strings of mvdan.cc/sh/v3/syntax, indexed by the token number that the parser puts in
// the Op fields (read from the package's own String() table).
const TOKENS = [
  'illegalTok', 'EOF', 'Newl', 'Lit', 'LitWord', 'LitRedir', "'", '"', '`', '&', '&&', '||', '|', '|&', '$', "$'", '$"',
  '${', '$[', '$(', '$((', '[', '[[', '(', '((', '}', ']', ')', '))', ';', ';;', ';&', ';;&', ';|', '!', '~', '++', '--',
  '*', '**', '==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=', '>', '>>', '<', '<>',
  '<&', '>&', '>|', '<<', '<<-', '<<<', '&>', '&>>', '<(', '>(', '+', ':+', '-', ':-', '?', ':?', '=', ':=', '%', '%%',
  '#', '##', '^', '^^', ',', ',,', '@', '/', '//', ':', '-e', '-f', '-d', '-c', '-b', '-p', '-S', '-L', '-k', '-g', '-u',
  '-G', '-O', '-N', '-r', '-w', '-x', '-s', '-t', '-z', '-n', '-o', '-v', '-R', '=~', '-nt', '-ot', '-ef', '-eq', '-ne',
  '-le', '-ge', '-lt', '-gt', '?(', '*(', '+(', '@(', '!(',
];
const tok = (n: number): string => TOKENS[n] ?? `tok${n}`;

export interface Word {
  parts: WordPart[];
  line: number;
}

export type WordPart =
  | { k: 'lit'; v: string }
  | { k: 'sq'; v: string; dollar: boolean }
  | { k: 'dq'; parts: WordPart[]; dollar: boolean }
  | ParamExp
  | { k: 'cmd'; stmts: Stmt[]; backquotes: boolean; line: number }
  | { k: 'arith'; x: Arith | null; text: string }
  | { k: 'proc'; op: string; stmts: Stmt[] }
  | { k: 'extglob'; op: string; pattern: string }
  | { k: 'brace'; seq: boolean; elems: Word[] };

export interface ParamExp {
  k: 'param';
  short: boolean;
  excl: boolean;
  length: boolean;
  width: boolean;
  name: string;
  index: Arith | null;
  slice: { offset: Arith | null; length: Arith | null } | null;
  repl: { all: boolean; orig: Word | null; with: Word | null } | null;
  /** ${!prefix*} / ${!prefix@} */
  names: string | null;
  exp: { op: string; word: Word | null } | null;
}

export type Arith =
  | { t: 'bin'; op: string; x: Arith; y: Arith }
  | { t: 'un'; op: string; post: boolean; x: Arith }
  | { t: 'paren'; x: Arith }
  | { t: 'word'; w: Word };

export type TestExpr =
  | { t: 'bin'; op: string; x: TestExpr; y: TestExpr }
  | { t: 'un'; op: string; x: TestExpr }
  | { t: 'paren'; x: TestExpr }
  | { t: 'word'; w: Word };

export interface Assign {
  name: string | null;
  append: boolean;
  naked: boolean;
  index: Arith | null;
  value: Word | null;
  array: { index: Arith | null; value: Word | null }[] | null;
}

export interface Redir {
  op: string;
  n: string | null;
  word: Word;
  hdoc: Word | null;
  line: number;
}

export interface Stmt {
  cmd: Cmd | null;
  neg: boolean;
  bg: boolean;
  redirs: Redir[];
  line: number;
  /** line of the statement's last token (bash reports killed jobs with it) */
  endLine: number;
  /** source text, kept for background statements (jobs) */
  text?: string;
  /** byte span in the source, for the text of a killed command's report */
  span?: [number, number, Converter];
}

/** The source text of a statement. */
export function stmtText(st: Stmt): string {
  if (st.text !== undefined) return st.text;
  if (!st.span) return '';
  return st.span[2].slice(st.span[0], st.span[1]);
}

export interface CaseItem {
  op: string;
  patterns: Word[];
  stmts: Stmt[];
}

export interface IfCmd {
  t: 'if';
  cond: Stmt[];
  then: Stmt[];
  else: IfCmd | null;
}

export type Cmd =
  | { t: 'call'; assigns: Assign[]; args: Word[]; line: number }
  | { t: 'bin'; op: string; x: Stmt; y: Stmt }
  | IfCmd
  | { t: 'while'; until: boolean; cond: Stmt[]; body: Stmt[] }
  | { t: 'for'; name: string; items: Word[] | null; body: Stmt[]; select: boolean }
  | { t: 'cfor'; init: Arith | null; cond: Arith | null; post: Arith | null; body: Stmt[] }
  | { t: 'case'; word: Word; items: CaseItem[] }
  | { t: 'block'; stmts: Stmt[] }
  | { t: 'subshell'; stmts: Stmt[] }
  | { t: 'func'; name: string; body: Stmt }
  | { t: 'test'; x: TestExpr; line: number }
  | { t: 'arith'; x: Arith | null; line: number; text: string }
  | { t: 'let'; exprs: Arith[]; line: number }
  | { t: 'decl'; variant: string; args: Assign[]; line: number }
  | { t: 'time'; stmt: Stmt | null; posix: boolean }
  | { t: 'coproc'; line: number };

export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly incomplete: boolean,
    /** the offending token, when the message is about one */
    readonly token: string | undefined,
  ) {
    super(message);
  }
}

const parser = sh.syntax.NewParser();
const T = (n: GoNode): string => sh.syntax.NodeType(n);
const posLine = (p: GoNode): number => {
  try {
    return p.Line() as number;
  } catch {
    return 0;
  }
};
const line = (n: GoNode): number => {
  try {
    return n.Pos().Line() as number;
  } catch {
    // nodes made by SplitBraces have no position
    return 0;
  }
};

/** Parse bash source into statements; throws ShellSyntaxError. */
export function parse(src: string, name = ''): Stmt[] {
  let f: GoNode;
  try {
    f = parser.Parse(src, name);
  } catch (e) {
    throw toSyntaxError(e, src);
  }
  return new Converter(src).stmts(f.Stmts);
}

function toSyntaxError(e: unknown, src: string): ShellSyntaxError {
  const g = e as GoNode;
  let msg = 'syntax error';
  let ln = 1;
  let col = 0;
  try {
    msg = typeof g?.Error === 'function' ? String(g.Error()) : String(g);
    if (g?.Pos && typeof g.Pos.Line === 'function') {
      ln = g.Pos.Line();
      col = g.Pos.Col();
    }
  } catch {
    /* keep defaults */
  }
  let incomplete = false;
  try {
    incomplete = sh.syntax.IsIncomplete(e);
  } catch {
    incomplete = false;
  }
  // "name:3:5: message" -> "message"
  const m = /^[^:]*:\d+:\d+: (.*)$/s.exec(msg);
  const bare = m ? m[1]! : msg;
  let token = guessToken(bare);
  // "X must be followed by ...": bash complains about the token after X
  const follow = /^"?([^"\s]+)"? must be followed by/.exec(bare);
  if (follow && col > 0) {
    const lineText = src.split('\n')[ln - 1] ?? '';
    const at = lineText.indexOf(follow[1]!, col - 1);
    const rest = at >= 0 ? lineText.slice(at + follow[1]!.length) : '';
    const m2 = /^\s*(;;|&&|\|\||[;&|()<>]|[^\s;&|()<>]+)/.exec(rest);
    if (m2) token = m2[1];
    else token = 'newline';
  }
  return new ShellSyntaxError(bare, ln, incomplete, token);
}

function guessToken(msg: string): string | undefined {
  let m = /^"([^"]+)" can only be used/.exec(msg);
  if (m) return m[1];
  m = /encountered (\S+)$/.exec(msg);
  if (m) return m[1];
  m = /^(\S+) must be followed/.exec(msg);
  if (m) return m[1]!.replace(/"/g, '');
  m = /^"([^"]+)" must be followed/.exec(msg);
  if (m) return m[1];
  return undefined;
}

export class Converter {
  private bytes: Uint8Array | undefined;
  slice(a: number, b: number): string {
    this.bytes ??= new TextEncoder().encode(this.src);
    return new TextDecoder().decode(this.bytes.subarray(a, b));
  }
  constructor(private src: string) {}

  /** source text of a node (for messages that quote an expression) */
  textOf(n: GoNode): string {
    if (!n) return '';
    try {
      this.bytes ??= new TextEncoder().encode(this.src);
      return new TextDecoder().decode(this.bytes.subarray(n.Pos().Offset() as number, n.End().Offset() as number));
    } catch {
      return '';
    }
  }

  stmts(list: GoNode): Stmt[] {
    if (!list) return [];
    const out: Stmt[] = [];
    for (const s of list as GoNode[]) out.push(this.stmt(s));
    return out;
  }

  stmt(s: GoNode): Stmt {
    const st: Stmt = {
      cmd: s.Cmd ? this.cmd(s.Cmd) : null,
      neg: !!s.Negated,
      bg: !!s.Background,
      redirs: ((s.Redirs ?? []) as GoNode[]).map((r) => this.redir(r)),
      line: line(s),
      endLine: s.End().Line() as number,
    };
    try {
      st.span = [s.Pos().Offset() as number, s.End().Offset() as number, this];
    } catch {
      /* no span */
    }
    if (st.bg) st.text = this.textOf(s);
    return st;
  }

  redir(r: GoNode): Redir {
    return {
      op: tok(r.Op),
      n: r.N ? String(r.N.Value) : null,
      word: this.word(r.Word),
      hdoc: r.Hdoc ? this.word(r.Hdoc, false) : null,
      line: line(r),
    };
  }

  cmd(c: GoNode): Cmd {
    const t = T(c);
    switch (t) {
      case 'CallExpr':
        return {
          t: 'call',
          assigns: ((c.Assigns ?? []) as GoNode[]).map((a) => this.assign(a)),
          args: ((c.Args ?? []) as GoNode[]).map((w) => this.word(w)),
          line: line(c),
        };
      case 'BinaryCmd':
        return { t: 'bin', op: tok(c.Op), x: this.stmt(c.X), y: this.stmt(c.Y) };
      case 'IfClause':
        return this.ifClause(c);
      case 'WhileClause': {
        const body = this.stmts(c.Do);
        if (!body.length) throw new ShellSyntaxError('empty list', posLine(c.DonePos), false, 'done');
        return { t: 'while', until: !!c.Until, cond: this.stmts(c.Cond), body };
      }
      case 'ForClause': {
        const loop = c.Loop;
        if (T(loop) === 'CStyleLoop') {
          return {
            t: 'cfor',
            init: loop.Init ? this.arith(loop.Init) : null,
            cond: loop.Cond ? this.arith(loop.Cond) : null,
            post: loop.Post ? this.arith(loop.Post) : null,
            body: this.stmts(c.Do),
          };
        }
        const items = loop.Items as GoNode[] | null;
        // `for x; do` and `for x do` iterate over "$@": mvdan gives no InPos then
        let hasIn = true;
        try {
          hasIn = loop.InPos.IsValid();
        } catch {
          hasIn = !!items && items.length > 0;
        }
        if (!(c.Do && c.Do.length)) throw new ShellSyntaxError('empty list', posLine(c.DonePos), false, 'done');
        return {
          t: 'for',
          name: String(loop.Name.Value),
          items: hasIn ? (items ?? []).map((w) => this.word(w)) : null,
          body: this.stmts(c.Do),
          select: !!c.Select,
        };
      }
      case 'CaseClause':
        return {
          t: 'case',
          word: this.word(c.Word),
          items: ((c.Items ?? []) as GoNode[]).map((it) => ({
            op: tok(it.Op),
            patterns: ((it.Patterns ?? []) as GoNode[]).map((w) => this.word(w)),
            stmts: this.stmts(it.Stmts),
          })),
        };
      case 'Block': {
        const stmts = this.stmts(c.Stmts);
        if (!stmts.length) throw new ShellSyntaxError('empty list', posLine(c.Rbrace), false, '}');
        return { t: 'block', stmts };
      }
      case 'Subshell':
        return { t: 'subshell', stmts: this.stmts(c.Stmts) };
      case 'FuncDecl':
        return { t: 'func', name: String(c.Name.Value), body: this.stmt(c.Body) };
      case 'TestClause':
        return { t: 'test', x: this.test(c.X), line: line(c) };
      case 'ArithmCmd':
        return { t: 'arith', x: c.X ? this.arith(c.X) : null, line: line(c), text: this.textOf(c.X) };
      case 'LetClause':
        return { t: 'let', exprs: ((c.Exprs ?? []) as GoNode[]).map((x) => this.arith(x)), line: line(c) };
      case 'DeclClause':
        return {
          t: 'decl',
          variant: String(c.Variant.Value),
          args: ((c.Args ?? []) as GoNode[]).map((a) => this.assign(a)),
          line: line(c),
        };
      case 'TimeClause':
        return { t: 'time', stmt: c.Stmt ? this.stmt(c.Stmt) : null, posix: !!c.PosixFormat };
      case 'CoprocClause':
        return { t: 'coproc', line: line(c) };
      default:
        throw new ShellSyntaxError(`unsupported command ${t}`, line(c), false, undefined);
    }
  }

  ifClause(c: GoNode): IfCmd {
    const node: IfCmd = { t: 'if', cond: this.stmts(c.Cond), then: this.stmts(c.Then), else: null };
    // bash (unlike mvdan) rejects an empty `then` or `else` list
    if (node.then.length === 0) {
      const e = c.Else;
      if (e) throw new ShellSyntaxError('empty list', line(e), false, e.Cond && e.Cond.length ? 'elif' : 'else');
      throw new ShellSyntaxError('empty list', posLine(c.FiPos), false, 'fi');
    }
    if (c.Else) node.else = this.ifClause(c.Else);
    return node;
  }

  assign(a: GoNode): Assign {
    return {
      name: a.Name ? String(a.Name.Value) : null,
      append: !!a.Append,
      naked: !!a.Naked,
      index: a.Index ? this.arith(a.Index) : null,
      value: a.Value ? this.word(a.Value) : null,
      array: a.Array
        ? ((a.Array.Elems ?? []) as GoNode[]).map((e) => ({
            index: e.Index ? this.arith(e.Index) : null,
            value: e.Value ? this.word(e.Value) : null,
          }))
        : null,
    };
  }

  word(w: GoNode, braces = true, at = 0): Word {
    let node = w;
    if (braces && this.mayHaveBraces(w)) node = sh.syntax.SplitBraces(w);
    return { parts: this.parts(node.Parts), line: line(w) || at };
  }

  private mayHaveBraces(w: GoNode): boolean {
    for (const p of (w.Parts ?? []) as GoNode[]) if (T(p) === 'Lit' && String(p.Value).includes('{')) return true;
    return false;
  }

  parts(list: GoNode): WordPart[] {
    const out: WordPart[] = [];
    for (const p of (list ?? []) as GoNode[]) out.push(this.part(p));
    return out;
  }

  part(p: GoNode): WordPart {
    const t = T(p);
    switch (t) {
      case 'Lit':
        return { k: 'lit', v: String(p.Value) };
      case 'SglQuoted':
        return { k: 'sq', v: String(p.Value), dollar: !!p.Dollar };
      case 'DblQuoted':
        return { k: 'dq', parts: this.parts(p.Parts), dollar: !!p.Dollar };
      case 'ParamExp':
        return this.param(p);
      case 'CmdSubst':
        return { k: 'cmd', stmts: this.stmts(p.Stmts), backquotes: !!p.Backquotes, line: line(p) };
      case 'ArithmExp':
        return { k: 'arith', x: p.X ? this.arith(p.X) : null, text: this.textOf(p.X) };
      case 'ProcSubst':
        return { k: 'proc', op: tok(p.Op), stmts: this.stmts(p.Stmts) };
      case 'ExtGlob':
        return { k: 'extglob', op: tok(p.Op), pattern: String(p.Pattern.Value) };
      case 'BraceExp':
        return { k: 'brace', seq: !!p.Sequence, elems: ((p.Elems ?? []) as GoNode[]).map((e) => this.word(e, false)) };
      default:
        throw new ShellSyntaxError(`unsupported word part ${t}`, line(p), false, undefined);
    }
  }

  param(p: GoNode): ParamExp {
    let names: string | null = null;
    const n = Number(p.Names ?? 0);
    if (n) names = tok(n);
    return {
      k: 'param',
      short: !!p.Short,
      excl: !!p.Excl,
      length: !!p.Length,
      width: !!p.Width,
      name: p.Param ? String(p.Param.Value) : '',
      index: p.Index ? this.arith(p.Index) : null,
      slice: p.Slice
        ? { offset: p.Slice.Offset ? this.arith(p.Slice.Offset) : null, length: p.Slice.Length ? this.arith(p.Slice.Length) : null }
        : null,
      repl: p.Repl
        ? { all: !!p.Repl.All, orig: p.Repl.Orig ? this.word(p.Repl.Orig, false) : null, with: p.Repl.With ? this.word(p.Repl.With, false) : null }
        : null,
      names,
      exp: p.Exp ? { op: tok(p.Exp.Op), word: p.Exp.Word ? this.word(p.Exp.Word, false) : null } : null,
    };
  }

  arith(x: GoNode): Arith {
    const t = T(x);
    switch (t) {
      case 'BinaryArithm':
        return { t: 'bin', op: tok(x.Op), x: this.arith(x.X), y: this.arith(x.Y) };
      case 'UnaryArithm':
        return { t: 'un', op: tok(x.Op), post: !!x.Post, x: this.arith(x.X) };
      case 'ParenArithm':
        return { t: 'paren', x: this.arith(x.X) };
      case 'Word':
        return { t: 'word', w: this.word(x, false) };
      default:
        throw new ShellSyntaxError(`unsupported arithmetic ${t}`, line(x), false, undefined);
    }
  }

  test(x: GoNode): TestExpr {
    const t = T(x);
    switch (t) {
      case 'BinaryTest':
        return { t: 'bin', op: tok(x.Op), x: this.test(x.X), y: this.test(x.Y) };
      case 'UnaryTest':
        return { t: 'un', op: tok(x.Op), x: this.test(x.X) };
      case 'ParenTest':
        return { t: 'paren', x: this.test(x.X) };
      case 'Word':
        return { t: 'word', w: this.word(x, false) };
      default:
        throw new ShellSyntaxError(`unsupported test ${t}`, line(x), false, undefined);
    }
  }
}
