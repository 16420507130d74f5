// The machine's wall clock for the tools that print it: virtual time 0 is 2024-01-01 00:00:00
// UTC, and the machine's time zone is UTC.
import type { Machine } from '../kernel/machine.ts';
import { EPOCH_MS } from '../shell/vfs.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Milliseconds since 1970 at virtual time `ns` (now by default). */
export const wallMs = (m: Machine, ns = m.now): number => EPOCH_MS + Math.floor(ns / 1e6);

/** ctime(3) without its newline: `Mon Jan  1 00:00:00 2024`. */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}
