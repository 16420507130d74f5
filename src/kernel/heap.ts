// A binary min-heap ordered by (t, seq): the scheduler's event queue. Ties on time run in the
// order they were scheduled, which is what makes a run reproducible.
export interface Timed {
  t: number;
  seq: number;
}

const before = (a: Timed, b: Timed): boolean => a.t < b.t || (a.t === b.t && a.seq < b.seq);

export class Heap<T extends Timed> {
  private a: T[] = [];

  get size(): number {
    return this.a.length;
  }

  /** A heap of f(x) for the elements that `keep` keeps (f must not change t or seq, so the order
   *  holds; dropping elements keeps it a heap once re-sifted, which push does). */
  copy(keep: (x: T) => boolean, f: (x: T) => T): Heap<T> {
    const h = new Heap<T>();
    for (const x of this.a) if (keep(x)) h.push(f(x));
    return h;
  }

  peek(): T | undefined {
    return this.a[0];
  }

  push(x: T): void {
    const a = this.a;
    let i = a.push(x) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(x, a[p]!)) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && before(a[r]!, a[l]!) ? r : l;
      if (!before(a[c]!, last)) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
