// sudo (1.9.13p3, Debian 12) and su (util-linux 2.38): run a command as another user. nsemu's
// machine has no passwords and its sudoers is Debian's default (root may run anything), so
// root's sudo runs the command at once; anyone else is refused as sudo refuses without a
// terminal to ask the password on. The user table is the machine's /etc/passwd.
//   sudo CMD...          CMD as root, in sudo's reset environment (env_reset, secure_path)
//   sudo -u USER CMD...  as USER (name or #uid); -g GROUP the group
//   sudo -i / -s [CMD]   the target's login shell / $SHELL (with CMD: SHELL -c 'CMD');
//                        without CMD an interactive shell is started as `bash` is
//   su [-] [USER] [-c CMD]   USER's shell (root when no USER is given)
import type { Command, CommandContext } from './command.ts';
import { getoptLong, type LongOpt } from './getopt.ts';

/** sudo's secure_path on Debian (/etc/sudoers). */
const SECURE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** The lines of /etc/passwd (or /etc/group: name and id) as the process reads them. */
async function table(ctx: CommandContext, path: string): Promise<string[][]> {
  try {
    return (await ctx.readFile(path))
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** getpwnam / getpwuid over the machine's /etc/passwd. */
export async function lookupUser(ctx: CommandContext, who: string | number): Promise<PasswdEntry | undefined> {
  for (const f of await table(ctx, '/etc/passwd')) {
    if (f.length < 7) continue;
    const e: PasswdEntry = { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! || '/bin/sh' };
    if (typeof who === 'number' ? e.uid === who : e.name === who) return e;
  }
  return undefined;
}

async function lookupGroup(ctx: CommandContext, who: string): Promise<number | undefined> {
  if (who.startsWith('#') && /^#\d+$/.test(who)) return Number(who.slice(1));
  for (const f of await table(ctx, '/etc/group')) if (f[0] === who && f.length >= 3) return Number(f[2]);
  return undefined;
}

/** Where PATH finds a program (its file in the machine's /usr/bin, /usr/sbin, ...). */
async function which(ctx: CommandContext, name: string, path: string): Promise<string | undefined> {
  if (name.includes('/')) return (await ctx.fileExists(name)) ? name : undefined;
  for (const dir of path.split(':')) {
    const f = `${dir || '.'}/${name}`;
    if (await ctx.fileExists(f)) return f;
  }
  return undefined;
}

/** The shell a login to this account starts; nologin refuses as /usr/sbin/nologin does. */
function refusesLogin(shell: string): boolean {
  return /\/(nologin|false)$/.test(shell);
}

const NOLOGIN = 'This account is currently not available.\n';

/** Variables sudo's env_reset keeps from the caller (Debian's defaults and sudo's env_keep). */
const SUDO_KEEP = /^(TERM|COLORTERM|COLORS|DISPLAY|XAUTHORITY|LANG|LANGUAGE|LC_[A-Z_]+|LINGUAS|TZ|PS1|PS2|LS_COLORS|HOSTNAME|_XKB_CHARSET)$/;

const SUDO_USAGE = `usage: sudo -h | -K | -k | -V
usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]
usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user]
            [command [arg ...]]
usage: sudo [-ABbEHkNnPS] [-r role] [-t type] [-C num] [-D directory] [-g
            group] [-h host] [-p prompt] [-R directory] [-T timeout] [-u user]
            [VAR=value] [-i | -s] [command [arg ...]]
usage: sudo -e [-ABkNnS] [-r role] [-t type] [-C num] [-D directory] [-g group]
            [-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...
`;
const SUDO_HELP = `sudo - execute a command as another user

${SUDO_USAGE}
Options:
  -A, --askpass                 use a helper program for password prompting
  -b, --background              run command in the background
  -B, --bell                    ring bell when prompting
  -C, --close-from=num          close all file descriptors >= num
  -D, --chdir=directory         change the working directory before running
                                command
  -E, --preserve-env            preserve user environment when running command
      --preserve-env=list       preserve specific environment variables
  -e, --edit                    edit files instead of running a command
  -g, --group=group             run command as the specified group name or ID
  -H, --set-home                set HOME variable to target user's home dir
  -h, --help                    display help message and exit
  -h, --host=host               run command on host (if supported by plugin)
  -i, --login                   run login shell as the target user; a command
                                may also be specified
  -K, --remove-timestamp        remove timestamp file completely
  -k, --reset-timestamp         invalidate timestamp file
  -l, --list                    list user's privileges or check a specific
                                command; use twice for longer format
  -n, --non-interactive         non-interactive mode, no prompts are used
  -P, --preserve-groups         preserve group vector instead of setting to
                                target's
  -p, --prompt=prompt           use the specified password prompt
  -R, --chroot=directory        change the root directory before running command
  -r, --role=role               create SELinux security context with specified
                                role
  -S, --stdin                   read password from standard input
  -s, --shell                   run shell as the target user; a command may
                                also be specified
  -t, --type=type               create SELinux security context with specified
                                type
  -T, --command-timeout=timeout terminate command after the specified time limit
  -U, --other-user=user         in list mode, display privileges for user
  -u, --user=user               run command (or edit file) as specified user
                                name or ID
  -V, --version                 display version information and exit
  -v, --validate                update user's timestamp without running a
                                command
  --                            stop processing command line arguments
`;
const SUDO_VERSION = 'Sudo version 1.9.13p3\nSudoers policy plugin version 1.9.13p3\nSudoers file grammar version 50\nSudoers I/O plugin version 1.9.13p3\nSudoers audit plugin version 1.9.13p3\n';

const SUDO_LONGOPTS: LongOpt[] = [
  ['askpass', 0, 'A'], ['background', 0, 'b'], ['bell', 0, 'B'], ['close-from', 1, 'C'], ['chdir', 1, 'D'],
  ['preserve-env', 2, 'E'], ['edit', 0, 'e'], ['group', 1, 'g'], ['set-home', 0, 'H'], ['help', 0, 'h'],
  ['host', 1, 'host'], ['login', 0, 'i'], ['remove-timestamp', 0, 'K'], ['reset-timestamp', 0, 'k'], ['list', 0, 'l'],
  ['non-interactive', 0, 'n'], ['preserve-groups', 0, 'P'], ['prompt', 1, 'p'], ['chroot', 1, 'R'], ['role', 1, 'r'],
  ['stdin', 0, 'S'], ['shell', 0, 's'], ['type', 1, 't'], ['command-timeout', 1, 'T'], ['other-user', 1, 'U'],
  ['user', 1, 'u'], ['version', 0, 'V'], ['validate', 0, 'v'],
].map(([name, hasArg, val]) => ({ name, hasArg, val }) as LongOpt);

/** sudo's quoting of a command for SHELL -c (-i, -s): every character but [A-Za-z0-9_$-] escaped. */
function sudoQuote(argv: string[]): string {
  return argv.map((a) => a.replace(/[^A-Za-z0-9_$-]/g, (c) => `\\${c}`)).join(' ');
}

export const sudo: Command = async (ctx) => {
  const { items, rest } = getoptLong('sudo', ctx.argv.slice(1), '+Aa:BbC:c:D:Eeg:Hh::iKklnPp:R:r:SsT:t:U:u:Vv', SUDO_LONGOPTS);
  let user: string | undefined;
  let group: string | undefined;
  let mode: 'run' | 'login' | 'shell' = 'run';
  let preserve = false;
  let nonInteractive = false;
  for (const it of items) {
    if (it.c === '?') {
      ctx.stderr.write(`${'msg' in it ? it.msg : ''}${SUDO_USAGE}`);
      return 1;
    }
    const arg = 'arg' in it ? it.arg : undefined;
    switch (it.c) {
      case 'h':
        if (arg !== undefined) break; // -h HOST (a host for the policy plugin)
        ctx.stdout.write(SUDO_HELP);
        return 0;
      case 'V':
        ctx.stdout.write(SUDO_VERSION);
        return 0;
      case 'u':
        user = arg;
        break;
      case 'g':
        group = arg;
        break;
      case 'i':
        mode = 'login';
        break;
      case 's':
        mode = 'shell';
        break;
      case 'E':
        preserve = true;
        break;
      case 'n':
        nonInteractive = true;
        break;
      case 'k':
      case 'K':
      case 'v':
        if (rest.length === 0 && ctx.proc.uid === 0) return 0;
        break;
      case 'l':
        if (ctx.proc.uid === 0) {
          ctx.stdout.write(`Matching Defaults entries for root on nsemu:\n    env_reset, mail_badpass, secure_path=${SECURE_PATH.replace(/:/g, '\\:')}, use_pty\n\nUser root may run the following commands on nsemu:\n    (ALL : ALL) ALL\n`);
          return 0;
        }
        break;
      default:
        break; // prompts, timestamps, SELinux roles, -b, -H, -P: nothing to do on this machine
    }
  }
  // VAR=value before the command: set in the command's environment
  const assign: Record<string, string> = {};
  while (rest.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!)) {
    const a = rest.shift()!;
    assign[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  }
  if (rest.length === 0 && mode === 'run') {
    ctx.stderr.write(SUDO_USAGE);
    return 1;
  }
  if (ctx.proc.uid !== 0) {
    // no terminal to ask a password on (and none to check it against)
    ctx.stderr.write(`${nonInteractive ? '' : 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n'}sudo: a password is required\n`);
    return 1;
  }
  const target = user === undefined ? 'root' : user;
  const pw = /^#\d+$/.test(target) ? await lookupUser(ctx, Number(target.slice(1))) : await lookupUser(ctx, target);
  if (!pw) {
    ctx.stderr.write(`sudo: unknown user ${target}\nsudo: error initializing audit plugin sudoers_audit\n`);
    return 1;
  }
  let gid = pw.gid;
  if (group !== undefined) {
    const g = await lookupGroup(ctx, group);
    if (g === undefined) {
      ctx.stderr.write(`sudo: unknown group ${group}\nsudo: error initializing audit plugin sudoers_audit\n`);
      return 1;
    }
    gid = g;
  }
  const caller = (await lookupUser(ctx, ctx.proc.uid)) ?? { name: String(ctx.proc.uid), uid: ctx.proc.uid, gid: ctx.proc.gid, home: '/', shell: '/bin/sh' };
  let argv = rest;
  if (mode !== 'run') {
    const shell = mode === 'login' ? pw.shell : (ctx.env.SHELL ?? pw.shell);
    if (mode === 'login' && refusesLogin(shell)) {
      ctx.stderr.write(NOLOGIN);
      return 1;
    }
    argv = rest.length ? [shell, ...(mode === 'login' ? ['--login'] : []), '-c', sudoQuote(rest)] : [shell, ...(mode === 'login' ? ['--login'] : [])];
  }
  const found = await which(ctx, argv[0]!, SECURE_PATH);
  if (!found) {
    ctx.stderr.write(`sudo: ${argv[0]}: command not found\n`);
    return 1;
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (preserve || SUDO_KEEP.test(k)) env[k] = v;
  Object.assign(env, {
    HOME: pw.home,
    LOGNAME: pw.name,
    MAIL: `/var/mail/${pw.name}`,
    PATH: SECURE_PATH,
    SHELL: pw.shell,
    SUDO_COMMAND: [found, ...argv.slice(1)].join(' '),
    SUDO_GID: String(caller.gid),
    SUDO_UID: String(caller.uid),
    SUDO_USER: caller.name,
    USER: pw.name,
  }, assign);
  // sudo forks and waits for the command (it stays its parent, relaying signals)
  return ctx.run(argv, { uid: pw.uid, gid, env });
};

const SU_HELP = `
Usage:
 su [options] [-] [<user> [<argument>...]]

Change the effective user ID and group ID to that of <user>.
A mere - implies -l.  If <user> is not given, root is assumed.

Options:
 -m, -p, --preserve-environment      do not reset environment variables
 -w, --whitelist-environment <list>  don't reset specified variables

 -g, --group <group>             specify the primary group
 -G, --supp-group <group>        specify a supplemental group

 -, -l, --login                  make the shell a login shell
 -c, --command <command>         pass a single command to the shell with -c
 --session-command <command>     pass a single command to the shell with -c
                                   and do not create a new session
 -f, --fast                      pass -f to the shell (for csh or tcsh)
 -s, --shell <shell>             run <shell> if /etc/shells allows it
 -P, --pty                       create a new pseudo-terminal

 -h, --help                      display this help
 -V, --version                   display version

For more details see su(1).
`;

const SU_LONGOPTS: LongOpt[] = [
  ['command', 1, 'c'], ['session-command', 1, 'C'], ['fast', 0, 'f'], ['group', 1, 'g'], ['supp-group', 1, 'G'],
  ['login', 0, 'l'], ['preserve-environment', 0, 'p'], ['whitelist-environment', 1, 'w'], ['pty', 0, 'P'],
  ['shell', 1, 's'], ['help', 0, 'h'], ['version', 0, 'V'],
].map(([name, hasArg, val]) => ({ name, hasArg, val }) as LongOpt);

export const su: Command = async (ctx) => {
  const { items, rest } = getoptLong('su', ctx.argv.slice(1), '+c:fg:G:lmpPs:hVw:', SU_LONGOPTS);
  let command: string | undefined;
  let login = false;
  let preserve = false;
  let shellOpt: string | undefined;
  let group: string | undefined;
  for (const it of items) {
    if (it.c === '?') {
      ctx.stderr.write(`${'msg' in it ? it.msg : ''}Try 'su --help' for more information.\n`);
      return 1;
    }
    const arg = 'arg' in it ? it.arg : undefined;
    if (it.c === 'c' || it.c === 'C') command = arg;
    else if (it.c === 'l') login = true;
    else if (it.c === 'm' || it.c === 'p') preserve = true;
    else if (it.c === 's') shellOpt = arg;
    else if (it.c === 'g') group = arg;
    else if (it.c === 'h') {
      ctx.stdout.write(SU_HELP);
      return 0;
    } else if (it.c === 'V') {
      ctx.stdout.write('su from util-linux 2.38.1\n');
      return 0;
    }
  }
  if (rest[0] === '-') {
    login = true;
    rest.shift();
  }
  const name = rest.shift() ?? 'root';
  const pw = await lookupUser(ctx, name);
  if (!pw) {
    ctx.stderr.write(`su: user ${name} does not exist or the user entry does not contain all the required fields\n`);
    return 1;
  }
  if (ctx.proc.uid !== 0) {
    ctx.stderr.write('Password: \nsu: Authentication failure\n');
    return 1;
  }
  let gid = pw.gid;
  if (group !== undefined) {
    const g = await lookupGroup(ctx, group);
    if (g === undefined) {
      ctx.stderr.write(`su: group ${group} does not exist\n`);
      return 1;
    }
    gid = g;
  }
  const shell = shellOpt ?? (preserve && ctx.env.SHELL ? ctx.env.SHELL : pw.shell);
  if (refusesLogin(shell)) {
    ctx.stderr.write(NOLOGIN);
    return 1;
  }
  const base: Record<string, string> = login ? { TERM: ctx.env.TERM ?? 'dumb', PATH: ctx.env.PATH ?? SECURE_PATH } : { ...ctx.env };
  const env = preserve ? { ...ctx.env } : { ...base, HOME: pw.home, SHELL: shell, USER: pw.name, LOGNAME: pw.name };
  const argv = [shell, ...(login ? ['--login'] : []), ...(command !== undefined ? ['-c', command] : []), ...rest];
  return ctx.run(argv, { uid: pw.uid, gid, env });
};
