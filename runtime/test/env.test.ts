import t from 'tap';
import { EnvReader, InvalidConfigError } from '../src/env.js';

class TestConfigError extends InvalidConfigError {
  readonly code = 'TEST_CONFIG_INVALID';
}

const PORT = { env: 'PORT', fallback: 3000, min: 0, max: 65535 };

t.test('unset or empty variables take their defaults', async (t) => {
  const read = new EnvReader({ PORT: '', LOG_LEVEL: '  ' });
  t.equal(read.int(PORT), 3000);
  t.same(read.kafkaBrokers(), ['127.0.0.1:9092']);
  t.equal(read.kafkaClientId('me'), 'me');
  t.equal(read.kafkaTopic('LOGS_TOPIC', 'logs.v1'), 'logs.v1');
  t.equal(read.host('HOST'), '127.0.0.1');
  t.equal(read.databaseUrl(), 'postgres://logs:logs@127.0.0.1:5432/logs');
  t.equal(read.postgresSchema(), 'public');
  t.equal(read.elasticsearchUrl(), 'http://127.0.0.1:9200');
  t.equal(read.logLevel(), 'info');
  t.doesNotThrow(() => read.throwIfInvalid(TestConfigError));
});

t.test('values are read, trimmed and typed', async (t) => {
  const read = new EnvReader({ PORT: ' 8080 ', KAFKA_BROKERS: 'a:1, b.example:9093', SCOPE: 'table', LOG_LEVEL: 'debug', GROUPS: 'g1,,g2 ' });
  t.equal(read.int(PORT), 8080);
  t.same(read.kafkaBrokers(), ['a:1', 'b.example:9093']);
  t.equal(read.oneOf('SCOPE', 'day', ['day', 'table']), 'table');
  t.equal(read.logLevel(), 'debug');
  t.same(read.list('GROUPS', 'x', (g) => /^\w+$/.test(g), 'a group', { skipEmpty: true }), ['g1', 'g2']);
  t.same(read.ints({ port: PORT, other: { env: 'OTHER', fallback: 7, min: 1, max: 9 } }), { port: 8080, other: 7 });
});

t.test('every bad variable is named, in one error of the caller\'s class', async (t) => {
  const read = new EnvReader({
    PORT: '1e3',
    OTHER: '70000',
    KAFKA_BROKERS: 'a:1,nohost,b:0,',
    LOGS_TOPIC: 'bad topic',
    SCOPE: 'week',
    DATABASE_URL: 'mysql://user:secret@db/logs',
    LOG_LEVEL: 'loud',
  });
  read.int(PORT);
  read.int({ env: 'OTHER', fallback: 1, min: 0, max: 65535 });
  read.kafkaBrokers();
  read.kafkaTopic('LOGS_TOPIC', 'logs.v1');
  read.oneOf('SCOPE', 'day', ['day', 'table'], 'day or table');
  read.databaseUrl();
  read.logLevel();
  read.problem('A=1: must be less than B');
  const err = t.throws(() => read.throwIfInvalid(TestConfigError)) as TestConfigError;
  t.type(err, TestConfigError);
  t.equal(err.code, 'TEST_CONFIG_INVALID');
  t.same(err.problems, [
    'PORT="1e3": expected an integer from 0 to 65535',
    'OTHER="70000": expected an integer from 0 to 65535',
    'KAFKA_BROKERS="a:1,nohost,b:0,": "nohost" is not host:port',
    'KAFKA_BROKERS="a:1,nohost,b:0,": "b:0" is not host:port',
    'KAFKA_BROKERS="a:1,nohost,b:0,": "" is not host:port',
    'LOGS_TOPIC="bad topic": expected a Kafka topic name ([a-zA-Z0-9._-], at most 249)',
    'SCOPE="week": expected day or table',
    'DATABASE_URL: expected a postgres: or postgresql:// URL',
    'LOG_LEVEL="loud": expected fatal, error, warn, info, debug, trace, silent',
    'A=1: must be less than B',
  ]);
  t.equal(err.name, 'ConfigError');
  t.equal(err.message, `invalid configuration:\n  ${err.problems.join('\n  ')}`, 'one problem a line');
  t.notMatch(err.message, /secret/, 'a URL is never echoed: it may hold a password');
});
