import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { Limiter } from '../../src/elasticsearch/limiter.js';

t.test('never more than max tasks at once, all run, in arrival order, failures release the slot', async (t) => {
  const limiter = new Limiter(2);
  let active = 0;
  let peak = 0;
  const started: number[] = [];
  const task = (i: number) => async () => {
    started.push(i);
    active += 1;
    peak = Math.max(peak, active);
    await sleep(5);
    active -= 1;
    if (i === 1) throw new Error('boom');
    return i;
  };
  const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => limiter.run(task(i))));
  t.equal(peak, 2);
  t.same(started, [0, 1, 2, 3, 4]);
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
});
