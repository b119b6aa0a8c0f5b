// One private pipeline per test: the built gateway and sink processes (`node */dist/main.js`, run
// `npm run build` first) on unique Kafka topics, consumer groups, PostgreSQL schema and Elasticsearch
// index prefix, so tests of other engineers on the shared stack never meet them. Teardown stops the
// processes, then deletes the topics, groups, schema, indices and index template.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import { eventCodec, SCHEMA_FINGERPRINT_HEADER } from '@logpipe/schemas';
import { Kafka, logLevel } from 'kafkajs';
import postgres, { type Sql } from 'postgres';
import type { Test } from 'tap';
import { eventually, spawnChild, type Child } from './child.js';

const script = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));
const gatewayScript = script('ingest-gateway/dist/main.js');
const sinkScript = script('sinks/dist/main.js');
// A missing or stale build (one that predates ELASTICSEARCH_INDEX_PREFIX would ignore the run's prefix and
// write into the shared `logs` indices) fails every pipeline test rather than skipping it.
if (!(existsSync(gatewayScript) && existsSync(sinkScript) && readFileSync(script('sinks/dist/config.js'), 'utf8').includes('ELASTICSEARCH_INDEX_PREFIX'))) {
  throw new Error('test/pipeline needs the current build of the gateway and sinks: run npm run build first');
}

const sharedKafka = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const sharedElasticsearch = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const sharedPostgres = process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs';

export type SinkKind = 'elasticsearch' | 'postgres';

interface RunNames {
  topic: string;
  dlqTopic: string;
  groups: Record<SinkKind, string>;
  schema: string;
  /** Daily indices `<indexPrefix>-YYYY.MM.DD`; also the alias. Never under `logs-`. */
  indexPrefix: string;
}

function runNames(): RunNames {
  const id = `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
  return {
    topic: `test-pipeline-${id}`,
    dlqTopic: `test-pipeline-${id}.dlq`,
    groups: { elasticsearch: `test-pipeline-${id}-es`, postgres: `test-pipeline-${id}-pg` },
    schema: `t_pipeline_${id.replace(/-/g, '_')}`,
    indexPrefix: `t-pipeline-${id}`,
  };
}

export interface SinkProcess extends Child {
  readonly kind: SinkKind;
  /** Resolves once it joined its consumer group; rejects if it exits first or takes over 60 s. */
  readonly joined: Promise<void>;
  hasJoined(): boolean;
  /** Partitions of its latest `joined the group`, undefined before the first. */
  assignment(): number[] | undefined;
  /** A counter or gauge of its /metrics, summed over labels; undefined if it did not answer (in time). */
  metric(name: string, timeoutMs?: number): Promise<number | undefined>;
}

export interface DeadLetterRecord {
  /** The id of the event in the original value. */
  id: string;
  headers: Record<string, string>;
}

export interface PipelineOptions {
  partitions?: number;
  elasticsearchUrl?: string;
  databaseUrl?: string;
}

export class Pipeline {
  readonly names = runNames();
  readonly partitions: number;
  readonly elasticsearchUrl: string;
  readonly databaseUrl: string;
  readonly kafka = new Kafka({ clientId: 'pipeline-tests', brokers: sharedKafka.split(','), connectionTimeout: 3000, logLevel: logLevel.NOTHING });
  readonly es: Client;
  readonly sql: Sql;
  readonly sinks: SinkProcess[] = [];
  gatewayUrl = '';
  #gateway: Child | undefined;

  constructor(t: Test, options: PipelineOptions = {}) {
    this.partitions = options.partitions ?? 6;
    this.elasticsearchUrl = options.elasticsearchUrl ?? sharedElasticsearch;
    this.databaseUrl = options.databaseUrl ?? sharedPostgres;
    this.es = new Client({ node: this.elasticsearchUrl, requestTimeout: 60_000 });
    // Readers only; `idle_timeout` lets a pool survive its server's restart.
    this.sql = postgres(this.databaseUrl, { max: 2, idle_timeout: 5, connect_timeout: 5, onnotice: () => {} });
    t.teardown(async () => {
      // What the processes said is what one needs to see when a test fails.
      if (!t.passing()) for (const c of [...this.sinks, ...(this.#gateway ? [this.#gateway] : [])]) console.error(`--- output of pid ${c.pid}:\n${c.output().slice(-4000)}`);
      await this.close();
    });
  }

  /** Creates the topics (so gateway and sinks agree on the partition count) and starts the gateway. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic: this.names.topic, numPartitions: this.partitions },
          { topic: this.names.dlqTopic, numPartitions: 1 },
        ],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
    const gateway = spawnChild([process.execPath, gatewayScript], {
      json: true,
      env: { PORT: '0', HOST: '127.0.0.1', KAFKA_BROKERS: sharedKafka, LOGS_TOPIC: this.names.topic, TOPIC_PARTITIONS: String(this.partitions), LOG_LEVEL: 'info' },
    });
    this.#gateway = gateway;
    const listening = () => gateway.lines.find((l) => l.msg === 'ingest gateway listening');
    await eventually(() => `the gateway to listen (output:\n${gateway.output()})`, () => {
      if (gateway.exit !== undefined) throw new Error(`the gateway exited (${gateway.exit}):\n${gateway.output()}`);
      return listening() !== undefined;
    }, 30_000, 100);
    this.gatewayUrl = String(listening()!.address);
  }

  /** Starts one process of a sink; resolves once it is in its consumer group. */
  async startSink(kind: SinkKind): Promise<SinkProcess> {
    const sink = this.spawnSink(kind);
    await sink.joined;
    return sink;
  }

  /** Starts one process of a sink; `joined` resolves once it is in its consumer group. */
  spawnSink(kind: SinkKind): SinkProcess {
    const child = spawnChild([process.execPath, sinkScript], {
      json: true,
      env: {
        SINK: kind,
        SINK_PORT: '0',
        SINK_GROUP_ID: this.names.groups[kind],
        KAFKA_BROKERS: sharedKafka,
        LOGS_TOPIC: this.names.topic,
        TOPIC_PARTITIONS: String(this.partitions),
        DLQ_TOPIC: this.names.dlqTopic,
        DATABASE_URL: this.databaseUrl,
        PG_SCHEMA: this.names.schema,
        ELASTICSEARCH_URL: this.elasticsearchUrl,
        ELASTICSEARCH_INDEX_PREFIX: this.names.indexPrefix,
        LOG_LEVEL: 'info',
      },
    });
    const line = (msg: string) => child.lines.find((l) => l.msg === msg);
    const joined = eventually(() => `sink-${kind} to join its group (output:\n${child.output()})`, () => {
      if (child.exit !== undefined) throw new Error(`sink-${kind} exited (${child.exit}):\n${child.output()}`);
      return line('joined the group') !== undefined;
    }, 60_000, 100);
    // A process killed before it joined never resolves it; its rejection is the caller's, if it waits.
    joined.catch(() => {});
    const sink: SinkProcess = Object.assign(child, {
      kind,
      joined,
      hasJoined: () => line('joined the group') !== undefined,
      assignment: () => {
        const joins = child.lines.filter((l) => l.msg === 'joined the group');
        return joins.length === 0 ? undefined : (joins[joins.length - 1]!.partitions as number[]);
      },
      metric: async (name: string, timeoutMs = 5000) => {
        const address = line('sink starting')?.address;
        if (address === undefined) return undefined;
        try {
          const text = await (await fetch(`${String(address)}/metrics`, { signal: AbortSignal.timeout(timeoutMs) })).text();
          let sum = 0;
          for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(m[1]);
          return sum;
        } catch {
          return undefined;
        }
      },
    });
    this.sinks.push(sink);
    return sink;
  }

  /** Warnings and errors the sink processes logged, by message, e.g. `sink-postgres: write failed ×3`. */
  sinkWarnings(): string[] {
    const counts = new Map<string, number>();
    for (const s of this.sinks) {
      for (const l of s.lines) {
        if (Number(l.level) < 40) continue;
        const key = `sink-${s.kind}: ${String(l.msg)}${l.code ? ` (${String(l.code)})` : ''}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return [...counts].map(([key, n]) => `${key} ×${n}`);
  }

  /** Ids in PostgreSQL, every row (so a duplicate shows twice). */
  async pgIds(): Promise<string[]> {
    const rows = await this.sql<{ id: string }[]>`select id::text as id from ${this.sql(this.names.schema)}.logs`;
    return rows.map((r) => r.id);
  }

  async pgCount(): Promise<number> {
    try {
      return Number((await this.sql`select count(*)::int as n from ${this.sql(this.names.schema)}.logs`)[0]!.n);
    } catch {
      return 0; // not migrated yet, or the server is away
    }
  }

  /** Ids stored more than once in PostgreSQL, with their counts. */
  async pgDuplicates(): Promise<Array<{ id: string; n: number }>> {
    return this.sql<Array<{ id: string; n: number }>>`
      select id::text as id, count(*)::int as n from ${this.sql(this.names.schema)}.logs group by id having count(*) > 1`;
  }

  /** Documents under the run's alias, as search sees them (refreshed every second). */
  async esCount(): Promise<number> {
    try {
      return (await this.es.count({ index: this.names.indexPrefix, ignore_unavailable: true, allow_no_indices: true })).count;
    } catch {
      return 0; // no index yet, or the node is away
    }
  }

  /** Every document's _id under the run's alias, after a refresh (so a duplicate shows twice). */
  async esIds(): Promise<string[]> {
    const index = `${this.names.indexPrefix}-*`;
    await this.es.indices.refresh({ index, allow_no_indices: true });
    const ids: string[] = [];
    let res = await this.es.search({ index, size: 10_000, _source: false, sort: ['_doc'], scroll: '1m', allow_no_indices: true });
    while (res.hits.hits.length > 0) {
      for (const hit of res.hits.hits) ids.push(hit._id!);
      if (!res._scroll_id) break;
      res = await this.es.scroll({ scroll_id: res._scroll_id, scroll: '1m' });
    }
    if (res._scroll_id) await this.es.clearScroll({ scroll_id: res._scroll_id }).catch(() => {});
    return ids;
  }

  /** Every record of the run's DLQ topic up to its end at call time, its value decoded. */
  async deadLetters(): Promise<DeadLetterRecord[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, number>;
    try {
      ends = new Map((await admin.fetchTopicOffsets(this.names.dlqTopic)).map((o) => [o.partition, Number(o.high)]));
    } finally {
      await admin.disconnect();
    }
    const expected = [...ends.values()].reduce((a, b) => a + b, 0);
    const letters: DeadLetterRecord[] = [];
    if (expected === 0) return letters;
    const groupId = `${this.names.dlqTopic}-reader-${randomUUID().slice(0, 8)}`;
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.names.dlqTopic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${letters.length} of ${expected} dead letters within 30 s`)), 30_000);
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              for (const m of batch.messages) {
                if (Number(m.offset) >= (ends.get(batch.partition) ?? 0)) continue;
                const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));
                letters.push({ id: eventCodec.decode(m.value!, headers[SCHEMA_FINGERPRINT_HEADER]).id, headers });
              }
              if (letters.length >= expected) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      const cleanup = this.kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => {});
      await cleanup.disconnect();
    }
    return letters;
  }

  async close(): Promise<void> {
    // SIGTERM: a sink leaves its group, so the group can be deleted now rather than after its session timeout.
    await Promise.all([...this.sinks, ...(this.#gateway ? [this.#gateway] : [])].map((c) => c.stop('SIGTERM', 15_000)));
    await attempt(`deleting topics ${this.names.topic}(.dlq) and groups`, async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: [this.names.topic, this.names.dlqTopic], timeout: 10_000 });
        await admin.deleteGroups(Object.values(this.names.groups));
      } finally {
        await admin.disconnect();
      }
    });
    await attempt(`dropping schema ${this.names.schema}`, () => this.sql.unsafe(`drop schema if exists "${this.names.schema}" cascade`));
    await attempt(`deleting indices ${this.names.indexPrefix}-* and their template`, async () => {
      // By name: a stock node refuses wildcard deletes.
      const indices = Object.keys(await this.es.indices.get({ index: `${this.names.indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true }));
      if (indices.length > 0) await this.es.indices.delete({ index: indices });
      await this.es.indices.deleteIndexTemplate({ name: `logpipe-${this.names.indexPrefix}` }, { ignore: [404] });
    });
    await this.sql.end({ timeout: 5 });
    await this.es.close();
  }
}

/** A cleanup step that must not stop the others; a failure is said on stderr (it leaves something behind). */
async function attempt(what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (err) {
    console.error(`pipeline test cleanup: ${what} failed: ${(err as Error).message}`);
  }
}
