// The shared consumer loop against the real Kafka of the local stack, with in-memory sinks: offsets move
// only after a write resolved, a failed write is delivered again, dead letters carry their reason, a
// sink's stored offsets win on assignment, and stop() finishes the write in flight.
import { SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';
import type { Admin } from 'kafkajs';
import t from 'tap';
import type { Sink, SinkBatch, WriteResult } from '../src/contract.js';
import { DEAD_LETTER_HEADERS } from '../src/dead-letter.js';
import { makeEvent } from './helpers/events.js';
import { eventMessage, eventually, produce, readMessages, testKafka, testTopics } from './helpers/kafka.js';
import { loopConfig, startLoop } from './helpers/loop.js';

const kafka = testKafka();
let admin: Admin;
t.before(async () => {
  admin = kafka.admin();
  await admin.connect();
});
t.teardown(() => admin.disconnect());

/** Committed offset of the group on one partition (-1: none). */
async function committed(groupId: string, topic: string, partition: number): Promise<number> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Number(entry?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
}

/** An in-memory store: what write() received and what it kept, by partition, in order. */
class MemorySink implements Sink {
  readonly batches: SinkBatch[] = [];
  readonly stored: LogEvent[] = [];
  readonly #ids = new Set<string>();
  constructor(readonly onWrite: (batch: SinkBatch, sink: MemorySink) => Promise<Partial<WriteResult> | void> = async () => {}) {}
  async write(batch: SinkBatch): Promise<WriteResult> {
    this.batches.push(batch);
    const extra = (await this.onWrite(batch, this)) ?? {};
    const rejected = extra.rejected ?? [];
    for (const r of batch.records) {
      if (rejected.some((x) => x.record === r) || this.#ids.has(r.event.id)) continue;
      this.#ids.add(r.event.id);
      this.stored.push(r.event);
    }
    return { stored: batch.records.length - rejected.length, rejected, retried: extra.retried ?? 0 };
  }
  async healthcheck() {
    return true;
  }
  async close() {}
}

t.test('a failed write leaves the offset where it was; the same records come again, stored once in order', async (t) => {
  const names = await testTopics(t, admin, 1);
  const events = Array.from({ length: 30 }, (_, i) => makeEvent({ message: `event ${i}` }));
  await produce(kafka, names.topic, events.map((e) => eventMessage(e, 0)));

  const FAILURES = 3;
  let failed = 0;
  const committedWhileFailing: number[] = [];
  const sink = new MemorySink(async (batch) => {
    // Slices of 10: the second slice (offsets 10..19) fails three times before it is stored.
    if (batch.records[0]?.offset === '10' && failed < FAILURES) {
      failed++;
      committedWhileFailing.push(await committed(names.groupId, names.topic, 0));
      throw new Error('store unavailable');
    }
  });
  const { loop, metrics } = await startLoop(t, kafka, sink, loopConfig(names, { maxBatchRecords: 10 }));

  await eventually('30 events stored', () => sink.stored.length === 30);
  await eventually('offset 30 committed', async () => (await committed(names.groupId, names.topic, 0)) === 30);
  t.equal(failed, FAILURES, 'the write failed three times');
  t.same(committedWhileFailing, [10, 10, 10], 'while failing, the committed offset stayed at the first unstored record');
  t.same(sink.stored.map((e) => e.id), events.map((e) => e.id), 'every event once, in order');
  const offsetsSeen = sink.batches.map((b) => `${b.records[0]!.offset}-${b.nextOffset}`);
  t.same(offsetsSeen, ['0-10', '10-20', '10-20', '10-20', '10-20', '20-30'], 'the failed slice was delivered again, nothing skipped');
  t.match(await metrics.registry.getSingleMetricAsString('logpipe_sink_retries_total'), /scope="batch"[^}]*} 3/);
  t.match(await metrics.registry.getSingleMetricAsString('logpipe_sink_consumer_lag'), /partition="0"[^}]*} 0/);
  await loop.stop();
});

t.test('records that do not decode, and records the sink rejects, go to the DLQ with their reason', async (t) => {
  const names = await testTopics(t, admin, 1);
  const good = [makeEvent({ message: 'first' }), makeEvent({ message: 'refused by the store' }), makeEvent({ message: 'last' })];
  await produce(kafka, names.topic, [
    eventMessage(good[0]!, 0),
    { partition: 0, key: 'k1', value: Buffer.from('not avro at all'), headers: { [SCHEMA_FINGERPRINT_HEADER]: eventMessage(good[0]!).headers![SCHEMA_FINGERPRINT_HEADER] as string } },
    { partition: 0, key: 'k2', value: eventMessage(good[0]!).value, headers: { [SCHEMA_FINGERPRINT_HEADER]: 'f'.repeat(64) } },
    { partition: 0, key: 'k3', value: null },
    eventMessage(good[1]!, 0),
    eventMessage(good[2]!, 0),
  ]);
  const sink = new MemorySink(async (batch) => ({
    rejected: batch.records.filter((r) => r.event.message === 'refused by the store').map((record) => ({ record, reason: 'mapping conflict on metadata.n', code: 'mapper_parsing_exception' })),
  }));
  const { metrics } = await startLoop(t, kafka, sink, loopConfig(names));

  const letters = await readMessages(kafka, names.dlqTopic, 4);
  const header = (m: (typeof letters)[number], name: string) => m.headers?.[name]?.toString();
  const byOffset = new Map(letters.map((m) => [header(m, DEAD_LETTER_HEADERS.sourceOffset), m]));
  t.same([...byOffset.keys()].sort(), ['1', '2', '3', '4']);
  t.same(
    [1, 2, 3, 4].map((o) => header(byOffset.get(String(o))!, DEAD_LETTER_HEADERS.code)),
    ['SINK_UNDECODABLE', 'SINK_UNKNOWN_SCHEMA', 'SINK_EMPTY_VALUE', 'mapper_parsing_exception'],
  );
  const undecodable = byOffset.get('1')!;
  t.same(undecodable.value, Buffer.from('not avro at all'), 'original bytes');
  t.equal(undecodable.key?.toString(), 'k1', 'original key');
  t.equal(header(undecodable, DEAD_LETTER_HEADERS.sourceTopic), names.topic);
  t.equal(header(undecodable, DEAD_LETTER_HEADERS.sourcePartition), '0');
  t.equal(header(undecodable, DEAD_LETTER_HEADERS.sink), 'test');
  t.ok(header(undecodable, SCHEMA_FINGERPRINT_HEADER), 'original headers kept');
  t.match(header(undecodable, DEAD_LETTER_HEADERS.reason), /decode/i);
  t.match(header(byOffset.get('2')!, DEAD_LETTER_HEADERS.reason), /fingerprint/i);
  const refused = byOffset.get('4')!;
  t.equal(header(refused, DEAD_LETTER_HEADERS.reason), 'mapping conflict on metadata.n');
  t.equal(refused.key?.toString(), good[1]!.resourceId, 'key = resourceId');

  await eventually('offset 6 committed', async () => (await committed(names.groupId, names.topic, 0)) === 6);
  t.same(sink.stored.map((e) => e.message), ['first', 'last']);
  t.match(await metrics.registry.getSingleMetricAsString('logpipe_sink_records_dead_lettered_total'), /code="SINK_UNDECODABLE"[^}]*} 1/);
  t.match(await metrics.registry.getSingleMetricAsString('logpipe_sink_records_consumed_total'), / 6$/m);
});

t.test("a sink's stored offsets decide where each assigned partition resumes", async (t) => {
  const names = await testTopics(t, admin, 2);
  const events = Array.from({ length: 20 }, (_, i) => makeEvent({ message: `event ${i}` }));
  await produce(kafka, names.topic, [...events.slice(0, 10).map((e) => eventMessage(e, 0)), ...events.slice(10).map((e) => eventMessage(e, 1))]);
  const sink = new MemorySink();
  let asked: number[] = [];
  Object.assign(sink, {
    // The store already holds partition 0 up to offset 7 (exclusive); it knows nothing of partition 1.
    storedOffsets: async (_topic: string, partitions: number[]) => {
      asked = asked.concat(partitions);
      return new Map([[0, '7']]);
    },
  });
  await startLoop(t, kafka, sink, loopConfig(names));
  await eventually('13 events stored', () => sink.stored.length === 13);
  t.same(new Set(sink.stored.map((e) => e.message)), new Set(['event 7', 'event 8', 'event 9', ...events.slice(10).map((e) => e.message)]));
  t.same(asked.sort(), [0, 1], 'asked once per assigned partition');
  await eventually('offset 10 committed on partition 0', async () => (await committed(names.groupId, names.topic, 0)) === 10);
});

t.test('stop() lets the write in flight finish and commits it', async (t) => {
  const names = await testTopics(t, admin, 1);
  const events = Array.from({ length: 5 }, () => makeEvent());
  await produce(kafka, names.topic, events.map((e) => eventMessage(e, 0)));
  let release: () => void = () => {};
  let started: () => void = () => {};
  const writing = new Promise<void>((resolve) => (started = resolve));
  const sink = new MemorySink(() => {
    started();
    return new Promise((resolve) => (release = () => resolve()));
  });
  const { loop } = await startLoop(t, kafka, sink, loopConfig(names));
  await writing;
  const stopping = loop.stop();
  t.equal(loop.isConsuming(), false, 'not ready while stopping');
  setTimeout(() => release(), 300);
  await stopping;
  t.equal(sink.stored.length, 5);
  t.equal(await committed(names.groupId, names.topic, 0), 5, 'the drained write was committed');
});

t.test('a stored offset beyond the end of the partition holds it until it is reset', async (t) => {
  const names = await testTopics(t, admin, 1);
  const events = Array.from({ length: 5 }, () => makeEvent());
  await produce(kafka, names.topic, events.map((e) => eventMessage(e, 0)));
  const sink = new MemorySink();
  let stored = new Map([[0, '1000']]);
  let asked = 0;
  Object.assign(sink, {
    storedOffsets: async () => {
      asked++;
      return stored;
    },
  });
  await startLoop(t, kafka, sink, loopConfig(names));
  await eventually('asked again after a backoff', () => asked >= 3);
  t.equal(sink.stored.length, 0, 'nothing written while the stored offset is ahead');
  stored = new Map(); // the operator deleted the row
  await eventually('5 events stored', () => sink.stored.length === 5);
});
