// nsemu as a library: `import { createMachine, diff } from 'nsemu'`.
export { createMachine, NsemuMachine, type ExecResult, type MachineOptions } from './api/machine.ts';
export { diff, applyDiff, type Change } from './api/diff.ts';
export { trace, type TraceResult, type TraceOptions, type Hop } from './api/trace.ts';
export { INIT_NS, type MachineSnapshot, type NamespaceSnapshot, type DeviceSnapshot } from './api/snapshot.ts';
export { toDot, toMermaid, toSvg } from './api/graph.ts';
export { reachability, DISPOSITIONS, type Disposition, type ReachabilityRow, type ReachabilityOptions } from './api/reachability.ts';
