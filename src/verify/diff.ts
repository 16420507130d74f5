// A small line-based unified diff (`diff -u` format, 3 lines of context) for test failure
// messages and the recorder's flakiness reports.

type Op = { kind: ' ' | '-' | '+'; line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Edit script by longest common subsequence (common prefix/suffix trimmed first). */
function editScript(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const n = A.length;
  const m = B.length;
  const mid: Op[] = [];
  if (n * m > 16_000_000) {
    // too big for the table: show it as one replacement
    for (const line of A) mid.push({ kind: '-', line });
    for (const line of B) mid.push({ kind: '+', line });
  } else {
    // lcs[i*(m+1)+j] = LCS length of A[i..] and B[j..]
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * w + j] = A[i] === B[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && A[i] === B[j]) {
        mid.push({ kind: ' ', line: A[i++]! });
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!)) {
        mid.push({ kind: '-', line: A[i++]! }); // deletions first, as diff -u prints them
      } else {
        mid.push({ kind: '+', line: B[j++]! });
      }
    }
  }
  return [
    ...a.slice(0, pre).map((line): Op => ({ kind: ' ', line })),
    ...mid,
    ...a.slice(a.length - suf).map((line): Op => ({ kind: ' ', line })),
  ];
}

export interface DiffOptions {
  context?: number;
  /** Stop after this many output lines (a note says how many were left out). */
  maxLines?: number;
}

/** `diff -u` of two texts; '' when they are equal. Lines that differ only by trailing spaces are
 *  hard to see, so a trailing space is shown as `␠` on changed lines. */
export function unifiedDiff(a: string, b: string, labelA = 'expected', labelB = 'actual', opts: DiffOptions = {}): string {
  if (a === b) return '';
  const ctx = opts.context ?? 3;
  const ops = editScript(splitLines(a), splitLines(b));
  const out = [`--- ${labelA}`, `+++ ${labelB}`];
  if (ops.every((o) => o.kind === ' ')) {
    // same lines: the texts differ only in a missing final newline
    out.push(`\\ the texts differ only in the final newline (${labelA} ${a.endsWith('\n') ? 'has' : 'lacks'} one, ${labelB} ${b.endsWith('\n') ? 'has' : 'lacks'} one)`);
    return out.join('\n') + '\n';
  }
  // line numbers of each op in a and b (1-based, of the next line)
  const ai: number[] = [];
  const bi: number[] = [];
  let x = 1;
  let y = 1;
  for (const o of ops) {
    ai.push(x);
    bi.push(y);
    if (o.kind !== '+') x++;
    if (o.kind !== '-') y++;
  }
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.kind === ' ') k++;
    if (k >= ops.length) break;
    const start = Math.max(0, k - ctx);
    let end = k;
    // extend the hunk while changes are closer than 2*ctx lines apart
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * ctx) end = next;
      else {
        end = Math.min(ops.length, end + ctx);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    const aStart = aLen ? ai[start]! : ai[start]! - 1;
    const bStart = bLen ? bi[start]! : bi[start]! - 1;
    const range = (start: number, len: number) => (len === 1 ? `${start}` : `${start},${len}`);
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of hunk) out.push(o.kind + (o.kind === ' ' ? o.line : o.line.replace(/ +$/, (s) => '␠'.repeat(s.length))));
    k = end;
  }
  const max = opts.maxLines ?? Infinity;
  if (out.length > max) {
    const left = out.length - max;
    out.length = max;
    out.push(`… ${left} more diff lines`);
  }
  return out.join('\n') + '\n';
}

/** Number of lines only in a plus lines only in b. */
export function changedLines(a: string, b: string): number {
  return editScript(splitLines(a), splitLines(b)).filter((o) => o.kind !== ' ').length;
}
