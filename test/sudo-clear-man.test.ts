// sudo, su, clear and man as the real ones behave on Debian 12 (sudo 1.9.13p3, util-linux 2.38,
// ncurses 6.4, man-db): the texts below were taken from those programs.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';

const run = async (src: string): Promise<{ out: string; status: number }> => {
  const r = await runScript(src, { seed: 1 });
  return { out: r.output, status: r.status };
};

describe('sudo', () => {
  it('runs the command as root, in sudo\'s reset environment', async () => {
    const r = await run('sudo ip link add d0 type veth peer name d1; echo rc=$?; ip -br link show d0 | cut -c1-8\nsudo id\nX=1 sudo env | sort');
    expect(r.out).toBe(
      'rc=0\nd0@d1   \nuid=0(root) gid=0(root) groups=0(root)\n' +
        'HOME=/root\nLANG=C.UTF-8\nLOGNAME=root\nMAIL=/var/mail/root\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nSHELL=/bin/bash\n' +
        'SUDO_COMMAND=/usr/bin/env\nSUDO_GID=0\nSUDO_UID=0\nSUDO_USER=root\nTERM=dumb\nUSER=root\n',
    );
  });

  it('-u USER runs it as that user (name or #uid); an unknown user or command is refused', async () => {
    const r = await run("sudo -u nobody id; sudo -u '#65534' id -un; sudo -u nobody ip link add x type veth; echo rc=$?\nsudo -u nosuch id; echo rc=$?\nsudo nosuch; echo rc=$?\nsudo sh -c 'exit 7'; echo rc=$?");
    expect(r.out).toBe(
      'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\nnobody\nRTNETLINK answers: Operation not permitted\nrc=2\n' +
        'sudo: unknown user nosuch\nsudo: error initializing audit plugin sudoers_audit\nrc=1\n' +
        'sudo: nosuch: command not found\nrc=1\nrc=7\n',
    );
  });

  it('-i and -s run the command through the login shell; without arguments it prints its usage', async () => {
    const r = await run("sudo -i echo '$HOME'; sudo -s echo '$SHELL'; sudo -u nobody -i id; echo rc=$?; sudo 2>&1 | head -1; sudo; echo rc=$?");
    expect(r.out.split('\n').slice(0, 5)).toEqual(['/root', '/bin/bash', 'This account is currently not available.', 'rc=1', 'usage: sudo -h | -K | -k | -V']);
    expect(r.out.endsWith('[-h host] [-p prompt] [-R directory] [-T timeout] [-u user] file ...\nrc=1\n')).toBe(true);
  });

  it('refuses a user other than root (no terminal to ask the password on)', async () => {
    expect(await run('setpriv --reuid 65534 --regid 65534 sudo id; echo rc=$?')).toEqual({
      out: 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required\nrc=1\n',
      status: 0,
    });
  });
});

describe('su', () => {
  it('runs the user\'s shell (-c CMD); nologin accounts and unknown users are refused', async () => {
    const r = await run("su -c 'id -un; echo $HOME'; su nobody; echo rc=$?; su -s /bin/sh nobody -c 'id -un; echo $HOME'; su nosuch; echo rc=$?; su -x; echo rc=$?");
    expect(r.out).toBe(
      'root\n/root\nThis account is currently not available.\nrc=1\nnobody\n/nonexistent\n' +
        'su: user nosuch does not exist or the user entry does not contain all the required fields\nrc=1\n' +
        "su: invalid option -- 'x'\nTry 'su --help' for more information.\nrc=1\n",
    );
  });
});

describe('clear', () => {
  it("prints the terminal's clear (and E3) sequence; nothing, status 1, on a dumb one", async () => {
    const r = await run('TERM=xterm-256color clear; echo " rc=$?"; TERM=xterm-256color clear -x; echo; TERM=screen clear; echo; TERM=dumb clear; echo "rc=$?"; TERM=nosuch clear; echo "rc=$?"; env -u TERM clear; echo "rc=$?"; clear -V');
    expect(r.out).toBe(
      "\x1b[H\x1b[2J\x1b[3J rc=0\n\x1b[H\x1b[2J\n\x1b[H\x1b[J\nrc=1\n'nosuch': unknown terminal type.\nrc=1\nTERM environment variable not set.\nrc=1\nncurses 6.4.20221231\n",
    );
  });
});

describe('man', () => {
  it("prints the command's own usage; says there are no pages offline otherwise", async () => {
    const r = await run('man ip | head -1; man ip-netns | head -1; man ping | head -2; man nosuch; echo rc=$?; man; echo rc=$?');
    expect(r.out).toBe(
      'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nUsage:\tip netns list\nUsage\n  ping [options] <destination>\n' +
        'No manual entry for nosuch\n(nsemu has no manual pages offline; `man CMD` shows the usage a command prints itself)\nrc=16\n' +
        "What manual page do you want?\nFor example, try 'man man'.\nrc=1\n",
    );
  });
});
