// What a probe's fate is called: the classification that reachability() and trace() share.
// Both send a real ICMP echo through the emulated kernel and watch what it does with it —
// reachability() with a tap on every device, a raw socket and the counters (cheap enough for
// 10,000 probes in a second), trace() with the kernel tracer (Machine.tracer: every step of
// every frame, which costs about as much again as the frames themselves) — and both name the
// outcome with the functions here: the socket error ping got, the ICMP error that came back.
import { Errno } from '../kernel/errors.ts';
import { ICMP_TIME_EXCEEDED } from '../protocols/wire/icmp.ts';

export type Disposition =
  | 'delivered'
  | 'no-route'
  | 'blackhole'
  | 'unreachable'
  | 'prohibit'
  | 'neighbour-failed'
  | 'filtered'
  | 'ttl-exceeded'
  | 'rp-filter'
  | 'martian'
  | 'link-down'
  | 'no-reply';

export const DISPOSITIONS: readonly Disposition[] = ['delivered', 'no-route', 'blackhole', 'unreachable', 'prohibit', 'neighbour-failed', 'filtered', 'ttl-exceeded', 'rp-filter', 'martian', 'link-down', 'no-reply'];

export interface SocketError {
  errno: number;
  /** strerror's text, as ping prints it after `ping: connect: ` or `ping: sendmsg: ` */
  text: string;
  disposition: Disposition;
  /** the route type that gives connect() this error */
  route?: string;
}

/** The errors ping's connect() (the output route's) and sendmsg() (the OUTPUT hook's) fail with. */
const SOCKET_ERRORS: readonly SocketError[] = [
  { errno: Errno.ENETUNREACH, text: 'Network is unreachable', disposition: 'no-route' },
  { errno: Errno.EINVAL, text: 'Invalid argument', disposition: 'blackhole', route: 'blackhole' },
  { errno: Errno.EHOSTUNREACH, text: 'No route to host', disposition: 'unreachable', route: 'unreachable' },
  { errno: Errno.EACCES, text: 'Permission denied', disposition: 'prohibit', route: 'prohibit' },
  { errno: Errno.EPERM, text: 'Operation not permitted', disposition: 'filtered' },
];

/** A socket error by its errno (reachability's probes see the kernel's) or by ping's text of it
 *  (trace's probe is ping itself). */
export function socketError(e: number | string): SocketError | undefined {
  return SOCKET_ERRORS.find((x) => (typeof e === 'number' ? x.errno === e : x.text === e));
}

/** What a socket error means for the probe: a netfilter rule that dropped it makes it
 *  `filtered` whatever the errno. */
export function socketErrorDisposition(e: number | string, netfilterDropped: boolean): Disposition {
  if (netfilterDropped) return 'filtered';
  return socketError(e)?.disposition ?? 'unreachable';
}

/**
 * What an ICMP error about the probe means: Time Exceeded is `ttl-exceeded`; Destination
 * Unreachable by its code — Net Unreachable `no-route`, Net/Host Prohibited and Packet Filtered
 * `prohibit`, Host Unreachable `neighbour-failed` or `link-down` when the kernel's evidence at
 * the hop that sent it says why (`host`), else `unreachable` like the other codes. A netfilter
 * DROP or REJECT the probe met comes first (`filtered`): a REJECT's error is the rule's.
 */
export function icmpErrorDisposition(e: { type: number; code: number }, o: { netfilterDropped: boolean; host?: 'neighbour-failed' | 'link-down' | undefined }): Disposition {
  if (o.netfilterDropped) return 'filtered';
  if (e.type === ICMP_TIME_EXCEEDED) return 'ttl-exceeded';
  switch (e.code) {
    case 0:
      return 'no-route';
    case 1:
      return o.host ?? 'unreachable';
    case 9:
    case 10:
    case 13:
      return 'prohibit';
    default:
      return 'unreachable';
  }
}
