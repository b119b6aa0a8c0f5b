#!/usr/bin/env node
// Query API latency next to its ceiling, the stores asked directly, in the same run (issue 5):
//   1. N sample events (sample-events.ts, moved to end an hour before today began, UTC: a finished day,
//      inside both sinks' retention) are written through the sinks' own write code — the path the pipeline
//      stores events by — into a PostgreSQL schema and an Elasticsearch index prefix of the bench's own.
//      Then the stores get what they give a finished day: the sinks' maintenance runs (which merge a past
//      day's index into one segment, and a past partition's GIN pending lists) and ANALYZE (autovacuum's).
//   2. The query API runs as its own process (query-api/dist/main.js, pointed at that schema and alias, on a
//      free port), as in the stack; it is asked over HTTP, as a client would.
//   3. A fixed mix of queries (exact field, field + time range, full-text word, phrase, regex, combined) is
//      run round-robin through the API (source=both, limit 100) and directly against each store with the
//      same compiled query (Elasticsearch search; PostgreSQL select with the same where, order and limit),
//      one request at a time, so each measures latency, not throughput. In the same rounds, as floors with
//      no target: both stores asked at once (what a fan-out costs on this machine without any API) and a
//      round trip to the API's /healthz (what an HTTP hop costs).
// It prints p50/p99 per query kind and the ratio API p50 / slower direct p50, next to the targets.
// Usage: node bench/dist/query.js [--events 1000000] [--runs 30] [--reuse] [--keep] [--json]
// --reuse skips loading when the bench schema and indices already hold --events events (a previous --keep).
// Needs the local stack (`npm run up`) and a build. Data is removed at the end unless --keep.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, type estypes } from '@elastic/elasticsearch';
import { buildQuery, compileElasticsearch, compileSql, elasticsearchEventSort, eventCodec, normalizeEvent, SCHEMA_FINGERPRINT_HEADER, type LogEvent, type QueryNode, type SearchParams } from '@logpipe/schemas';
import { buildElasticsearchSink, buildPostgresSink, type Sink, type SinkBatch } from '@logpipe/sinks';
import { pino } from 'pino';
import postgres from 'postgres';
import { sampleEvents } from './sample-events.js';
import { startService, stopService } from './service-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '30' },
    reuse: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(args.events);
const runs = Number(args.runs);
for (const [name, value] of Object.entries({ events: total, runs })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of at least 1 (got ${value})`);
}

const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs';
// Fixed names, so --keep then --reuse can skip a 1M-event load; never the stack's own `logs` / `public`.
const schema = 'bench_query';
const prefix = 'bench-query';
const BATCH = 10_000;
const LIMIT = 100;

const progress = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};
const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

const silent = pino({ level: process.env.LOG_LEVEL ?? 'silent' }, pino.destination(2));
const sql = postgres(databaseUrl, { max: 4, onnotice: () => {} });
const es = new Client({ node: esUrl, requestTimeout: 120_000 });

async function storedCounts(): Promise<{ pg: number; es: number }> {
  const [row] = await sql<{ n: number }[]>`select count(*)::float8 as n from ${sql(schema)}.logs`.catch(() => [{ n: 0 }]);
  const esCount = await es.count({ index: prefix, ignore_unavailable: true, allow_no_indices: true }).then((r) => r.count, () => 0);
  return { pg: row?.n ?? 0, es: esCount };
}

async function dropData(): Promise<void> {
  await sql.unsafe(`drop schema if exists "${schema}" cascade`);
  const indices = Object.keys(await es.indices.get({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true }));
  if (indices.length > 0) await es.indices.delete({ index: indices });
  await es.indices.deleteIndexTemplate({ name: `logpipe-${prefix}` }, { ignore: [404] });
}

/** The sample events as the gateway would have stored them, moved so the newest is at 23:00 UTC yesterday. */
function loadEvents(): LogEvent[] {
  const raw = sampleEvents(total);
  const last = Date.parse(String(raw.at(-1)?.timestamp));
  const startOfToday = new Date().setUTCHours(0, 0, 0, 0);
  const shift = startOfToday - 3_600_000 - last;
  return raw.map((e) => {
    const timestamp = new Date(Date.parse(String(e.timestamp)) + shift).toISOString();
    const result = normalizeEvent({ ...e, timestamp }, { now: () => new Date(timestamp), newId: randomUUID });
    if (!result.ok) throw new Error(`a sample event is invalid: ${JSON.stringify(result.issues)}`);
    return result.event;
  });
}

async function load(events: LogEvent[]): Promise<void> {
  const ctx = { logger: silent, now: () => new Date(), groupId: 'bench-query' };
  const pg = await buildPostgresSink(ctx, { url: databaseUrl, schema });
  const el = await buildElasticsearchSink(ctx, { node: esUrl, indexPrefix: prefix });
  const write = async (sink: Sink, batch: SinkBatch) => {
    const result = await sink.write(batch);
    if (result.rejected.length > 0) throw new Error(`the sink refused ${result.rejected.length} events: ${result.rejected[0]?.reason}`);
  };
  const started = performance.now();
  let lastNote = started;
  try {
    for (let i = 0; i < events.length; i += BATCH) {
      const slice = events.slice(i, i + BATCH);
      const records = slice.map((event, j) => ({
        event,
        topic: 'bench.query',
        partition: 0,
        offset: String(i + j),
        raw: eventCodec.encode(event),
        headers: { [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(eventCodec.fingerprint) },
      }));
      // Both stores at once, as the two sink processes write them.
      await Promise.all([write(pg, { topic: 'bench.query', partition: 0, records, nextOffset: String(i + slice.length) }), write(el, { topic: 'bench.query', partition: 0, records, nextOffset: String(i + slice.length) })]);
      const now = performance.now();
      if (now - lastNote > 5000 || i + BATCH >= events.length) {
        const done = Math.min(i + BATCH, events.length);
        progress(`loaded ${done.toLocaleString('en-US')} of ${events.length.toLocaleString('en-US')} (${fmt(done / ((now - started) / 1000), 0)} events/s into both stores)`);
        lastNote = now;
      }
    }
    progress('merging the finished day as the Elasticsearch sink does (its maintenance run)');
    const maintained = await el.applyRetention();
    progress(`merged ${maintained.merged.join(', ') || 'nothing'}`);
    progress("merging the finished day's full-text pending lists as the PostgreSQL sink does (its maintenance run)");
    const pgMaintained = await pg.maintain();
    progress(`merged ${pgMaintained.merged.join(', ') || 'nothing'}`);
  } finally {
    await Promise.allSettled([pg.close(), el.close()]);
  }
  await es.indices.refresh({ index: prefix });
  // What autovacuum would do soon after such a load; the planner needs it to pick the indexes.
  await sql.unsafe(`analyze "${schema}".logs`);
}

interface QueryKind {
  kind: string;
  /** Issue 5's p99 target for the API, ms. */
  targetP99: number;
  /** Variants, run in turn, so no single cached answer is measured over and over. */
  variants: SearchParams[];
}

function queryMix(events: LogEvent[]): QueryKind[] {
  const newest = Date.parse(events.at(-1)?.timestamp ?? new Date().toISOString());
  const oldest = Date.parse(events[0]?.timestamp ?? new Date().toISOString());
  const hourAt = (fraction: number) => {
    const start = oldest + (newest - oldest) * fraction;
    return { from: new Date(start).toISOString(), to: new Date(start + 3_600_000).toISOString() };
  };
  return [
    { kind: 'exact field', targetP99: 150, variants: ['server-17', 'server-123', 'server-250'].map((r) => ({ resourceId: [r] })) },
    { kind: 'field + time range', targetP99: 150, variants: [0.1, 0.5, 0.9].map((f) => ({ level: ['error'], ...hourAt(f) })) },
    { kind: 'full-text word', targetP99: 300, variants: ['timeout', 'checkout', 'refreshed'].map((q) => ({ q })) },
    { kind: 'phrase', targetP99: 300, variants: ['"connection reset"', '"cache miss"', '"payment order"'].map((q) => ({ q })) },
    { kind: 'regex', targetP99: 300, variants: ['message:/slow (query|connection)/', 'message:/in 9[0-9]{2} ms/', 'traceId:/0+[a-f]{3}.*/'].map((q) => ({ q })) },
    {
      kind: 'combined',
      targetP99: 300,
      variants: [
        { q: 'timeout AND level:error AND resourceId:server-1*', ...hourAt(0.3) },
        { q: '"cache miss" -level:debug', resourceId: ['server-42', 'server-43'] },
        { q: '(retry OR reset) AND NOT level:info', ...hourAt(0.7) },
      ],
    },
  ];
}

// node:http over kept-alive sockets, not fetch: fetch alone took about 2 ms a request here, more than
// the Elasticsearch client spends on the direct calls it is compared with.
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A query of the mix as a short label: its parameters, a time range as the hour it starts (UTC). */
function describe(params: SearchParams): string {
  const parts = Object.entries(params).flatMap(([name, value]) => {
    if (name === 'to') return [];
    if (name === 'from') return [`1 h from ${String(value).slice(11, 16)}`];
    return [`${name}=${[value].flat().join(',')}`];
  });
  return parts.join(' ').replaceAll('|', '\\|');
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

interface Percentiles {
  p50: number;
  p99: number;
}

interface Row {
  kind: string;
  targetP99: number;
  api: Percentiles;
  elasticsearch: Percentiles;
  postgres: Percentiles;
  /** Both stores asked at once, directly: the least a fan-out costs here. */
  both: Percentiles;
  /** A round trip to the API's /healthz: the least an HTTP hop costs here. */
  http: Percentiles;
  ratio: number;
  /** The same per query of the kind: "the slower store" of one query, not of the kind's mix. */
  variants: { query: string; api: number; elasticsearch: number; postgres: number; ratio: number; floorRatio: number }[];
  hits: number;
  /** Requests that failed (API: not 200, or partial; a store: an error), timed until they failed. */
  failed: Record<'api' | 'elasticsearch' | 'postgres' | 'both' | 'http', number>;
}

async function main(): Promise<void> {
  progress(`query bench: ${total.toLocaleString('en-US')} events, ${runs} runs per query kind and target`);
  const events = loadEvents();
  const counts = await storedCounts();
  if (args.reuse && counts.pg === total && counts.es === total) {
    progress(`reusing ${total.toLocaleString('en-US')} events already in ${schema} / ${prefix}`);
  } else {
    if (args.reuse) progress(`cannot reuse: PostgreSQL holds ${counts.pg}, Elasticsearch ${counts.es}; loading`);
    await dropData();
    await load(events);
  }

  const adminKey = `lpk_${randomBytes(32).toString('base64url')}`;
  // Its own process, as in the stack: in this one it would share the event loop with the bench's own clients.
  const api = await startService({
    script: path.join(repoRoot, 'query-api/dist/main.js'),
    env: (port) => ({ QUERY_API_HOST: '127.0.0.1', QUERY_API_PORT: String(port), PG_SCHEMA: schema, ELASTICSEARCH_ALIAS: prefix, LOGS_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn', QUERY_TAIL_GROUP_PREFIX: 'bench-query-tail' }),
  });
  const base = api.url;

  // Relative bounds are absolute here, so the AST is the same for the API and the direct calls.
  const now = Date.now();
  const astOf = (params: SearchParams): QueryNode => {
    const built = buildQuery(params, { now });
    if (!built.ok) throw new Error(`bench query refused: ${JSON.stringify(built.errors)}`);
    return built.ast;
  };
  const targets = {
    api: async (params: SearchParams): Promise<number> => {
      const search = new URLSearchParams({ limit: String(LIMIT) });
      for (const [name, value] of Object.entries(params)) for (const v of Array.isArray(value) ? value : [value]) search.append(name, String(v));
      const res = await getJson(`${base}/api/search?${search}`, { authorization: `Bearer ${adminKey}` });
      const body = res.body as { hits?: unknown[]; partial?: boolean; error?: unknown };
      if (res.status !== 200 || body.partial) throw new Error(`API: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return body.hits?.length ?? 0;
    },
    elasticsearch: async (params: SearchParams): Promise<number> => {
      const res = await es.search({
        index: prefix,
        query: compileElasticsearch(astOf(params)) as estypes.QueryDslQueryContainer,
        sort: elasticsearchEventSort('desc'),
        size: LIMIT + 1,
        track_total_hits: false,
      });
      return Math.min(LIMIT, res.hits.hits.length);
    },
    postgres: async (params: SearchParams): Promise<number> => {
      const where = compileSql(astOf(params), { firstParam: 1 });
      const rows = await sql.unsafe(
        `select id::text as id, to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "timestamp",
                to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "receivedAt", level, message,
                resource_id as "resourceId", trace_id as "traceId", span_id as "spanId", "commit", metadata
         from "${schema}".logs as l where (${where.text}) order by l."timestamp" desc, l.id desc limit ${LIMIT + 1}`,
        where.values as never[],
      );
      return Math.min(LIMIT, rows.length);
    },
    // Not a target of the issue: what any client asking both stores pays on this machine, with no API in
    // between (their CPU contends; each store alone has both cores).
    both: async (params: SearchParams): Promise<number> => Math.max(...(await Promise.all([targets.elasticsearch(params), targets.postgres(params)]))),
    // Nor this: an HTTP round trip to the same API process that does nothing (its /healthz).
    http: async (): Promise<number> => {
      const res = await getJson(`${base}/healthz`, {});
      if (res.status !== 200) throw new Error(`/healthz: ${res.status}`);
      return 0;
    },
  };
  type Target = keyof typeof targets;

  const rows: Row[] = [];
  try {
    for (const mix of queryMix(events)) {
      const noTimes = (): Record<Target, number[]> => ({ api: [], elasticsearch: [], postgres: [], both: [], http: [] });
      const times = noTimes();
      const byVariant = mix.variants.map(noTimes);
      const failed: Record<Target, number> = { api: 0, elasticsearch: 0, postgres: 0, both: 0, http: 0 };
      let hits = 0;
      // A query a target cannot answer in time is a result to report (a failure, timed), not the end of the run.
      const attempt = async (target: Target, params: SearchParams): Promise<number> => {
        try {
          return await targets[target](params);
        } catch {
          failed[target]++;
          return 0;
        }
      };
      // Warm-up: the first run of a query shape pays for caches and plans in every target alike.
      for (const params of mix.variants) for (const target of Object.keys(targets) as Target[]) await attempt(target, params);
      const warmupFailures = { ...failed };
      for (let run = 0; run < runs; run++) {
        const params = mix.variants[run % mix.variants.length] as SearchParams;
        // Round-robin, so the three see the same machine load.
        for (const target of Object.keys(targets) as Target[]) {
          const started = performance.now();
          const n = await attempt(target, params);
          const took = performance.now() - started;
          times[target].push(took);
          byVariant[run % mix.variants.length]?.[target].push(took);
          if (target === 'api') hits += n;
        }
      }
      const stat = (target: Target, of = times): Percentiles => {
        const sorted = [...of[target]].sort((a, b) => a - b);
        return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
      };
      const variants = mix.variants.map((params, i) => {
        const of = byVariant[i] ?? noTimes();
        const [api, elasticsearch, postgres, both, hop] = (['api', 'elasticsearch', 'postgres', 'both', 'http'] as const).map((target) => stat(target, of).p50) as [number, number, number, number, number];
        const slower = Math.max(elasticsearch, postgres);
        return { query: describe(params), api, elasticsearch, postgres, ratio: api / slower, floorRatio: (both + hop) / slower };
      });
      for (const target of Object.keys(failed) as Target[]) failed[target] -= warmupFailures[target];
      const row: Row = {
        kind: mix.kind,
        targetP99: mix.targetP99,
        api: stat('api'),
        elasticsearch: stat('elasticsearch'),
        postgres: stat('postgres'),
        both: stat('both'),
        http: stat('http'),
        ratio: 0,
        variants,
        hits: Math.round(hits / runs),
        failed,
      };
      row.ratio = row.api.p50 / Math.max(row.elasticsearch.p50, row.postgres.p50);
      rows.push(row);
      progress(`${mix.kind}: API p50 ${fmt(row.api.p50)} ms, p99 ${fmt(row.api.p99)} ms, failed API ${failed.api} / ES ${failed.elasticsearch} / PG ${failed.postgres} of ${runs}`);
    }
  } finally {
    agent.destroy();
    await stopService(api);
  }

  if (args.json) {
    process.stdout.write(`${JSON.stringify({ events: total, runs, rows }, null, 2)}\n`);
  } else {
    const lines = [
      `Query API vs the stores asked directly, ${total.toLocaleString('en-US')} events, ${runs} runs per kind, limit ${LIMIT}, one request at a time:`,
      '',
      '| query | API p50 / p99 ms | Elasticsearch p50 / p99 ms | PostgreSQL p50 / p99 ms | API p50 ÷ slower store p50 (≤ 1.3) | API p99 target | hits | failed (API / ES / PG) |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
      ...rows.map(
        (r) =>
          `| ${r.kind} | ${fmt(r.api.p50)} / ${fmt(r.api.p99)} | ${fmt(r.elasticsearch.p50)} / ${fmt(r.elasticsearch.p99)} | ${fmt(r.postgres.p50)} / ${fmt(r.postgres.p99)} | ${fmt(r.ratio, 2)} ${r.ratio <= 1.3 ? 'met' : 'NOT met'} | ≤ ${r.targetP99} ms ${r.api.p99 <= r.targetP99 && r.failed.api === 0 ? 'met' : 'NOT met'} | ${r.hits} | ${r.failed.api} / ${r.failed.elasticsearch} / ${r.failed.postgres} of ${runs} |`,
      ),
      '',
      `Per query of the mix (each kind runs its three in turn, ${Math.floor(runs / 3)} runs each): p50s in ms, the ratio to the slower store for that query, and the floor's (below):`,
      '',
      '| kind | query | API | Elasticsearch | PostgreSQL | API ÷ slower store (≤ 1.3) | floor ÷ slower store |',
      '|---|---|---:|---:|---:|---:|---:|',
      ...rows.flatMap((r) =>
        r.variants.map((v) => `| ${r.kind} | \`${v.query}\` | ${fmt(v.api)} | ${fmt(v.elasticsearch)} | ${fmt(v.postgres)} | ${fmt(v.ratio, 2)} ${v.ratio <= 1.3 ? 'met' : 'NOT met'} | ${fmt(v.floorRatio, 2)} |`),
      ),
      '',
      'Floors on this machine, in the same rounds (no target): both stores asked at once, directly, and an HTTP round trip to the API doing nothing (/healthz):',
      '',
      '| query | both stores at once p50 / p99 ms | ÷ slower store p50 | + HTTP round trip p50 ms | floor ÷ slower store p50 | API p50 ÷ floor |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map((r) => {
        const slower = Math.max(r.elasticsearch.p50, r.postgres.p50);
        const floor = r.both.p50 + r.http.p50;
        return `| ${r.kind} | ${fmt(r.both.p50)} / ${fmt(r.both.p99)} | ${fmt(r.both.p50 / slower, 2)} | ${fmt(r.http.p50)} | ${fmt(floor / slower, 2)} | ${fmt(r.api.p50 / floor, 2)} |`;
      }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

try {
  await main();
} finally {
  if (!args.keep) {
    progress(`removing ${schema} and ${prefix}-* (--keep leaves them for --reuse)`);
    await dropData().catch((err: unknown) => progress(`cleanup failed: ${String(err)}`));
  }
  await Promise.allSettled([sql.end({ timeout: 5 }), es.close()]);
}
