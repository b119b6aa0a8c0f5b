import t from 'tap';
import { LogThrottle } from '../src/log-throttle.js';

t.test('one line per interval, the next one counting the calls in between', async (t) => {
  let now = 1_000_000;
  const throttle = new LogThrottle(10_000, () => now);
  const lines: number[] = [];
  const call = () => throttle.run((suppressed) => lines.push(suppressed));

  call();
  t.same(lines, [0], 'the first one is logged at once');
  // An outage: a retry every ~160 ms for 25 s.
  for (let i = 0; i < 156; i++) {
    now += 160;
    call();
  }
  t.same(lines, [0, 62, 62], 'three lines in 25 s, each counting the calls it stood for');
  now += 10_000;
  call();
  t.same(lines.at(-1), 30, 'after a quiet interval the next call is logged at once with the rest');
});
