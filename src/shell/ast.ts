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

// The converter reads the parser's Go values directly, not through the js.MakeFullWrapper objects
// that mvdan-sh's API hands out: each of those defines a getter or method closure per field and
// method and re-wraps whatever a getter returns, which cost ~1 ms per script line. In GopherJS a
// *T is an object with T's fields under their Go names (methods on its prototype), a slice is
// {$array, $offset, $length}, a nil pointer is its type's `nil` object, a nil interface a plain
// object, and a string holds UTF-8 bytes one per char (toJs below is GopherJS's own conversion).
/** the Go value behind a wrapper */
const raw = (w: GoNode): GoNode => w.__internal_object__;
/** a nil pointer, or a nil interface */
const isNil = (v: GoNode): boolean => v === null || v === undefined || v.constructor === Object || v.constructor.nil === v;
/** the elements of a Go slice */
function elems(sl: GoNode): GoNode[] {
  const out: GoNode[] = [];
  const a = sl.$array;
  for (let i = sl.$offset, e = sl.$offset + sl.$length; i < e; i++) out.push(a[i]);
  return out;
}
/** syntax.NodeType: the Go type's name after its last '*', '.' or ']' */
const T = (n: GoNode): string => {
  if (isNil(n)) return 'nil';
  const s = n.constructor.string as string;
  let j = -1;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s[i];
    if (c === '*' || c === '.' || c === ']') {
      j = i;
      break;
    }
  }
  return j >= 0 ? s.slice(j + 1) : s;
};
/** a Go string (UTF-8 bytes) as a JS string, as GopherJS's $externalize makes it */
function toJs(e: string): string {
  let ascii = true;
  for (let i = 0; i < e.length; i++) {
    if (e.charCodeAt(i) >= 128) {
      ascii = false;
      break;
    }
  }
  if (ascii) return e;
  let c = '';
  for (let a = 0; a < e.length; ) {
    const [u, w] = decodeRune(e, a);
    a += w;
    if (u > 65535) c += String.fromCharCode(Math.floor((u - 65536) / 1024) + 55296, ((u - 65536) % 1024) + 56320);
    else c += String.fromCharCode(u);
  }
  return c;
}
/** GopherJS's $decodeRune: [rune, width], U+FFFD width 1 for an invalid byte */
function decodeRune(e: string, n: number): [number, number] {
  const r = e.charCodeAt(n);
  if (r < 128) return [r, 1];
  if (r !== r || r < 192) return [65533, 1];
  const t = e.charCodeAt(n + 1);
  if (t !== t || t < 128 || 192 <= t) return [65533, 1];
  if (r < 224) {
    const a = ((31 & r) << 6) | (63 & t);
    return a <= 127 ? [65533, 1] : [a, 2];
  }
  const i = e.charCodeAt(n + 2);
  if (i !== i || i < 128 || 192 <= i) return [65533, 1];
  if (r < 240) {
    const a = ((15 & r) << 12) | ((63 & t) << 6) | (63 & i);
    return a <= 2047 ? [65533, 1] : 55296 <= a && a <= 57343 ? [65533, 1] : [a, 3];
  }
  const o = e.charCodeAt(n + 3);
  if (o !== o || o < 128 || 192 <= o) return [65533, 1];
  if (r >= 248) return [65533, 1];
  const a = ((7 & r) << 18) | ((63 & t) << 12) | ((63 & i) << 6) | (63 & o);
  return a <= 65535 || 1114111 < a ? [65533, 1] : [a, 4];
}
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
  return new Converter(src).stmts(raw(f).Stmts);
}

// ---- parsing a script a top-level command at a time, with a cache --------------------------
//
// mvdan-sh's GopherJS parser is most of the cost of a short script, and scripts made by one
// generator (the differential cases, benchmark loops) share most of their lines. A script is cut
// into chunks at the ends of the lines where a top-level command list is complete (what bash
// itself does reading a file); each chunk's statements are parsed once and kept by the chunk's
// text, with line numbers counted from the chunk's first line; a script's statements are its
// chunks' statements with their lines moved to where the chunk is (a copy, itself kept). The result is
// the statements parse() gives for the whole text. Whenever that is not certain the whole text
// goes to parse(): here-documents (their bodies follow the line that opens them), a chunk that
// is a syntax error, text that ends inside a command; so does a command longer than
// MAX_CHUNK_LINES lines (each line of it costs a parse of the chunk so far). A line ending in a
// backslash continues on the next (merging lines only makes a chunk larger, which is always
// exact).

/** Lines a chunk may grow to before the whole text is parsed instead. */
const MAX_CHUNK_LINES = 4;
/** Chunks kept (dropped all at once when full). */
const CHUNK_CACHE_SIZE = 4096;
/** A chunk that ends inside a command: it continues on the next line. */
const INCOMPLETE = 0;
/** A chunk that is a syntax error on its own: the whole text is parsed instead. */
const INVALID = 1;
const chunks = new Map<string, Stmt[] | typeof INCOMPLETE | typeof INVALID>();

function parseChunk(text: string): Stmt[] | typeof INCOMPLETE | typeof INVALID {
  let r = chunks.get(text);
  if (r !== undefined) return r;
  try {
    r = simpleLine(text) ?? parse(text);
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    r = e.incomplete ? INCOMPLETE : INVALID;
  }
  if (chunks.size >= CHUNK_CACHE_SIZE) chunks.clear();
  chunks.set(text, r);
  return r;
}

/** Characters of unquoted words that need no parsing: nothing in them is an operator, a quote,
 *  an expansion, a pattern, a brace, a tilde or a comment. */
const PLAIN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=@%+,-') PLAIN[c.charCodeAt(0)] = 1;
/** First words that make something else than a simple command (or a declaration's words). */
const NOT_SIMPLE = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'select', 'function', 'time', 'coproc', 'in', 'export', 'local', 'declare', 'readonly', 'typeset', 'let', 'nameref']);

/**
 * A line that is one simple command of plain words and '...' strings (ASCII, no assignment,
 * redirection or operator; a comment may follow), or only a comment, as parse() would give it;
 * undefined for anything else.
 * Most lines of generated scripts are such (`ip -n dn0 addr add 10.2.0.3/32 dev vb0`,
 * `echo '$ ...'`), and this is much cheaper than the GopherJS parser.
 */
function simpleLine(text: string): Stmt[] | undefined {
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  const args: Word[] = [];
  let first = -1;
  let last = 0;
  let i = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 35) break; // a comment, to the end of the line
    const start = i;
    const parts: WordPart[] = [];
    while (i < end) {
      const ch = text.charCodeAt(i);
      if (ch === 39) {
        const q = text.indexOf("'", i + 1);
        if (q < 0 || q >= end) return undefined;
        for (let j = i + 1; j < q; j++) if (text.charCodeAt(j) >= 128) return undefined;
        parts.push({ k: 'sq', v: text.slice(i + 1, q), dollar: false });
        i = q + 1;
      } else if (ch < 128 && PLAIN[ch]) {
        let j = i + 1;
        while (j < end && text.charCodeAt(j) < 128 && PLAIN[text.charCodeAt(j)]) j++;
        parts.push({ k: 'lit', v: text.slice(i, j) });
        i = j;
      } else if (ch === 32 || ch === 9) break;
      else return undefined;
    }
    if (first < 0) {
      const p0 = parts[0]!;
      if (p0.k !== 'lit' || (parts.length === 1 && NOT_SIMPLE.has(p0.v))) return undefined;
      for (const p of parts) if (p.k === 'lit' && p.v.includes('=')) return undefined;
      first = start;
    }
    last = i;
    args.push({ parts, line: 1 });
  }
  if (args.length === 0) return [];
  const st: Stmt = { cmd: { t: 'call', assigns: [], args, line: 1 }, neg: false, bg: false, redirs: [], line: 1, endLine: 1 };
  st.span = [first, last, new Converter(text)];
  return [st];
}

/** A copy of parsed statements with every source line number (the `line`/`endLine` fields that
 *  name one; 0 means no position) moved down by `by` lines. */
function moved<T>(v: T, by: number): T {
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = moved(v[i], by);
    return out as T;
  }
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    out[k] = (k === 'line' || k === 'endLine') && typeof x === 'number' ? (x > 0 ? x + by : x) : moved(x, by);
  }
  return out as T;
}

/** A chunk's statements placed `at` lines down, kept by place and text: statements are never
 *  changed once made, so scripts that share a line at the same place share its statements. */
const placed = new Map<string, Stmt[]>();
function placedAt(stmts: Stmt[], text: string, at: number): Stmt[] {
  if (at === 0) return stmts;
  const key = `${at}:${text}`;
  let r = placed.get(key);
  if (!r) {
    r = stmts.map((st) => moved(st, at));
    if (placed.size >= CHUNK_CACHE_SIZE) placed.clear();
    placed.set(key, r);
  }
  return r;
}

/** Whole texts parsed lately (a benchmark or a test runs one script many times). */
const WHOLE_CACHE_SIZE = 64;
const wholes = new Map<string, Stmt[]>();

/** parse() of a whole script, made of cached per-chunk parses (see above). */
export function parseScript(src: string, name = ''): Stmt[] {
  const hit = wholes.get(src);
  if (hit) return hit;
  const r = parseChunked(src, name);
  if (src.length <= 65536) {
    if (wholes.size >= WHOLE_CACHE_SIZE) wholes.clear();
    wholes.set(src, r);
  }
  return r;
}

function parseChunked(src: string, name: string): Stmt[] {
  if (src.includes('<<')) return parse(src, name);
  const out: Stmt[] = [];
  let start = 0;
  let startLine = 0;
  let lineNo = 0;
  let pos = 0;
  while (pos < src.length) {
    const nl = src.indexOf('\n', pos);
    const end = nl < 0 ? src.length : nl + 1;
    lineNo++;
    pos = end;
    const last = pos >= src.length;
    const lineEnd = nl < 0 ? end : nl;
    if (lineEnd > start && src.charCodeAt(lineEnd - 1) === 92 /* \\ */) {
      if (last) return parse(src, name);
      continue;
    }
    const text = src.slice(start, end);
    const r = parseChunk(text);
    if (r === INVALID) return parse(src, name);
    if (r === INCOMPLETE) {
      // a long compound command would be parsed again at each of its lines: the whole text once
      if (last || lineNo - startLine >= MAX_CHUNK_LINES) return parse(src, name);
      continue;
    }
    for (const st of placedAt(r, text, startLine)) out.push(st);
    start = end;
    startLine = lineNo;
  }
  return out;
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
    if (isNil(n)) return '';
    try {
      this.bytes ??= new TextEncoder().encode(this.src);
      return new TextDecoder().decode(this.bytes.subarray(n.Pos().Offset() as number, n.End().Offset() as number));
    } catch {
      return '';
    }
  }

  stmts(list: GoNode): Stmt[] {
    const out: Stmt[] = [];
    for (const s of elems(list)) out.push(this.stmt(s));
    return out;
  }

  stmt(s: GoNode): Stmt {
    const st: Stmt = {
      cmd: isNil(s.Cmd) ? null : this.cmd(s.Cmd),
      neg: !!s.Negated,
      bg: !!s.Background,
      redirs: elems(s.Redirs).map((r) => this.redir(r)),
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
      n: isNil(r.N) ? null : toJs(r.N.Value),
      word: this.word(r.Word),
      hdoc: isNil(r.Hdoc) ? null : this.word(r.Hdoc, false),
      line: line(r),
    };
  }

  cmd(c: GoNode): Cmd {
    const t = T(c);
    switch (t) {
      case 'CallExpr':
        return {
          t: 'call',
          assigns: elems(c.Assigns).map((a) => this.assign(a)),
          args: elems(c.Args).map((w) => this.word(w)),
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
            init: isNil(loop.Init) ? null : this.arith(loop.Init),
            cond: isNil(loop.Cond) ? null : this.arith(loop.Cond),
            post: isNil(loop.Post) ? null : this.arith(loop.Post),
            body: this.stmts(c.Do),
          };
        }
        const items = elems(loop.Items);
        // `for x; do` and `for x do` iterate over "$@": mvdan gives no InPos then
        let hasIn = true;
        try {
          hasIn = loop.InPos.IsValid();
        } catch {
          hasIn = items.length > 0;
        }
        if (!(c.Do.$length > 0)) throw new ShellSyntaxError('empty list', posLine(c.DonePos), false, 'done');
        return {
          t: 'for',
          name: toJs(loop.Name.Value),
          items: hasIn ? items.map((w) => this.word(w)) : null,
          body: this.stmts(c.Do),
          select: !!c.Select,
        };
      }
      case 'CaseClause':
        return {
          t: 'case',
          word: this.word(c.Word),
          items: elems(c.Items).map((it) => ({
            op: tok(it.Op),
            patterns: elems(it.Patterns).map((w) => this.word(w)),
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
        return { t: 'func', name: toJs(c.Name.Value), body: this.stmt(c.Body) };
      case 'TestClause':
        return { t: 'test', x: this.test(c.X), line: line(c) };
      case 'ArithmCmd':
        return { t: 'arith', x: isNil(c.X) ? null : this.arith(c.X), line: line(c), text: this.textOf(c.X) };
      case 'LetClause':
        return { t: 'let', exprs: elems(c.Exprs).map((x) => this.arith(x)), line: line(c) };
      case 'DeclClause':
        return {
          t: 'decl',
          variant: toJs(c.Variant.Value),
          args: elems(c.Args).map((a) => this.assign(a)),
          line: line(c),
        };
      case 'TimeClause':
        return { t: 'time', stmt: isNil(c.Stmt) ? null : this.stmt(c.Stmt), posix: !!c.PosixFormat };
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
      if (!isNil(e)) throw new ShellSyntaxError('empty list', line(e), false, e.Cond.$length > 0 ? 'elif' : 'else');
      throw new ShellSyntaxError('empty list', posLine(c.FiPos), false, 'fi');
    }
    if (!isNil(c.Else)) node.else = this.ifClause(c.Else);
    return node;
  }

  assign(a: GoNode): Assign {
    return {
      name: isNil(a.Name) ? null : toJs(a.Name.Value),
      append: !!a.Append,
      naked: !!a.Naked,
      index: isNil(a.Index) ? null : this.arith(a.Index),
      value: isNil(a.Value) ? null : this.word(a.Value),
      array: isNil(a.Array)
        ? null
        : elems(a.Array.Elems).map((e) => ({
            index: isNil(e.Index) ? null : this.arith(e.Index),
            value: isNil(e.Value) ? null : this.word(e.Value),
          })),
    };
  }

  word(w: GoNode, braces = true, at = 0): Word {
    let node = w;
    if (braces && this.mayHaveBraces(w)) node = raw(sh.syntax.SplitBraces({ __internal_object__: w }));
    return { parts: this.parts(node.Parts), line: line(w) || at };
  }

  private mayHaveBraces(w: GoNode): boolean {
    for (const p of elems(w.Parts)) if (T(p) === 'Lit' && (p.Value as string).includes('{')) return true;
    return false;
  }

  parts(list: GoNode): WordPart[] {
    const out: WordPart[] = [];
    for (const p of elems(list)) out.push(this.part(p));
    return out;
  }

  part(p: GoNode): WordPart {
    const t = T(p);
    switch (t) {
      case 'Lit':
        return { k: 'lit', v: toJs(p.Value) };
      case 'SglQuoted':
        return { k: 'sq', v: toJs(p.Value), dollar: !!p.Dollar };
      case 'DblQuoted':
        return { k: 'dq', parts: this.parts(p.Parts), dollar: !!p.Dollar };
      case 'ParamExp':
        return this.param(p);
      case 'CmdSubst':
        return { k: 'cmd', stmts: this.stmts(p.Stmts), backquotes: !!p.Backquotes, line: line(p) };
      case 'ArithmExp':
        return { k: 'arith', x: isNil(p.X) ? null : this.arith(p.X), text: this.textOf(p.X) };
      case 'ProcSubst':
        return { k: 'proc', op: tok(p.Op), stmts: this.stmts(p.Stmts) };
      case 'ExtGlob':
        return { k: 'extglob', op: tok(p.Op), pattern: toJs(p.Pattern.Value) };
      case 'BraceExp':
        return { k: 'brace', seq: !!p.Sequence, elems: elems(p.Elems).map((e) => this.word(e, false)) };
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
      name: isNil(p.Param) ? '' : toJs(p.Param.Value),
      index: isNil(p.Index) ? null : this.arith(p.Index),
      slice: isNil(p.Slice)
        ? null
        : { offset: isNil(p.Slice.Offset) ? null : this.arith(p.Slice.Offset), length: isNil(p.Slice.Length) ? null : this.arith(p.Slice.Length) },
      repl: isNil(p.Repl)
        ? null
        : { all: !!p.Repl.All, orig: isNil(p.Repl.Orig) ? null : this.word(p.Repl.Orig, false), with: isNil(p.Repl.With) ? null : this.word(p.Repl.With, false) },
      names,
      exp: isNil(p.Exp) ? null : { op: tok(p.Exp.Op), word: isNil(p.Exp.Word) ? null : this.word(p.Exp.Word, false) },
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
