import t from 'tap';
import { parseDuration } from '../../src/lib/duration.js';

t.test('units the query API takes', async (t) => {
  t.equal(parseDuration('30s'), 30_000);
  t.equal(parseDuration('15m'), 900_000);
  t.equal(parseDuration('24h'), 86_400_000);
  t.equal(parseDuration('7d'), 604_800_000);
  t.equal(parseDuration('2w'), 1_209_600_000);
});

t.test('anything else is not a duration', async (t) => {
  for (const bad of ['', '15', 'm', '1.5h', '-1h', '1y', '1 h', '15min', '1e3s']) t.equal(parseDuration(bad), undefined, JSON.stringify(bad));
});
