// clear (ncurses 6.4, Debian 12's ncurses-bin with ncurses-base's terminfo): the terminal's
// "clear" capability, then (without -x) E3, which also clears the scrollback, as
// `TERM=xterm-256color clear` prints "\e[H\e[2J\e[3J". A terminal without a clear capability
// (dumb) gets nothing and status 1; an unknown or unset TERM an error.
import type { Command } from './command.ts';
import { getoptLong } from './getopt.ts';

const HOME_ED = '\x1b[H\x1b[J';
const HOME_ED2 = '\x1b[H\x1b[2J';
const E3 = '\x1b[3J';

/** clear and E3 of the terminal types ncurses-base installs (what `TERM=x clear` prints). */
const TERMINFO: Record<string, { clear: string; e3?: string }> = {
  xterm: { clear: HOME_ED2, e3: E3 },
  'xterm-256color': { clear: HOME_ED2, e3: E3 },
  'xterm-color': { clear: HOME_ED2 },
  'xterm-mono': { clear: HOME_ED2 },
  'xterm-r6': { clear: HOME_ED2 },
  'xterm-vt220': { clear: HOME_ED2, e3: E3 },
  screen: { clear: HOME_ED },
  'screen-256color': { clear: HOME_ED },
  'screen-bce': { clear: HOME_ED },
  'screen-s': { clear: HOME_ED },
  'screen-w': { clear: HOME_ED },
  tmux: { clear: HOME_ED, e3: E3 },
  'tmux-256color': { clear: HOME_ED, e3: E3 },
  linux: { clear: HOME_ED, e3: E3 },
  vt100: { clear: HOME_ED },
  vt102: { clear: HOME_ED },
  vt220: { clear: HOME_ED },
  vt52: { clear: '\x1bH\x1bJ' },
  ansi: { clear: HOME_ED },
  cygwin: { clear: HOME_ED },
  rxvt: { clear: HOME_ED2 },
  'rxvt-unicode': { clear: HOME_ED2 },
  'rxvt-unicode-256color': { clear: HOME_ED2 },
  'rxvt-basic': { clear: HOME_ED2 },
  pcansi: { clear: HOME_ED },
  mach: { clear: '\x1bc' },
  sun: { clear: '\x0c' },
  hurd: { clear: '\x1bc' },
  dumb: { clear: '' },
};

const USAGE = 'Usage: clear [options]\n\nOptions:\n  -T TERM     use this instead of $TERM\n  -V          print curses-version\n  -x          do not try to clear scrollback\n';

export const clear: Command = async (ctx) => {
  const { items, rest } = getoptLong('clear', ctx.argv.slice(1), 'T:Vx', []);
  let term: string | undefined = ctx.env.TERM;
  let scrollback = true;
  for (const it of items) {
    if (it.c === '?') {
      ctx.stderr.write(`${'msg' in it ? it.msg : ''}${USAGE}`);
      return 1;
    }
    if (it.c === 'V') {
      ctx.stdout.write('ncurses 6.4.20221231\n');
      return 0;
    }
    if (it.c === 'x') scrollback = false;
    if (it.c === 'T' && 'arg' in it) term = it.arg ?? '';
  }
  if (rest.length > 0) {
    ctx.stderr.write(USAGE);
    return 1;
  }
  if (term === undefined || term === '') {
    ctx.stderr.write('TERM environment variable not set.\n');
    return 1;
  }
  const ti = TERMINFO[term];
  if (!ti) {
    ctx.stderr.write(`'${term}': unknown terminal type.\n`);
    return 1;
  }
  // no clear capability (dumb): nothing to print, and clear says so by its status
  if (!ti.clear) return 1;
  ctx.stdout.write(ti.clear + (scrollback && ti.e3 ? ti.e3 : ''));
  return 0;
};
