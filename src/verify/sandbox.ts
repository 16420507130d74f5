// Runs bash scripts on the real kernel, in a throwaway sandbox that cannot touch the machine's own
// networking: `unshare --net --mount --propagation private --pid --fork --mount-proc` (a new
// network namespace that is the script's "host", a private mount namespace, and a PID namespace
// so that process numbers only name the sandbox's own processes), a fresh tmpfs on /run with a
// fresh tmpfs on /run/netns (so `ip netns add` never writes into the machine's /run/netns, names
// cannot collide, and `ip netns list` has the order of a fresh /run/netns: newest first), and
// /sys remounted so /sys/class/net shows the sandbox's devices. Like ../shared/scenarios/record.sh,
// plus the PID namespace, and /run itself is a tmpfs too: the machine's /run gets neither a netns
// directory nor an xtables.lock. When the process exits — or is killed — every namespace, device
// and process it made disappears with it.
//
// The script's stdout and stderr go into one pipe (`exec 2>&1` before the script starts), so the
// output interleaves exactly as `bash script.sh 2>&1 | …` does: per write, with stdout
// block-buffered by the tools (a pipe is not a terminal).
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Environment of every sandboxed script: fixed PATH and the C locale (`sort` order!). */
export const SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** New network and mount namespaces (mounts private), and a new PID namespace with its own /proc:
 *  a script that names a process (`ip link set X netns 1`, `netns $$`) can only reach the
 *  sandbox's own processes — PID 1 is the script's shell — never the machine's init. */
const UNSHARE = ['--net', '--mount', '--propagation', 'private', '--pid', '--fork', '--mount-proc'];

/** Runs inside the new namespaces, before the script. Any failure here stops the run before the
 *  script could touch anything: the mounts are what keeps `ip netns add` off the machine's /run. */
const PRELUDE = [
  'exec 2>&1',
  'set -e',
  // refuse to go on unless this really is a network namespace other than the machine's
  '[ "$(readlink /proc/self/ns/net)" != "$NSEMU_HOST_NETNS" ] || { echo "nsemu sandbox: not in a new network namespace" >&2; exit 125; }',
  'mount -t tmpfs nsemu-run /run',
  'mkdir /run/netns',
  'mount -t tmpfs nsemu-netns /run/netns',
  'mount -t sysfs none /sys',
  'set +e',
  'unset NSEMU_HOST_NETNS',
  'exec bash "$0"',
].join('\n');

export interface SandboxOptions {
  /** Kill the whole sandbox (SIGKILL to its process group) after this long. Default 15 min. */
  timeoutMs?: number;
  /** Working directory of the script (default /). */
  cwd?: string;
}

export interface SandboxResult {
  /** stdout and stderr, interleaved as written. */
  output: string;
  /** Exit status; 128+N when killed by signal N (124 on timeout, like timeout(1)). */
  status: number;
  timedOut: boolean;
}

export interface SandboxRun {
  /** pid of the sandbox's first process (unshare; the script's bash is its child, PID 1 inside);
   *  also the process group id of everything the script starts. */
  readonly pid: number;
  readonly result: Promise<SandboxResult>;
  /** Output so far. */
  output(): string;
  /** Signals the sandbox's whole process group (default SIGTERM). */
  kill(signal?: NodeJS.Signals): void;
}

/** Process groups of the sandboxes still running: killed if this process exits first. */
const live = new Set<number>();
process.on('exit', () => {
  for (const pgid of live) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

function hostNetns(): string {
  return readlinkSync('/proc/self/ns/net');
}

/** Starts `bash scriptPath` in a sandbox; the caller must await `result`. */
export function startSandbox(scriptPath: string, opts: SandboxOptions = {}): SandboxRun {
  const child = spawn('unshare', [...UNSHARE, 'bash', '-c', PRELUDE, resolve(scriptPath)], {
    cwd: opts.cwd ?? '/',
    env: {
      PATH: SANDBOX_PATH,
      LC_ALL: 'C',
      HOME: process.env.HOME ?? '/root',
      NSEMU_HOST_NETNS: hostNetns(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: a kill reaches every process the script started
  });
  const chunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => chunks.push(b));
  child.stderr.on('data', (b: Buffer) => errChunks.push(b)); // only unshare's own errors
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);
  const killGroup = (signal: NodeJS.Signals): void => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGKILL');
  }, opts.timeoutMs ?? 15 * 60_000);
  const result = new Promise<SandboxResult>((done, fail) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      const output = Buffer.concat([...chunks, ...errChunks]).toString('utf8');
      const status = timedOut ? 124 : code ?? 128 + (signal ? osConstants.signals[signal] : 0);
      done({ output, status, timedOut });
    });
  });
  return {
    pid: pid ?? -1,
    result,
    output: () => Buffer.concat(chunks).toString('utf8'),
    kill: (signal = 'SIGTERM') => killGroup(signal),
  };
}

/** Runs the script file in a sandbox. */
export function runFileInSandbox(scriptPath: string, opts: SandboxOptions = {}): Promise<SandboxResult> {
  return startSandbox(scriptPath, opts).result;
}

/** Runs a bash script given as text in a sandbox (written to a private temporary file first). */
export async function runInSandbox(source: string, opts: SandboxOptions = {}): Promise<SandboxResult> {
  const dir = mkdtempSync(join(tmpdir(), 'nsemu-sandbox-'));
  try {
    const path = join(dir, 'script.sh');
    writeFileSync(path, source);
    return await runFileInSandbox(path, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Is the real kernel usable here?

/** Tools the project's real-kernel scripts use, with the Debian package that provides each. */
export const REQUIRED_TOOLS: Readonly<Record<string, string>> = {
  bash: 'bash',
  unshare: 'util-linux',
  setpriv: 'util-linux',
  mount: 'mount',
  ip: 'iproute2',
  ping: 'iputils-ping',
  ethtool: 'ethtool',
  sysctl: 'procps',
  sort: 'coreutils',
  grep: 'grep',
  sed: 'sed',
  awk: 'mawk',
};

export interface KernelStatus {
  ok: boolean;
  /** Empty when ok; otherwise one sentence per problem, e.g. "not root (uid 1000)". */
  reason: string;
  /** Tools from REQUIRED_TOOLS that are not on the sandbox's PATH. */
  missingTools: string[];
}

export function findTool(name: string): string | undefined {
  for (const dir of SANDBOX_PATH.split(':')) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const PROBE = [
  'ip link set lo up',
  'ip link add nsemu-p0 type veth peer name nsemu-p1 || { echo "cannot create a veth pair"; exit 3; }',
  'ip netns add nsemu-probe || { echo "ip netns add failed"; exit 4; }',
  'ip link set nsemu-p1 netns nsemu-probe || { echo "cannot move a veth into a namespace"; exit 5; }',
  'ip netns exec nsemu-probe ip link show nsemu-p1 >/dev/null || { echo "ip netns exec failed"; exit 6; }',
  'echo NSEMU-PROBE-OK',
].join('\n');

let cached: KernelStatus | undefined;

/** Says whether real-kernel runs can happen here, and precisely what is missing if not. Runs one
 *  probe sandbox (cached for the process). */
export function kernelAvailable(): KernelStatus {
  if (cached) return cached;
  const problems: string[] = [];
  let missingTools: string[] = [];
  if (process.platform !== 'linux') {
    problems.push(`not Linux (platform ${process.platform})`);
  } else {
    const uid = process.getuid?.() ?? -1;
    if (uid !== 0) problems.push(`not root (uid ${uid}): the sandbox needs CAP_SYS_ADMIN for unshare --net --mount`);
    missingTools = Object.keys(REQUIRED_TOOLS).filter((t) => !findTool(t));
    if (missingTools.length) {
      const pkgs = [...new Set(missingTools.map((t) => REQUIRED_TOOLS[t]))].join(' ');
      problems.push(`missing tools: ${missingTools.join(', ')} (apt-get install ${pkgs})`);
    }
    if (uid === 0 && !missingTools.includes('unshare') && !missingTools.includes('bash')) {
      const dir = mkdtempSync(join(tmpdir(), 'nsemu-probe-'));
      try {
        const path = join(dir, 'probe.sh');
        writeFileSync(path, PROBE);
        const r = spawnSync('unshare', [...UNSHARE, 'bash', '-c', PRELUDE, path], {
          env: { PATH: SANDBOX_PATH, LC_ALL: 'C', NSEMU_HOST_NETNS: hostNetns() },
          encoding: 'utf8',
          timeout: 30_000,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
        if (r.error) problems.push(`cannot run unshare: ${r.error.message}`);
        else if (!out.includes('NSEMU-PROBE-OK'))
          problems.push(`no usable network namespace sandbox (unshare --net --mount, tmpfs on /run/netns, sysfs, veth): exit ${r.status}: ${out.split('\n').slice(-3).join(' / ')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  cached = { ok: problems.length === 0, reason: problems.join('; '), missingTools };
  return cached;
}

/** NSEMU_REQUIRE_KERNEL=1: real-kernel tests must run, and fail (not skip) when they cannot. */
export function kernelRequired(): boolean {
  return process.env.NSEMU_REQUIRE_KERNEL === '1';
}

// ---------------------------------------------------------------------------------------------
// The machine's own state, to prove the sandbox leaves it alone.

function sh(cmd: string): string {
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: { PATH: SANDBOX_PATH, LC_ALL: 'C' } });
  return `$ ${cmd}\n${r.stdout ?? ''}${r.stderr ?? ''}[rc=${r.status}]\n`;
}

/** A listing of the machine's own networking (the namespace this process runs in), its named
 *  namespaces, /run/netns and its mounts. Values that change by themselves (address lifetimes,
 *  route expiry, counters, neighbours) are left out. */
export function machineState(): string {
  return [
    sh('ip -d link show'),
    sh("ip addr show | grep -v '^ *valid_lft'"),
    sh("ip route show table all | sed -E 's/ expires [0-9]+sec//'"),
    sh("ip -6 route show table all | sed -E 's/ expires [0-9]+sec//'"),
    sh('ip rule show; ip -6 rule show'),
    sh('ip netns list'),
    sh('ip -all netns exec ip -br link; ip -all netns exec ip -br addr; ip -all netns exec ip route'),
    sh('ls -la --time-style=+ /run/netns 2>&1 || true'),
    sh('ls -A /run'),
    sh('sysctl net.ipv4.ip_forward net.ipv4.conf.all.forwarding net.ipv4.conf.default.forwarding net.ipv4.conf.all.rp_filter net.ipv4.conf.all.proxy_arp net.ipv6.conf.all.disable_ipv6'),
    sh("awk '{print $5, $9, $10}' /proc/self/mountinfo | sort"),
  ].join('');
}
