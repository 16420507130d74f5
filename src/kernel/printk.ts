// kernel/printk/printk.c: the kernel log buffer, one per machine (every namespace writes to it),
// read through syslog(2) / /dev/kmsg by dmesg. Records carry their virtual time since boot. The
// buffer is not part of the World snapshot: like printk, a message stays logged even when the
// operation that printed it fails and its changes are undone.
import { Machine } from './machine.ts';

export const LOGLEVEL = { emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7 } as const;

export interface LogRecord {
  seq: number;
  /** virtual time (ns since boot) */
  ts: number;
  level: number;
  text: string;
}

interface LogBuf {
  records: LogRecord[];
  nextSeq: number;
  /** SYSLOG_ACTION_CLEAR: readers start after this sequence number */
  clearSeq: number;
  bytes: number;
}

/** CONFIG_LOG_BUF_SHIFT=17: the oldest records are overwritten past 128 KiB. */
const LOG_BUF_LEN = 1 << 17;
/** struct printk_info + descriptor, per record */
const RECORD_OVERHEAD = 64;

Machine.sideCopiers.set('printk', (v) => structuredClone(v));

function logBuf(m: Machine): LogBuf {
  let b = m.side.get('printk') as LogBuf | undefined;
  if (!b) {
    b = { records: [], nextSeq: 0, clearSeq: 0, bytes: 0 };
    m.side.set('printk', b);
  }
  return b;
}

/** printk at a KERN_* level: one record (the text without its newline). */
export function printk(m: Machine, level: number, text: string): void {
  const b = logBuf(m);
  b.records.push({ seq: b.nextSeq++, ts: m.now, level, text });
  b.bytes += text.length + RECORD_OVERHEAD;
  while (b.bytes > LOG_BUF_LEN) b.bytes -= b.records.shift()!.text.length + RECORD_OVERHEAD;
}

/** What a reader of /dev/kmsg sees after seeking to SEEK_DATA (the records since the last clear). */
export function syslogRecords(m: Machine): readonly LogRecord[] {
  const b = logBuf(m);
  return b.records.filter((r) => r.seq >= b.clearSeq);
}

/** SYSLOG_ACTION_CLEAR */
export function syslogClear(m: Machine): void {
  const b = logBuf(m);
  b.clearSeq = b.nextSeq;
}
