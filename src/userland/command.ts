// What every emulated program (ip, ping, grep, the shell itself) is given when it runs: its
// argv, environment, standard streams, its process (pid, namespace, uid) and the machine.
import type { Machine, Process } from '../kernel/machine.ts';

/** An output stream: the terminal, a file, or a pipe. Writes never block (pipes are unbounded). */
export interface Output {
  write(data: string | Uint8Array): void;
}

/** An input stream. Reads block the calling process in virtual time until data or EOF. */
export interface Input {
  /** next chunk, or null at end of file */
  read(): Promise<string | null>;
  /** everything up to end of file */
  readAll(): Promise<string>;
}

export interface SpawnOptions {
  netns?: number;
  uid?: number;
  gid?: number;
  stdin?: Input;
  stdout?: Output;
  stderr?: Output;
  env?: Record<string, string>;
}

export interface CommandContext {
  argv: string[];
  env: Record<string, string>;
  stdin: Input;
  stdout: Output;
  stderr: Output;
  proc: Process;
  m: Machine;
  /** Is there a program of this name (builtin, emulated tool, shell function excluded)? */
  has(name: string): boolean;
  /**
   * Run a program as a child of this process, as fork+exec would (ip netns exec, sh -c,
   * timeout, setpriv), and wait for it. Options not given are inherited from this process.
   * Resolves with the exit status; 127 with bash's message if the program does not exist.
   */
  run(argv: string[], opts?: SpawnOptions): Promise<number>;
  /**
   * execve(2) after setns/setresuid: replace this program by argv in the same process (same
   * pid), as `ip netns exec`, setpriv and env really do. Resolves with the new program's status.
   */
  exec(argv: string[], opts?: SpawnOptions): Promise<number>;
  /** Start a child without waiting (timeout needs the child to signal it). */
  spawn(argv: string[], opts?: SpawnOptions): Process;
  /** Read a file as the process sees it (virtual /proc, /sys, /run/netns, in-memory rest). */
  readFile(path: string): Promise<string>;
  writeFile(path: string, data: string | Uint8Array, append?: boolean): Promise<void>;
  fileExists(path: string): Promise<boolean>;
}

export type Command = (ctx: CommandContext) => Promise<number>;
