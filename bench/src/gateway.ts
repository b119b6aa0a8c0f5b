#!/usr/bin/env node
// Gateway throughput: accepted events/s for 1, 100 and 1,000 events per request at a fixed concurrency,
// each measured next to its ceilings in the same run on the same machine:
//   - HTTP ceiling: the same gateway app with a sink that acknowledges at once (parse + validate, no Kafka);
//   - Kafka ceiling: Kafka's ProducerPerformance at the same record size against the same broker, acks=all.
// Usage: node bench/dist/gateway.js [--seconds 10] [--concurrency 50] [--sizes 1,100,1000] [--profile DIR]
// Needs the local stack (`npm run up`) and a build (`npm run build`).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { eventCodec, normalizeEvent } from '@logpipe/schemas';
import kafkajs from 'kafkajs';
import { runLoad, type LoadResult } from './http-load.js';
import { runProducerPerformance } from './kafka-perf.js';
import { sampleEvents } from './sample-events.js';
import { startService, stopService, type RunningService } from './service-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '50' },
    sizes: { type: 'string', default: '1,100,1000' },
    json: { type: 'boolean', default: false },
    // Writes a V8 CPU profile of the gateway (not the ceiling) into this folder, for finding what limits it.
    profile: { type: 'string' },
  },
});
const durationMs = Number(args.seconds) * 1000;
const concurrency = Number(args.concurrency);
const sizes = args.sizes.split(',').map(Number);
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const stackDir = process.env.STACK_DIR ? path.resolve(process.env.STACK_DIR) : path.join(repoRoot, '.stack');

const progress = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};

function startGateway(script: string, topic: string): Promise<RunningService> {
  const profile = args.profile !== undefined && script.includes('ingest-gateway') ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`] : [];
  return startService({ script, nodeArgs: profile, env: (port) => ({ PORT: String(port), HOST: '127.0.0.1', LOGS_TOPIC: topic, LOG_LEVEL: 'warn' }) });
}

interface Row {
  eventsPerRequest: number;
  gateway: LoadResult;
  httpCeiling: LoadResult;
}

const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const events = sampleEvents(5_000);
  // What one event costs on the wire to Kafka, so the Kafka ceiling moves the same bytes per record.
  const normalised = events.map((e) => normalizeEvent(e, { now: () => new Date(), newId: randomUUID }));
  const avroBytes = normalised.reduce((sum, r) => sum + (r.ok ? eventCodec.encode(r.event).length : 0), 0) / events.length;
  const recordBytes = Math.round(avroBytes);

  const topic = `bench.gateway.${Date.now()}`;
  const ceilingTopic = `${topic}.ceiling`;
  const kafka = new kafkajs.Kafka({ brokers: brokers.split(','), clientId: 'bench', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: ceilingTopic, numPartitions: 6 }], waitForLeaders: true });

  progress(`starting the gateway (topic ${topic}) and its HTTP ceiling`);
  const gateway = await startGateway(path.join(repoRoot, 'ingest-gateway/dist/main.js'), topic);
  const ceiling = await startGateway(path.join(repoRoot, 'bench/dist/null-gateway.js'), topic);
  const rows: Row[] = [];
  try {
    for (const size of sizes) {
      const bodies: Buffer[] = [];
      for (let i = 0; i + size <= events.length && bodies.length < 200; i += size) {
        const slice = events.slice(i, i + size);
        bodies.push(Buffer.from(JSON.stringify(size === 1 ? slice[0] : slice)));
      }
      const load = (url: string): Promise<LoadResult> =>
        runLoad({ url: `${url}/logs`, contentType: 'application/json', bodies, eventsPerBody: size, concurrency, durationMs });
      // A short warm-up so both sides are measured with a JIT-compiled hot path.
      await runLoad({ url: `${ceiling.url}/logs`, contentType: 'application/json', bodies, eventsPerBody: size, concurrency, durationMs: 1000 });
      await runLoad({ url: `${gateway.url}/logs`, contentType: 'application/json', bodies, eventsPerBody: size, concurrency, durationMs: 1000 });
      progress(`${size} event(s)/request: HTTP ceiling for ${args.seconds} s`);
      const httpCeiling = await load(ceiling.url);
      progress(`${size} event(s)/request: gateway → Kafka for ${args.seconds} s`);
      const gw = await load(gateway.url);
      rows.push({ eventsPerRequest: size, gateway: gw, httpCeiling });
    }
  } finally {
    await stopService(gateway);
    await stopService(ceiling);
  }

  const records = Math.max(200_000, Math.round(Math.max(...rows.map((r) => r.gateway.eventsPerSecond)) * 5));
  progress(`Kafka ceiling: ProducerPerformance, ${fmt(records)} records of ${recordBytes} bytes, acks=all`);
  const kafkaCeiling = await runProducerPerformance({ libDir: path.join(stackDir, 'lib', 'kafka'), brokers, topic: ceilingTopic, records, recordBytes });
  await admin.deleteTopics({ topics: [topic, ceilingTopic] }).catch(() => {});
  await admin.disconnect();

  if (args.json) {
    process.stdout.write(`${JSON.stringify({ concurrency, durationMs, recordBytes, kafkaCeiling, rows }, null, 2)}\n`);
    return;
  }
  const lines = [
    `gateway bench: ${concurrency} concurrent clients, ${args.seconds} s per run, events of ${recordBytes} bytes as Avro`,
    '',
    '| events/request | gateway events/s | HTTP ceiling events/s | vs HTTP | Kafka ceiling events/s | vs Kafka | gateway p50 / p99 ms | non-202 | generator CPU |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) =>
      [
        r.eventsPerRequest,
        fmt(r.gateway.eventsPerSecond),
        fmt(r.httpCeiling.eventsPerSecond),
        `${fmt((100 * r.gateway.eventsPerSecond) / r.httpCeiling.eventsPerSecond, 1)} %`,
        fmt(kafkaCeiling.recordsPerSecond),
        `${fmt((100 * r.gateway.eventsPerSecond) / kafkaCeiling.recordsPerSecond, 1)} %`,
        `${fmt(r.gateway.p50Ms, 1)} / ${fmt(r.gateway.p99Ms, 1)}`,
        JSON.stringify(r.gateway.failures),
        `${fmt(100 * r.gateway.generatorCpu)} %`,
      ].join(' | ').replace(/^/, '| ').concat(' |'),
    ),
    '',
    `Kafka ceiling: ${kafkaCeiling.line}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
