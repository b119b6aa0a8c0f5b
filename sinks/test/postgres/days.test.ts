import t from 'tap';
import { addDays, dayOf, dayOfPartition, formatDay, partitionName } from '../../src/postgres/days.js';

t.test('days of timestamps, UTC', async (t) => {
  t.equal(dayOf('2024-02-29T23:59:59.999Z'), '2024-02-29');
  t.equal(dayOf('2024-03-01T00:30:00+01:00'), '2024-02-29', 'slow path converts to UTC');
  t.equal(dayOf('0000-06-01T00:00:00.000Z'), undefined, 'PostgreSQL has no year 0');
  t.equal(dayOf('nonsense'), undefined);
  t.equal(formatDay(Date.UTC(10000, 0, 1)), undefined);
  t.equal(addDays('2024-02-28', 1), '2024-02-29');
  t.equal(addDays('2024-03-01', -1), '2024-02-29');
  t.equal(addDays('9999-12-31', 1), undefined);
});

t.test('partition names round-trip', async (t) => {
  t.equal(partitionName('2019-07-04'), 'logs_p20190704');
  t.equal(dayOfPartition('logs_p20190704'), '2019-07-04');
  t.equal(dayOfPartition('logs_default'), undefined);
  t.equal(dayOfPartition('other_p20190704'), undefined);
});
