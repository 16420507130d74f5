// The one error the wire modules throw. `parse` throws it on bytes that are too short
// (`truncated`) or that break the protocol's own rules (`malformed`: bad version, a length
// field that contradicts itself) or that are a variant nsemu does not model (`unsupported`:
// ARP for a hardware address that is not 6 bytes). `emit` throws it when the caller's buffer is
// too small or the Repr cannot be encoded (options not a multiple of 4 bytes, a MAC that is
// not 6 bytes). Nothing in src/protocols/wire throws anything else.
export type WireErrorKind = 'truncated' | 'malformed' | 'unsupported';

export class WireError extends Error {
  readonly kind: WireErrorKind;
  constructor(kind: WireErrorKind, message: string) {
    super(message);
    this.name = 'WireError';
    this.kind = kind;
  }
}

/** Throws `truncated` unless `off` is a valid offset and `buf` holds `len` bytes from it. */
export function need(buf: Uint8Array, off: number, len: number, what: string): void {
  if (!Number.isInteger(off) || off < 0 || off + len > buf.length) {
    throw new WireError('truncated', `${what}: need ${len} bytes at offset ${off}, buffer has ${buf.length}`);
  }
}

/** Copies `src` to `buf[at..]` unless it is already that very view (the one-allocation path). */
export function place(src: Uint8Array, buf: Uint8Array, at: number): void {
  if (src.length === 0) return;
  // byteOffset first: reading .buffer of a small typed array makes V8 give it a buffer
  if (src.byteOffset === buf.byteOffset + at && src.buffer === buf.buffer) return;
  buf.set(src, at);
}
