import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.js';

t.test('defaults work against the local stack', async (t) => {
  const config = loadConfig({});
  t.match(config, {
    host: '127.0.0.1',
    port: 3001,
    elasticsearchUrl: 'http://127.0.0.1:9200',
    elasticsearchAlias: 'logs',
    databaseUrl: 'postgres://logs:logs@127.0.0.1:5432/logs',
    postgresSchema: 'public',
    kafkaBrokers: ['127.0.0.1:9092'],
    topic: 'logs.v1',
    lagGroups: ['sink-elasticsearch', 'sink-postgres'],
    adminKey: undefined,
  });
  t.ok(config.regexTimeoutMs < 2000, 'a regex query answers within 2 s by default');
});

t.test('settings come from their variables; an empty LOGS_ADMIN_KEY is no key', async (t) => {
  const config = loadConfig({ QUERY_API_PORT: '0', QUERY_API_HOST: '0.0.0.0', PG_SCHEMA: 'other', ELASTICSEARCH_ALIAS: 'logs-x', LOGS_ADMIN_KEY: 'lpk_0123456789abcdef', QUERY_LAG_GROUPS: 'a, b', QUERY_STORE_TIMEOUT_MS: '250' });
  t.match(config, { port: 0, host: '0.0.0.0', postgresSchema: 'other', elasticsearchAlias: 'logs-x', adminKey: 'lpk_0123456789abcdef', lagGroups: ['a', 'b'], storeTimeoutMs: 250 });
  t.equal(loadConfig({ LOGS_ADMIN_KEY: '' }).adminKey, undefined);
});

t.test('every bad variable is named in one error, and a secret is never echoed', async (t) => {
  const secret = 'short secret!';
  const err = t.throws(() =>
    loadConfig({
      QUERY_API_PORT: '70000',
      QUERY_STORE_TIMEOUT_MS: '1e3',
      KAFKA_BROKERS: 'localhost',
      LOGS_TOPIC: 'bad topic',
      PG_SCHEMA: 'Public; drop',
      ELASTICSEARCH_ALIAS: 'Logs*',
      DATABASE_URL: 'mysql://root:hunter2@db/logs',
      LOGS_ADMIN_KEY: secret,
      LOG_LEVEL: 'loud',
    }),
  ) as ConfigError;
  t.type(err, ConfigError);
  for (const name of ['QUERY_API_PORT', 'QUERY_STORE_TIMEOUT_MS', 'KAFKA_BROKERS', 'LOGS_TOPIC', 'PG_SCHEMA', 'ELASTICSEARCH_ALIAS', 'DATABASE_URL', 'LOGS_ADMIN_KEY', 'LOG_LEVEL']) {
    t.match(err.message, new RegExp(`\\b${name}\\b`), name);
  }
  t.equal(err.problems.length, 9);
  t.notMatch(err.message, /hunter2/, 'no password from a URL');
  t.notMatch(err.message, /short secret/, 'no admin key');
});
