import t from 'tap';
import { normalizeTimestamp } from '../src/rfc3339.js';

t.test('valid RFC 3339 date-times become UTC with exactly three fraction digits', async (t) => {
  const cases: Array<[string, string]> = [
    ['2024-01-01T09:00:00.123Z', '2024-01-01T09:00:00.123Z'],
    ['2024-01-01T09:00:00Z', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T09:00:00.5Z', '2024-01-01T09:00:00.500Z'],
    ['2024-01-01T09:00:00.12Z', '2024-01-01T09:00:00.120Z'],
    ['2024-01-01T09:00:00.1239Z', '2024-01-01T09:00:00.123Z'],
    ['2024-12-31T23:59:59.9999999Z', '2024-12-31T23:59:59.999Z'],
    ['2024-01-01T10:00:00+05:30', '2024-01-01T04:30:00.000Z'],
    ['2024-01-01T10:00:00.250+05:45', '2024-01-01T04:15:00.250Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00.000Z'],
    ['2023-12-31T23:30:00-01:00', '2024-01-01T00:30:00.000Z'],
    ['2024-01-01T09:00:00-00:00', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T09:00:00+23:59', '2023-12-31T09:01:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['2024-01-01t09:00:00z', '2024-01-01T09:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0050-06-15T00:00:00Z', '0050-06-15T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.999Z'],
    ['2016-12-31T18:59:60.5-05:00', '2016-12-31T23:59:59.999Z'],
  ];
  for (const [text, iso] of cases) t.strictSame(normalizeTimestamp(text), { ok: true, iso }, text);
});

t.test('everything else is refused with the reason', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['2024-01-01', /^has no time of day/],
    ['2024-01-01T10:00:00', /^has no UTC offset/],
    ['2024-01-01T10:00', /^has no UTC offset/],
    ['2024-01-01 10:00:00', /^has no UTC offset/],
    ['2024-01-01 10:00:00Z', /^must separate date and time with "T"/],
    ['2024-01-01T10:00Z', /^must be an RFC 3339 date-time/],
    ['2024-1-01T10:00:00Z', /^must be an RFC 3339 date-time/],
    ['2024-01-01T10:00:00+0100', /^must be an RFC 3339 date-time/],
    ['2024-01-01T10:00:00.Z', /^must be an RFC 3339 date-time/],
    ['2024-01-01T10:00:00 Z', /^must be an RFC 3339 date-time/],
    [' 2024-01-01T10:00:00Z', /^must be an RFC 3339 date-time/],
    ['2024-01-01T10:00:00Z\n', /^must be an RFC 3339 date-time/],
    ['+002024-01-01T10:00:00Z', /^must be an RFC 3339 date-time/],
    ['2024-01-01T10:00:00UTC', /^must be an RFC 3339 date-time/],
    ['1704099600', /^must be an RFC 3339 date-time/],
    ['٢٠٢٤-01-01T10:00:00Z', /^must be an RFC 3339 date-time/],
    ['', /^must be an RFC 3339 date-time/],
    ['0000-01-01T00:00:00Z', /^has year 0000/],
    ['2024-00-10T00:00:00Z', /^has month 00; months are 01 to 12$/],
    ['2024-13-10T00:00:00Z', /^has month 13; months are 01 to 12$/],
    ['2024-01-00T00:00:00Z', /^has day 00, but January 2024 has 31 days$/],
    ['2024-01-32T00:00:00Z', /^has day 32, but January 2024 has 31 days$/],
    ['2024-04-31T00:00:00Z', /^has day 31, but April 2024 has 30 days$/],
    ['2024-02-30T00:00:00Z', /^has day 30, but February 2024 has 29 days$/],
    ['2023-02-29T00:00:00Z', /^has day 29, but February 2023 has 28 days$/],
    ['1900-02-29T00:00:00Z', /^has day 29, but February 1900 has 28 days$/],
    ['2024-01-01T24:00:00Z', /^has hour 24/],
    ['2024-01-01T10:60:00Z', /^has minute 60/],
    ['2024-01-01T10:00:61Z', /^has second 61/],
    ['2024-01-01T10:00:60Z', /only valid for a leap second at 23:59:60 UTC/],
    ['2024-01-01T10:00:00+24:00', /^has offset \+24:00/],
    ['2024-01-01T10:00:00-01:60', /^has offset -01:60/],
    ['9999-12-31T23:00:00-05:00', /outside 0001-01-01 to 9999-12-31 once converted to UTC/],
    ['0001-01-01T00:30:00+01:00', /outside 0001-01-01 to 9999-12-31 once converted to UTC/],
  ];
  for (const [text, reason] of cases) {
    const result = normalizeTimestamp(text);
    t.equal(result.ok, false, `${JSON.stringify(text)} refused`);
    if (!result.ok) t.match(result.reason, reason, JSON.stringify(text));
  }
});

t.test('an already normalised timestamp (the fast path) is checked like any other', async (t) => {
  // Valid: returned unchanged, as the general path would return them.
  for (const text of ['0001-01-01T00:00:00.000Z', '0099-02-28T23:59:59.999Z', '2024-02-29T12:34:56.789Z', '9999-12-31T23:59:59.999Z']) {
    t.same(normalizeTimestamp(text), { ok: true, iso: text }, text);
  }
  // Out of range in the normalised shape: the same reasons as the general path gives.
  t.same(normalizeTimestamp('2023-02-29T00:00:00.000Z'), { ok: false, reason: 'has day 29, but February 2023 has 28 days' });
  t.same(normalizeTimestamp('2024-13-01T00:00:00.000Z'), { ok: false, reason: 'has month 13; months are 01 to 12' });
  t.same(normalizeTimestamp('0000-01-01T00:00:00.000Z'), { ok: false, reason: 'has year 0000; years are 0001 to 9999' });
  t.same(normalizeTimestamp('2024-01-01T24:00:00.000Z'), { ok: false, reason: 'has hour 24; hours are 00 to 23' });
  t.same(normalizeTimestamp('2024-01-01T00:60:00.000Z'), { ok: false, reason: 'has minute 60; minutes are 00 to 59' });
  // Leap second and lowercase letters leave the fast path and are normalised as before.
  t.same(normalizeTimestamp('2016-12-31T23:59:60.000Z'), { ok: true, iso: '2016-12-31T23:59:59.999Z' });
  t.same(normalizeTimestamp('2024-01-01t09:00:00.123z'), { ok: true, iso: '2024-01-01T09:00:00.123Z' });
  t.equal(normalizeTimestamp('2024-01-01T09:00:00.12aZ').ok, false);
});
