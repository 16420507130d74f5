// Shared bits of the net-tools 2.10 programs (ifconfig, route, netstat): their SIOC* ioctls
// are kernel operations run as one World change, with errors printed the net-tools way.
import type { Kctx } from '../../kernel/machine.ts';
import { KernelError, strError } from '../../kernel/errors.ts';
import type { CommandContext } from '../command.ts';

/** Run an ioctl; on a kernel error print `NAME: strerror` and return false. */
export function ioctl(ctx: CommandContext, name: string, fn: (k: Kctx) => void): boolean {
  try {
    ctx.m.mutate(fn);
    return true;
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    ctx.stderr.write(`${name}: ${strError(e.errno)}\n`);
    return false;
  }
}
