// The World as JSON text, for tests that compare two states: its Maps (the FDB, the neighbour
// table) become lists of entries, where JSON.stringify alone would print every Map as {}.
// `omit` drops the keys named (at any depth).
export function worldJson(value: unknown, omit: readonly string[] = []): string {
  return JSON.stringify(value, (key, v: unknown) => (omit.includes(key) ? undefined : v instanceof Map ? { map: [...v] } : v));
}
