// A fresh machine: the initial namespace as a booted system has it (lo up with 127.0.0.1/8).
import { Machine, type MachineOptions } from './machine.ts';
import type { World } from './types.ts';
import { netnsCreate, netnsPut } from './netns.ts';
import { devByName, devOpen } from './dev.ts';

/** Inode of the initial network namespace (what `readlink /proc/1/ns/net` shows on Linux). */
export const INIT_NET_INODE = 4026531840;
/** First inode handed to a new namespace. */
const FIRST_NS_INODE = 4026532200;

export function createWorld(seed: number): World {
  return {
    seed,
    rng: seed >>> 0,
    nextInode: INIT_NET_INODE,
    nextDevId: 1,
    initNs: INIT_NET_INODE,
    netns: {},
    netnsNames: [],
    netnsByName: new Map(),
    devById: new Map(),
  };
}

export function createMachine(opts: MachineOptions = {}): Machine {
  const m = new Machine(createWorld(opts.seed ?? 1), opts);
  m.mutate((k) => {
    const id = netnsCreate(k);
    k.w.nextInode = FIRST_NS_INODE;
    const lo = devByName(k.w.netns[id]!, 'lo')!;
    devOpen(k, id, lo);
  });
  // a namespace held only by processes dies with the last of them
  m.onExit = (m2, p) => {
    m2.mutate((k) => netnsPut(k, p.netns));
  };
  return m;
}
