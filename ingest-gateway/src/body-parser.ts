// From the raw request bytes to a list of candidate events, before any event rule is applied.
// Pure: no I/O, throws GatewayErrors that name the problem (and the line, for NDJSON).
import { GatewayError, type ErrorItem } from './errors.js';
import { describeJsonError, locateJsonError } from './json-error.js';
import { firstInvalidUtf8Offset } from './utf8.js';

export type BodyFormat = 'json' | 'ndjson';

export const ACCEPTED_MEDIA_TYPES = ['application/json', 'application/x-ndjson'] as const;

export interface ParsedBody {
  items: unknown[];
  /** NDJSON only: the 1-based body line of each item. */
  lines?: number[];
}

// One decoder for the process: decode() without { stream: true } keeps no state between calls.
// fatal: a lone invalid byte is a client bug to report, not something to replace with U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true });

// NDJSON lines listed in one 400 at most; past that the client has seen the pattern.
const MAX_LINE_ERRORS = 1000;

/** The body format for a Content-Type header, or undefined when the gateway does not take it. */
export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  if (contentType === undefined) return undefined;
  const [essence, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
  // A charset other than UTF-8 would make the bytes mean something else than what we decode.
  for (const param of params) {
    const [name, value] = param.split('=').map((p) => p.trim().replace(/^"(.*)"$/, '$1'));
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') return undefined;
  }
  if (essence === 'application/json') return 'json';
  if (essence === 'application/x-ndjson') return 'ndjson';
  return undefined;
}

function decodeUtf8(body: Buffer): string {
  try {
    return decoder.decode(body);
  } catch {
    const offset = firstInvalidUtf8Offset(body);
    throw new GatewayError('GW_INVALID_UTF8', { message: `request body is not valid UTF-8 (first invalid byte at offset ${offset})` });
  }
}

function tooMany(count: number, max: number): GatewayError {
  return new GatewayError('GW_TOO_MANY_EVENTS', { message: `request holds ${count} events; at most ${max} are accepted per request` });
}

function parseJson(text: string, maxEvents: number): ParsedBody {
  let value: unknown;
  try {
    // JSON.parse never assigns through a prototype: "__proto__" becomes an own property, which the
    // event rules then reject, so no reviver or secure-json-parse is needed here.
    value = JSON.parse(text);
  } catch (err) {
    throw new GatewayError('GW_INVALID_JSON', { message: `request body is not valid JSON: ${describeJsonError(locateJsonError(err, text))}` });
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new GatewayError('GW_EMPTY_BATCH', { message: 'request body is an empty array; send at least one event' });
    if (value.length > maxEvents) throw tooMany(value.length, maxEvents);
    return { items: value };
  }
  if (value !== null && typeof value === 'object') return { items: [value] };
  throw new GatewayError('GW_INVALID_BODY', { message: `request body is a JSON ${value === null ? 'null' : typeof value}; send an event object or an array of them` });
}

function parseNdjson(text: string, maxEvents: number): ParsedBody {
  const items: unknown[] = [];
  const lines: number[] = [];
  const errors: ErrorItem[] = [];
  let badLines = 0;
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    // Blank lines (a trailing newline, CRLF leftovers, spacing between records) carry no event.
    if (line.trim() === '') continue;
    const index = items.length + badLines;
    if (index >= maxEvents) throw tooMany(index + 1 + countNonBlankLines(text, start), maxEvents);
    try {
      items.push(JSON.parse(line));
      lines.push(lineNo);
    } catch (err) {
      badLines++;
      if (errors.length < MAX_LINE_ERRORS) {
        errors.push({ index, line: lineNo, path: '', message: `line ${lineNo} is not valid JSON: ${describeJsonError(locateJsonError(err, line), true)}` });
      }
    }
  }
  if (badLines > 0) {
    throw new GatewayError('GW_INVALID_NDJSON', {
      message: `${badLines} NDJSON line(s) are not valid JSON, the first is line ${errors[0]!.line}; nothing was accepted`,
      items: errors,
    });
  }
  if (items.length === 0) throw new GatewayError('GW_EMPTY_BODY', { message: 'request body holds only blank lines; send at least one event' });
  return { items, lines };
}

function countNonBlankLines(text: string, from: number): number {
  let count = 0;
  for (const line of text.slice(from).split('\n')) if (line.trim() !== '') count++;
  return count;
}

/** Decodes and parses a request body into candidate events; throws a GatewayError for a bad body. */
export function parseBody(body: Buffer, format: BodyFormat, maxEvents: number): ParsedBody {
  if (body.length === 0) throw new GatewayError('GW_EMPTY_BODY');
  const text = decodeUtf8(body);
  if (text.trim() === '') throw new GatewayError('GW_EMPTY_BODY', { message: 'request body holds only whitespace' });
  return format === 'json' ? parseJson(text, maxEvents) : parseNdjson(text, maxEvents);
}
