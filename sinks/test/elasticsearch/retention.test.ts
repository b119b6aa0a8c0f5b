// Retention of the Elasticsearch sink: daily indices of its prefix older than RETENTION_DAYS are deleted on a
// schedule; today's, future ones and every index that is not exactly `<prefix>-YYYY.MM.DD` stay. Against the
// real node, with a private prefix whose indices and template are removed at the end.
import type { Client } from '@elastic/elasticsearch';
import t, { type Test } from 'tap';
import { buildElasticsearchSink } from '../../src/elasticsearch/index.js';
import { dayOfIndex, expiredIndices, indicesToMerge, MERGE_ABOVE_SEGMENTS } from '../../src/elasticsearch/retention.js';
import { createSinkMetrics } from '../../src/metrics.js';
import { eventually } from '../helpers/kafka.js';
import { esUrl, newClient, testPrefix } from './helpers/es.js';
import { context } from './helpers/fixtures.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const now = new Date();
/** `YYYY.MM.DD` of today + offset (UTC), as in index names. */
const day = (offsetDays: number) => new Date(now.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '.');

t.test('expiredIndices: only the exact daily pattern of the prefix, older than the cutoff, oldest first', async (t) => {
  const at = new Date('2026-03-31T23:59:59.999Z');
  const names = [
    'logs-2026.03.01', // 30 days before: the cutoff day itself, kept
    'logs-2026.02.28', // 31 days before: dropped
    'logs-2025.12.31',
    'logs-2026.03.31', // today
    'logs-2026.04.01', // future
    'logs-2026.02.29', // no such day (2026 is not a leap year)
    'logs-2026.13.01',
    'logs-2026.1.01',
    'logs-2026.02.01-restored',
    'logs-a-2020.01.01', // the longer prefix `logs-a`
    'logsx-2020.01.01',
    'xlogs-2020.01.01',
    'logs-archive',
    'logs',
  ];
  t.same(expiredIndices(names, 'logs', at, 30), ['logs-2025.12.31', 'logs-2026.02.28']);
  t.same(expiredIndices(names, 'logs', at, 1), ['logs-2025.12.31', 'logs-2026.02.28', 'logs-2026.03.01']);
  t.same(expiredIndices(['logs-a-2020.01.01', 'logs-2020.01.01'], 'logs-a', at, 30), ['logs-a-2020.01.01'], 'the longer prefix has its own');
  t.same(expiredIndices(['l.gs-2020.01.01', 'lxgs-2020.01.01'], 'l.gs', at, 30), ['l.gs-2020.01.01'], 'a dot in the prefix is a dot');
  t.equal(dayOfIndex('logs', 'logs-2024.02.29'), '2024-02-29', 'leap day');
  t.throws(() => expiredIndices(names, 'logs', at, 0), RangeError, 'retention of 0 days would drop today');
});

async function createIndex(client: Client, index: string, { closed = false } = {}): Promise<void> {
  await client.indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 } });
  if (closed) await client.indices.close({ index });
}

async function indicesOf(client: Client, prefix: string): Promise<string[]> {
  const resolved = await client.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: 'all' });
  return resolved.indices.map((i) => i.name).sort();
}

/** Indices by name (closed ones too: a wildcard delete is refused, and the default wildcard skips closed ones). */
function cleanUp(t: Test, client: Client, prefix: string): void {
  t.teardown(async () => {
    const left = await indicesOf(client, prefix);
    if (left.length > 0) await client.indices.delete({ index: left });
    await client.indices.deleteIndexTemplate({ name: `logpipe-${prefix}` }, { ignore: [404] });
  });
}

const admin = newClient();
t.teardown(() => admin.close());

t.test('the sink deletes its daily indices past retention, and nothing else', async (t) => {
  const prefix = testPrefix();
  cleanUp(t, admin, prefix);
  const old = [`${prefix}-${day(-3)}`, `${prefix}-2019.07.04`];
  const closedOld = `${prefix}-2019.07.05`;
  const kept = [
    `${prefix}-${day(-2)}`, // the cutoff day with 2 days of retention
    `${prefix}-${day(-1)}`,
    `${prefix}-${day(0)}`,
    `${prefix}-${day(1)}`,
    `${prefix}-2019.07.04-restored`,
    `${prefix}-x-2019.07.04`,
    `${prefix}-2019.02.29`,
    `${prefix}-archive`,
  ];
  const metrics = createSinkMetrics({ sink: 'elasticsearch' });
  const sink = await buildElasticsearchSink({ ...context(), metrics }, { node: esUrl, indexPrefix: prefix, retentionDays: 2 });
  t.teardown(() => sink.close());
  // The start-up run (joined here) finds nothing: the indices come after it, the next timer run in an hour.
  t.same(await sink.applyRetention(), { dropped: [], merged: [] });
  for (const index of [...old, ...kept]) await createIndex(admin, index);
  await createIndex(admin, closedOld, { closed: true });

  t.same((await sink.applyRetention()).dropped, [`${prefix}-2019.07.04`, closedOld, `${prefix}-${day(-3)}`], 'oldest first');
  t.same(await indicesOf(admin, prefix), [...kept].sort(), 'only the old daily indices are gone, the closed one too');
  t.equal((await metrics.retentionDropped.get()).values[0]?.value, 3, 'logpipe_sink_retention_dropped_total');
  t.same(await sink.applyRetention(), { dropped: [], merged: [] }, 'a second run finds nothing (empty indices have no segments to merge)');
});

t.test('indicesToMerge: finished days of the prefix with more than a few segments, oldest first', async (t) => {
  const at = new Date('2026-03-31T12:00:00Z');
  const many = MERGE_ABOVE_SEGMENTS + 1;
  const segments = new Map([
    ['logs-2026.03.30', many],
    ['logs-2026.03.01', 40],
    ['logs-2026.03.29', MERGE_ABOVE_SEGMENTS], // few enough: a merge would rewrite the day for a few late events
    ['logs-2026.03.31', 40], // today: still written
    ['logs-2026.04.01', many], // future
    ['logs-archive', many],
    ['logs-a-2026.03.01', many], // the longer prefix `logs-a`
  ]);
  t.same(indicesToMerge(segments, 'logs', at), ['logs-2026.03.01', 'logs-2026.03.30']);
});

/** One document per refresh, so the index has `count` segments (nothing merges segments this small at once). */
async function indexWithSegments(client: Client, index: string, count: number): Promise<void> {
  await createIndex(client, index);
  for (let i = 0; i < count; i++) await client.index({ index, document: { id: `doc-${i}`, level: 'info' }, refresh: true });
}

const segmentCount = async (client: Client, index: string): Promise<number> =>
  (await client.indices.stats({ index, metric: 'segments' })).indices?.[index]?.primaries?.segments?.count ?? -1;

t.test('a run merges the finished days into one segment, and leaves today alone', async (t) => {
  const prefix = testPrefix();
  cleanUp(t, admin, prefix);
  const sink = await buildElasticsearchSink(context(), { node: esUrl, indexPrefix: prefix, retentionDays: 30 });
  t.teardown(() => sink.close());
  await sink.applyRetention();
  const yesterday = `${prefix}-${day(-1)}`;
  const today = `${prefix}-${day(0)}`;
  await indexWithSegments(admin, yesterday, 6);
  await indexWithSegments(admin, today, 6);
  t.equal(await segmentCount(admin, yesterday), 6, 'six segments before');

  t.same((await sink.applyRetention()).merged, [yesterday]);
  t.equal(await segmentCount(admin, yesterday), 1, 'the finished day is one segment');
  t.equal((await admin.count({ index: yesterday })).count, 6, 'with every document');
  t.equal(await segmentCount(admin, today), 6, 'today is not merged');
  t.same((await sink.applyRetention()).merged, [], 'a merged day is not merged again');
});

t.test('the timer runs retention without being asked, and close() stops it', async (t) => {
  const prefix = testPrefix();
  cleanUp(t, admin, prefix);
  const sink = await buildElasticsearchSink(context(), { node: esUrl, indexPrefix: prefix, retentionDays: 1, retentionIntervalMs: 200 });
  const old = `${prefix}-2020.01.01`;
  await createIndex(admin, old);
  await createIndex(admin, `${prefix}-${day(0)}`);
  await eventually('the old index is deleted by the timer', async () => !(await indicesOf(admin, prefix)).includes(old), 15_000);

  await sink.close();
  const older = `${prefix}-2020.01.02`;
  await createIndex(admin, older);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  t.same(await indicesOf(admin, prefix), [older, `${prefix}-${day(0)}`].sort(), 'no run after close()');
  await t.rejects(sink.applyRetention(), { code: 'SINK_ES_CLOSED' });
});

t.test('a node that is down: the run fails with SINK_ES_RETENTION_FAILED, the sink still starts', async (t) => {
  const sink = await buildElasticsearchSink(context(), { node: 'http://127.0.0.1:9', indexPrefix: testPrefix(), retry: { maxAttempts: 1, baseBackoffMs: 0, maxBackoffMs: 0, maxRetryTimeMs: 0 } });
  t.teardown(() => sink.close());
  await t.rejects(sink.applyRetention(), { code: 'SINK_ES_RETENTION_FAILED' });
});
