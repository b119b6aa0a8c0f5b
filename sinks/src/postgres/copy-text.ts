// SinkRecords → PostgreSQL COPY text format (the default format of `COPY … FROM STDIN`). Pure.
//
// Text format rules: columns are separated by a tab, rows end with a newline, `\N` is NULL, and a
// backslash, tab, newline or carriage return inside a value must be written as `\\`, `\t`, `\n`,
// `\r`. Nothing else needs escaping: PostgreSQL reads the stream in the connection's encoding (UTF-8).
// A NUL character cannot be represented at all (PostgreSQL text never holds U+0000): rows with one are
// kept out of the stream (nulField) and refused by the writer; in metadata, JSON.stringify writes it as
// the escape `\u0000`, which the jsonb cast refuses row by row.
import { messageWordsText } from '@logpipe/schemas';
import type { SinkRecord } from '../contract.js';
import { partitionDay } from './days.js';

/** The staging table's columns, in the order encodeRow writes them. */
export const STAGING_COLUMNS = ['ord', 'day', 'id', 'ts', 'received_at', 'level', 'message', 'resource_id', 'trace_id', 'span_id', 'commit', 'metadata', 'words'] as const;

// Most values need no escaping: one test of a short class is much cheaper than four replaces.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyValue(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (c) => ESCAPED[c]!) : value;
}

/**
 * One row, newline included. `ord` keeps the record's position, so duplicates resolve to the first;
 * `day` is the UTC day of its partition (\N when none can hold it), which the insert groups by.
 */
export function encodeRow(record: SinkRecord, ord: number): string {
  const e = record.event;
  // JSON.stringify escapes control characters itself; copyValue then escapes its backslashes for COPY.
  const metadata = e.metadata === undefined ? null : JSON.stringify(e.metadata);
  // Words are letters, digits and marks joined by single spaces: nothing in them needs escaping.
  const words = typeof e.message === 'string' ? messageWordsText(e.message) : null;
  return (
    `${ord}\t${copyValue(partitionDay(e.timestamp))}\t${copyValue(e.id)}\t${copyValue(e.timestamp)}\t${copyValue(e.receivedAt)}\t${copyValue(e.level)}\t` +
    `${copyValue(e.message)}\t${copyValue(e.resourceId)}\t${copyValue(e.traceId)}\t${copyValue(e.spanId)}\t` +
    `${copyValue(e.commit)}\t${copyValue(metadata)}\t${words ?? '\\N'}\n`
  );
}

/**
 * The rows as a few large strings (about `chunkChars` each): one write per chunk keeps the stream's
 * per-write overhead negligible without building one string the size of the whole batch.
 */
export function* encodeRows(records: readonly SinkRecord[], chunkChars = 256 * 1024): Generator<string> {
  let chunk = '';
  for (let i = 0; i < records.length; i++) {
    chunk += encodeRow(records[i]!, i);
    if (chunk.length >= chunkChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The first top-level text field holding a NUL character, or undefined. */
export function nulField(record: SinkRecord): string | undefined {
  const e = record.event;
  const fields: Array<[string, string | undefined]> = [
    ['id', e.id],
    ['level', e.level],
    ['message', e.message],
    ['resourceId', e.resourceId],
    ['timestamp', e.timestamp],
    ['receivedAt', e.receivedAt],
    ['traceId', e.traceId],
    ['spanId', e.spanId],
    ['commit', e.commit],
  ];
  for (const [name, value] of fields) if (value !== undefined && value.includes('\u0000')) return name;
  return undefined;
}
