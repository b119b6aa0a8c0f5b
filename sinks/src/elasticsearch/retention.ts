// Retention of the daily indices (issue 4): indices `<prefix>-YYYY.MM.DD` whose day is more than
// `retentionDays` before today (UTC) are deleted, on a timer and at start. The same rule as the PostgreSQL
// partitions (partitions.ts), so both stores forget the same days.
//
// Only names that are exactly ours are touched: the prefix, one dash, a real calendar date. The wildcard
// `<prefix>-*` also matches `<prefix>-a-2020.01.01` (the indices of a sink with the longer prefix
// `<prefix>-a`), `<prefix>-2020.01.01-restored` (an operator's copy) or `<prefix>-archive`; none of them
// passes the exact pattern, so none is deleted. Deletes name each index (a stock node refuses wildcard
// deletes, and a wildcard could catch an index created between the listing and the delete).
//
// The same run merges each finished day (an index of a day before today, within retention) into one segment,
// as Graylog does to an index it rotated away from. A day written through refreshes every second ends as
// dozens of segments, and a search sorted by (timestamp, id) pays for each: a common word over a million
// events took 190 ms on 40 segments and 10 ms on one. A merge rewrites the index once (13 s for a million
// events here), so an index is merged again only when late events have added several segments.
import type { Client } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { Counter } from 'prom-client';
import type { Logger } from 'pino';
import { EsSinkError } from './errors.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface IndexRetentionResult {
  /** Indices this run deleted, oldest first. An index another process deleted first is not in it. */
  dropped: string[];
  /** Finished days this run merged into one segment, oldest first. */
  merged: string[];
}

/** A finished day with more segments than this is merged again (late events add a segment per refresh). */
export const MERGE_ABOVE_SEGMENTS = 3;

/** A force merge of a large index takes minutes; it runs in the background of the sink, so it may wait. */
export const FORCE_MERGE_TIMEOUT_MS = 60 * 60 * 1000;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `YYYY-MM-DD` of a daily index of `prefix`, or undefined for any other name (including impossible dates). */
export function dayOfIndex(prefix: string, name: string): string | undefined {
  const m = new RegExp(`^${escapeRegExp(prefix)}-(\\d{4})\\.(\\d{2})\\.(\\d{2})$`).exec(name);
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  // 2026.02.30 is not a day the sink ever writes: Date.parse would roll it over, the round trip catches it.
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(day) ? day : undefined;
}

/**
 * The daily indices of `prefix` among `names` whose whole day is more than `retentionDays` before the UTC
 * day of `now` (index of day D holds D 00:00Z to D+1 00:00Z), oldest first. Pure. With `retentionDays` at
 * least 1, today's and future indices are never among them.
 */
export function expiredIndices(names: Iterable<string>, prefix: string, now: Date, retentionDays: number): string[] {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new RangeError(`retentionDays must be an integer of at least 1 (got ${retentionDays})`);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const cutoff = new Date(today - retentionDays * DAY_MS).toISOString().slice(0, 10);
  const expired: Array<[string, string]> = [];
  for (const name of names) {
    const day = dayOfIndex(prefix, name);
    if (day !== undefined && day < cutoff) expired.push([day, name]);
  }
  return expired.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, name]) => name);
}

/**
 * The daily indices of `prefix` among `segmentsByIndex` whose day is before the UTC day of `now` (so nothing
 * writes them but late events) and which have more than MERGE_ABOVE_SEGMENTS segments, oldest first. Pure.
 */
export function indicesToMerge(segmentsByIndex: ReadonlyMap<string, number>, prefix: string, now: Date): string[] {
  const today = now.toISOString().slice(0, 10);
  const due: Array<[string, string]> = [];
  for (const [name, segments] of segmentsByIndex) {
    const day = dayOfIndex(prefix, name);
    if (day !== undefined && day < today && segments > MERGE_ABOVE_SEGMENTS) due.push([day, name]);
  }
  return due.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, name]) => name);
}

export interface IndexRetentionOptions {
  client: Client;
  /**
   * For force merges: a client made with requestTimeout FORCE_MERGE_TIMEOUT_MS. The client's own timeout
   * bounds every request (a per-request one can only shorten it), and the sink's 30 s ended the wait for a
   * 1M-event day's merge while Elasticsearch went on merging. Default: `client`.
   */
  mergeClient?: Client | undefined;
  indexPrefix: string;
  retentionDays: number;
  /** Time between runs; the first run starts at once. */
  intervalMs: number;
  logger: Logger;
  now: () => Date;
  /** Counts the indices dropped (logpipe_sink_retention_dropped_total), when the service has metrics. */
  droppedCounter?: Counter | undefined;
}

export interface IndexRetention {
  /** Runs retention now (or joins the run in progress). Rejects with SINK_ES_RETENTION_FAILED. */
  run(): Promise<IndexRetentionResult>;
  /** Stops the timer, cancels the requests of a run in progress and waits for it to end. */
  stop(): Promise<void>;
}

/** Starts the schedule: one run now, then one every `intervalMs`. A failed run is logged and retried by the next. */
export function startIndexRetention(options: IndexRetentionOptions): IndexRetention {
  const { client, indexPrefix, retentionDays, logger } = options;
  const stopping = new AbortController();
  let running: Promise<IndexRetentionResult> | undefined;

  const runOnce = async (): Promise<IndexRetentionResult> => {
    const transport = { signal: stopping.signal };
    let names: string[];
    try {
      // _resolve/index lists names only (no mappings), closed indices included: closing an old index to save
      // heap must not keep it forever. Aliases and data streams are listed apart and never deleted here.
      const resolved = await client.indices.resolveIndex({ name: `${indexPrefix}-*`, expand_wildcards: ['open', 'closed'] }, transport);
      names = resolved.indices.map((index) => index.name);
    } catch (err) {
      throw new EsSinkError('SINK_ES_RETENTION_FAILED', `listing ${indexPrefix}-*: ${errorText(err)}`, { cause: err });
    }
    const dropped: string[] = [];
    const failures: string[] = [];
    for (const index of expiredIndices(names, indexPrefix, options.now(), retentionDays)) {
      if (stopping.signal.aborted) break;
      try {
        await client.indices.delete({ index }, transport);
        dropped.push(index);
      } catch (err) {
        // Another process of the sink (the group scales by process count) may have deleted it first.
        if (err instanceof errors.ResponseError && err.statusCode === 404) continue;
        failures.push(`${index}: ${errorText(err)}`);
      }
    }
    if (dropped.length > 0) {
      options.droppedCounter?.inc(dropped.length);
      logger.info({ stage: 'retention', indices: dropped, retentionDays }, 'dropped indices past retention');
    }
    const merged = stopping.signal.aborted ? [] : await mergeFinishedDays(failures);
    // The indices that were deleted stay deleted and counted; the others are tried again by the next run.
    if (failures.length > 0) throw new EsSinkError('SINK_ES_RETENTION_FAILED', `${failures.length} failed (${dropped.length} deleted, ${merged.length} merged): ${failures.join('; ')}`);
    return { dropped, merged };
  };

  /** Merges the finished days, one at a time (the node's force_merge pool has one thread anyway). */
  const mergeFinishedDays = async (failures: string[]): Promise<string[]> => {
    const merged: string[] = [];
    let segments: Map<string, number>;
    try {
      const stats = await client.indices.stats({ index: `${indexPrefix}-*`, metric: 'segments', level: 'indices', expand_wildcards: 'open' }, { signal: stopping.signal });
      segments = new Map(Object.entries(stats.indices ?? {}).map(([name, s]) => [name, s.primaries?.segments?.count ?? 0]));
    } catch (err) {
      failures.push(`segment counts of ${indexPrefix}-*: ${errorText(err)}`);
      return merged;
    }
    for (const index of indicesToMerge(segments, indexPrefix, options.now())) {
      if (stopping.signal.aborted) break;
      const started = performance.now();
      try {
        await (options.mergeClient ?? client).indices.forcemerge({ index, max_num_segments: 1 }, { signal: stopping.signal, requestTimeout: FORCE_MERGE_TIMEOUT_MS });
        merged.push(index);
        logger.info({ stage: 'retention', index, segmentsBefore: segments.get(index), ms: Math.round(performance.now() - started) }, 'merged a finished day into one segment');
      } catch (err) {
        if (err instanceof errors.ResponseError && err.statusCode === 404) continue;
        failures.push(`merging ${index}: ${errorText(err)}`);
      }
    }
    return merged;
  };

  const run = (): Promise<IndexRetentionResult> => {
    if (stopping.signal.aborted) return Promise.reject(new EsSinkError('SINK_ES_CLOSED'));
    running ??= runOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const scheduled = (): void => {
    run().catch((err: unknown) => {
      if (stopping.signal.aborted) return;
      logger.warn({ code: 'SINK_ES_RETENTION_FAILED', stage: 'retention', err }, 'index retention failed; retried on schedule');
    });
  };

  scheduled();
  const timer = setInterval(scheduled, options.intervalMs);
  timer.unref();

  return {
    run,
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await running?.catch(() => {});
    },
  };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
