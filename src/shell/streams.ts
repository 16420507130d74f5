// File descriptors of emulated processes. An Fd object is shared by every process that has it
// open (fork, dup, redirection), like an open file description in the kernel: reads consume a
// shared buffer, and a pipe sees end-of-file only when every holder of its write end closed it
// (refcounts). Readers wait in virtual time through Machine.block, never on a real promise.
import { WaitQueue, type Machine, type Process } from '../kernel/machine.ts';
import type { Input, Output } from '../userland/command.ts';
import { toText, type FileData, type FsNode, type Vfs } from './vfs.ts';

/** A blocking read was interrupted by a signal that the process handles itself (EINTR). */
export class Interrupted extends Error {
  constructor() {
    super('interrupted system call');
  }
}

/** A read with a deadline (read -t) that passed. */
export class TimedOut extends Error {
  constructor() {
    super('timed out');
  }
}

const deadlines = new WeakMap<Process, number>();

/** Run fn with reads by p giving up (TimedOut) at virtual time `deadline`. */
export async function withDeadline<T>(p: Process, deadline: number, fn: () => Promise<T>): Promise<T> {
  const old = deadlines.get(p);
  deadlines.set(p, deadline);
  try {
    return await fn();
  } finally {
    if (old === undefined) deadlines.delete(p);
    else deadlines.set(p, old);
  }
}

/** Block p on a queue; returns when woken. Fatal signals throw Killed, handled ones Interrupted. */
export async function waitOn(m: Machine, p: Process, queue: WaitQueue): Promise<void> {
  const dl = deadlines.get(p);
  if (dl !== undefined && dl <= m.now) throw new TimedOut();
  const r = await m.block(p, dl === undefined ? { queue } : { queue, timeout: dl - m.now });
  if (r === 'wake') return;
  if (r === 'timeout') throw new TimedOut();
  p.checkSignals();
  throw new Interrupted();
}

export abstract class Fd {
  refs = 0;
  ref(): this {
    this.refs++;
    this.opened();
    return this;
  }
  unref(): void {
    this.refs--;
    if (this.refs === 0) this.closed();
  }
  protected opened(): void {}
  protected closed(): void {}
  get readable(): boolean {
    return false;
  }
  get writable(): boolean {
    return false;
  }
  /** next chunk, or null at end of file */
  async pull(_p: Process): Promise<string | null> {
    throw new FdError('EBADF');
  }
  write(_data: FileData): void {
    throw new FdError('EBADF');
  }
  /** kind shown in diagnostics */
  abstract readonly kind: string;
}

export class FdError extends Error {
  constructor(readonly code: 'EBADF' | 'EPIPE' | 'EIO') {
    super(code === 'EBADF' ? 'Bad file descriptor' : code === 'EPIPE' ? 'Broken pipe' : 'Input/output error');
  }
}

/** Read side with a shared buffer (so `read` can take one line and leave the rest). */
export abstract class InFd extends Fd {
  buf = '';
  eof = false;
  override get readable(): boolean {
    return true;
  }
  protected abstract source(p: Process): Promise<string | null>;
  override async pull(p: Process): Promise<string | null> {
    if (this.buf) {
      const b = this.buf;
      this.buf = '';
      return b;
    }
    if (this.eof) return null;
    const c = await this.source(p);
    if (c === null) this.eof = true;
    return c;
  }
  /** Read up to and including delim (not returned); null at EOF with nothing read. */
  async readUntil(p: Process, delim: string): Promise<{ text: string; found: boolean } | null> {
    for (;;) {
      const i = delim === '' ? this.buf.indexOf('\0') : this.buf.indexOf(delim);
      if (i >= 0) {
        const text = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        return { text, found: true };
      }
      if (this.eof) {
        if (!this.buf) return null;
        const text = this.buf;
        this.buf = '';
        return { text, found: false };
      }
      const c = await this.source(p);
      if (c === null) this.eof = true;
      else this.buf += c;
    }
  }
  /** Read exactly n characters (fewer at EOF). */
  async readN(p: Process, n: number): Promise<string | null> {
    while (this.buf.length < n && !this.eof) {
      const c = await this.source(p);
      if (c === null) this.eof = true;
      else this.buf += c;
    }
    if (!this.buf && this.eof) return null;
    const text = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return text;
  }
}

/** Fixed content: here-documents, here-strings, files opened for reading, the script's stdin. */
export class StringIn extends InFd {
  readonly kind = 'string';
  private done = false;
  constructor(private content: string) {
    super();
  }
  protected async source(): Promise<string | null> {
    if (this.done || this.content === '') return null;
    this.done = true;
    return this.content;
  }
}

/** Input pulled from outside the machine (the host's stdin) when a process first reads it. */
export class ExternalIn extends InFd {
  readonly kind = 'external';
  constructor(private next: () => Promise<string | null>) {
    super();
  }
  protected source(): Promise<string | null> {
    return this.next();
  }
}

export class NullFd extends Fd {
  readonly kind = 'null';
  override get readable(): boolean {
    return true;
  }
  override get writable(): boolean {
    return true;
  }
  override async pull(): Promise<string | null> {
    return null;
  }
  override write(): void {}
}

/** A pipe(2): unbounded buffer; readers block in virtual time until data or all writers closed. */
export class Pipe {
  private chunks: string[] = [];
  writers = 0;
  readers = 0;
  readonly q = new WaitQueue();
  constructor(private m: Machine) {}
  write(data: FileData): void {
    // nobody will ever read it: write(2) fails with EPIPE (the writer then dies of SIGPIPE)
    if (this.readers === 0) throw new FdError('EPIPE');
    const s = toText(data);
    if (!s) return;
    this.chunks.push(s);
    this.q.wakeAll(this.m);
  }
  closeWriter(): void {
    this.writers--;
    if (this.writers === 0) this.q.wakeAll(this.m);
  }
  async pull(p: Process): Promise<string | null> {
    for (;;) {
      if (this.chunks.length) return this.chunks.splice(0).join('');
      if (this.writers <= 0) return null;
      await waitOn(this.m, p, this.q);
    }
  }
  readonly readEnd: PipeReadFd = new PipeReadFd(this);
  readonly writeEnd: PipeWriteFd = new PipeWriteFd(this);
}

export class PipeReadFd extends InFd {
  readonly kind = 'pipe';
  constructor(readonly pipe: Pipe) {
    super();
  }
  protected override opened(): void {
    if (this.refs === 1) this.pipe.readers++;
  }
  protected override closed(): void {
    this.pipe.readers--;
  }
  protected source(p: Process): Promise<string | null> {
    return this.pipe.pull(p);
  }
}

export class PipeWriteFd extends Fd {
  readonly kind = 'pipe';
  constructor(readonly pipe: Pipe) {
    super();
  }
  override get writable(): boolean {
    return true;
  }
  protected override opened(): void {
    if (this.refs === 1) this.pipe.writers++;
  }
  protected override closed(): void {
    this.pipe.closeWriter();
  }
  override write(data: FileData): void {
    this.pipe.write(data);
  }
}

/** What the run's caller receives (fd 1 / fd 2 of the script). A script run by `nsemu run` is
 *  like one whose output goes to a pipe (as in the recordings); only the interactive shell's
 *  is a terminal, where stdio line-buffers. */
export class TermOut extends Fd {
  readonly kind = 'tty';
  constructor(
    private sink: (fd: 1 | 2, text: string) => void,
    private which: 1 | 2,
    readonly isatty = false,
  ) {
    super();
  }
  override get writable(): boolean {
    return true;
  }
  override write(data: FileData): void {
    const s = toText(data);
    if (s) this.sink(this.which, s);
  }
}

/** A file opened for writing (`>`, `>>`): each write is one write(2) to the node. */
export class FileOut extends Fd {
  readonly kind = 'file';
  constructor(
    private vfs: Vfs,
    private node: FsNode,
    readonly path: string,
  ) {
    super();
  }
  override get writable(): boolean {
    return true;
  }
  override write(data: FileData): void {
    this.vfs.writeNode(this.node, data, this.path);
  }
}

/** `<>`: read the content, write to the file. */
export class FileInOut extends InFd {
  readonly kind = 'file';
  private done = false;
  constructor(
    private content: string,
    private out: FileOut,
  ) {
    super();
  }
  override get writable(): boolean {
    return true;
  }
  protected async source(): Promise<string | null> {
    if (this.done || !this.content) return null;
    this.done = true;
    return this.content;
  }
  override write(data: FileData): void {
    this.out.write(data);
  }
}

/** The Input a program sees on a descriptor, bound to its process. */
export function inputOf(fd: Fd | undefined, p: Process): Input {
  const read = async (): Promise<string | null> => {
    if (!fd || !fd.readable) return null;
    return fd.pull(p);
  };
  return {
    read,
    async readAll(): Promise<string> {
      let s = '';
      for (;;) {
        const c = await read();
        if (c === null) return s;
        s += c;
      }
    },
  };
}

/** The Output a program sees on a descriptor. Write errors (sysctl EINVAL) propagate as throws. */
export function outputOf(fd: Fd | undefined): Output {
  return {
    write(data: string | Uint8Array): void {
      if (!fd) throw new FdError('EBADF');
      fd.write(data);
    },
  };
}

/**
 * The session's terminal, read side (nsemu shell): what the user types while a foreground job
 * runs goes here, as a terminal's input queue does, and the job (a nested `bash`, `cat`, `read`)
 * reads it. `paced`: a reader waits in the machine, so time goes on (background jobs run) while
 * it waits; otherwise it waits outside the machine and time stands still, as at the prompt.
 * `prompt` is how an interactive shell reading it shows its prompt (the REPL's line editor).
 */
export class TtyIn extends InFd {
  readonly kind = 'tty';
  private typed: string[] = [];
  private ended = false;
  private readonly q = new WaitQueue();
  private waker: (() => void) | undefined;
  /** processes reading it now */
  readers = 0;
  constructor(
    private readonly m: Machine,
    private readonly paced: boolean,
    readonly prompt: (text: string) => void = () => {},
  ) {
    super();
  }
  /** typed text (a line with its newline) */
  push(text: string): void {
    this.typed.push(text);
    this.wakeReaders();
  }
  /** Ctrl-D: readers see end of file */
  end(): void {
    this.ended = true;
    this.wakeReaders();
  }
  /** what was typed and not read yet (it goes back to the top-level shell) */
  take(): string {
    const s = this.buf + this.typed.join('');
    this.buf = '';
    this.typed = [];
    this.eof = false;
    return s;
  }
  /** a signal arrived for the readers (Ctrl-C): an unpaced wait notices it */
  wakeReaders(): void {
    this.q.wakeAll(this.m);
    this.waker?.();
  }
  protected async source(p: Process): Promise<string | null> {
    this.readers++;
    try {
      for (;;) {
        if (this.typed.length) return this.typed.shift()!;
        if (this.ended) {
          this.ended = false;
          return null;
        }
        if (this.paced) await waitOn(this.m, p, this.q);
        else {
          await new Promise<void>((r) => (this.waker = r));
          this.waker = undefined;
          if (p.pending.length) {
            p.checkSignals();
            throw new Interrupted();
          }
        }
      }
    } finally {
      this.readers--;
    }
  }
}
