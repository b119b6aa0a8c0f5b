// End-to-end visibility: the running pipeline (gateway → Kafka → both sinks) fed at a fixed rate, and for a
// sample of the POSTed events the time from the POST until a search finds the event in each store.
//   - Elasticsearch: a search (not a GET: a GET by _id is real-time and would skip the refresh a search
//     waits for) with a `terms` query on `id` through the alias;
//   - PostgreSQL: a select by id (committed rows are visible at once).
// Every pending sample is looked for by one query per store every `pollMs`; a sample counts as visible at
// the answer that first holds it, so a figure is at most pollMs + one query too high, never too low.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import type { Sql } from 'postgres';

export interface VisibilityOptions {
  gatewayUrl: string;
  eventsPerSecond: number;
  seconds: number;
  eventsPerRequest: number;
  /** One event of every `sampleEvery`-th request is followed. */
  sampleEvery: number;
  /** Event bodies to send; timestamp and resourceId are set per send. */
  pool: Array<Record<string, unknown>>;
  /** resourceId of the sent events: `<resourcePrefix><n>`, n < resources, so they can be found and removed. */
  resourcePrefix: string;
  resources: number;
  /** No sent event is older (its timestamp is the time of sending): bounds the queries to recent days. */
  since: string;
  es: Client;
  esAlias: string;
  sql: Sql;
  pgSchema: string;
  pollMs: number;
  /** How long after the load a sample may still become visible. */
  graceMs: number;
  /** How long after the load every accepted event may take to be stored in both. */
  drainMs: number;
  progress: (msg: string) => void;
}

export interface StoreLatency {
  samples: number;
  /** Samples not visible within the grace period. */
  missing: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface VisibilityResult {
  requests: number;
  acceptedEvents: number;
  /** Non-202 answers and request errors, by status or error code. */
  failures: Record<string, number>;
  offeredPerSecond: number;
  acceptedPerSecond: number;
  /** Requests that left more than one interval after their time (the gateway answered too slowly). */
  lateRequests: number;
  /** POST to 202, over every accepted request. */
  ackP50Ms: number;
  ackP99Ms: number;
  elasticsearch: StoreLatency;
  postgres: StoreLatency;
  /** Seconds after the load until a store held every accepted event; undefined: not within drainMs. */
  drainSeconds: { elasticsearch?: number; postgres?: number };
}

const MAX_IN_FLIGHT = 64;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summarise(latencies: number[], missing: number): StoreLatency {
  // A missing sample is slower than every seen one: it sorts last and counts in the percentiles.
  const sorted = [...latencies, ...Array.from({ length: missing }, () => Number.POSITIVE_INFINITY)].sort((a, b) => a - b);
  return { samples: sorted.length, missing, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? Number.NaN };
}

/** Polls one store for the pending ids until told to stop and nothing is pending, or the grace period ends. */
async function pollStore(
  pending: Map<string, number>,
  latencies: number[],
  find: (ids: string[]) => Promise<string[]>,
  state: { loadOver: boolean; deadline: number },
  pollMs: number,
): Promise<void> {
  for (;;) {
    if (state.loadOver && (pending.size === 0 || performance.now() > state.deadline)) return;
    if (pending.size > 0) {
      const ids = [...pending.keys()];
      let found: string[] = [];
      try {
        found = await find(ids);
      } catch {
        // A slow or failed query only delays the figure; the next poll asks again.
      }
      const at = performance.now();
      for (const id of found) {
        const sentAt = pending.get(id);
        if (sentAt === undefined) continue;
        latencies.push(at - sentAt);
        pending.delete(id);
      }
    }
    await sleep(pollMs);
  }
}

export async function measureVisibility(o: VisibilityOptions): Promise<VisibilityResult> {
  const { since } = o;
  const resourceIds = Array.from({ length: o.resources }, (_, i) => `${o.resourcePrefix}${i}`);
  const pendingEs = new Map<string, number>();
  const pendingPg = new Map<string, number>();
  const esLatencies: number[] = [];
  const pgLatencies: number[] = [];
  const failures: Record<string, number> = {};
  const ackLatencies: number[] = [];
  const state = { loadOver: false, deadline: Number.POSITIVE_INFINITY };
  const findEs = async (ids: string[]): Promise<string[]> => {
    const res = await o.es.search({ index: o.esAlias, size: ids.length, _source: false, query: { terms: { id: ids } }, filter_path: 'hits.hits._id' }, { requestTimeout: 5000 });
    return (res.hits?.hits ?? []).map((h) => h._id).filter((id): id is string => id !== undefined);
  };
  const findPg = async (ids: string[]): Promise<string[]> => {
    const rows = await o.sql<{ id: string }[]>`
      select id::text as id from ${o.sql(o.pgSchema)}.logs where id = any(${o.sql.array(ids)}::uuid[]) and "timestamp" >= ${since}`;
    return rows.map((r) => r.id);
  };
  const pollers = [pollStore(pendingEs, esLatencies, findEs, state, o.pollMs), pollStore(pendingPg, pgLatencies, findPg, state, o.pollMs)];

  let requests = 0;
  let accepted = 0;
  let lateRequests = 0;
  let inFlight = 0;
  let slotFreed: (() => void) | undefined;
  const open = new Set<Promise<void>>();
  const post = async (k: number): Promise<void> => {
    const events = Array.from({ length: o.eventsPerRequest }, (_, j) => {
      const n = k * o.eventsPerRequest + j;
      return { ...o.pool[n % o.pool.length], resourceId: resourceIds[n % o.resources], timestamp: new Date().toISOString() };
    });
    const sampled = k % o.sampleEvery === 0 ? Math.floor(Math.random() * o.eventsPerRequest) : -1;
    const sentAt = performance.now();
    try {
      const res = await fetch(`${o.gatewayUrl}/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
      const body = (await res.json()) as { accepted?: number; ids?: string[] };
      if (res.status !== 202) {
        failures[res.status] = (failures[res.status] ?? 0) + 1;
        return;
      }
      ackLatencies.push(performance.now() - sentAt);
      accepted += body.accepted ?? 0;
      const id = sampled >= 0 ? body.ids?.[sampled] : undefined;
      if (id !== undefined) {
        pendingEs.set(id, sentAt);
        pendingPg.set(id, sentAt);
      }
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? 'error';
      failures[code] = (failures[code] ?? 0) + 1;
    }
  };

  // Open loop: request k leaves at t0 + k * interval whatever the previous answers did, so a slow
  // pipeline shows as latency, not as a lower offered rate; only MAX_IN_FLIGHT open requests hold it back.
  const intervalMs = (1000 * o.eventsPerRequest) / o.eventsPerSecond;
  const durationMs = o.seconds * 1000;
  const t0 = performance.now();
  let nextReport = t0 + 5000;
  for (let k = 0; ; k++) {
    const due = t0 + k * intervalMs;
    // Both bounds: the schedule's end, and the wall clock's when the gateway answers too slowly to keep it.
    if (due - t0 >= durationMs || performance.now() - t0 >= durationMs) break;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    else if (wait < -intervalMs) lateRequests++;
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (slotFreed = resolve));
    inFlight++;
    requests++;
    const p = post(k).finally(() => {
      inFlight--;
      open.delete(p);
      slotFreed?.();
      slotFreed = undefined;
    });
    open.add(p);
    if (performance.now() > nextReport) {
      nextReport += 5000;
      o.progress(`  ${Math.round((performance.now() - t0) / 1000)} s: ${accepted.toLocaleString('en-US')} accepted, ${pendingEs.size} samples pending in Elasticsearch, ${pendingPg.size} in PostgreSQL`);
    }
  }
  await Promise.all(open);
  const loadEndedAt = performance.now();
  const elapsedMs = loadEndedAt - t0;
  state.loadOver = true;
  state.deadline = performance.now() + o.graceMs;
  o.progress(`load over: ${accepted.toLocaleString('en-US')} events accepted; waiting for the samples and for both stores to hold every event`);

  // Meanwhile, whether the sinks keep up: how long until each store holds every accepted event.
  const esFilter = { bool: { filter: [{ terms: { resourceId: resourceIds } }, { range: { timestamp: { gte: since } } }] } };
  const counts = {
    elasticsearch: async () => (await o.es.count({ index: o.esAlias, query: esFilter })).count,
    postgres: async () =>
      (await o.sql<{ n: number }[]>`select count(*)::int as n from ${o.sql(o.pgSchema)}.logs where resource_id = any(${o.sql.array(resourceIds)}) and "timestamp" >= ${since}`)[0]?.n ?? 0,
  };
  const drainSeconds: VisibilityResult['drainSeconds'] = {};
  const drain = async (store: keyof typeof counts): Promise<void> => {
    while (performance.now() - loadEndedAt < o.drainMs) {
      if ((await counts[store]().catch(() => -1)) >= accepted) {
        drainSeconds[store] = (performance.now() - loadEndedAt) / 1000;
        return;
      }
      await sleep(500);
    }
  };
  await Promise.all([...pollers, drain('elasticsearch'), drain('postgres')]);

  return {
    requests,
    acceptedEvents: accepted,
    failures,
    offeredPerSecond: (requests * o.eventsPerRequest * 1000) / elapsedMs,
    acceptedPerSecond: (accepted * 1000) / elapsedMs,
    lateRequests,
    ackP50Ms: percentile(ackLatencies.sort((a, b) => a - b), 50),
    ackP99Ms: percentile(ackLatencies, 99),
    elasticsearch: summarise(esLatencies, pendingEs.size),
    postgres: summarise(pgLatencies, pendingPg.size),
    drainSeconds,
  };
}
