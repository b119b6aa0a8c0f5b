import t from 'tap';
import { defaultPostgresSinkOptions, resolvePostgresSinkConfig } from '../../src/postgres/options.js';

t.test('defaults, overrides, and every bad option named', async (t) => {
  t.same(resolvePostgresSinkConfig(), defaultPostgresSinkOptions());
  t.equal(resolvePostgresSinkConfig({ schema: 't_1', retentionDays: 3 }).retentionDays, 3);
  const err = t.throws(() => resolvePostgresSinkConfig({ url: 'http://x', schema: 'Bad-Name', retentionDays: 0, nope: 1 } as never)) as Error;
  for (const word of ['url', 'schema', 'retentionDays', 'unknown option nope']) t.match(err.message, word);
});
