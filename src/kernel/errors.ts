// Kernel operations fail the way the kernel does: an errno, and sometimes an extack message
// (what iproute2 prints as "Error: ..."). Userland turns these into the tools' own texts.
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EINVAL: 22,
  ERANGE: 34,
  EOPNOTSUPP: 95,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  EHOSTUNREACH: 113,
} as const;
export type ErrnoName = keyof typeof Errno;

const strerror: Record<number, string> = {
  1: 'Operation not permitted',
  2: 'No such file or directory',
  3: 'No such process',
  4: 'Interrupted system call',
  6: 'No such device or address',
  7: 'Argument list too long',
  9: 'Bad file descriptor',
  11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  16: 'Device or resource busy',
  17: 'File exists',
  18: 'Invalid cross-device link',
  19: 'No such device',
  20: 'Not a directory',
  22: 'Invalid argument',
  34: 'Numerical result out of range',
  95: 'Operation not supported',
  98: 'Address already in use',
  99: 'Cannot assign requested address',
  100: 'Network is down',
  101: 'Network is unreachable',
  113: 'No route to host',
};

export function strError(errno: number): string {
  return strerror[errno] ?? `Unknown error ${errno}`;
}

export class KernelError extends Error {
  constructor(
    readonly errno: number,
    /** netlink extended ack message, printed by iproute2 as "Error: <msg>." */
    readonly extack?: string,
  ) {
    super(extack ?? strError(errno));
  }
}

export function kerr(name: ErrnoName, extack?: string): KernelError {
  return new KernelError(Errno[name], extack);
}
