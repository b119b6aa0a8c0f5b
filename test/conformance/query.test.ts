// Conformance of the query language (issue 5): for every query, Elasticsearch, PostgreSQL and the live-tail
// predicate select the identical set of event ids. The corpus (corpus.ts) is written through the real sink
// code of both stores — the same write paths as production, so the stored `words` are exactly what the sinks
// store — into a private index prefix and a private schema on the shared services, removed at the end.
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { buildQuery, compileElasticsearch, compilePredicate, compileSql, scopeToResources, type LogEvent, type QueryNode } from '@logpipe/schemas';
import { pino } from 'pino';
import postgres from 'postgres';
import t from 'tap';
import type { SinkBatch, SinkContext } from '../../sinks/src/contract.js';
import { buildElasticsearchSink } from '../../sinks/src/elasticsearch/index.js';
import { buildPostgresSink } from '../../sinks/src/postgres/index.js';
import { makeCorpus, makeQueries, type ConformanceQuery } from './corpus.js';

const EVENTS = 2_400;
const DAYS = 4;
const DAY_MS = 86_400_000;

const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs';
const suffix = randomUUID().slice(0, 8);
const indexPrefix = `t-conf-${suffix}`;
const schema = `t_conf_${suffix}`;

t.setTimeout(240_000);

// Recent days, so neither sink's retention touches them; the content depends on the seed only.
const baseMs = Math.floor(Date.now() / DAY_MS) * DAY_MS - (DAYS + 1) * DAY_MS;
const corpus = makeCorpus(EVENTS, baseMs, DAYS);
const queries = makeQueries(corpus);

const es = new Client({ node: esUrl, requestTimeout: 30_000 });
const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });

t.teardown(async () => {
  const indices = Object.keys(await es.indices.get({ index: `${indexPrefix}-*`, ignore_unavailable: true, allow_no_indices: true }));
  if (indices.length > 0) await es.indices.delete({ index: indices });
  await es.indices.deleteIndexTemplate({ name: `logpipe-${indexPrefix}` }, { ignore: [404] });
  await es.close();
  await sql.unsafe(`drop schema if exists "${schema}" cascade`);
  await sql.end({ timeout: 5 });
});

function context(groupId: string): SinkContext {
  return { logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }), now: () => new Date(), groupId };
}

function batchOf(events: LogEvent[]): SinkBatch {
  const records = events.map((event, i) => ({ event, topic: 'logs.v1', partition: 0, offset: String(i), raw: Buffer.from(JSON.stringify(event)), headers: {} }));
  return { topic: 'logs.v1', partition: 0, records, nextOffset: String(events.length) };
}

async function esIds(ast: QueryNode): Promise<string[]> {
  const res = await es.search({ index: indexPrefix, query: compileElasticsearch(ast), size: 10_000, _source: false, track_total_hits: true });
  const total = typeof res.hits.total === 'number' ? res.hits.total : (res.hits.total?.value ?? 0);
  if (total !== res.hits.hits.length) throw new Error(`Elasticsearch returned ${res.hits.hits.length} of ${total} hits`);
  return res.hits.hits.map((h) => h._id!).sort();
}

async function pgIds(ast: QueryNode): Promise<string[]> {
  const where = compileSql(ast);
  const rows = await sql.unsafe<{ id: string }[]>(`select id::text as id from "${schema}".logs where ${where.text}`, where.values as never[]);
  return rows.map((r) => r.id).sort();
}

function jsIds(ast: QueryNode): string[] {
  const matches = compilePredicate(ast);
  return corpus.events
    .filter(matches)
    .map((e) => e.id)
    .sort();
}

function astOf(query: ConformanceQuery): QueryNode {
  const built = buildQuery(query.params, { now: corpus.nowMs });
  if (!built.ok) throw new Error(`${query.name} does not parse: ${JSON.stringify(built.errors)}`);
  return query.scope ? scopeToResources(built.ast, query.scope) : built.ast;
}

t.test('the corpus, through the real sinks', async (t) => {
  t.ok(corpus.events.length >= 2_000, `${corpus.events.length} events`);
  t.equal(new Set(corpus.events.map((e) => e.id)).size, corpus.events.length, 'distinct ids');
  const started = performance.now();
  const [esSink, pgSink] = await Promise.all([
    buildElasticsearchSink(context('sink-elasticsearch'), { node: esUrl, indexPrefix }),
    buildPostgresSink(context('sink-postgres'), { url: databaseUrl, schema }),
  ]);
  try {
    const [esResult, pgResult] = await Promise.all([esSink.write(batchOf(corpus.events)), pgSink.write(batchOf(corpus.events))]);
    t.match(esResult, { stored: EVENTS, rejected: [] }, 'Elasticsearch stored every event');
    t.match(pgResult, { stored: EVENTS, rejected: [] }, 'PostgreSQL stored every event');
  } finally {
    await Promise.all([esSink.close(), pgSink.close()]);
  }
  await es.indices.refresh({ index: indexPrefix });
  t.equal((await es.count({ index: indexPrefix })).count, EVENTS, 'all searchable in Elasticsearch');
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(schema)}.logs`;
  t.equal(row?.n, EVENTS, 'all in PostgreSQL');
  t.comment(`corpus written in ${Math.round(performance.now() - started)} ms`);
});

/** What `found` has that `expected` lacks and the reverse, each with a few messages to show why. */
function difference(found: readonly string[], expected: readonly string[]): { extra: string[]; missing: string[] } {
  const foundSet = new Set(found);
  const expectedSet = new Set(expected);
  const describe = (id: string): string => {
    const e = corpus.events.find((ev) => ev.id === id);
    return e ? `${id} ${JSON.stringify(e.message)}` : id;
  };
  return {
    extra: found.filter((id) => !expectedSet.has(id)).slice(0, 5).map(describe),
    missing: expected.filter((id) => !foundSet.has(id)).slice(0, 5).map(describe),
  };
}

const NO_DIFFERENCE = { extra: [], missing: [] };

t.test('every query selects the same ids in Elasticsearch, PostgreSQL and the predicate', async (t) => {
  t.ok(queries.length >= 150, `${queries.length} queries`);
  const started = performance.now();
  let selective = 0;
  const counts: string[] = [];
  for (const query of queries) {
    const ast = astOf(query);
    const js = jsIds(ast);
    const [fromEs, fromPg] = await Promise.all([esIds(ast), pgIds(ast)]);
    t.same(difference(fromEs, js), NO_DIFFERENCE, `Elasticsearch = predicate (${js.length}): ${query.name}`);
    t.same(difference(fromPg, js), NO_DIFFERENCE, `PostgreSQL = predicate (${js.length}): ${query.name}`);
    if (js.length > 0 && js.length < EVENTS) selective++;
    counts.push(`${js.length}\t${query.name}`);
  }
  t.comment(`${queries.length} queries x 3 backends in ${Math.round(performance.now() - started)} ms`);
  if (process.env.CONFORMANCE_COUNTS) t.comment(counts.join('\n'));
  // The comparisons above prove something only if the queries select: most must match some events, not all.
  t.ok(selective >= queries.length * 0.8, `${selective} of ${queries.length} queries match some but not all events`);
});

t.test('the comparison catches a backend that tokenises its own way', async (t) => {
  // What each store would answer for the word `foo` with its own text analysis instead of the stored words:
  // Elasticsearch's standard analyzer keeps `foo.bar` and `foo_bar` whole, PostgreSQL's parser reads `foo.bar`
  // as a host name. Both differ from the language's answer on this corpus, and the check above would say so.
  const expected = jsIds(astOf({ name: 'foo', params: { q: 'foo' } }));
  // The sinks' indices do not analyse `message` at all, so the standard analyzer gets an index of its own.
  const control = `${indexPrefix}-control-standard`;
  await es.indices.create({ index: control, mappings: { dynamic: false, properties: { message: { type: 'text', analyzer: 'standard' } } } });
  const loaded = await es.helpers.bulk({
    datasource: corpus.events.map((e) => ({ id: e.id, message: e.message })),
    onDocument: (doc) => ({ index: { _index: control, _id: doc.id } }),
    refreshOnCompletion: control,
  });
  t.equal(loaded.successful, corpus.events.length, 'the control index holds the corpus');
  const standard = await es.search({ index: control, query: { match: { message: 'foo' } }, size: 10_000, _source: false });
  const byStandardAnalyzer = standard.hits.hits.map((h) => h._id!).sort();
  const byPgParser = (await sql<{ id: string }[]>`select id::text as id from ${sql(schema)}.logs where to_tsvector('simple', message) @@ plainto_tsquery('simple', 'foo')`).map((r) => r.id).sort();
  t.ok(expected.length > 0, `${expected.length} events have the word foo`);
  t.notSame(difference(byStandardAnalyzer, expected), NO_DIFFERENCE, 'the standard analyzer disagrees');
  t.notSame(difference(byPgParser, expected), NO_DIFFERENCE, 'the text-search parser disagrees');
});
