// Shell patterns (globbing, case, [[ == ]], ${x#pat}) as regular expressions. In pattern text a
// backslash quotes the next character: quoted parts of a word are escaped that way before
// they get here, so "*" in quotes matches a star.

const SPECIAL = new Set(['*', '?', '[', ']', '\\', '(', ')', '|', '!', '@', '+']);

/** Quote every pattern-special character of literal text. */
export function escapeGlob(s: string): string {
  let out = '';
  for (const c of s) out += SPECIAL.has(c) ? `\\${c}` : c;
  return out;
}

/** Does the pattern contain an unquoted *, ? or [ ... ] (or an extglob)? */
export function hasGlob(pat: string): boolean {
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '*' || c === '?') return true;
    if (c === '[' && pat.indexOf(']', i + 2) > 0) return true;
    if ((c === '@' || c === '+' || c === '!') && pat[i + 1] === '(') return true;
  }
  return false;
}

/** Remove the quoting backslashes of a pattern (the literal text it stands for). */
export function unescapeGlob(pat: string): string {
  let out = '';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i]!;
    if (c === '\\' && i + 1 < pat.length) {
      out += pat[++i];
      continue;
    }
    out += c;
  }
  return out;
}

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
  word: 'a-zA-Z0-9_',
};

const reEsc = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Translate pattern text to a regular expression source (no anchors). */
export function patternSource(pat: string, opts: { pathname?: boolean } = {}): string {
  let out = '';
  let i = 0;
  const anyChar = opts.pathname ? '[^/]' : '[\\s\\S]';
  while (i < pat.length) {
    const c = pat[i]!;
    if (c === '\\') {
      if (i + 1 < pat.length) out += reEsc(pat[i + 1]!);
      else out += '\\\\';
      i += 2;
      continue;
    }
    if ((c === '?' || c === '*' || c === '+' || c === '@' || c === '!') && pat[i + 1] === '(') {
      const end = matchParen(pat, i + 1);
      if (end > 0) {
        const inner = splitAlternatives(pat.slice(i + 2, end)).map((a) => patternSource(a, opts)).join('|');
        if (c === '?') out += `(?:${inner})?`;
        else if (c === '*') out += `(?:${inner})*`;
        else if (c === '+') out += `(?:${inner})+`;
        else if (c === '@') out += `(?:${inner})`;
        else out += `(?:(?!(?:${inner})$)${anyChar}*)`;
        i = end + 1;
        continue;
      }
    }
    if (c === '*') {
      out += `${anyChar}*`;
      i++;
      continue;
    }
    if (c === '?') {
      out += anyChar;
      i++;
      continue;
    }
    if (c === '[') {
      const r = bracket(pat, i);
      if (r) {
        out += r.src;
        i = r.end;
        continue;
      }
      out += '\\[';
      i++;
      continue;
    }
    out += reEsc(c);
    i++;
  }
  return out;
}

function matchParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function splitAlternatives(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '|' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

function bracket(pat: string, start: number): { src: string; end: number } | undefined {
  let i = start + 1;
  let neg = false;
  if (pat[i] === '!' || pat[i] === '^') {
    neg = true;
    i++;
  }
  let body = '';
  let first = true;
  while (i < pat.length) {
    const c = pat[i]!;
    if (c === ']' && !first) {
      return { src: `[${neg ? '^' : ''}${body}]`, end: i + 1 };
    }
    first = false;
    if (c === '[' && pat[i + 1] === ':') {
      const close = pat.indexOf(':]', i + 2);
      if (close > 0) {
        const cls = CLASSES[pat.slice(i + 2, close)];
        if (cls) {
          body += cls;
          i = close + 2;
          continue;
        }
      }
    }
    if (c === '\\' && i + 1 < pat.length) {
      body += reEsc(pat[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '-' && body && pat[i + 1] !== ']') {
      body += '-';
      i++;
      continue;
    }
    body += reEsc(c);
    i++;
  }
  return undefined;
}

const cache = new Map<string, RegExp>();

/** Whole-string match of a shell pattern. */
export function globMatch(pat: string, s: string, nocase = false): boolean {
  const key = `${nocase ? 'i' : 's'}${pat}`;
  let re = cache.get(key);
  if (!re) {
    re = new RegExp(`^(?:${patternSource(pat)})$`, nocase ? 'i' : '');
    if (cache.size > 2000) cache.clear();
    cache.set(key, re);
  }
  return re.test(s);
}

/** ${x#pat} / ${x##pat} / ${x%pat} / ${x%%pat} */
export function trimPattern(s: string, pat: string, op: '#' | '##' | '%' | '%%'): string {
  const re = new RegExp(`^(?:${patternSource(pat)})$`);
  if (op === '#') {
    for (let i = 0; i <= s.length; i++) if (re.test(s.slice(0, i))) return s.slice(i);
  } else if (op === '##') {
    for (let i = s.length; i >= 0; i--) if (re.test(s.slice(0, i))) return s.slice(i);
  } else if (op === '%') {
    for (let i = s.length; i >= 0; i--) if (re.test(s.slice(i))) return s.slice(0, i);
  } else {
    for (let i = 0; i <= s.length; i++) if (re.test(s.slice(i))) return s.slice(0, i);
  }
  return s;
}

/** ${x/pat/rep}, ${x//pat/rep}, ${x/#pat/rep}, ${x/%pat/rep}: longest match at each position. */
export function replacePattern(s: string, pat: string, rep: string, mode: 'first' | 'all' | 'prefix' | 'suffix'): string {
  const re = new RegExp(`^(?:${patternSource(pat)})$`);
  if (pat === '') return mode === 'prefix' ? rep + s : mode === 'suffix' ? s + rep : s;
  if (mode === 'prefix') {
    for (let i = s.length; i >= 0; i--) if (re.test(s.slice(0, i))) return rep + s.slice(i);
    return s;
  }
  if (mode === 'suffix') {
    for (let i = 0; i <= s.length; i++) if (re.test(s.slice(i))) return s.slice(0, i) + rep;
    return s;
  }
  let out = '';
  let i = 0;
  while (i <= s.length) {
    let matched = -1;
    for (let j = s.length; j > i; j--) {
      if (re.test(s.slice(i, j))) {
        matched = j;
        break;
      }
    }
    if (matched > 0) {
      out += rep;
      i = matched;
      if (mode === 'first') return out + s.slice(i);
      continue;
    }
    if (i < s.length) out += s[i];
    i++;
  }
  return out;
}
