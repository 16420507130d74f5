// The World's one source of randomness (MACs, timer jitter, ICMP ids, IP ids). Its state is a
// single 32-bit number kept in the World, so a snapshot carries its RNG with it and the same
// seed replays the same run. mulberry32: tiny, fast, and good enough for emulated jitter.
export function nextRandom(state: number): [value: number, state: number] {
  const s = (state + 0x6d2b79f5) | 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, s];
}
