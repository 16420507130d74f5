// Kernel operations fail the way the kernel does: an errno, and sometimes an extack message
// (what iproute2 prints as "Error: ..."). Userland turns these into the tools' own texts.
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  ENXIO: 6,
  E2BIG: 7,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENOSPC: 28,
  EROFS: 30,
  ERANGE: 34,
  EXFULL: 54,
  ENODATA: 61,
  ENOTEMPTY: 39,
  ELOOP: 40,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ENOTCONN: 107,
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
  5: 'Input/output error',
  9: 'Bad file descriptor',
  11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory',
  13: 'Permission denied',
  16: 'Device or resource busy',
  17: 'File exists',
  18: 'Invalid cross-device link',
  19: 'No such device',
  20: 'Not a directory',
  21: 'Is a directory',
  22: 'Invalid argument',
  28: 'No space left on device',
  30: 'Read-only file system',
  34: 'Numerical result out of range',
  39: 'Directory not empty',
  54: 'Exchange full',
  61: 'No data available',
  40: 'Too many levels of symbolic links',
  95: 'Operation not supported',
  97: 'Address family not supported by protocol',
  98: 'Address already in use',
  99: 'Cannot assign requested address',
  100: 'Network is down',
  101: 'Network is unreachable',
  107: 'Transport endpoint is not connected',
  113: 'No route to host',
};

/** The errno's symbolic name (ENOENT), as Node-style error texts carry it. */
export function errnoName(errno: number): string {
  return (Object.keys(Errno) as ErrnoName[]).find((k) => Errno[k] === errno) ?? `E${errno}`;
}

export function strError(errno: number): string {
  return strerror[errno] ?? `Unknown error ${errno}`;
}

/** A system call's error (an errno): expected control flow, thrown on every failed route
 *  lookup or refused command, so it takes no stack trace (V8 would capture one per throw). */
export class KernelError extends Error {
  constructor(
    readonly errno: number,
    /** netlink extended ack message, printed by iproute2 as "Error: <msg>." */
    readonly extack?: string,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(extack ?? strError(errno));
    Error.stackTraceLimit = limit;
  }
}

export function kerr(name: ErrnoName, extack?: string): KernelError {
  return new KernelError(Errno[name], extack);
}
