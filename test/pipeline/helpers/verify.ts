// What the acceptance tests assert on a store: the exact set of ids it holds against the set the gateway
// acknowledged, and that no id is there twice (rows or documents, not only distinct ids).
import type { Test } from 'tap';
import { eventually } from './child.js';
import type { Pipeline, SinkProcess } from './pipeline.js';

interface IdComparison {
  /** Rows or documents read back. */
  stored: number;
  distinct: number;
  missing: number;
  unexpected: number;
  /** Ids stored more than once. */
  doubled: number;
  /** A few of the missing and unexpected ids, to start looking. */
  examples: { missing: string[]; unexpected: string[] };
}

function compareIds(expected: ReadonlySet<string>, stored: readonly string[]): IdComparison {
  const seen = new Set<string>();
  let doubled = 0;
  for (const id of stored) {
    if (seen.has(id)) doubled++;
    else seen.add(id);
  }
  const missing = [...expected].filter((id) => !seen.has(id));
  const unexpected = [...seen].filter((id) => !expected.has(id));
  return { stored: stored.length, distinct: seen.size, missing: missing.length, unexpected: unexpected.length, doubled, examples: { missing: missing.slice(0, 5), unexpected: unexpected.slice(0, 5) } };
}

const summary = (c: IdComparison) => `${c.stored} stored, ${c.distinct} distinct, ${c.missing} missing, ${c.unexpected} unexpected, ${c.doubled} doubled ${JSON.stringify(c.examples)}`;

/**
 * Waits until each store holds at least its expected count and every live sink process reports no lag
 * (so no write is still on its way that could add a copy), then compares the id sets exactly.
 */
export async function expectStores(
  t: Test,
  p: Pipeline,
  expected: { elasticsearch: ReadonlySet<string>; postgres: ReadonlySet<string> },
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  let counts = { elasticsearch: 0, postgres: 0 };
  const full: Partial<Record<keyof typeof counts, number>> = {};
  await eventually(
    () => `the stores to fill: ${JSON.stringify(counts)} of ${expected.elasticsearch.size} / ${expected.postgres.size}`,
    async () => {
      counts = { elasticsearch: await p.esCount(), postgres: await p.pgCount() };
      for (const store of ['elasticsearch', 'postgres'] as const) if (counts[store] >= expected[store].size) full[store] ??= Date.now() - started;
      return full.elasticsearch !== undefined && full.postgres !== undefined;
    },
    timeoutMs,
    1000,
  );
  const live = p.sinks.filter((s) => s.exit === undefined);
  await eventually('no consumer lag in any live sink process', async () => (await Promise.all(live.map(lag))).every((l) => l === 0), 30_000, 500);
  t.comment(`stores complete after ${(full.elasticsearch! / 1000).toFixed(1)} s (Elasticsearch), ${(full.postgres! / 1000).toFixed(1)} s (PostgreSQL)`);

  const pg = compareIds(expected.postgres, await p.pgIds());
  t.same({ missing: pg.missing, unexpected: pg.unexpected, doubled: pg.doubled }, { missing: 0, unexpected: 0, doubled: 0 }, `PostgreSQL holds exactly the ${expected.postgres.size} ids: ${summary(pg)}`);
  t.same(await p.pgDuplicates(), [], 'PostgreSQL: no id in more than one row (group by id having count > 1)');
  const es = compareIds(expected.elasticsearch, await p.esIds());
  t.same({ missing: es.missing, unexpected: es.unexpected, doubled: es.doubled }, { missing: 0, unexpected: 0, doubled: 0 }, `Elasticsearch holds exactly the ${expected.elasticsearch.size} ids: ${summary(es)}`);
  t.equal(es.stored, es.distinct, 'Elasticsearch: the document count equals the distinct id count');
  const warnings = p.sinkWarnings();
  if (warnings.length > 0) t.comment(`the sinks logged so far:\n${warnings.join('\n')}`);
}

async function lag(s: SinkProcess): Promise<number | undefined> {
  return s.metric('logpipe_sink_consumer_lag');
}
