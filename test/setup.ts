// Every failed kernel operation in every test must leave the World exactly as it found it: the
// kernel state is plain mutable objects, so this holds only because operations validate before
// they write (as the kernel does). A copy taken before each operation proves it.
import { isDeepStrictEqual } from 'node:util';
import { Machine } from '../src/kernel/machine.ts';

Machine.atomicCheck = {
  before: (w) => structuredClone(w),
  afterFailure: (before, w, e) => {
    if (!isDeepStrictEqual(before, structuredClone(w)))
      throw new Error(`a failed kernel operation changed the World before failing (it must validate before writing): ${e instanceof Error ? e.message : String(e)}`);
  },
};
