import t from 'tap';
import { CONFIG_VARIABLES, ConfigError, DEFAULT_PORTS, loadConfig } from '../src/config.js';

t.test('defaults work against the local stack; the port follows the sink', async (t) => {
  const pg = loadConfig({ SINK: 'postgres' });
  t.equal(pg.sink, 'postgres');
  t.equal(pg.groupId, 'sink-postgres');
  t.equal(pg.port, DEFAULT_PORTS.postgres);
  t.equal(pg.port, 3010);
  t.same(pg.kafkaBrokers, ['127.0.0.1:9092']);
  t.equal(pg.topic, 'logs.v1');
  t.equal(pg.dlqTopic, 'logs.v1.dlq');
  t.equal(pg.databaseUrl, 'postgres://logs:logs@127.0.0.1:5432/logs');
  t.equal(pg.retentionDays, 30);
  const es = loadConfig({ SINK: 'Elasticsearch' });
  t.equal(es.sink, 'elasticsearch');
  t.equal(es.groupId, 'sink-elasticsearch');
  t.equal(es.port, 3020);
  t.equal(es.elasticsearchUrl, 'http://127.0.0.1:9200');
  t.equal(es.elasticsearchIndexPrefix, 'logs');
});

t.test('values are read and bounded', async (t) => {
  const c = loadConfig({
    SINK: 'postgres',
    SINK_PORT: '0',
    SINK_GROUP_ID: 'sink-postgres-blue',
    KAFKA_BROKERS: 'a:1, b:2',
    SINK_BATCH_MAX_RECORDS: '500',
    RETENTION_DAYS: '7',
    RETENTION_INTERVAL_MS: '60000',
    ELASTICSEARCH_INDEX_PREFIX: 'logs-blue',
  });
  t.equal(c.port, 0);
  t.equal(c.groupId, 'sink-postgres-blue');
  t.same(c.kafkaBrokers, ['a:1', 'b:2']);
  t.equal(c.maxBatchRecords, 500);
  t.equal(c.retentionDays, 7);
  t.equal(c.retentionIntervalMs, 60_000);
  t.equal(c.elasticsearchIndexPrefix, 'logs-blue');
});

t.test('every bad variable is named in one error', async (t) => {
  const err = t.throws(() =>
    loadConfig({
      SINK_PORT: '70000',
      RETENTION_DAYS: '1e3',
      KAFKA_BROKERS: 'nohost',
      DATABASE_URL: 'mysql://secret@x/y',
      LOGS_TOPIC: 'bad topic',
      SINK_RETRY_INITIAL_MS: '5000',
      SINK_RETRY_MAX_MS: '100',
      ELASTICSEARCH_INDEX_PREFIX: 'Logs*',
    }),
  ) as ConfigError;
  t.ok(err instanceof ConfigError);
  t.equal(err.code, 'SINK_CONFIG_INVALID');
  for (const name of ['SINK=', 'SINK_PORT', 'RETENTION_DAYS', 'KAFKA_BROKERS', 'DATABASE_URL', 'LOGS_TOPIC', 'SINK_RETRY_MAX_MS', 'ELASTICSEARCH_INDEX_PREFIX']) {
    t.ok(err.problems.some((p) => p.startsWith(name)), `names ${name}`);
  }
  t.notMatch(err.message, /secret/, 'a URL is never echoed (it may hold a password)');
});

t.test('the DLQ topic must differ from the logs topic', async (t) => {
  t.throws(() => loadConfig({ SINK: 'postgres', DLQ_TOPIC: 'logs.v1' }), /DLQ_TOPIC/);
});

t.test('every variable is documented in the README', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  for (const name of CONFIG_VARIABLES) t.match(readme, `\`${name}\``, `${name} documented`);
});
