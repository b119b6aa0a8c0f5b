// Merging the stores' pages into one (design contract, section 6): the union, de-duplicated by id,
// ordered by (timestamp, id), cut to the page size. Each store was asked for limit + 1 events after the
// same position, so the first `limit` of the union are exactly the first `limit` of all events after
// that position (each of them is within its own store's first limit + 1), and a union longer than
// `limit` proves that another page follows. Pure.
import type { LogEvent } from '@logpipe/schemas';
import type { Order, Position } from '../stores/contract.js';

export interface MergedPage {
  hits: LogEvent[];
  /** Whether events follow the last hit (then the next cursor starts there). */
  more: boolean;
}

/** Epoch ms of a hit's timestamp (normalised UTC with ms, so Date.parse is exact). */
export const timestampMs = (hit: LogEvent): number => Date.parse(hit.timestamp);

/** Negative when a comes first in ascending (timestamp, id) order. Ids compare as their (lower-case) text, as both stores sort them. */
export function comparePositions(a: Position, b: Position): number {
  if (a.ms !== b.ms) return a.ms - b.ms;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function positionOf(hit: LogEvent): Position {
  return { ms: timestampMs(hit), id: hit.id };
}

export function mergePages(pages: readonly (readonly LogEvent[])[], order: Order, limit: number): MergedPage {
  const byId = new Map<string, { hit: LogEvent; position: Position }>();
  for (const page of pages) {
    for (const hit of page) {
      // The same event from both stores is the same event (same id); the first copy is kept.
      if (!byId.has(hit.id)) byId.set(hit.id, { hit, position: positionOf(hit) });
    }
  }
  const sign = order === 'asc' ? 1 : -1;
  const sorted = [...byId.values()].sort((a, b) => sign * comparePositions(a.position, b.position));
  return { hits: sorted.slice(0, limit).map((entry) => entry.hit), more: sorted.length > limit };
}
