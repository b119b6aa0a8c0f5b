#!/usr/bin/env node
// Usage: node bench/dist/sink-cpu.js [--events 50000] [--rounds 9] [--json]   (no services; needs `npx tsc -b bench`)
// Profile: node --cpu-prof --cpu-prof-dir=/tmp/prof bench/dist/sink-cpu.js. Times are this process's CPU time; on a
// shared machine, compare two builds by running them alternately several times and taking each one's best.
//
// CPU per event of the Elasticsearch sink's own work, in one process: the sink shares its cores with Elasticsearch,
// so every microsecond here is taken from indexing. Stages, in the order the sink runs them:
//   decode   - decodeMessage on Kafka messages as kafkajs hands them (Avro value, fingerprint header Buffer);
//   items    - toBulkItem per record and bulkBodies at the sink's default body size and concurrency;
//   body     - the _bulk request body of each slice's bodies (bulkRequestBody), as bulk-sender sends it;
//   response - JSON.parse of an all-201 response in the filter_path shape, then classifyBulkResponse.
// A round takes all events through every stage, one write()'s slice (SINK_BATCH_MAX_RECORDS) at a time as the
// sink does, so only one slice is alive at once; a stage's figure is its best round (the least disturbed one).
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { eventCodec, normalizeEvent, SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';
import {
  bodyBytesFor,
  bulkBodies,
  bulkRequestBody,
  classifyBulkResponse,
  decodeMessage,
  isBulkItem,
  loadConfig,
  toBulkItem,
  type BulkItem,
  type BulkResponseBody,
  type SinkRecord,
} from '@logpipe/sinks';
import type { KafkaMessage } from 'kafkajs';
import { sampleEvents } from './sample-events.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '9' },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(args.events);
const rounds = Number(args.rounds);
for (const [name, value] of Object.entries({ events: total, rounds })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of at least 1 (got ${value})`);
}

// The sink's own defaults (and any SINK_… / ELASTICSEARCH_… set here): what one write() gets and cuts.
const sinkConfig = loadConfig({ ...process.env, SINK: 'elasticsearch' });
const BATCH_RECORDS = sinkConfig.maxBatchRecords;
const MAX_BULK_BYTES = sinkConfig.elasticsearchBulkMaxBytes;
const BULK_CONCURRENCY = sinkConfig.elasticsearchBulkConcurrency;
const TOPIC = 'logs.v1';
const INDEX_PREFIX = 'logs';

/** The events as the gateway normalises and encodes them, as kafkajs delivers them (one header Buffer each). */
function kafkaMessages(count: number): KafkaMessage[] {
  const start = Date.parse('2026-11-01T00:00:00.000Z');
  const fingerprint = eventCodec.fingerprint;
  return sampleEvents(count).map((raw, i) => {
    const result = normalizeEvent({ ...raw, timestamp: new Date(start + i * 37).toISOString() }, { now: () => new Date(start + i * 37 + 5), newId: randomUUID });
    if (!result.ok) throw new Error(`sample event ${i} is invalid: ${JSON.stringify(result.issues)}`);
    const event: LogEvent = result.event;
    return {
      key: Buffer.from(event.resourceId),
      value: eventCodec.encode(event),
      headers: { [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(fingerprint) },
      offset: String(i),
      timestamp: String(start + i * 37),
      attributes: 0,
    } as KafkaMessage;
  });
}

interface Stages {
  decode: number;
  items: number;
  body: number;
  response: number;
}

const messages = kafkaMessages(total);
// One response per body size seen, as Elasticsearch sends it under BULK_FILTER_PATH: bytes, which the client
// decodes and parses.
const responses = new Map<number, Buffer>();
const responseFor = (items: number): Buffer => {
  let bytes = responses.get(items);
  if (bytes === undefined) {
    bytes = Buffer.from(`{"errors":false,"items":[${Array.from({ length: items }, () => '{"create":{"status":201}}').join(',')}]}`);
    responses.set(items, bytes);
  }
  return bytes;
};
// Kept so that no stage's result is dead code the JIT could drop.
let sink = 0;

/** CPU time of this process (all its threads: the JIT and GC helpers work for the sink too), in ms. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** One slice of the partition as the consumer loop hands it to write(), through every stage; adds to `spent`. */
function slice(batch: KafkaMessage[], spent: Stages): void {
  const t0 = cpuMs();
  const records: SinkRecord[] = [];
  for (const message of batch) {
    const decoded = decodeMessage(TOPIC, 0, message);
    if (!decoded.ok) throw new Error(decoded.reason);
    records.push(decoded.record);
  }
  const t1 = cpuMs();

  const items: BulkItem[] = [];
  let totalBytes = 0;
  for (const record of records) {
    const item = toBulkItem(record, INDEX_PREFIX);
    if (!isBulkItem(item)) throw new Error(item.reason);
    items.push(item);
    totalBytes += item.bytes;
  }
  const bodies = [...bulkBodies(items, bodyBytesFor(totalBytes, MAX_BULK_BYTES, BULK_CONCURRENCY))];
  const t2 = cpuMs();

  // bulk-sender hands the client a ready body, which its transport sends as it is (content-length aside).
  for (const body of bodies) sink += Buffer.byteLength(bulkRequestBody(body));
  const t3 = cpuMs();

  for (const body of bodies) {
    const outcome = classifyBulkResponse(body, JSON.parse(responseFor(body.length).toString()) as BulkResponseBody);
    sink += outcome.created;
  }
  const t4 = cpuMs();
  spent.decode += t1 - t0;
  spent.items += t2 - t1;
  spent.body += t3 - t2;
  spent.response += t4 - t3;
}

/** All events once, slice by slice; ns per event of each stage. */
function round(): Stages {
  const spent: Stages = { decode: 0, items: 0, body: 0, response: 0 };
  for (let i = 0; i < messages.length; i += BATCH_RECORDS) slice(messages.slice(i, i + BATCH_RECORDS), spent);
  const ns = (ms: number): number => (ms * 1e6) / messages.length;
  return { decode: ns(spent.decode), items: ns(spent.items), body: ns(spent.body), response: ns(spent.response) };
}

const all: Stages[] = [];
for (let r = 0; r < rounds; r++) all.push(round());
const best = (key: keyof Stages): number => Math.min(...all.map((s) => s[key]));
const result = {
  events: total,
  rounds,
  nsPerEvent: {
    decode: best('decode'),
    items: best('items'),
    body: best('body'),
    response: best('response'),
    total: Math.min(...all.map((s) => s.decode + s.items + s.body + s.response)),
  },
};
if (sink < 0) console.log(sink);
if (args.json) console.log(JSON.stringify(result));
else {
  console.log(`sink CPU per event, best of ${rounds} rounds over ${total.toLocaleString('en-US')} events (ns/event):`);
  for (const [stage, value] of Object.entries(result.nsPerEvent)) console.log(`  ${stage.padEnd(10)} ${value.toFixed(0).padStart(7)}`);
}
