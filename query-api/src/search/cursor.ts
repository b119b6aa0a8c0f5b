// The search cursor: an opaque keyset position, never an offset, so page 1,000 costs what page 1 costs
// (design contract, section 6). It holds the last hit's (timestamp, id), the order it was read in, a hash
// of the filters (a cursor reused with another query is refused rather than silently skipping events),
// and the `now` of the first page, so relative bounds (`from=15m`) stay where they were while paging.
// Not signed: a forged cursor only moves the reader's own position; access scoping is applied anyway.
// Pure.
import { createHash } from 'node:crypto';
import type { SearchParams } from '@logpipe/schemas';
import type { Order, Position } from '../stores/contract.js';

export interface CursorState {
  position: Position;
  order: Order;
  queryHash: string;
  /** Epoch ms that relative `from`/`to` of this query are counted back from. */
  nowMs: number;
}

const VERSION = 1;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Years 0001..9999: the range events can have (schemas/src/rfc3339.ts).
const MIN_MS = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');
const HASH = /^[A-Za-z0-9_-]{16}$/;
const MAX_CURSOR_CHARS = 512;

interface Wire {
  v: number;
  t: number;
  i: string;
  o: Order;
  h: string;
  n: number;
}

export function encodeCursor(state: CursorState): string {
  const wire: Wire = { v: VERSION, t: state.position.ms, i: state.position.id, o: state.order, h: state.queryHash, n: state.nowMs };
  return Buffer.from(JSON.stringify(wire)).toString('base64url');
}

const isMs = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= MIN_MS && value <= MAX_MS;

/** The cursor's state, or undefined when it is not one this API wrote (truncated, edited, another version). */
export function decodeCursor(text: string): CursorState | undefined {
  if (text.length === 0 || text.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Wire>;
  } catch {
    return undefined;
  }
  if (typeof wire !== 'object' || wire === null || wire.v !== VERSION) return undefined;
  // Each field is checked: the id and timestamp become query parameters.
  if (!isMs(wire.t) || !isMs(wire.n) || typeof wire.i !== 'string' || !UUID.test(wire.i)) return undefined;
  if ((wire.o !== 'asc' && wire.o !== 'desc') || typeof wire.h !== 'string' || !HASH.test(wire.h)) return undefined;
  return { position: { ms: wire.t, id: wire.i }, order: wire.o, queryHash: wire.h, nowMs: wire.n };
}

/**
 * A short hash of what selects the events (q, field parameters, from, to), insensitive to the order of
 * repeated values (they are OR-ed). Limit and source are not part of it: a cursor stays valid with another
 * page size or store, since the (timestamp, id) order is the same everywhere.
 */
export function queryHash(params: SearchParams): string {
  const canonical = Object.entries(params)
    .filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => [key, Array.isArray(value) ? [...(value as string[])].sort() : value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 16);
}
