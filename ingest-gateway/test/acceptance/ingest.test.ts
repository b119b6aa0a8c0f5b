// Acceptance: 10,000 events from 50 concurrent clients, as single objects, JSON arrays and NDJSON,
// through a listening gateway into a real topic. Every acknowledged id is in the topic exactly once,
// decodes with the Avro codec named by its header, and sits in the partition its key maps to.
import t from 'tap';
import { SCHEMA_FINGERPRINT_HEADER, eventCodec } from '@logpipe/schemas';
import { javaPartition, readTopic, requireKafka, startGateway, topicAdmin, uniqueTopic } from '../helpers/kafka.js';

const TOTAL = 10_000;
const CLIENTS = 50;
const PARTITIONS = 6;

t.test('10,000 events, 50 clients, three body formats', async (t) => {
  if (!(await requireKafka(t))) return;
  const admin = await topicAdmin(t);
  const topic = uniqueTopic('ingest');
  admin.track(topic);
  const gateway = await startGateway(t, { topic, topicPartitions: PARTITIONS });

  let next = 0;
  const sent = new Map<string, { message: string; resourceId: string }>();
  const kinds = { single: 0, array: 0, ndjson: 0 };
  const statuses = new Map<number, number>();

  const makeEvent = (n: number) => {
    const e: Record<string, unknown> = {
      level: ['info', 'WARN', 'warning', 'error', 'debug'][n % 5],
      message: `acceptance event ${n} ${'x'.repeat(n % 300)}`,
      resourceId: `resource-${n % 211}`,
      timestamp: new Date(Date.UTC(2024, 4, 1) + n * 1000).toISOString(),
      metadata: { n, parentResourceId: `parent-${n % 13}` },
    };
    // Every tenth event brings its own id, as an idempotent client would.
    if (n % 10 === 0) e.id = `0190b6d2-0000-7000-8000-${String(n).padStart(12, '0')}`;
    return e;
  };

  const client = async (c: number) => {
    while (next < TOTAL) {
      const kind = (['single', 'array', 'ndjson'] as const)[(next + c) % 3]!;
      const size = kind === 'single' ? 1 : Math.min(TOTAL - next, 2 + ((next * 7 + c) % 99));
      const first = next;
      next += size;
      const events = Array.from({ length: size }, (_, i) => makeEvent(first + i));
      const body = kind === 'ndjson' ? events.map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(kind === 'single' ? events[0] : events);
      const res = await fetch(`${gateway.url}/logs`, { method: 'POST', headers: { 'content-type': kind === 'ndjson' ? 'application/x-ndjson' : 'application/json' }, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const answer = (await res.json()) as { accepted: number; ids: string[] };
      if (res.status !== 202) continue;
      kinds[kind]++;
      answer.ids.forEach((id, i) => sent.set(id, { message: events[i]!.message as string, resourceId: events[i]!.resourceId as string }));
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  const ingestMs = performance.now() - started;
  t.same(Object.fromEntries(statuses), { 202: kinds.single + kinds.array + kinds.ndjson }, 'every request answered 202');
  t.equal(sent.size, TOTAL, 'every event acknowledged with a distinct id');
  t.comment(`ingest: ${TOTAL} events in ${Math.round(ingestMs)} ms (${Math.round(TOTAL / (ingestMs / 1000))} events/s; requests: ${JSON.stringify(kinds)})`);

  const readStarted = performance.now();
  const records = await readTopic(admin, topic);
  t.comment(`read back ${records.length} records in ${Math.round(performance.now() - readStarted)} ms`);
  t.equal(records.length, TOTAL, 'the topic holds exactly the acknowledged events');

  const seen = new Set<string>();
  let misplaced = 0;
  let wrong = 0;
  for (const record of records) {
    const event = eventCodec.decode(record.value, record.headers[SCHEMA_FINGERPRINT_HEADER] as Buffer);
    if (seen.has(event.id)) t.fail(`${event.id} read twice`);
    seen.add(event.id);
    const expected = sent.get(event.id);
    if (!expected || expected.message !== event.message || expected.resourceId !== event.resourceId || record.key !== event.resourceId) wrong++;
    if (record.partition !== javaPartition(event.resourceId, PARTITIONS)) misplaced++;
  }
  t.equal(seen.size, TOTAL, 'each acknowledged id read exactly once');
  t.equal(wrong, 0, 'each record is the event sent under its id, keyed by its resourceId');
  t.equal(misplaced, 0, 'each record in the partition murmur2(resourceId) maps to');
  t.ok(performance.now() - started < 60_000, `whole test body in ${Math.round(performance.now() - started)} ms`);
});
