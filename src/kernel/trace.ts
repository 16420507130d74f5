// The packet-path trace (the library's trace() and `nsemu explain`): while a tracer is set on
// the machine, each kernel step a frame takes reports itself, named as the kernel names the
// function (netif_receive_skb, br_handle_frame, ip_route_input, nf_hook, neigh_resolve_output …),
// with where it happened and, where the frame's way ends, why. Without a tracer a step costs one
// field test.
import type { Kctx } from './machine.ts';

export interface TraceEvent {
  /** virtual ns */
  t: number;
  /** the namespace (inode) and device where the step ran */
  ns: number;
  dev?: string;
  step: string;
  /** the frame at this step (its bytes as they were then) */
  frame?: Uint8Array;
  /** the step ended the frame's way here, and why */
  drop?: string;
  /** what the step decided, when it decides something (a route, a verdict, a neighbour state) */
  note?: string;
}

/** Reports a step (callers test k.m.tracer first, so the untraced path builds nothing). */
export function ktrace(k: Kctx, ns: number, dev: string | undefined, step: string, frame: Uint8Array | undefined, note?: string, drop?: string): void {
  const e: TraceEvent = { t: k.m.now, ns, step };
  if (dev !== undefined) e.dev = dev;
  if (frame) e.frame = frame.slice();
  if (note !== undefined) e.note = note;
  if (drop !== undefined) e.drop = drop;
  k.m.tracer!(e);
}
