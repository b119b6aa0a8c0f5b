// What `logs ingest` reads: NDJSON (one event per line, streamed, so `tail -f app.log | logs ingest -`
// works and a large file never sits in memory whole), a JSON array, or one JSON object that may span
// lines. Items keep where they came from (line of the input, or position in the array), which is
// what the summary reports for a rejected event. No I/O of its own: it reads the stream it is given.
import { CliError } from '../errors.js';

export type InputFormat = 'auto' | 'json' | 'ndjson';

export interface InputItem {
  /** The event as one line of JSON text, exactly as read for NDJSON. */
  text: string;
  /** NDJSON: the 1-based line of the input. */
  line?: number;
  /** JSON array: the 0-based position in the array. */
  index?: number;
  /** Bytes of the input it stands for (its line and newline), for progress. */
  bytes: number;
}

interface Line {
  text: string;
  line: number;
}

/** Splits a byte stream into lines, numbering every line (blank ones too) from 1. */
async function* linesOf(stream: AsyncIterable<Buffer | string>): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let line = 0;
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = rest.indexOf('\n'); end !== -1; end = rest.indexOf('\n', start)) {
      line++;
      yield { text: stripCr(rest.slice(start, end)), line };
      start = end + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest !== '') yield { text: stripCr(rest), line: line + 1 };
}

const stripCr = (text: string): string => (text.endsWith('\r') ? text.slice(0, -1) : text);

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The items of a whole JSON document; each stands for an equal share of its bytes. */
function jsonItems(value: unknown, totalBytes: number): InputItem[] {
  const values = Array.isArray(value) ? value : [value];
  const bytes = totalBytes / Math.max(1, values.length);
  return values.map((v, index) => ({ text: JSON.stringify(v) ?? 'null', index, bytes }));
}

const lineItem = (l: Line): InputItem => ({ text: l.text, line: l.line, bytes: Buffer.byteLength(l.text) + 1 });

/**
 * The events of the input. `auto` decides from the first line: `[` is a JSON array; `{` that is not a
 * whole object on its own line is one (pretty-printed) JSON document; anything else is NDJSON.
 */
export async function* readItems(
  stream: AsyncIterable<Buffer | string>,
  format: InputFormat,
  name: string,
): AsyncGenerator<InputItem> {
  const source = linesOf(stream);
  // Read with next(), not for-await: breaking out of a for-await would close the generator.
  async function* lines(): AsyncGenerator<Line> {
    for (let r = await source.next(); r.done !== true; r = await source.next()) yield r.value;
  }
  const head: Line[] = [];
  let first: string | undefined;
  for (let r = await source.next(); r.done !== true; r = await source.next()) {
    const l = r.value;
    if (head.length === 0) l.text = l.text.replace(/^\uFEFF/, ''); // a byte order mark is not content
    head.push(l);
    if (l.text.trim() !== '') {
      first = l.text.trim();
      break;
    }
  }
  if (first === undefined) return;

  const whole = format === 'json' || (format === 'auto' && (first.startsWith('[') || (first.startsWith('{') && !parses(first))));
  if (!whole) {
    for (const l of head) if (l.text.trim() !== '') yield lineItem(l);
    for await (const l of lines()) if (l.text.trim() !== '') yield lineItem(l);
    return;
  }

  const all = [...head];
  for await (const l of lines()) all.push(l);
  const text = all.map((l) => l.text).join('\n');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // A first line like `{"level": …` broken across lines on purpose is a JSON document; one that is
    // merely a bad NDJSON line is not: fall back to lines, so the good ones still get in.
    if (format === 'auto' && !first.startsWith('[')) {
      for (const l of all) if (l.text.trim() !== '') yield lineItem(l);
      return;
    }
    throw new CliError('CLI_INPUT_UNREADABLE', `${name} is not valid JSON (${(err as Error).message}); send one event, an array of events, or NDJSON (one event per line)`);
  }
  yield* jsonItems(value, Buffer.byteLength(text) + 1);
}
