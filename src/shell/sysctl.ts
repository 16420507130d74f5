// sysctl(8) as procps-ng 4.0.2 (Debian 12) has it, over the virtual /proc/sys of the calling
// process's namespace. Only net.* exists in nsemu; other keys fail as unknown ones do.
import type { Command, CommandContext } from '../userland/command.ts';
import { System } from './system.ts';
import { FsError, normPath, toText } from './vfs.ts';

const USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`;

interface Opts {
  all: boolean;
  binary: boolean;
  ignore: boolean;
  names: boolean;
  values: boolean;
  quiet: boolean;
  write: boolean;
  dryRun: boolean;
  pattern: RegExp | undefined;
  load: string[] | undefined;
}

/** key (dots or slashes) -> path under /proc/sys */
function keyToPath(key: string): string {
  const k = key.replace(/^\/+/, '');
  // procps: a key containing '/' uses '/' as separator and '.' stays literal (eth0.100)
  return `/proc/sys/${k.includes('/') ? k : k.replace(/\./g, '/')}`;
}

function pathToKey(path: string): string {
  return path.replace(/^\/proc\/sys\//, '').replace(/\//g, '.');
}

export const sysctl: Command = async (ctx: CommandContext) => {
  const sys = System.of(ctx.m);
  const vfs = sys.vfs;
  const p = ctx.proc;
  const out = (s: string): void => ctx.stdout.write(s);
  const err = (s: string): void => ctx.stderr.write(s);
  const o: Opts = { all: false, binary: false, ignore: false, names: false, values: false, quiet: false, write: false, dryRun: false, pattern: undefined, load: undefined };
  const args: string[] = [];
  const argv = ctx.argv.slice(1);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, val] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      switch (name) {
        case '--all':
          o.all = true;
          break;
        case '--binary':
          o.binary = true;
          break;
        case '--ignore':
          o.ignore = true;
          break;
        case '--names':
          o.names = true;
          break;
        case '--values':
          o.values = true;
          break;
        case '--quiet':
          o.quiet = true;
          break;
        case '--write':
          o.write = true;
          break;
        case '--dry-run':
          o.dryRun = true;
          break;
        case '--deprecated':
          break;
        case '--pattern': {
          const v = val ?? argv[++i];
          if (v === undefined) {
            err(`sysctl: option '--pattern' requires an argument\n${USAGE}`);
            return 1;
          }
          o.pattern = new RegExp(v);
          break;
        }
        case '--load':
          (o.load ??= []).push(val ?? '/etc/sysctl.conf');
          break;
        case '--system':
          (o.load ??= []).push('/etc/sysctl.conf');
          break;
        case '--help':
          out(USAGE);
          return 0;
        case '--version':
          out('sysctl from procps-ng 4.0.2\n');
          return 0;
        default:
          err(`sysctl: unrecognized option '${a}'\n${USAGE}`);
          return 0;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        switch (c) {
          case 'a':
          case 'A':
          case 'X':
            o.all = true;
            break;
          case 'b':
            o.binary = true;
            break;
          case 'e':
            o.ignore = true;
            break;
          case 'N':
            o.names = true;
            break;
          case 'n':
            o.values = true;
            break;
          case 'q':
            o.quiet = true;
            break;
          case 'w':
            o.write = true;
            break;
          case 'o':
          case 'x':
            break;
          case 'p':
          case 'f': {
            const rest = a.slice(k + 1);
            (o.load ??= []).push(rest || (argv[i + 1] && !argv[i + 1]!.startsWith('-') ? argv[++i]! : '/etc/sysctl.conf'));
            k = a.length;
            break;
          }
          case 'r': {
            const rest = a.slice(k + 1);
            const v = rest || argv[++i];
            if (v === undefined) {
              err(`sysctl: option requires an argument -- 'r'\n${USAGE}`);
              return 1;
            }
            o.pattern = new RegExp(v);
            k = a.length;
            break;
          }
          case 'h':
          case 'd':
          case '?':
            out(USAGE);
            return 0;
          case 'V':
            out('sysctl from procps-ng 4.0.2\n');
            return 0;
          default:
            err(`sysctl: invalid option -- '${c}'\n${USAGE}`);
            return 1;
        }
      }
      continue;
    }
    args.push(a);
  }

  let status = 0;

  const show = (key: string, value: string): void => {
    if (o.pattern && !o.pattern.test(key)) return;
    if (o.names) out(`${key}\n`);
    else if (o.values) out(o.binary ? value : `${value}\n`);
    else if (o.binary) out(value);
    else out(`${key} = ${value}\n`);
  };

  const readKey = (key: string, fromDir = false): number => {
    const path = normPath('/', keyToPath(key));
    const node = vfs.tryGet(p, path);
    if (!node || (!path.startsWith('/proc/sys/') && path !== '/proc/sys')) {
      if (!o.ignore) err(`sysctl: cannot stat ${keyToPath(key)}: ${notFoundReason(path)}\n`);
      return o.ignore ? 0 : 1;
    }
    if (node.type === 'dir') {
      let st = 0;
      for (const name of vfs.readdir(p, path).sort()) st = readKey(`${pathToKey(path)}.${name}`, true) || st;
      return st;
    }
    let v: string;
    try {
      v = toText(vfs.readFile(p, path));
    } catch (e) {
      if (e instanceof FsError && (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EIO')) return 0;
      throw e;
    }
    v = v.replace(/\n$/, '');
    if (!fromDir || !o.pattern || o.pattern.test(pathToKey(path))) show(pathToKey(path), v);
    return 0;
  };

  const notFoundReason = (path: string): string => {
    // a file in the middle of the path: ENOTDIR
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) {
      const n = vfs.tryGet(p, `/${parts.slice(0, i).join('/')}`);
      if (n && n.type !== 'dir') return 'Not a directory';
    }
    return 'No such file or directory';
  };

  const writeKey = (setting: string, ignoreErr = false): number => {
    const eq = setting.indexOf('=');
    const key = setting.slice(0, eq).trim();
    const value = setting.slice(eq + 1).trim();
    if (key === '') {
      err('sysctl: Path is not under /proc/sys/: /proc/sys/\n');
      return 1;
    }
    const path = normPath('/', keyToPath(key));
    const node = vfs.tryGet(p, path);
    if (!node) {
      if (o.ignore || ignoreErr) return 0;
      err(`sysctl: cannot stat ${keyToPath(key)}: ${notFoundReason(path)}\n`);
      return 1;
    }
    if (node.type === 'dir') {
      err(`sysctl: setting key "${pathToKey(path)}": Is a directory\n`);
      return 1;
    }
    if (!o.dryRun) {
      try {
        const w = vfs.openWrite(p, path, false);
        vfs.writeNode(w, value, path);
      } catch (e) {
        if (e instanceof FsError) {
          if (ignoreErr) return 0;
          if (e.code === 'EACCES' || e.code === 'EPERM') err(`sysctl: permission denied on key "${pathToKey(path)}"\n`);
          else err(`sysctl: setting key "${pathToKey(path)}": ${e.reason}\n`);
          return 1;
        }
        throw e;
      }
    }
    if (!o.quiet) show(pathToKey(path), value);
    return 0;
  };

  if (o.load) {
    for (const file of o.load) {
      let text: string;
      try {
        text = toText(vfs.readFile(p, normPath(sys.cwd(p), file)));
      } catch {
        err(`sysctl: cannot open "${file}": No such file or directory\n`);
        status = 1;
        continue;
      }
      for (const raw of text.split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#') || line.startsWith(';')) continue;
        let l = line;
        let ign = false;
        if (l.startsWith('-')) {
          ign = true;
          l = l.slice(1);
        }
        if (!l.includes('=')) {
          status = readKey(l) || status;
          continue;
        }
        status = writeKey(l, ign) || status;
      }
    }
    return status;
  }

  if (o.all) {
    readKey('net', true);
    return 0;
  }
  if (!args.length) {
    if (o.write || o.pattern) {
      err("sysctl: no variables specified\nTry `sysctl --help' for more information.\n");
      return 1;
    }
    err(USAGE);
    return 1;
  }
  for (const a of args) {
    if (a.includes('=')) status = writeKey(a) || status;
    else if (o.write) {
      err('sysctl: command line(0): invalid syntax, continuing...\n');
      status = 1;
    } else status = readKey(a) || status;
  }
  return status;
};
