// net/core/skbuff.c's alloc_skb and skb_copy, for nsemu's frames (Uint8Array views). A typed
// array over 64 bytes gets its own off-heap buffer in V8, whose allocation and collection cost
// more than the rest of a frame's trip through a bridge; so small frames are carved from shared
// slabs, as Node's Buffer pool does. A slab lives while any frame cut from it does, so slabs are
// kept small.
const SLAB_SIZE = 8192;
/** frames at most this long come from a slab; larger ones get their own buffer */
const SLAB_MAX = 2048;

let slab = new ArrayBuffer(SLAB_SIZE);
let used = 0;

/** A zero-filled frame of `len` bytes. */
export function allocSkb(len: number): Uint8Array {
  if (len > SLAB_MAX) return new Uint8Array(len);
  // keep every frame 8-byte aligned, as DataViews over it read best aligned
  const size = (len + 7) & ~7;
  if (used + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    used = 0;
  }
  const f = new Uint8Array(slab, used, len);
  used += size;
  return f;
}

/** skb_copy: a private copy of a frame, to change without touching what others hold. */
export function skbCopy(frame: Uint8Array): Uint8Array {
  const f = allocSkb(frame.length);
  f.set(frame);
  return f;
}
