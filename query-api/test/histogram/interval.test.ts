import t from 'tap';
import { autoInterval, bucketCount, formatInterval, MAX_BUCKETS, mergeBuckets, parseInterval, TARGET_BUCKETS } from '../../src/histogram/interval.js';

t.test('intervals are read and written in their largest whole unit', async (t) => {
  t.same(['250ms', '30s', '5m', '1h', '1d', '2w'].map(parseInterval), [250, 30_000, 300_000, 3_600_000, 86_400_000, 1_209_600_000]);
  for (const bad of ['', '5', 'm', '0m', '-5m', '1.5h', '5M', '1y', '5 m', '9999999999d']) t.equal(parseInterval(bad), undefined, bad);
  t.same([300_000, 90_000, 1500, 86_400_000, 604_800_000].map(formatInterval), ['5m', '90s', '1500ms', '1d', '1w']);
});

t.test('the automatic interval is round and gives at most the target number of buckets', async (t) => {
  t.equal(autoInterval(15 * 60_000), 15_000, '15 minutes → 15 s');
  t.equal(autoInterval(24 * 3_600_000), 30 * 60_000, '24 hours → 30 min');
  t.equal(autoInterval(7 * 86_400_000), 3 * 3_600_000, '7 days → 3 h');
  t.equal(autoInterval(0), 1);
  for (const range of [1, 999, 60_000, 3_600_000, 86_400_000, 365 * 86_400_000, 40 * 365 * 86_400_000]) {
    const interval = autoInterval(range);
    t.ok(range / interval <= TARGET_BUCKETS, `${range} ms → ${formatInterval(interval)}`);
    t.ok(bucketCount(0, range, interval) <= MAX_BUCKETS);
  }
});

t.test('buckets start at multiples of the interval since the epoch; every bucket of the range is there', async (t) => {
  const from = Date.parse('2026-11-29T10:02:30.000Z');
  const to = Date.parse('2026-11-29T10:14:59.999Z');
  const interval = 5 * 60_000;
  t.equal(bucketCount(from, to, interval), 3);
  const merged = mergeBuckets(
    [
      [{ startMs: Date.parse('2026-11-29T10:00:00Z'), count: 3 }, { startMs: Date.parse('2026-11-29T10:10:00Z'), count: 1 }],
      [{ startMs: Date.parse('2026-11-29T10:00:00Z'), count: 2 }, { startMs: Date.parse('2026-11-29T10:10:00Z'), count: 4 }],
    ],
    from,
    to,
    interval,
  );
  t.same(
    merged.map((b) => [new Date(b.startMs).toISOString(), b.count]),
    [
      ['2026-11-29T10:00:00.000Z', 3],
      ['2026-11-29T10:05:00.000Z', 0],
      ['2026-11-29T10:10:00.000Z', 4],
    ],
    'the larger count per bucket, empty buckets as 0',
  );
  t.same(mergeBuckets([], from, from, interval), [{ startMs: Date.parse('2026-11-29T10:00:00Z'), count: 0 }]);
  t.equal(bucketCount(-1, 0, 10), 2, 'before the epoch buckets floor too');
});
