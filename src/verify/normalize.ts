// A port of ../shared/scenarios/normalize.sh: makes a scenario's stdout+stderr comparable between
// runs (real kernel vs real kernel, real kernel vs nsemu) by replacing only what the kernel or the
// tools pick at random or from the clock. The output is byte for byte that of
// `bash normalize.sh [-p]` (checked by test/verify-normalize.test.ts against the shell script).
//
// The script is three stages, kept as three stages here:
//   1. sed -E: one substitution list applied to each line in order (ping times, tcpdump time
//      stamps/ids/checksums, brctl ageing timers, UUIDs, conntrack timeouts, IPv6 link-locals,
//      solicited-node groups);
//   2. awk: sort each run of `ovs-vsctl show` "        Port X" blocks by their first line;
//   3. awk: number unicast MACs by first appearance (<MAC1>, <MAC2>, …; `plain` → <MAC>), also the
//      MAC inside brctl's bridge id `8000.xxxxxxxxxxxx`.

export interface NormalizeOptions {
  /** `normalize.sh -p`: every random MAC becomes `<MAC>` instead of `<MACn>`. */
  plain?: boolean;
}

/** POSIX [[:space:]] in the C locale (JS's \s also matches Unicode spaces). */
const SP = '[ \\t\\n\\v\\f\\r]';

/** Stage 1: the sed -E expressions, in the script's order. `g` where the script has it. */
const SED: ReadonlyArray<readonly [RegExp, string]> = [
  [/time=[0-9.]+ ms/g, 'time=<T> ms'],
  [/, time [0-9]+ms/g, ', time <T>ms'],
  [/rtt min\/avg\/max\/mdev = [0-9.]+\/[0-9.]+\/[0-9.]+\/[0-9.]+ ms/g, 'rtt min/avg/max/mdev = <RTT> ms'],
  [/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} /, '<TS> '],
  [/(ttl [0-9]+, id )[0-9]+,/g, '$1<IPID>,'],
  [/(ICMP echo (request|reply), id )[0-9]+,/g, '$1<ICMPID>,'],
  [/(ICMP time exceeded in-transit, id )[0-9]+/g, '$1<ICMPID>'],
  [/cksum 0x[0-9a-f]{4}/g, 'cksum <CK>'],
  [/^[0-9]+ packets? received by filter$/, '<N> packets received by filter'],
  [new RegExp(`(yes|no)${SP}+[0-9]+\\.[0-9]+${SP}*$`), '$1\t\t<AGE>'],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<UUID>'],
  [/^(icmp|tcp|udp)( +[0-9]+ )[0-9]+ /, '$1$2<TMO> '],
  [/(type=[0-9]+ code=[0-9]+ id=)[0-9]+/g, '$1<ICMPID>'],
  [/fe80::[0-9a-f:]*[0-9a-f]/g, 'fe80::<LL>'],
  [/33:33:ff:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}/g, '33:33:ff:<SN>'],
  [/(ff02::1:ff)[0-9a-f]{2}:[0-9a-f]{1,4}/g, '$1<SN>'],
];

function sedStage(line: string): string {
  for (const [re, rep] of SED) line = line.replace(re, rep);
  return line;
}

/** Stage 2: runs of "        Port X" blocks (continuation lines indented 10 spaces), sorted by
 *  their first line (the awk script's stable insertion sort, plain string comparison). */
function sortOvsPortBlocks(lines: string[]): string[] {
  const out: string[] = [];
  let blocks: { key: string; lines: string[] }[] = [];
  let inBlock = false;
  const flush = (): void => {
    blocks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const b of blocks) out.push(...b.lines);
    blocks = [];
    inBlock = false;
  };
  for (const line of lines) {
    if (line.startsWith('        Port ')) {
      blocks.push({ key: line, lines: [line] });
      inBlock = true;
    } else if (inBlock && line.startsWith('          ')) {
      blocks[blocks.length - 1]!.lines.push(line);
    } else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out;
}

/** MACs that are not random: all-zero, broadcast, IPv4/IPv6/STP multicast. */
function keep(mac: string): boolean {
  const l = mac.toLowerCase();
  return (
    l === '00:00:00:00:00:00' ||
    l === 'ff:ff:ff:ff:ff:ff' ||
    l.startsWith('01:00:5e:') ||
    l.startsWith('33:33:') ||
    l.startsWith('01:80:c2:')
  );
}

const BRIDGE_ID = /[0-9a-f]{4}\.[0-9a-f]{12}/;
const MAC = /[0-9a-fA-F]{2}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}/;
const HEX_OR_COLON = /[0-9a-fA-F:]/;

/** Stage 3, with its numbering state (first appearance in the whole stream). */
class MacNumbering {
  private readonly ids = new Map<string, number>();
  constructor(private readonly plain: boolean) {}

  private macid(mac: string): string {
    if (this.plain) return '<MAC>';
    const k = mac.toLowerCase();
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(k, id);
    }
    return `<MAC${id}>`;
  }

  line(line: string): string {
    // brctl show prints the bridge id as PRIO.MACWITHOUTCOLONS (8000.92611f75e3e0)
    let out = '';
    for (let m = BRIDGE_ID.exec(line); m; m = BRIDGE_ID.exec(line)) {
      const b = m[0].slice(5);
      const mac = [0, 2, 4, 6, 8, 10].map((i) => b.slice(i, i + 2)).join(':');
      out += line.slice(0, m.index + 5) + (keep(mac) ? b : this.macid(mac));
      line = line.slice(m.index + m[0].length);
    }
    line = out + line;
    out = '';
    for (let m = MAC.exec(line); m; m = MAC.exec(line)) {
      const mac = m[0];
      const pre = line.slice(0, m.index);
      // do not cut a longer hex:colon run (an IPv6 address) in the middle; like the awk script,
      // look only at what is left of the line after the previous match
      const prevc = pre.slice(-1);
      const nextc = line.charAt(m.index + mac.length);
      const kept = HEX_OR_COLON.test(prevc) || HEX_OR_COLON.test(nextc) || keep(mac);
      out += pre + (kept ? mac : this.macid(mac));
      line = line.slice(m.index + mac.length);
    }
    return out + line;
  }
}

/** Splits text into lines the way sed/awk read them: a final line without "\n" still counts. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `bash normalize.sh [-p] < text`. Every output line ends with "\n" (awk prints it). */
export function normalize(text: string, opts: NormalizeOptions = {}): string {
  const lines = sortOvsPortBlocks(splitLines(text).map(sedStage));
  const macs = new MacNumbering(opts.plain ?? false);
  let out = '';
  for (const l of lines) out += macs.line(l) + '\n';
  return out;
}
