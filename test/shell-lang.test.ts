// The bash language as nsemu's shell interprets it: parsing, expansions, control flow, builtins
// and bash's exact messages. Expected texts are what bash 5.2.15 prints for the same input.
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';

const run = (src: string, opts: Parameters<typeof runScript>[1] = {}) => runScript(src, opts);
const out = async (src: string): Promise<string> => (await run(src)).output;

describe('word expansion', () => {
  it('splits unquoted expansions on IFS and keeps quoted ones whole', async () => {
    expect(await out('x="a  b"; echo $x; echo "$x"; set -- $x; echo $#')).toBe('a b\na  b\n2\n');
    expect(await out('IFS=:; x="a:b::c:"; set -- $x; echo $#; for i in "$@"; do echo "[$i]"; done')).toBe('4\n[a]\n[b]\n[]\n[c]\n');
    expect(await out('x=; set -- $x ""; echo $#')).toBe('1\n');
  });

  it('expands "$@" to one field per parameter and "$*" joined by IFS', async () => {
    expect(await out('set -- a "b c" d; for i in "$@"; do echo "<$i>"; done; echo "$*"; IFS=,; echo "$*"')).toBe('<a>\n<b c>\n<d>\na b c d\na,b c,d\n');
    expect(await out('set --; for i in "$@"; do echo x; done; echo "n=$#"')).toBe('n=0\n');
  });

  it('supports the parameter expansion operators', async () => {
    expect(await out('x=hello; echo ${#x} ${x:1:3} ${x: -2} ${x#h*l} ${x##h*l} ${x%l*} ${x%%l*} ${x/l/L} ${x//l/L} ${x^^} ${x^} ${x/#h/H} ${x/%o/O}')).toBe(
      '5 ell lo lo o hel he heLlo heLLo HELLO Hello Hello hellO\n',
    );
    expect(await out('unset y; echo ${y:-def} ${y-def2} ${y:+alt} "${y:=set}" $y; z=""; echo "${z:-empty}" "${z-unset}" "${z:+alt}" "[${z+alt2}]"')).toBe(
      'def def2 set set\nempty   [alt2]\n',
    );
    expect(await out('v=hello; echo ${v@Q}; x=abc; echo ${x:5} "[${x:1:0}]" ${x:(-1)}')).toBe("'hello'\n[] c\n");
    expect(await out('a=(x y z); echo ${a[1]} ${#a[@]} "${a[@]}"; a+=(w); echo ${a[3]}; a[5]=v; echo ${!a[@]}')).toBe('y 3 x y z\nw\n0 1 2 3 5\n');
  });

  it('does arithmetic with 64-bit integers', async () => {
    expect(await out('echo $((1+2*3)) $((10/3)) $((10%3)) $((2**10)) $((1<2)) $((5>3 && 2>3)) $((x=5, x+1)) $(( (1+2) * 3 )) $((0x10)) $((010)) $((2#101))')).toBe(
      '7 3 1 1024 1 0 6 9 16 8 5\n',
    );
    expect(await out('echo $((2**62*4)) $(( -7 / 2 )) $(( -7 % 2 )) $(( ~0 )) $((5 > 3 ? 10 : 20))')).toBe('0 -3 -1 -1 10\n');
    expect(await out('x=5; ((x++)); echo $x; ((x > 10)) || echo small; let y=x*2; echo $y; v="1+2"; echo $((v*2))')).toBe('6\nsmall\n12\n6\n');
  });

  it('abandons the rest of the line after an arithmetic error, as bash does', async () => {
    const r = await run('echo a; echo $((1/0)); echo b\necho c');
    expect(r.output).toBe('a\nbash: line 1: 1/0: division by 0 (error token is "0")\nc\n');
    expect(r.status).toBe(0);
  });

  it('expands braces, tildes and command substitutions', async () => {
    expect(await out('echo {a,b,c}{1,2} {1..5} {a..e..2} {05..10..5} x{,y}z')).toBe('a1 a2 b1 b2 c1 c2 1 2 3 4 5 a c e 05 10 xz xyz\n');
    expect(await out('echo ~ ~/a ~root "~"')).toBe('/root /root/a /root ~\n');
    expect(await out('echo "$(echo a; echo b)" $(echo c) `echo d`; echo "$(printf \'x\\n\\n\\n\')y"')).toBe('a\nb c d\nxy\n');
  });

  it('globs on the virtual filesystem, sorted, hidden files only when asked', async () => {
    const src = 'mkdir -p /tmp/g/sub; touch /tmp/g/b /tmp/g/a /tmp/g/.h; echo /tmp/g/*; echo /tmp/g/.*; cd /tmp/g; echo *; echo */; echo *.none; shopt -s nullglob; echo *.none end';
    expect(await out(src)).toBe('/tmp/g/a /tmp/g/b /tmp/g/sub\n/tmp/g/.h\na b sub\nsub/\n*.none\nend\n');
    expect(await out('echo /sys/class/net/*/ifindex')).toBe('/sys/class/net/lo/ifindex\n');
  });

  it('handles quoting: single, double, $-quotes, backslashes', async () => {
    expect(await out(`echo 'single $x' "double \\$x \\" \\\\ \\a"; x=$'a\\tb\\x41\\101'; echo "$x"; echo $'\\'' "\\$HOME" '$HOME'`)).toBe(
      'single $x double $x " \\ \\a\na\tbAA\n\' $HOME $HOME\n',
    );
  });
});

describe('here-documents and here-strings', () => {
  it('expands unquoted here-documents and keeps quoted ones literal', async () => {
    expect(await out('x=1\ncat <<EOF\nv=$x $((x+1)) \\$x\nEOF\ncat <<\'EOF\'\nv=$x `no`\nEOF')).toBe('v=1 2 $x\nv=$x `no`\n');
  });
  it('strips leading tabs with <<-', async () => {
    expect(await out("cat <<-EOF\n\t\tx $HOME\n\tEOF\ncat <<-'E'\n\ty\n\tE")).toBe('x /root\ny\n');
  });
  it('feeds here-strings and here-documents to loops', async () => {
    expect(await out('while read -r line; do echo "got: $line"; done <<EOF\none\ntwo three\nEOF\nread -r a b c <<< "1 2 3 4"; echo "$a|$b|$c"')).toBe(
      'got: one\ngot: two three\n1|2|3 4\n',
    );
  });
  it('warns like bash about a here-document ended by end of file', async () => {
    expect(await out('cat <<EOF | tr a-z A-Z\nhello $HOME\n')).toBe("bash: line 2: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\nHELLO /ROOT\n");
  });
});

describe('control flow and functions', () => {
  it('runs loops, case (with ;&) and nested break/continue', async () => {
    expect(await out('i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done; for ((j=0; j<2; j++)); do echo c$j; done')).toBe('0\n1\n2\nc0\nc1\n');
    expect(await out('case foo.txt in *.sh) echo sh;; *.txt|*.md) echo text;& x) echo fell;; *) echo other;; esac')).toBe('text\nfell\n');
    expect(await out('for i in 1 2 3; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done; for i in 1 2 3; do [ $i = 2 ] && break; echo $i; done')).toBe(
      '1a\n2a\n3a\n1\n',
    );
  });

  it('gives functions their own positional parameters and local variables (dynamic scope)', async () => {
    expect(await out('f() { echo "n=$# 1=$1"; shift; echo "rest=$*"; return 3; }; f x y z; echo "rc=$?"')).toBe('n=3 1=x\nrest=y z\nrc=3\n');
    expect(await out('x=5; f() { local x=1; g; }; g() { echo $x; }; f; echo $x')).toBe('1\n5\n');
    expect(await out('fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1-1))) )); fi; }; fact 10')).toBe('3628800\n');
  });

  it('evaluates [[ ]] with patterns and regular expressions, and test/[ with bash errors', async () => {
    expect(await out('[[ abc == a* ]] && echo glob; [[ abc =~ ^a(b)c$ ]] && echo "re ${BASH_REMATCH[1]}"; [[ -n "" ]] || echo empty; [[ 3 -lt 10 ]] && echo lt; [[ "a*" == "a*" ]] && echo lit')).toBe(
      'glob\nre b\nempty\nlt\nlit\n',
    );
    expect(await out('[ 1 -eq x ]; echo $?; [ a = ]; echo $?; [ a; echo $?')).toBe(
      "bash: line 1: [: x: integer expression expected\n2\nbash: line 1: [: a: unary operator expected\n2\nbash: line 1: [: missing `]'\n2\n",
    );
  });

  it('follows set -e, set -u and pipefail', async () => {
    const e = await run('set -e; false || echo ok; if false; then :; fi; echo still; false; echo notreached');
    expect(e.output).toBe('ok\nstill\n');
    expect(e.status).toBe(1);
    const u = await run('set -u; echo ${unset_var:-ok}; echo $unset_var; echo after');
    expect(u.output).toBe('ok\nbash: line 1: unset_var: unbound variable\n');
    expect(u.status).toBe(127);
    expect(await out('set -o pipefail; false | true; echo $?; set +o pipefail; false | true; echo $?; true | false; echo ${PIPESTATUS[@]}')).toBe('1\n0\n0 1\n');
  });

  it('traces commands with set -x as bash does', async () => {
    expect(await out('set -x; echo "a b" c; x=1; y=$(echo z); f() { echo in; }; f arg; [[ -n x ]]; set +x')).toBe(
      "+ echo 'a b' c\na b c\n+ x=1\n++ echo z\n+ y=z\n+ f arg\n+ echo in\nin\n+ [[ -n x ]]\n+ set +x\n",
    );
  });

  it('runs eval and source, and reads with IFS', async () => {
    expect(await out('eval \'x=1; echo $x\'; echo \'echo sourced $1\' > /tmp/s.sh; . /tmp/s.sh arg; IFS=: read -r x y <<< "p:q:r"; echo "$x|$y"')).toBe('1\nsourced arg\np|q:r\n');
  });
});

describe('messages and statuses as bash prints them', () => {
  it('reports a missing command with the script name and line', async () => {
    const r = await run('echo hi\nfoo\necho "rc=$?"', { name: 'script.sh' });
    expect(r.output).toBe('hi\nscript.sh: line 2: foo: command not found\nrc=127\n');
    const c = await run('foo; echo rc=$?');
    expect(c.output).toBe('bash: line 1: foo: command not found\nrc=127\n');
  });

  it('names the source of a function as bash does (-c: "environment")', async () => {
    expect(await out('f() {\n  echo in\n  nope\n}\nf')).toBe('in\nenvironment: line 3: nope: command not found\n');
    expect((await run('f() {\n  nope\n}\nf', { name: 's.sh' })).output).toBe('s.sh: line 2: nope: command not found\n');
  });

  it('runs the commands before a syntax error, then stops with status 2', async () => {
    const r = await run('echo before\nif true; then\nfi\necho after', { name: 't.sh' });
    expect(r.output).toBe("before\nt.sh: line 3: syntax error near unexpected token `fi'\nt.sh: line 3: `fi'\n");
    expect(r.status).toBe(2);
    const r2 = await run('echo before\necho )\necho after', { name: 't.sh' });
    expect(r2.output).toBe("before\nt.sh: line 2: syntax error near unexpected token `)'\nt.sh: line 2: `echo )'\n");
    const r3 = await run('echo before\nfor x in a; do\necho $x\n', { name: 't.sh' });
    expect(r3.output).toBe('before\nt.sh: line 4: syntax error: unexpected end of file\n');
    const c = await run('echo a; if then');
    expect(c.output).toBe("bash: -c: line 1: syntax error near unexpected token `then'\nbash: -c: line 1: `echo a; if then'\n");
    expect(c.status).toBe(2);
  });

  it('prints builtin errors with the builtin name', async () => {
    expect(await out('cd /nonexist; echo rc=$?; wait 999; echo $?; kill 99999; echo $?')).toBe(
      'bash: line 1: cd: /nonexist: No such file or directory\nrc=1\nbash: line 1: wait: pid 999 is not a child of this shell\n127\nbash: line 1: kill: (99999) - No such process\n1\n',
    );
    expect(await out('readonly r=1; r=2; echo after\necho next')).toBe('bash: line 1: r: readonly variable\nnext\n');
  });

  it('exits with the status given to exit, modulo 256', async () => {
    expect((await run('exit 300')).status).toBe(44);
    expect((await run('false')).status).toBe(1);
  });

  it('uses dash messages for sh', async () => {
    expect(await out("sh -c 'foo; echo \"a\\tb\"'")).toBe('sh: 1: foo: not found\na\tb\n');
    expect(await out("sh -c 'echo x > /nonexist/f'; echo rc=$?")).toBe('sh: 1: cannot create /nonexist/f: Directory nonexistent\nrc=2\n');
  });
});

describe('builtins and small programs', () => {
  it('prints with echo and printf like bash', async () => {
    expect(await out('echo -n a; echo -e "b\\tc\\nd"; echo -E "e\\tf"; echo -ne "x\\n"')).toBe('ab\tc\nd\ne\\tf\nx\n');
    expect(await out('printf "%s-%d|%5s|%-5s|%03d|%x\\n" a 42 b c 7 255; printf "%s\\n" 1 2; printf -v v "%03d" 5; echo $v')).toBe('a-42|    b|c    |007|ff\n1\n2\n005\n');
  });

  it('describes commands with type and command -v', async () => {
    expect(await out('type echo; command -v sysctl cat; type -t if; which sysctl; command -v nothing || echo none')).toBe('echo is a shell builtin\n/usr/sbin/sysctl\n/usr/bin/cat\nkeyword\n/usr/sbin/sysctl\nnone\n');
  });

  it('parses options with getopts', async () => {
    expect(await out('f() { while getopts "ab:c" o; do echo "$o ${OPTARG-}"; done; shift $((OPTIND-1)); echo "rest: $*"; }; f -a -b val -c x y')).toBe('a \nb val\nc \nrest: x y\n');
  });

  it('makes temporary files and directories, removes them', async () => {
    const r = await run('d=$(mktemp -d); f=$(mktemp -p "$d"); [ -d "$d" ] && [ -f "$f" ] && echo made; rm "$d"; echo rc=$?; rm -rf "$d"; [ -e "$d" ] || echo gone; mktemp /tmp/xXX');
    expect(r.output).toMatch(/^made\nrm: cannot remove '\/tmp\/tmp\.[A-Za-z0-9]{10}': Is a directory\nrc=1\ngone\nmktemp: too few X's in template ‘\/tmp\/xXX’\n$/);
  });

  it('tells virtual time with date, and finds processes with ps, pgrep, pkill, killall', async () => {
    const r = await run('date; sleep 90; date +%s; date -u -d @0 "+%F %T"; sleep 100 & sleep 200 & pgrep -l sleep; pkill -n sleep; wait %2; echo "st=$?"; pgrep sleep; killall sleep; wait; pgrep sleep; echo "rc=$?"');
    expect(r.output).toMatch(/^Mon Jan  1 00:00:00 UTC 2024\n1704067290\n1970-01-01 00:00:00\n(\d+) sleep\n(\d+) sleep\nst=143\n\1\nrc=1\n$/);
  });

  it('reads lines into arrays with mapfile/readarray', async () => {
    expect(await out('mapfile -t arr < <(printf "a\\nb\\nc\\n"); echo "${#arr[@]} ${arr[2]}"; printf "x\\ny\\n" | { readarray lines; echo "${#lines[@]}:${lines[0]}"; }')).toBe('3 c\n2:x\n\n');
  });

  it('runs the text tools of just-bash on the virtual filesystem', async () => {
    expect(await out('printf "b 2\\na 10\\nb 1\\n" > /tmp/t; sort -k1,1 -k2,2n /tmp/t; grep -c b /tmp/t; awk \'{s+=$2} END {print s}\' /tmp/t; sed -n 2p /tmp/t; cut -d" " -f1 /tmp/t | uniq -c')).toBe(
      'a 10\nb 1\nb 2\n2\n13\na 10\n   1 b\n   1 a\n   1 b\n',
    );
    expect(await out('echo a b c d | xargs -n 2 echo; ls /nonexist; echo rc=$?')).toBe("a b\nc d\nls: cannot access '/nonexist': No such file or directory\nrc=2\n");
  });
});
