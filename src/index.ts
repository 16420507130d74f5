// nsemu as a library: `import { createMachine, diff } from 'nsemu'`.
export { createMachine, NsemuMachine, type ExecResult, type MachineOptions } from './api/machine.ts';
export { diff, applyDiff, type Change } from './api/diff.ts';
export { INIT_NS, type MachineSnapshot, type NamespaceSnapshot, type DeviceSnapshot } from './api/snapshot.ts';
export { toDot, toMermaid, toSvg } from './api/graph.ts';
