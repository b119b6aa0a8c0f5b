// Time values of the query language: `timestamp>=…` in q, and the API's `from` / `to`.
import { normalizeTimestamp } from '../rfc3339.js';

const RELATIVE = /^(\d{1,9})(s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** 0001-01-01T00:00:00Z: timestamps are stored with four-digit years. */
const EARLIEST_MS = -62_135_596_800_000;

export type TimeValueResult = { ok: true; ms: number } | { ok: false; reason: string };

/**
 * An instant, epoch ms UTC: strict RFC 3339 (`2024-01-01T09:00:00Z`, an offset, fractions truncated to ms),
 * `now`, or a relative age `<n><unit>` with unit s, m, h, d or w, meaning that long before `now`.
 */
export function parseTimeValue(text: string, now: number): TimeValueResult {
  if (text === 'now') return { ok: true, ms: now };
  const rel = RELATIVE.exec(text);
  if (rel !== null) {
    const ms = now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
    if (ms < EARLIEST_MS) return { ok: false, reason: `${text} before now is before the year 1` };
    return { ok: true, ms };
  }
  if (/^\d+[A-Za-z]+$/.test(text)) {
    return { ok: false, reason: `"${text}" is not a relative time; use a number and one of s, m, h, d, w (like 15m, 24h, 7d)` };
  }
  const parsed = normalizeTimestamp(text);
  if (!parsed.ok) return { ok: false, reason: `"${text}" ${parsed.reason}, or a relative time like 15m, 24h, 7d` };
  return { ok: true, ms: Date.parse(parsed.iso) };
}
