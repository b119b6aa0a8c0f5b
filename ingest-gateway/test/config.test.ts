import t from 'tap';
import { LIMITS } from '@logpipe/schemas';
import { ConfigError, loadConfig } from '../src/config.js';

t.test('defaults work against the local stack', async (t) => {
  const config = loadConfig({});
  t.match(config, {
    host: '127.0.0.1',
    port: 3000,
    kafkaBrokers: ['127.0.0.1:9092'],
    topic: 'logs.v1',
    topicPartitions: 6,
    maxMessageBytes: LIMITS.messageMaxBytes,
    maxMetadataKeys: LIMITS.metadataMaxKeys,
    lingerMs: 5,
    maxBatchesInFlight: 4,
  });
  t.ok(config.maxBatchBytes < 1024 * 1024, 'a batch stays under Kafka\'s default message.max.bytes');
});

t.test('settings come from their variables', async (t) => {
  const config = loadConfig({ PORT: '0', HOST: '0.0.0.0', KAFKA_BROKERS: 'a:1, b.example:9093', LOGS_TOPIC: 'logs.test', INGEST_LINGER_MS: '0', INGEST_MAX_MESSAGE_BYTES: '1024' });
  t.match(config, { port: 0, host: '0.0.0.0', kafkaBrokers: ['a:1', 'b.example:9093'], topic: 'logs.test', lingerMs: 0, maxMessageBytes: 1024 });
});

t.test('every bad variable is named in one error', async (t) => {
  const err = t.throws(() =>
    loadConfig({ PORT: '70000', TOPIC_PARTITIONS: 'six', INGEST_LINGER_MS: '1e3', KAFKA_BROKERS: 'localhost', LOGS_TOPIC: 'bad topic', INGEST_MAX_MESSAGE_BYTES: String(LIMITS.messageMaxBytes + 1), LOG_LEVEL: 'loud' }),
  ) as ConfigError;
  t.type(err, ConfigError);
  for (const name of ['PORT', 'TOPIC_PARTITIONS', 'INGEST_LINGER_MS', 'KAFKA_BROKERS', 'LOGS_TOPIC', 'INGEST_MAX_MESSAGE_BYTES', 'LOG_LEVEL']) {
    t.match(err.message, new RegExp(`\\b${name}=`), name);
  }
  t.equal(err.problems.length, 7);
});
