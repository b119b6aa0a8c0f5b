// createMissingTopics against the local stack's Kafka, on topics of its own deleted at the end.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import t from 'tap';
import { createKafka, createMissingTopics, kafkaLogCreator } from '../src/kafka.js';

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(level = 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

t.test('kafkajs entries become pino lines at the same level, without its timestamp and logger name', async (t) => {
  const { logger, lines } = capturingLogger();
  const log = kafkaLogCreator(logger)(logLevel.DEBUG);
  const entry = (level: logLevel, message: string) => ({ namespace: 'Connection', level, label: 'X', log: { timestamp: 'ts', logger: 'kafkajs', message, broker: 'b:9092' } });
  log(entry(logLevel.ERROR, 'e'));
  log(entry(logLevel.WARN, 'w'));
  log(entry(logLevel.INFO, 'i'));
  log(entry(logLevel.DEBUG, 'd'));
  t.same(
    lines.map((l) => [l.level, l.msg]),
    [[50, 'e'], [40, 'w'], [30, 'i'], [20, 'd']],
  );
  t.match(lines[0], { component: 'kafkajs', namespace: 'Connection', broker: 'b:9092' });
  t.notOk('timestamp' in lines[0]! || 'logger' in lines[0]!);
});

t.test('creates the missing topics only, and answers which they were', async (t) => {
  const { logger } = capturingLogger('silent');
  const kafka = createKafka(
    { kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), kafkaClientId: 'test-runtime', kafkaConnectionTimeoutMs: 3000, kafkaRequestTimeoutMs: 30_000 },
    logger,
  );
  const admin = kafka.admin();
  await admin.connect();
  const id = randomUUID().slice(0, 8);
  const existing = { topic: `test-runtime-${id}-a`, numPartitions: 1 };
  const missing = { topic: `test-runtime-${id}-b`, numPartitions: 2 };
  t.teardown(async () => {
    await admin.deleteTopics({ topics: [existing.topic, missing.topic] }).catch(() => {});
    await admin.disconnect();
  });
  await admin.createTopics({ topics: [existing], waitForLeaders: true });

  t.same(await createMissingTopics(admin, [existing, missing], logger), [missing]);
  const metadata = await admin.fetchTopicMetadata({ topics: [existing.topic, missing.topic] });
  t.same(
    metadata.topics.map((m) => [m.name, m.partitions.length]).sort(),
    [[existing.topic, 1], [missing.topic, 2]],
    'each with its own partition count',
  );
  t.same(await createMissingTopics(admin, [existing, missing], logger), [], 'nothing missing the second time');
});
