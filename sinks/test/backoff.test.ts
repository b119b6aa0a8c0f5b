import t from 'tap';
import { backoffDelayMs } from '../src/backoff.js';

t.test('doubles from the initial delay, capped, with half of it random', async (t) => {
  const policy = { initialMs: 100, maxMs: 1000 };
  t.same([0, 1, 2, 3, 4, 10, 1000].map((a) => backoffDelayMs(a, policy, () => 1)), [100, 200, 400, 800, 1000, 1000, 1000]);
  t.same([0, 1, 2, 3, 4].map((a) => backoffDelayMs(a, policy, () => 0)), [50, 100, 200, 400, 500]);
});
