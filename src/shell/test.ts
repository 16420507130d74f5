// `test` / `[` (POSIX argument-count rules, then bash's grammar) and the file tests shared
// with `[[ ]]`, evaluated on the virtual filesystem as the shell's process sees it.
import type { Shell } from './interp.ts';
import { normPath, statOf } from './vfs.ts';

export const FILE_OPS = new Set(['-a', '-b', '-c', '-d', '-e', '-f', '-g', '-h', '-k', '-p', '-r', '-s', '-u', '-w', '-x', '-G', '-L', '-N', '-O', '-S']);
const UNARY = new Set([...FILE_OPS, '-z', '-n', '-t', '-v', '-o', '-R']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

export function fileTest(sh: Shell, op: string, a: string, b?: string): boolean {
  const vfs = sh.sys.vfs;
  const p = sh.p;
  const path = normPath(sh.cwd, a);
  if (a === '') return false;
  if (op === '-nt' || op === '-ot' || op === '-ef') {
    const x = vfs.tryGet(p, path);
    const y = b === undefined ? undefined : vfs.tryGet(p, normPath(sh.cwd, b));
    if (op === '-ef') return !!x && !!y && x.ino === y.ino;
    if (op === '-nt') return !!x && (!y || x.mtime() > y.mtime());
    return !!y && (!x || x.mtime() < y.mtime());
  }
  if (op === '-h' || op === '-L') return vfs.tryGet(p, path, false)?.type === 'link';
  const n = vfs.tryGet(p, path);
  if (!n) return false;
  switch (op) {
    case '-e':
    case '-a':
      return true;
    case '-f':
      return n.type === 'file' && !n.dev;
    case '-d':
      return n.type === 'dir';
    case '-c':
      return !!n.dev;
    case '-b':
    case '-p':
    case '-S':
      return false;
    case '-s': {
      if (n.type === 'dir') return true;
      if (n.dev) return false;
      try {
        const d = n.read ? n.read() : '';
        return d.length > 0 || statOf(n).size > 0;
      } catch {
        return false;
      }
    }
    case '-r':
      return p.uid === 0 || modeAllows(n.mode, n.uid, p.uid, 4);
    case '-w':
      return p.uid === 0 ? n.type === 'dir' || !!n.write || n.type === 'file' : modeAllows(n.mode, n.uid, p.uid, 2);
    case '-x':
      return p.uid === 0 ? n.type === 'dir' || (n.mode & 0o111) !== 0 : modeAllows(n.mode, n.uid, p.uid, 1);
    case '-g':
      return (n.mode & 0o2000) !== 0;
    case '-u':
      return (n.mode & 0o4000) !== 0;
    case '-k':
      return (n.mode & 0o1000) !== 0;
    case '-O':
      return n.uid === p.uid;
    case '-G':
      return p.gid === 0 || n.uid === p.uid;
    case '-N':
      return false;
  }
  return false;
}

function modeAllows(mode: number, owner: number, uid: number, bit: number): boolean {
  const bits = owner === uid ? (mode >> 6) & 7 : mode & 7;
  return (bits & bit) !== 0;
}

class TestSyntax extends Error {}

/** The `test` and `[` builtins. Returns 0, 1, or 2 (error, message printed). */
export async function testBuiltin(sh: Shell, argv: string[]): Promise<number> {
  const name = argv[0]!;
  let args = argv.slice(1);
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      sh.err("[: missing `]'");
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return (await evalArgs(sh, args)) ? 0 : 1;
  } catch (e) {
    if (e instanceof TestSyntax) {
      sh.err(`${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

async function intOf(s: string): Promise<bigint> {
  const t = s.trim();
  if (!/^[-+]?\d+$/.test(t)) throw new TestSyntax(`${s}: integer expression expected`);
  return BigInt(t);
}

async function unary(sh: Shell, op: string, a: string): Promise<boolean> {
  switch (op) {
    case '-z':
      return a === '';
    case '-n':
      return a !== '';
    case '-t':
      return sh.isTty(Number(a));
    case '-v':
      return sh.isSetRef(a);
    case '-o':
      return !!(sh.opts as Record<string, boolean>)[a];
    case '-R':
      return false;
    default:
      return fileTest(sh, op, a);
  }
}

async function binary(sh: Shell, a: string, op: string, b: string): Promise<boolean> {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '-eq':
      return (await intOf(a)) === (await intOf(b));
    case '-ne':
      return (await intOf(a)) !== (await intOf(b));
    case '-lt':
      return (await intOf(a)) < (await intOf(b));
    case '-le':
      return (await intOf(a)) <= (await intOf(b));
    case '-gt':
      return (await intOf(a)) > (await intOf(b));
    case '-ge':
      return (await intOf(a)) >= (await intOf(b));
    default:
      return fileTest(sh, op, a, b);
  }
}

async function evalArgs(sh: Shell, a: string[]): Promise<boolean> {
  switch (a.length) {
    case 0:
      return false;
    case 1:
      return a[0] !== '';
    case 2:
      if (a[0] === '!') return a[1] === '';
      if (UNARY.has(a[0]!)) return unary(sh, a[0]!, a[1]!);
      throw new TestSyntax(`${a[0]}: unary operator expected`);
    case 3:
      if (BINARY.has(a[1]!)) return binary(sh, a[0]!, a[1]!, a[2]!);
      if (a[1] === '-a') return a[0] !== '' && a[2] !== '';
      if (a[1] === '-o') return a[0] !== '' || a[2] !== '';
      if (a[0] === '!') return !(await evalArgs(sh, a.slice(1)));
      if (a[0] === '(' && a[2] === ')') return a[1] !== '';
      throw new TestSyntax(`${a[1]}: binary operator expected`);
    case 4:
      if (a[0] === '!') return !(await evalArgs(sh, a.slice(1)));
      if (a[0] === '(' && a[3] === ')') return evalArgs(sh, a.slice(1, 3));
  }
  // general grammar: or := and ('-o' and)*; and := not ('-a' not)*; not := '!' not | prim
  let i = 0;
  const orE = async (): Promise<boolean> => {
    let v = await andE();
    while (a[i] === '-o') {
      i++;
      const r = await andE();
      v = v || r;
    }
    return v;
  };
  const andE = async (): Promise<boolean> => {
    let v = await notE();
    while (a[i] === '-a') {
      i++;
      const r = await notE();
      v = v && r;
    }
    return v;
  };
  const notE = async (): Promise<boolean> => {
    if (a[i] === '!') {
      i++;
      return !(await notE());
    }
    return prim();
  };
  const prim = async (): Promise<boolean> => {
    const t = a[i];
    if (t === undefined) throw new TestSyntax('argument expected');
    if (t === '(') {
      i++;
      const v = await orE();
      if (a[i] !== ')') throw new TestSyntax("`)' expected");
      i++;
      return v;
    }
    if (a[i + 1] !== undefined && BINARY.has(a[i + 1]!) && a[i + 2] !== undefined) {
      const v = await binary(sh, t, a[i + 1]!, a[i + 2]!);
      i += 3;
      return v;
    }
    if (UNARY.has(t) && a[i + 1] !== undefined) {
      const v = await unary(sh, t, a[i + 1]!);
      i += 2;
      return v;
    }
    i++;
    return t !== '';
  };
  const v = await orE();
  if (i < a.length) throw new TestSyntax('too many arguments');
  return v;
}
