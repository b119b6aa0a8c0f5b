// How events and tables look on a terminal and in a pipe. Pure: strings in, strings out; whether to
// colour is decided by the caller (TTY, NO_COLOR, FORCE_COLOR) and passed in.
import type { LogEvent } from '@logpipe/schemas';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'raw'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

// SGR codes per level; fatal is inverted so it stands out from error in a wall of red.
const LEVEL_STYLE: Record<string, string> = {
  trace: '90',
  debug: '36',
  info: '32',
  warn: '33',
  error: '31',
  fatal: '1;97;41',
};

export const paint = (text: string, sgr: string, colour: boolean): string => (colour ? `\x1b[${sgr}m${text}\x1b[0m` : text);
const dim = (text: string, colour: boolean): string => paint(text, '2', colour);

/** The level as a fixed-width, upper-case, coloured cell. */
export function levelCell(level: string, colour: boolean): string {
  const text = level.toUpperCase().padEnd(5);
  const style = LEVEL_STYLE[level.toLowerCase()];
  return style === undefined ? text : paint(text, style, colour);
}

// Control characters in a message would move the cursor, clear the screen or fake other lines on a
// terminal (log injection); in the table they are shown escaped, so one event stays one line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function fieldValue(value: string | number | boolean): string {
  const text = escapeControl(String(value));
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

/** key=value pairs for the optional fields and metadata, logfmt style. */
export function extrasOf(event: LogEvent): string {
  const pairs: string[] = [];
  if (event.traceId !== undefined) pairs.push(`traceId=${fieldValue(event.traceId)}`);
  if (event.spanId !== undefined) pairs.push(`spanId=${fieldValue(event.spanId)}`);
  if (event.commit !== undefined) pairs.push(`commit=${fieldValue(event.commit)}`);
  for (const [key, value] of Object.entries(event.metadata ?? {})) pairs.push(`${escapeControl(key)}=${fieldValue(value)}`);
  return pairs.join(' ');
}

export interface TableStyle {
  colour: boolean;
  /** Width of the resourceId column; longer ids overflow it rather than being cut. */
  resourceWidth: number;
}

/** Column width for a batch of events: the longest id, within sensible bounds. */
export function resourceWidthFor(events: readonly LogEvent[], current = 8): number {
  let width = current;
  for (const e of events) width = Math.max(width, Math.min(e.resourceId.length, 32));
  return width;
}

export function tableHeader(style: TableStyle): string {
  return dim(`${'TIMESTAMP'.padEnd(24)} ${'LEVEL'} ${'RESOURCE'.padEnd(style.resourceWidth)} MESSAGE`, style.colour);
}

export function tableLine(event: LogEvent, style: TableStyle): string {
  const extras = extrasOf(event);
  return [
    dim(event.timestamp.padEnd(24), style.colour),
    levelCell(event.level, style.colour),
    escapeControl(event.resourceId).padEnd(style.resourceWidth),
    escapeControl(event.message) + (extras === '' ? '' : ` ${dim(extras, style.colour)}`),
  ].join(' ');
}

/** One event in a non-table format, without the trailing newline. */
export function eventLine(event: LogEvent, format: Exclude<OutputFormat, 'table' | 'json'>): string {
  return format === 'raw' ? event.message : JSON.stringify(event);
}

/** A plain table: a dim header row, columns padded to their widest cell. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], colour: boolean): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [dim(line(headers), colour), ...rows.map(line)].join('\n');
}

/** 12,345 — counts are read at a glance. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** Points at a query error: the text, then a caret line under the offending token. */
export function caretLines(text: string, position: number, length: number | undefined): string[] {
  const start = Math.max(0, Math.min(position, text.length));
  const width = Math.max(1, Math.min(length ?? 1, text.length - start || 1));
  return [`  ${escapeControl(text)}`, `  ${' '.repeat(escapeControl(text.slice(0, start)).length)}${'^'.repeat(width)}`];
}
