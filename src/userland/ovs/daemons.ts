// ovsdb-tool, ovsdb-server and ovs-vswitchd (Open vSwitch 3.1.0) as emulated programs. The
// daemons do not become processes: `--detach` returns at once in the real tools too, and what
// they keep (the database, the running switch) lives in the machine's OVS state
// (src/devices/ovs.ts). A pidfile gets a pid no process has, so `kill $(cat pidfile)` fails
// quietly instead of stopping something else.
import type { Command, CommandContext } from '../command.ts';
import { ovsReconfigure, ovsState } from '../../devices/ovs.ts';

function opt(argv: string[], name: string): string | true | undefined {
  for (const a of argv) {
    if (a === `--${name}`) return true;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

function rundir(ctx: CommandContext): string {
  return ctx.env.OVS_RUNDIR ?? '/var/run/openvswitch';
}

async function writePidfile(ctx: CommandContext, argv: string[], prog: string): Promise<void> {
  const pf = opt(argv, 'pidfile');
  if (pf === undefined) return;
  const path = pf === true ? `${rundir(ctx)}/${prog}.pid` : pf;
  // a pid far above any the machine hands out
  await ctx.writeFile(path, `${40000 + ctx.proc.pid}\n`);
}

export const ovsdbTool: Command = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  const [cmd, db] = args;
  if (cmd === '--version' || ctx.argv.includes('--version') || ctx.argv.includes('-V')) {
    ctx.stdout.write('ovsdb-tool (Open vSwitch) 3.1.0\n');
    return 0;
  }
  if (cmd !== 'create') {
    ctx.stderr.write(`nsemu: "ovsdb-tool ${cmd ?? ''}" is not emulated\n`);
    return 1;
  }
  const path = db ?? `${ctx.env.OVS_DBDIR ?? '/etc/openvswitch'}/conf.db`;
  if (await ctx.fileExists(path)) {
    ctx.stderr.write(`ovsdb-tool: I/O error: ${path}: create failed (File exists)\n`);
    return 1;
  }
  try {
    await ctx.writeFile(path, 'OVSDB JSON 0 0\n');
  } catch {
    ctx.stderr.write(`ovsdb-tool: I/O error: ${path}: create failed (No such file or directory)\n`);
    return 1;
  }
  return 0;
};

export const ovsdbServer: Command = async (ctx) => {
  const argv = ctx.argv.slice(1);
  if (argv.includes('--version') || argv.includes('-V')) {
    ctx.stdout.write('ovsdb-server (Open vSwitch) 3.1.0\n');
    return 0;
  }
  const db = argv.find((a) => !a.startsWith('-')) ?? `${ctx.env.OVS_DBDIR ?? '/etc/openvswitch'}/conf.db`;
  if (!(await ctx.fileExists(db))) {
    ctx.stderr.write(`ovsdb-server: I/O error: ${db}: open failed (No such file or directory)\n`);
    return 1;
  }
  const s = ovsState(ctx.m);
  const remote = argv.find((a) => a.startsWith('--remote='))?.slice(9) ?? `punix:${rundir(ctx)}/db.sock`;
  s.dbFile = db;
  s.server = { remote, pid: 40000 + ctx.proc.pid };
  await writePidfile(ctx, argv, 'ovsdb-server');
  return 0;
};

export const ovsVswitchd: Command = async (ctx) => {
  const argv = ctx.argv.slice(1);
  if (argv.includes('--version') || argv.includes('-V')) {
    ctx.stdout.write('ovs-vswitchd (Open vSwitch) 3.1.0\n');
    return 0;
  }
  const s = ovsState(ctx.m);
  if (!s.server) {
    // it keeps retrying the database connection; detached, the caller sees success
    await writePidfile(ctx, argv, 'ovs-vswitchd');
    return 0;
  }
  s.vswitchd = { netns: ctx.proc.netns, pid: 40000 + ctx.proc.pid };
  ctx.m.mutate((k) => ovsReconfigure(k, s));
  await writePidfile(ctx, argv, 'ovs-vswitchd');
  return 0;
};
