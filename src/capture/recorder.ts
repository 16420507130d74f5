// `nsemu run --pcap FILE`: every frame every device of every namespace sends or receives, in one
// pcapng file. Each namespace/device gets an Interface Description Block the first time it
// carries a frame (if_name `NS/DEV`, NS being the /run/netns name or `init`/`ns<inode>`), and each
// frame an Enhanced Packet Block with its virtual time in nanoseconds and its direction.
import type { Machine } from '../kernel/machine.ts';
import type { Device, World } from '../kernel/types.ts';
import { concat, pcapngInterface, pcapngPacket, pcapngSectionHeader } from './pcap.ts';
import { machineTaps, type Direction, type Tap } from './taps.ts';

/** Virtual time 0 on the wall clock (the shell's `date` starts there too). */
export const CAPTURE_EPOCH_SEC = Date.UTC(2024, 0, 1) / 1000;

export class PcapngRecorder {
  private readonly blocks: Uint8Array[] = [pcapngSectionHeader()];
  private readonly ifids = new Map<string, number>();
  private readonly tap: Tap;
  frames = 0;

  constructor(readonly m: Machine) {
    this.tap = { ns: -1, ifindex: 0, deliver: (t, dev, frame, dir, nsId) => this.record(t, dev, frame, dir, nsId) };
    machineTaps(m).add(this.tap);
  }

  private nsName(w: World, nsId: number): string {
    const named = w.netnsNames.find((n) => n.ns === nsId);
    if (named) return named.name;
    return nsId === w.initNs ? 'init' : `ns${nsId}`;
  }

  private record(t: number, dev: Device | Device, frame: Uint8Array, dir: Direction, nsId: number): void {
    const key = `${nsId}/${dev.id}/${dev.name}`;
    let id = this.ifids.get(key);
    if (id === undefined) {
      const ns = this.nsName(this.m.world, nsId);
      id = this.ifids.size;
      this.ifids.set(key, id);
      this.blocks.push(pcapngInterface(`${ns}/${dev.name}`, `${dev.kind} ${dev.name} (ifindex ${dev.ifindex}) in network namespace ${ns}`));
    }
    this.frames++;
    this.blocks.push(pcapngPacket(id, BigInt(CAPTURE_EPOCH_SEC) * 1_000_000_000n + BigInt(t), frame, dir));
  }

  stop(): void {
    machineTaps(this.m).delete(this.tap);
  }

  bytes(): Uint8Array {
    return concat(this.blocks);
  }
}
