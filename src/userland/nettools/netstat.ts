// netstat (net-tools 2.10): `-r` (the routing table, as route -n lays it out with MSS/Window/irtt)
// and `-i` (the interface table).
import type { Command } from '../command.ts';
import { devFlags, IFF } from '../../kernel/dev.ts';
import { printRoutes } from './route.ts';

export const netstat: Command = async (ctx) => {
  const opts = ctx.argv.slice(1).join('').replace(/-/g, '');
  const ns = ctx.m.world.netns[ctx.proc.netns]!;
  if (opts.includes('r')) {
    printRoutes(ctx, ns, 'netstat');
    return 0;
  }
  if (opts.includes('i')) {
    const out = ['Kernel Interface table\n', 'Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n'];
    for (const d of Object.values(ns.devs).sort((a, b) => a.ifindex - b.ifindex)) {
      if (!d.up) continue;
      const f = devFlags(d, true);
      let flg = '';
      if (f & IFF.BROADCAST) flg += 'B';
      if (f & IFF.LOOPBACK) flg += 'L';
      if (f & IFF.MULTICAST) flg += 'M';
      if (f & IFF.PROMISC) flg += 'P';
      if (f & IFF.RUNNING) flg += 'R';
      if (f & IFF.UP) flg += 'U';
      const s = d.stats;
      out.push(
        `${d.name.padEnd(15)} ${String(d.mtu).padStart(5)} ${String(s.rxPackets).padStart(8)} ${String(s.rxErrors).padStart(6)} ${String(s.rxDropped).padStart(6)} ${'0'.padEnd(6)} ${String(s.txPackets).padStart(8)} ${String(s.txErrors).padStart(6)} ${String(s.txDropped).padStart(6)} ${'0'.padStart(6)} ${flg}\n`,
      );
    }
    ctx.stdout.write(out.join(''));
    return 0;
  }
  ctx.stderr.write('nsemu: netstat: only -r and -i are emulated\n');
  return 1;
};
