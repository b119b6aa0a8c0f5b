// Events stored the way the pipeline stores them — through the sinks' own write code — into a PostgreSQL
// schema and an Elasticsearch index prefix of the test's own, removed when the test ends. The query API
// under test is then pointed at that schema and alias.
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { eventCodec, SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';
import { buildElasticsearchSink, buildPostgresSink, type Sink, type SinkBatch, type SinkContext } from '@logpipe/sinks';
import { pino } from 'pino';
import postgres from 'postgres';
import { databaseUrl, esUrl, uniqueName } from './services.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface Dataset {
  /** PostgreSQL schema holding `logs` (and, once the API started, `api_keys`). */
  schema: string;
  /** Elasticsearch index prefix; the sink's alias is the prefix itself. */
  alias: string;
  /** Stores more events (both stores unless `only` says otherwise). */
  add(events: readonly LogEvent[], only?: 'postgres' | 'elasticsearch'): Promise<void>;
}

const context = (groupId: string): SinkContext => ({ logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }, pino.destination(2)), now: () => new Date(), groupId });

/** A valid stored event; timestamps default to a recent instant, inside both sinks' retention. */
export function makeEvent(overrides: Partial<LogEvent> = {}): LogEvent {
  const now = new Date().toISOString();
  return { id: randomUUID(), level: 'info', message: 'GET /api/orders 200 in 12 ms', resourceId: 'checkout-service', timestamp: now, receivedAt: now, ...overrides };
}

export async function createDataset(t: Teardown): Promise<Dataset> {
  const schema = uniqueName('s');
  const alias = uniqueName('i').replaceAll('_', '-');
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const es = new Client({ node: esUrl });
  const pg = await buildPostgresSink(context('test-query-api'), { url: databaseUrl, schema });
  const el = await buildElasticsearchSink(context('test-query-api'), { node: esUrl, indexPrefix: alias });
  t.teardown(async () => {
    await Promise.allSettled([pg.close(), el.close()]);
    await admin.unsafe(`drop schema if exists "${schema}" cascade`);
    const indices = Object.keys(await es.indices.get({ index: `${alias}-*`, ignore_unavailable: true, allow_no_indices: true }));
    if (indices.length > 0) await es.indices.delete({ index: indices });
    await es.indices.deleteIndexTemplate({ name: `logpipe-${alias}` }, { ignore: [404] });
    await Promise.allSettled([admin.end({ timeout: 5 }), es.close()]);
  });
  let offset = 0;
  const write = async (sink: Sink, batch: SinkBatch): Promise<void> => {
    const result = await sink.write(batch);
    if (result.rejected.length > 0) throw new Error(`the sink refused ${result.rejected.length} events: ${result.rejected[0]?.reason}`);
  };
  return {
    schema,
    alias,
    async add(events, only) {
      for (let i = 0; i < events.length; i += 5000) {
        const slice = events.slice(i, i + 5000);
        const records = slice.map((event) => ({
          event,
          topic: 'logs.v1',
          partition: 0,
          offset: String(offset++),
          raw: eventCodec.encode(event),
          headers: { [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(eventCodec.fingerprint) },
        }));
        const batch: SinkBatch = { topic: 'logs.v1', partition: 0, records, nextOffset: String(offset) };
        await Promise.all([only !== 'elasticsearch' ? write(pg, batch) : undefined, only !== 'postgres' ? write(el, batch) : undefined]);
      }
      if (only !== 'postgres') await es.indices.refresh({ index: alias });
    },
  };
}
