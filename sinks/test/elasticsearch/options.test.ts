import t from 'tap';
import { EsSinkError } from '../../src/elasticsearch/errors.js';
import { defaultElasticsearchSinkOptions, resolveElasticsearchSinkConfig } from '../../src/elasticsearch/options.js';

t.test('defaults work against the local stack', async (t) => {
  const config = resolveElasticsearchSinkConfig();
  t.match(config, { node: 'http://127.0.0.1:9200', indexPrefix: 'logs', alias: 'logs', maxBulkBytes: 5 * 1024 * 1024, bulkConcurrency: 2, retentionDays: 30, retentionIntervalMs: 3_600_000 });
  t.same(config.retry, defaultElasticsearchSinkOptions().retry);
});

t.test('the alias follows the prefix unless set; undefined means not set', async (t) => {
  t.equal(resolveElasticsearchSinkConfig({ indexPrefix: 'test-a' }).alias, 'test-a');
  t.equal(resolveElasticsearchSinkConfig({ indexPrefix: 'test-a', alias: 'everything' }).alias, 'everything');
  const fromEnv = { maxBulkBytes: undefined } as unknown as { maxBulkBytes: number };
  t.equal(resolveElasticsearchSinkConfig(fromEnv).maxBulkBytes, 5 * 1024 * 1024);
  t.equal(resolveElasticsearchSinkConfig({ retry: { maxAttempts: 3 } as never }).retry.maxBackoffMs, 5_000, 'retry merges key by key');
});

t.test('every bad option is named in one error', async (t) => {
  const err = t.throws(() =>
    resolveElasticsearchSinkConfig({
      node: 'localhost:9200',
      indexPrefix: 'Logs*',
      bulkConcurrency: 0,
      maxBulkBytes: 1.5,
      retry: { maxAttempts: 0, baseBackoffMs: 10, maxBackoffMs: 5, maxRetryTimeMs: 1 },
      extra: 1,
    } as never),
  ) as EsSinkError;
  t.equal(err.code, 'SINK_ES_BAD_OPTIONS');
  for (const name of ['unknown option extra', 'node', 'indexPrefix', 'bulkConcurrency', 'maxBulkBytes', 'retry.maxAttempts', 'retry.maxBackoffMs']) {
    t.match(err.message, name);
  }
  t.throws(() => resolveElasticsearchSinkConfig({ indexPrefix: 'logs', alias: 'logs-all' }), { code: 'SINK_ES_BAD_OPTIONS' });
  t.throws(() => resolveElasticsearchSinkConfig({ retentionDays: 0 }), /retentionDays/, 'a retention of 0 days would delete today');
});
