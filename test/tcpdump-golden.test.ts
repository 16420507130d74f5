// The decoders against the real tcpdump 4.99.3: scripts/record-tcpdump.ts captured frames on the
// real kernel into test/tcpdump/va.pcap and recorded what `tcpdump -r va.pcap OPTIONS` prints for
// each option set; nsemu's tcpdump reads the same file and must print the same bytes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from '../src/shell/index.ts';
import { OPTION_SETS } from '../scripts/record-tcpdump.ts';

const DIR = join(import.meta.dirname, 'tcpdump');
const pcap = readFileSync(join(DIR, 'va.pcap'));

/** Option sets whose output nsemu does not reproduce yet (with the reason). */
const KNOWN_DIFF: Record<string, string> = {};

function quote(a: string): string {
  return `'${a.replace(/'/g, "'\\''")}'`;
}

async function nsemuRead(args: string[]): Promise<{ out: string; err: string; status: number }> {
  const r = await runScript(`loadpcap; cd /tmp; tcpdump -r va.pcap ${args.map(quote).join(' ')} 2>/tmp/err; rc=$?; cat /tmp/err >&2; exit $rc`, {
    programs: {
      loadpcap: async (ctx) => {
        await ctx.writeFile('/tmp/va.pcap', new Uint8Array(pcap));
        return 0;
      },
    },
  });
  return { out: r.stdout, err: r.stderr, status: r.status };
}

describe('tcpdump -r against the real tcpdump', () => {
  for (const [name, args] of Object.entries(OPTION_SETS)) {
    const test = KNOWN_DIFF[name] ? it.skip : it;
    test(`tcpdump -r va.pcap ${args.join(' ')}`, async () => {
      const r = await nsemuRead(args);
      expect(r.status).toBe(0);
      expect(r.err).toBe(readFileSync(join(DIR, `va.${name}.err`), 'utf8'));
      expect(r.out).toBe(readFileSync(join(DIR, `va.${name}.txt`), 'utf8'));
    });
  }
});
