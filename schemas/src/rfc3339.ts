// RFC 3339 timestamps, strictly: a full date and time with `T` and an explicit offset or `Z`.
// `Date.parse` is not used because it accepts local-time forms (no offset = the gateway's zone)
// and silently rolls impossible dates over (Feb 30 becomes Mar 1); both would misplace events.

export type TimestampResult = { ok: true; iso: string } | { ok: false; reason: string };

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const SPACE_SEPARATED = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const EXAMPLE = 'like 2024-01-01T09:00:00.123Z or 2024-01-01T10:00:00+01:00';

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function shapeReason(text: string): string {
  if (DATE_ONLY.test(text)) return `has no time of day; send a full date-time ${EXAMPLE}`;
  if (NO_OFFSET.test(text)) return `has no UTC offset; add Z or an offset such as +01:00 (${EXAMPLE})`;
  if (SPACE_SEPARATED.test(text)) return `must separate date and time with "T" (${EXAMPLE})`;
  return `must be an RFC 3339 date-time with an offset or Z, ${EXAMPLE}`;
}

const digit = (text: string, i: number): number => text.charCodeAt(i) - 48;
const isDigit = (text: string, i: number): boolean => digit(text, i) >= 0 && digit(text, i) <= 9;
const NORMALISED_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

/**
 * The fast path of what most clients send: already the normalised form (`toISOString()`, UTC, `Z`,
 * three fraction digits) with every part in range and no leap second. normalizeTimestamp would
 * return such a text unchanged, so it is returned as is, without a regular expression or a Date.
 */
function isNormalised(text: string): boolean {
  if (text.length !== 24 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':' || text[19] !== '.' || text[23] !== 'Z') return false;
  for (const i of NORMALISED_DIGITS) if (!isDigit(text, i)) return false;
  const two = (i: number): number => digit(text, i) * 10 + digit(text, i + 1);
  const year = two(0) * 100 + two(2);
  const month = two(5);
  const day = two(8);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && two(11) <= 23 && two(14) <= 59 && two(17) <= 59;
}

/**
 * Parses an RFC 3339 date-time and returns the same instant as UTC ISO 8601 with exactly three
 * fraction digits. Extra fraction digits are truncated, not rounded, so an event never moves
 * into the next millisecond (or the next day's index). A leap second (23:59:60 UTC) becomes
 * 23:59:59.999, keeping its order before the following second; JS dates cannot hold second 60.
 */
export function normalizeTimestamp(text: string): TimestampResult {
  if (isNormalised(text)) return { ok: true, iso: text };
  const m = DATE_TIME.exec(text);
  if (m === null) return { ok: false, reason: shapeReason(text) };
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const fraction = m[7] ?? '';
  const sign = m[9] === '-' ? -1 : 1;
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);

  if (year < 1) return { ok: false, reason: 'has year 0000; years are 0001 to 9999' };
  if (month < 1 || month > 12) return { ok: false, reason: `has month ${m[2]}; months are 01 to 12` };
  const maxDay = daysInMonth(year, month);
  if (day < 1 || day > maxDay) {
    return { ok: false, reason: `has day ${m[3]}, but ${MONTHS[month - 1]} ${m[1]} has ${maxDay} days` };
  }
  if (hour > 23) return { ok: false, reason: `has hour ${m[4]}; hours are 00 to 23` };
  if (minute > 59) return { ok: false, reason: `has minute ${m[5]}; minutes are 00 to 59` };
  if (second > 60) return { ok: false, reason: `has second ${m[6]}; seconds are 00 to 59 (60 only for a leap second)` };
  if (offsetHours > 23 || offsetMinutes > 59) {
    return { ok: false, reason: `has offset ${m[8]}; offsets are -23:59 to +23:59` };
  }

  const leapSecond = second === 60;
  const millis = leapSecond ? 999 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  let local = Date.UTC(year, month - 1, day, hour, minute, leapSecond ? 59 : second, millis);
  if (year < 100) {
    // Date.UTC reads years 0..99 as 1900..1999; put the year back (same leap-year pattern).
    const date = new Date(local);
    date.setUTCFullYear(year);
    local = date.getTime();
  }
  const utc = new Date(local - sign * (offsetHours * 60 + offsetMinutes) * 60_000);

  if (leapSecond && (utc.getUTCHours() !== 23 || utc.getUTCMinutes() !== 59)) {
    return { ok: false, reason: 'has second 60, which is only valid for a leap second at 23:59:60 UTC' };
  }
  const utcYear = utc.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) {
    return { ok: false, reason: 'is outside 0001-01-01 to 9999-12-31 once converted to UTC' };
  }
  return { ok: true, iso: utc.toISOString() };
}
