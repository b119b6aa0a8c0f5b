import t from 'tap';
import { computeLag } from '../../src/stats/lag.js';

t.test('lag is the end of each partition minus what the group committed', async (t) => {
  const ends = [
    { partition: 1, low: '0', high: '120' },
    { partition: 0, low: '0', high: '100' },
    { partition: 2, low: '50', high: '80' },
  ];
  const result = computeLag(ends, new Map([[0, '90'], [1, '120']]));
  t.same(result.partitions, [
    { partition: 0, committed: '90', end: '100', lag: 10 },
    { partition: 1, committed: '120', end: '120', lag: 0 },
    { partition: 2, committed: null, end: '80', lag: 30 },
  ]);
  t.equal(result.lag, 40, 'a partition never committed lags by what is still in the log');
  t.equal(computeLag([{ partition: 0, low: '500', high: '600' }], new Map([[0, '100']])).lag, 100, 'offsets deleted by retention are not lag');
  t.equal(computeLag([{ partition: 0, low: '0', high: '10' }], new Map([[0, '-1']])).lag, 10, 'Kafka says -1 for no commit');
});
