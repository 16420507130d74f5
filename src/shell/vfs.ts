// The filesystem a script sees: an in-memory tree (/tmp, /root, /etc, /dev, ...) plus virtual
// directories computed for the process that looks at them (its network namespace, pid, uid):
//   /proc/sys/net/**          sysctls of the reader's namespace (KernelFiles.sysctl*)
//   /proc/net -> self/net     /proc/PID/net: the files of that process's namespace (snmp, …)
//   /sys/class/net/DEV/ATTR   devices of the reader's namespace (KernelFiles.sysfs*)
//   /run/netns/NAME           (= /var/run/netns, /var/run is a symlink to /run) named namespaces
//   /proc/PID/ns/*            namespace links ("net:[inode]"); /proc/self -> the reader's pid
// Every operation is synchronous (nothing here waits in virtual time) and takes the calling
// process. `JbFs` adapts it to just-bash's IFileSystem for the text tools.
import type { ByteString, IFileSystem, FsStat } from 'just-bash';
import type { Machine, Process } from '../kernel/machine.ts';
import type { KernelFiles } from '../kernel/files.ts';
import { Errno, errnoName, KernelError, strError, type ErrnoName } from '../kernel/errors.ts';

/** A failed file operation. `reason` is the strerror text bash and coreutils print. */
export class FsError extends Error {
  constructor(
    readonly code: string,
    readonly syscall: string,
    readonly path: string,
    readonly reason: string = code in Errno ? strError(Errno[code as ErrnoName]) : code,
  ) {
    // Node-style text: just-bash's tools look for "ENOENT" in it
    super(`${code}: ${reason.toLowerCase()}, ${syscall} '${path}'`);
  }
}

function kernelToFs(e: unknown, syscall: string, path: string): unknown {
  if (e instanceof KernelError) {
    return new FsError(errnoName(e.errno), syscall, path, strError(e.errno));
  }
  return e;
}

export type FileData = string | Uint8Array;

/** A directory entry as the filesystem sees it (memory-backed or computed on demand). */
export interface FsNode {
  type: 'dir' | 'file' | 'link';
  mode: number;
  uid: number;
  ino: number;
  mtime(): number;
  // directories
  list?(): string[];
  lookup?(name: string): FsNode | undefined;
  // files
  read?(): FileData;
  /** replace (append=false) or append content; virtual files may throw FsError */
  write?(data: FileData, append: boolean): void;
  // links
  target?: string;
  /** what a magic link (/proc/PID/ns/net) resolves to when followed */
  magic?: FsNode;
  /** /dev/null, /dev/stdout, ...: the redirection code treats these specially */
  dev?: 'null' | 'zero' | 'stdin' | 'stdout' | 'stderr' | 'tty';
}

let inoCounter = 1000;
const nextIno = (): number => ++inoCounter;

class MemDir implements FsNode {
  readonly type = 'dir' as const;
  readonly entries = new Map<string, MemNode>();
  /** virtual subtrees mounted on names of this directory */
  readonly mounts = new Map<string, (caller: Process) => FsNode | undefined>();
  ino = nextIno();
  constructor(
    public mode: number,
    public mt: number,
    public uid = 0,
  ) {}
  mtime(): number {
    return this.mt;
  }
  list(): string[] {
    return [...this.entries.keys(), ...[...this.mounts.keys()].filter((n) => !this.entries.has(n))];
  }
}

class MemFile implements FsNode {
  readonly type = 'file' as const;
  ino = nextIno();
  dev?: FsNode['dev'];
  constructor(
    public data: FileData,
    public mode: number,
    public mt: number,
    public uid = 0,
  ) {}
  mtime(): number {
    return this.mt;
  }
  read(): FileData {
    return this.dev === 'zero' ? '' : this.data;
  }
  write(data: FileData, append: boolean): void {
    if (this.dev) return;
    if (!append) this.data = data;
    else if (typeof this.data === 'string' && typeof data === 'string') this.data += data;
    else this.data = concatBytes(toBytes(this.data), toBytes(data));
  }
}

class MemLink implements FsNode {
  readonly type = 'link' as const;
  readonly mode = 0o777;
  ino = nextIno();
  constructor(
    public target: string,
    public mt: number,
    public uid = 0,
  ) {}
  mtime(): number {
    return this.mt;
  }
}

type MemNode = MemDir | MemFile | MemLink;

/** Makes `to` hold what `from` holds, keeping the directories (and their mounts) `to` already
 *  has where both have one: a fork's filesystem is its own copy of the parent's files. */
function copyMemDir(from: MemDir, to: MemDir): void {
  to.mode = from.mode;
  to.mt = from.mt;
  to.uid = from.uid;
  for (const name of [...to.entries.keys()]) if (!from.entries.has(name)) to.entries.delete(name);
  for (const [name, n] of from.entries) {
    const have = to.entries.get(name);
    if (n instanceof MemDir) {
      const d = have instanceof MemDir ? have : new MemDir(n.mode, n.mt, n.uid);
      copyMemDir(n, d);
      to.entries.set(name, d);
    } else if (n instanceof MemFile) {
      const f = new MemFile(typeof n.data === 'string' ? n.data : n.data.slice(), n.mode, n.mt, n.uid);
      if (n.dev) f.dev = n.dev;
      to.entries.set(name, f);
    } else to.entries.set(name, new MemLink(n.target, n.mt, n.uid));
  }
}

export function toBytes(d: FileData): Uint8Array {
  return typeof d === 'string' ? new TextEncoder().encode(d) : d;
}
export function toText(d: FileData): string {
  return typeof d === 'string' ? d : new TextDecoder().decode(d);
}
export function bytesToLatin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}
function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const r = new Uint8Array(a.length + b.length);
  r.set(a, 0);
  r.set(b, a.length);
  return r;
}
function dataSize(d: FileData): number {
  return typeof d === 'string' ? toBytes(d).length : d.length;
}

/** Normalise an absolute or relative path against cwd: no ".", "..", or double slashes. */
export function normPath(cwd: string, p: string): string {
  const abs = p.startsWith('/') ? p : `${cwd}/${p}`;
  const out: string[] = [];
  for (const c of abs.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return `/${out.join('/')}`;
}

// Fixed inodes of the namespaces nsemu does not emulate (from a Debian 12 / Linux 6.x host).
const NS_INODES: Record<string, [string, number]> = {
  cgroup: ['cgroup', 4026531835],
  ipc: ['ipc', 4026531839],
  mnt: ['mnt', 4026531832],
  net: ['net', 0],
  pid: ['pid', 4026531836],
  pid_for_children: ['pid', 4026531836],
  time: ['time', 4026531834],
  time_for_children: ['time', 4026531834],
  user: ['user', 4026531837],
  uts: ['uts', 4026531838],
};

/** Virtual time base: the machine's clock 0 is this wall time (for mtimes shown by ls -l). */
export const EPOCH_MS = Date.UTC(2024, 0, 1);

export interface Resolved {
  node: FsNode | undefined;
  parent: FsNode;
  name: string;
  /** canonical absolute path of the entry (symlinks of parents resolved) */
  path: string;
}

export class Vfs {
  readonly root: MemDir;
  /** Bumped by every change of the memory tree (an entry added, removed or renamed, a mode, a
   *  file's content) and every lookup that went through a virtual (mounted) directory: a result
   *  computed from the tree is still valid while the two counters are as they were. */
  gen = 0;
  /** lookups answered by a virtual subtree (/proc, /sys, /run/netns): they depend on the caller */
  virtualLookups = 0;

  /** This filesystem becomes a copy of `other`'s files (Machine.fork). */
  copyFilesFrom(other: Vfs): void {
    this.gen++;
    copyMemDir(other.root, this.root);
  }
  constructor(
    private m: Machine,
    private files: KernelFiles,
  ) {
    const t = this.nowMs();
    this.root = new MemDir(0o755, t);
    for (const d of ['etc', 'home', 'root', 'run', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/local/bin', 'usr/local/sbin', 'var/tmp', 'var/log', 'var/lib', 'dev', 'opt', 'srv', 'mnt']) {
      this.mkdirSync(`/${d}`, true);
    }
    // Debian's merged /usr
    for (const d of ['bin', 'sbin', 'lib']) this.root.entries.set(d, new MemLink(`usr/${d}`, t));
    (this.lookupMem('/root') as MemDir).mode = 0o700;
    const tmp = new MemDir(0o1777, t);
    this.root.entries.set('tmp', tmp);
    (this.lookupMem('/var') as MemDir).entries.set('run', new MemLink('/run', t));
    const dev = this.lookupMem('/dev') as MemDir;
    for (const name of ['null', 'zero', 'stdin', 'stdout', 'stderr', 'tty'] as const) {
      const f = new MemFile('', 0o666, t);
      f.dev = name;
      dev.entries.set(name, f);
    }
    dev.entries.set('fd', new MemLink('/proc/self/fd', t));
    const etc = this.lookupMem('/etc') as MemDir;
    etc.entries.set('hostname', new MemFile('nsemu\n', 0o644, t));
    etc.entries.set('hosts', new MemFile('127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n', 0o644, t));
    etc.entries.set('passwd', new MemFile('root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n', 0o644, t));
    etc.entries.set('group', new MemFile('root:x:0:\nnogroup:x:65534:\n', 0o644, t));
    this.root.mounts.set('proc', (c) => this.procDir(c));
    this.root.mounts.set('sys', (c) => this.sysDir(c));
    (this.lookupMem('/run') as MemDir).mounts.set('netns', () => this.netnsDir());
  }

  nowMs(): number {
    return EPOCH_MS + Math.floor(this.m.now / 1e6);
  }

  private lookupMem(path: string): MemNode | undefined {
    let n: MemNode | undefined = this.root;
    for (const c of path.split('/').filter(Boolean)) {
      if (!(n instanceof MemDir)) return undefined;
      n = n.entries.get(c);
    }
    return n;
  }

  private child(dir: FsNode, name: string, caller: Process): FsNode | undefined {
    if (dir instanceof MemDir) {
      const mnt = dir.mounts.get(name);
      if (mnt) {
        this.virtualLookups++;
        return mnt(caller);
      }
      return dir.entries.get(name);
    }
    this.virtualLookups++;
    return dir.lookup?.(name);
  }

  /** Walk a path. Missing last component: node undefined (parent is set). Throws on bad middles. */
  resolve(caller: Process, path: string, follow = true, syscall = 'stat'): Resolved {
    let comps = path.split('/').filter((c) => c !== '' && c !== '.');
    const stack: { node: FsNode; name: string }[] = [{ node: this.root, name: '' }];
    let links = 0;
    for (let i = 0; i < comps.length; i++) {
      const name = comps[i]!;
      if (name === '..') {
        if (stack.length > 1) stack.pop();
        continue;
      }
      const cur = stack[stack.length - 1]!.node;
      if (cur.type !== 'dir') throw new FsError('ENOTDIR', syscall, path);
      const last = i === comps.length - 1;
      const nxt = this.child(cur, name, caller);
      if (!nxt) {
        if (last) return { node: undefined, parent: cur, name, path: this.pathOf(stack, name) };
        throw new FsError('ENOENT', syscall, path);
      }
      if (nxt.type === 'link' && (!last || follow)) {
        if (nxt.magic) {
          if (last) return { node: nxt.magic, parent: cur, name, path: this.pathOf(stack, name) };
          throw new FsError('ENOTDIR', syscall, path);
        }
        if (++links > 40) throw new FsError('ELOOP', syscall, path);
        const target = nxt.target!;
        const rest = comps.slice(i + 1);
        const tcomps = target.split('/').filter((c) => c !== '' && c !== '.');
        if (target.startsWith('/')) stack.length = 1;
        // continue with the link's target in place of the link, from the current directory
        comps = [...tcomps, ...rest];
        i = -1;
        continue;
      }
      stack.push({ node: nxt, name });
      if (last) return { node: nxt, parent: cur, name, path: this.pathOf(stack.slice(0, -1), name) };
    }
    const top = stack[stack.length - 1]!;
    const parent = stack.length > 1 ? stack[stack.length - 2]!.node : this.root;
    return { node: top.node, parent, name: top.name, path: this.pathOf(stack.slice(0, -1), top.name) };
  }

  private pathOf(stack: { name: string }[], name: string): string {
    const parts = stack.map((s) => s.name).filter(Boolean);
    if (name) parts.push(name);
    return `/${parts.join('/')}`;
  }

  /** The node at path (following links), or throw ENOENT. */
  get(caller: Process, path: string, follow = true, syscall = 'stat'): FsNode {
    const r = this.resolve(caller, path, follow, syscall);
    if (!r.node) throw new FsError('ENOENT', syscall, path);
    return r.node;
  }

  exists(caller: Process, path: string): boolean {
    try {
      return !!this.resolve(caller, path).node;
    } catch {
      return false;
    }
  }

  tryGet(caller: Process, path: string, follow = true): FsNode | undefined {
    try {
      return this.resolve(caller, path, follow).node;
    } catch {
      return undefined;
    }
  }

  readFile(caller: Process, path: string): FileData {
    const n = this.get(caller, path, true, 'open');
    if (n.type === 'dir') throw new FsError('EISDIR', 'read', path);
    if (caller.uid !== 0 && !canAccess(n, caller, 4)) throw new FsError('EACCES', 'open', path);
    try {
      return n.read ? n.read() : '';
    } catch (e) {
      throw kernelToFs(e, 'read', path);
    }
  }

  readText(caller: Process, path: string): string {
    return toText(this.readFile(caller, path));
  }

  /**
   * Open for writing as `>` / `>>` does: checks access, creates or truncates memory files.
   * Returns the node; write through `writeNode`.
   */
  openWrite(caller: Process, path: string, append: boolean, noclobber = false): FsNode {
    const r = this.resolve(caller, path, true, 'open');
    if (r.node) {
      if (r.node.type === 'dir') throw new FsError('EISDIR', 'open', path);
      if (noclobber && r.node instanceof MemFile && !r.node.dev) throw new FsError('EEXIST', 'open', path, 'cannot overwrite existing file');
      if (caller.uid !== 0 && !canAccess(r.node, caller, 2)) throw new FsError('EACCES', 'open', path);
      if (r.node.type === 'file' && !r.node.write) throw new FsError('EACCES', 'open', path);
      if (r.node instanceof MemFile && !append && !r.node.dev) {
        this.gen++;
        r.node.data = '';
        r.node.mt = this.nowMs();
      }
      return r.node;
    }
    if (!(r.parent instanceof MemDir)) throw new FsError('ENOENT', 'open', path);
    if (caller.uid !== 0 && !canAccess(r.parent, caller, 2)) throw new FsError('EACCES', 'open', path);
    const f = new MemFile('', 0o644, this.nowMs(), caller.uid);
    this.gen++;
    r.parent.entries.set(r.name, f);
    r.parent.mt = this.nowMs();
    return f;
  }

  /** Write to an opened node (each call is one write(2)). */
  writeNode(node: FsNode, data: FileData, path: string): void {
    if (node instanceof MemFile && !node.dev) this.gen++;
    if (!node.write) throw new FsError('EACCES', 'write', path);
    try {
      if (node instanceof MemFile) {
        node.write(data, true);
        node.mt = this.nowMs();
      } else node.write(data, true);
    } catch (e) {
      throw kernelToFs(e, 'write', path);
    }
  }

  /** writeFile then chmod, as root, of `dir/name`: a new file is put in place directly (the
   *  programs of a new machine's PATH are a hundred of them). */
  putFile(dir: string, name: string, data: string, mode: number): void {
    const d = this.lookupMem(dir);
    if (d instanceof MemDir && !d.entries.has(name) && !d.mounts.has(name)) {
      this.gen++;
      const t = this.nowMs();
      d.entries.set(name, new MemFile(data, mode & 0o7777, t));
      d.mt = t;
      return;
    }
    const root = { pid: 0, netns: 0, uid: 0, gid: 0 } as unknown as Process;
    this.writeFile(root, `${dir}/${name}`, data);
    this.chmod(root, `${dir}/${name}`, mode);
  }

  writeFile(caller: Process, path: string, data: FileData, append = false): void {
    const n = this.openWrite(caller, path, append);
    this.writeNode(n, data, path);
  }

  stat(caller: Process, path: string, follow = true): FsNode {
    return this.get(caller, path, follow, follow ? 'stat' : 'lstat');
  }

  readdir(caller: Process, path: string): string[] {
    const n = this.get(caller, path, true, 'scandir');
    if (n.type !== 'dir') throw new FsError('ENOTDIR', 'scandir', path);
    if (caller.uid !== 0 && !canAccess(n, caller, 4)) throw new FsError('EACCES', 'scandir', path);
    return n.list ? n.list() : [];
  }

  /** Child node of a directory node (for listing with types). */
  childOf(caller: Process, dir: FsNode, name: string): FsNode | undefined {
    return this.child(dir, name, caller);
  }

  mkdirSync(path: string, recursive: boolean, caller?: Process): void {
    this.gen++;
    const c = caller ?? ({ pid: 0, netns: 0, uid: 0, gid: 0 } as unknown as Process);
    const comps = path.split('/').filter(Boolean);
    let cur = '';
    for (let i = 0; i < comps.length; i++) {
      cur += `/${comps[i]}`;
      const last = i === comps.length - 1;
      const r = this.resolve(c, cur, true, 'mkdir');
      if (r.node) {
        if (last && !recursive) throw new FsError('EEXIST', 'mkdir', path);
        if (r.node.type !== 'dir') throw new FsError(last ? 'EEXIST' : 'ENOTDIR', 'mkdir', path);
        continue;
      }
      if (!last && !recursive) throw new FsError('ENOENT', 'mkdir', path);
      if (!(r.parent instanceof MemDir)) throw new FsError(r.parent.type === 'dir' ? 'EACCES' : 'ENOTDIR', 'mkdir', path);
      if (c.uid !== 0 && !canAccess(r.parent, c, 2)) throw new FsError('EACCES', 'mkdir', path);
      r.parent.entries.set(r.name, new MemDir(0o755, this.nowMs(), c.uid));
      r.parent.mt = this.nowMs();
    }
  }

  mkdir(caller: Process, path: string, recursive = false): void {
    this.mkdirSync(path, recursive, caller);
  }

  rm(caller: Process, path: string, recursive = false, force = false): void {
    this.gen++;
    const r = this.resolve(caller, path, false, 'rm');
    if (!r.node) {
      if (force) return;
      throw new FsError('ENOENT', 'rm', path);
    }
    if (!(r.parent instanceof MemDir) || !r.parent.entries.has(r.name)) {
      throw new FsError(r.node.type === 'dir' ? 'EBUSY' : 'EACCES', 'rm', path, r.node.type === 'dir' ? undefined : 'Permission denied');
    }
    if (r.node instanceof MemDir) {
      if (!recursive) throw new FsError('EISDIR', 'rm', path);
      if (r.node.mounts.size) throw new FsError('EBUSY', 'rm', path);
    }
    if (caller.uid !== 0 && !canAccess(r.parent, caller, 2)) throw new FsError('EACCES', 'rm', path);
    r.parent.entries.delete(r.name);
    r.parent.mt = this.nowMs();
  }

  rmdir(caller: Process, path: string): void {
    this.gen++;
    const r = this.resolve(caller, path, false, 'rmdir');
    if (!r.node) throw new FsError('ENOENT', 'rmdir', path);
    if (!(r.node instanceof MemDir)) throw new FsError('ENOTDIR', 'rmdir', path);
    if (r.node.list().length) throw new FsError('ENOTEMPTY', 'rmdir', path);
    (r.parent as MemDir).entries.delete(r.name);
  }

  rename(caller: Process, from: string, to: string): void {
    this.gen++;
    const a = this.resolve(caller, from, false, 'rename');
    if (!a.node) throw new FsError('ENOENT', 'rename', from);
    if (!(a.parent instanceof MemDir) || !a.parent.entries.has(a.name)) throw new FsError('EXDEV', 'rename', from);
    let b = this.resolve(caller, to, false, 'rename');
    if (b.node && b.node.type === 'dir') b = this.resolve(caller, `${to}/${a.name}`, false, 'rename');
    if (!(b.parent instanceof MemDir)) throw new FsError('EXDEV', 'rename', to);
    const node = a.parent.entries.get(a.name)!;
    a.parent.entries.delete(a.name);
    b.parent.entries.set(b.name, node);
  }

  symlink(caller: Process, target: string, path: string): void {
    this.gen++;
    const r = this.resolve(caller, path, false, 'symlink');
    if (r.node) throw new FsError('EEXIST', 'symlink', path);
    if (!(r.parent instanceof MemDir)) throw new FsError('EACCES', 'symlink', path);
    r.parent.entries.set(r.name, new MemLink(target, this.nowMs(), caller.uid));
  }

  readlink(caller: Process, path: string): string {
    const n = this.get(caller, path, false, 'readlink');
    if (n.type !== 'link') throw new FsError('EINVAL', 'readlink', path);
    return n.target!;
  }

  realpath(caller: Process, path: string): string {
    const r = this.resolve(caller, path, true, 'realpath');
    if (!r.node) throw new FsError('ENOENT', 'realpath', path);
    return r.path;
  }

  chmod(caller: Process, path: string, mode: number): void {
    this.gen++;
    const n = this.get(caller, path, true, 'chmod');
    if (n instanceof MemDir || n instanceof MemFile) n.mode = mode & 0o7777;
    else throw new FsError('EPERM', 'chmod', path);
  }

  touch(caller: Process, path: string): void {
    const r = this.resolve(caller, path, true, 'open');
    if (r.node) {
      if (r.node instanceof MemFile || r.node instanceof MemDir) r.node.mt = this.nowMs();
      return;
    }
    this.openWrite(caller, path, true);
  }

  // ---- virtual subtrees -------------------------------------------------------------------

  private vdir(list: () => string[], lookup: (name: string) => FsNode | undefined, mode = 0o555): FsNode {
    const t = this.nowMs();
    return { type: 'dir', mode, uid: 0, ino: nextIno(), mtime: () => t, list, lookup };
  }

  private vfile(read: () => FileData, write?: (d: FileData) => void, mode = 0o444): FsNode {
    const t = this.nowMs();
    const n: FsNode = { type: 'file', mode, uid: 0, ino: nextIno(), mtime: () => t, read };
    if (write) n.write = (d) => write(d);
    return n;
  }

  private vlink(target: string, magic?: FsNode): FsNode {
    const t = this.nowMs();
    const n: FsNode = { type: 'link', mode: 0o777, uid: 0, ino: nextIno(), mtime: () => t, target };
    if (magic) n.magic = magic;
    return n;
  }

  private procDir(caller: Process): FsNode {
    return this.vdir(
      () => [...[...this.m.procs.keys()].sort((a, b) => a - b).map(String), 'net', 'self', 'sys'],
      (name) => {
        if (name === 'self') return this.vlink(String(caller.pid));
        if (name === 'net') return this.vlink('self/net');
        if (name === 'sys') return this.vdir(() => ['net'], (n) => (n === 'net' ? this.sysctlDir(caller, '') : undefined));
        if (/^\d+$/.test(name)) {
          const p = this.m.procs.get(Number(name));
          return p ? this.procPidDir(p) : undefined;
        }
        return undefined;
      },
    );
  }

  netnsInode(ns: number): number {
    return this.m.world.netns[ns]?.id ?? ns;
  }

  /** command lines of processes, when known (the shell records them) */
  cmdline: ((p: Process) => string[] | undefined) | undefined;

  private procPidDir(p: Process): FsNode {
    const entries = ['cmdline', 'comm', 'net', 'ns', 'status'];
    return this.vdir(
      () => entries,
      (name) => {
        switch (name) {
          case 'comm':
            return this.vfile(() => `${p.comm.slice(0, 15)}\n`);
          case 'cmdline':
            return this.vfile(() => (this.cmdline?.(p) ?? [p.comm]).map((a) => `${a}\0`).join(''));
          case 'net':
            return this.vdir(
              () => this.files.procNetList(),
              (n) => (this.files.procNetList().includes(n) ? this.vfile(() => this.files.procNetRead(p.netns, n) ?? '') : undefined),
              0o555,
            );
          case 'status':
            return this.vfile(
              () =>
                `Name:\t${p.comm.slice(0, 15)}\nState:\t${p.waiter ? 'S (sleeping)' : 'R (running)'}\nPid:\t${p.pid}\nPPid:\t${p.ppid}\n` +
                `Uid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\nGid:\t${p.gid}\t${p.gid}\t${p.gid}\t${p.gid}\n`,
            );
          case 'ns':
            return this.vdir(
              () => Object.keys(NS_INODES),
              (n) => {
                const e = NS_INODES[n];
                if (!e) return undefined;
                const ino = n === 'net' ? this.netnsInode(p.netns) : e[1];
                return this.vlink(`${e[0]}:[${ino}]`, this.vfile(() => ''));
              },
              0o511,
            );
          default:
            return undefined;
        }
      },
    );
  }

  private sysctlDir(caller: Process, rel: string): FsNode {
    const ns = caller.netns;
    return this.vdir(
      () => this.files.sysctlList(ns, rel) ?? [],
      (name) => {
        const path = rel ? `${rel}/${name}` : name;
        if (this.files.sysctlList(ns, path) !== undefined) return this.sysctlDir(caller, path);
        const v = this.files.sysctlRead(ns, path);
        if (v === undefined) return undefined;
        return this.vfile(
          () => {
            const s = this.files.sysctlRead(ns, path) ?? '';
            return s.endsWith('\n') ? s : `${s}\n`;
          },
          (d) => this.files.sysctlWrite(ns, path, toText(d).replace(/\n$/, ''), caller.uid),
          0o644,
        );
      },
    );
  }

  private sysDir(caller: Process): FsNode {
    return this.vdir(
      () => ['class'],
      (name) =>
        name === 'class'
          ? this.vdir(
              () => ['net'],
              (n) => (n === 'net' ? this.sysClassNet(caller) : undefined),
            )
          : undefined,
    );
  }

  private sysClassNet(caller: Process): FsNode {
    const ns = caller.netns;
    return this.vdir(
      () => this.files.sysfsNetList(ns),
      (dev) => {
        const attrs = this.files.sysfsNetAttrs(ns, dev);
        if (!attrs) return undefined;
        return this.sysfsAttrDir(ns, dev, attrs, '');
      },
      0o755,
    );
  }

  /** attributes may be nested ("statistics/rx_bytes"): present them as subdirectories */
  private sysfsAttrDir(ns: number, dev: string, attrs: string[], prefix: string): FsNode {
    const names = (): string[] => {
      const out: string[] = [];
      for (const a of attrs) {
        if (!a.startsWith(prefix)) continue;
        const head = a.slice(prefix.length).split('/')[0]!;
        if (head && !out.includes(head)) out.push(head);
      }
      return out;
    };
    return this.vdir(
      names,
      (name) => {
        const full = prefix + name;
        if (attrs.includes(full)) {
          // read when read (some attributes fail then: carrier of a down device is EINVAL)
          return this.vfile(() => this.files.sysfsNetRead(ns, dev, full) ?? '', undefined, 0o444);
        }
        if (attrs.some((a) => a.startsWith(`${full}/`))) return this.sysfsAttrDir(ns, dev, attrs, `${full}/`);
        return undefined;
      },
      0o755,
    );
  }

  private netnsDir(): FsNode {
    return this.vdir(
      () => this.files.netnsNames(),
      (name) => (this.files.netnsByName(name) !== undefined || this.files.netnsNames().includes(name) ? this.vfile(() => '', undefined, 0o444) : undefined),
      0o755,
    );
  }
}

/** mode-bit check for a non-root caller; want: 4 read, 2 write, 1 exec */
function canAccess(n: FsNode, caller: Process, want: number): boolean {
  if (caller.uid === 0) return true;
  const bits = n.uid === caller.uid ? (n.mode >> 6) & 7 : n.mode & 7;
  return (bits & want) === want;
}

export function statOf(n: FsNode): { isFile: boolean; isDirectory: boolean; isSymbolicLink: boolean; mode: number; size: number; mtime: Date } {
  let size = 0;
  if (n.type === 'file' && n instanceof MemFile) size = dataSize(n.data);
  else if (n.type === 'link') size = (n.target ?? '').length;
  else if (n.type === 'dir') size = 4096;
  const typeBits = n.type === 'dir' ? 0o040000 : n.type === 'link' ? 0o120000 : 0o100000;
  return {
    isFile: n.type === 'file',
    isDirectory: n.type === 'dir',
    isSymbolicLink: n.type === 'link',
    mode: typeBits | n.mode,
    size,
    mtime: new Date(n.mtime()),
  };
}

/** Hooks a view uses for /dev/stdout and /dev/stderr (the calling process's own streams). */
export interface StdHooks {
  stdout?: (d: FileData) => void;
  stderr?: (d: FileData) => void;
  /** /dev/fd/N of process substitutions: read reads the pipe to its end */
  procSubst?: { has(path: string): boolean; read(path: string): Promise<string> };
}

/** just-bash's IFileSystem over the Vfs, bound to one process. */
export class JbFs implements IFileSystem {
  constructor(
    private vfs: Vfs,
    private caller: Process,
    private hooks: StdHooks = {},
  ) {}

  private devWrite(path: string, content: FileData): boolean {
    const n = this.vfs.tryGet(this.caller, path);
    if (!n?.dev) return false;
    if (n.dev === 'stdout') this.hooks.stdout?.(content);
    else if (n.dev === 'stderr') this.hooks.stderr?.(content);
    return true;
  }

  private async read(path: string): Promise<FileData> {
    if (this.hooks.procSubst?.has(path)) return this.hooks.procSubst.read(path);
    return this.vfs.readFile(this.caller, path);
  }
  async readFile(path: string): Promise<string> {
    return toText(await this.read(path));
  }
  async readFileBytes(path: string): Promise<ByteString> {
    // just-bash's unsafeBytesFromLatin1 is this cast (a type tag); importing it would load just-bash
    return bytesToLatin1(toBytes(await this.read(path))) as unknown as ByteString;
  }
  async readFileBuffer(path: string): Promise<Uint8Array> {
    return toBytes(await this.read(path));
  }
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    if (this.devWrite(path, content)) return;
    this.vfs.writeFile(this.caller, path, content, false);
  }
  async appendFile(path: string, content: string | Uint8Array): Promise<void> {
    if (this.devWrite(path, content)) return;
    this.vfs.writeFile(this.caller, path, content, true);
  }
  async exists(path: string): Promise<boolean> {
    return !!this.hooks.procSubst?.has(path) || this.vfs.exists(this.caller, path);
  }
  async stat(path: string): Promise<FsStat> {
    if (this.hooks.procSubst?.has(path)) return { isFile: false, isDirectory: false, isSymbolicLink: false, mode: 0o10600, size: 0, mtime: new Date(this.vfs.nowMs()) };
    const n = this.vfs.stat(this.caller, path, true);
    return { ...statOf(n), ino: n.ino, dev: 1 };
  }
  async lstat(path: string): Promise<FsStat> {
    const n = this.vfs.stat(this.caller, path, false);
    return { ...statOf(n), ino: n.ino, dev: 1 };
  }
  async mkdir(path: string, options?: { recursive?: boolean }): Promise<void> {
    this.vfs.mkdir(this.caller, path, !!options?.recursive);
  }
  async readdir(path: string): Promise<string[]> {
    return this.vfs.readdir(this.caller, path);
  }
  async readdirWithFileTypes(path: string): Promise<{ name: string; isFile: boolean; isDirectory: boolean; isSymbolicLink: boolean }[]> {
    const dir = this.vfs.stat(this.caller, path, true);
    const names = this.vfs.readdir(this.caller, path);
    return names.map((name) => {
      const n = this.vfs.childOf(this.caller, dir, name);
      return { name, isFile: n?.type === 'file', isDirectory: n?.type === 'dir', isSymbolicLink: n?.type === 'link' };
    });
  }
  async rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void> {
    const n = this.vfs.tryGet(this.caller, path, false);
    if (n?.type === 'dir' && !options?.recursive) {
      this.vfs.rmdir(this.caller, path);
      return;
    }
    this.vfs.rm(this.caller, path, !!options?.recursive, !!options?.force);
  }
  async cp(src: string, dest: string, options?: { recursive?: boolean }): Promise<void> {
    this.copy(src, dest, !!options?.recursive);
  }
  private copy(src: string, dest: string, recursive: boolean): void {
    const n = this.vfs.stat(this.caller, src, true);
    if (n.type === 'dir') {
      if (!recursive) throw new FsError('EISDIR', 'cp', src);
      if (!this.vfs.exists(this.caller, dest)) this.vfs.mkdir(this.caller, dest, false);
      for (const name of this.vfs.readdir(this.caller, src)) this.copy(`${src}/${name}`, `${dest}/${name}`, true);
      return;
    }
    this.vfs.writeFile(this.caller, dest, this.vfs.readFile(this.caller, src));
  }
  async mv(src: string, dest: string): Promise<void> {
    this.vfs.rename(this.caller, src, dest);
  }
  resolvePath(base: string, path: string): string {
    return normPath(base, path);
  }
  getAllPaths(): string[] {
    return [];
  }
  async chmod(path: string, mode: number): Promise<void> {
    this.vfs.chmod(this.caller, path, mode);
  }
  async symlink(target: string, linkPath: string): Promise<void> {
    this.vfs.symlink(this.caller, target, linkPath);
  }
  async link(existingPath: string, newPath: string): Promise<void> {
    this.vfs.writeFile(this.caller, newPath, this.vfs.readFile(this.caller, existingPath));
  }
  async readlink(path: string): Promise<string> {
    return this.vfs.readlink(this.caller, path);
  }
  async realpath(path: string): Promise<string> {
    return this.vfs.realpath(this.caller, path);
  }
  async utimes(path: string): Promise<void> {
    this.vfs.touch(this.caller, path);
  }
}
