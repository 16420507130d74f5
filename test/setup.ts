// Tests run with immer's auto-freeze on: any write to a World snapshot outside a draft throws,
// so code that would corrupt a snapshot cannot pass (production leaves freezing off for speed).
import { setAutoFreeze } from 'immer';
import '../src/kernel/machine.ts';

setAutoFreeze(true);
