// The ceilings of the sinks bench: what each store takes when loaded straight, without Kafka, Avro or the
// sink's bookkeeping, with the same data as the sink stored.
//   - Elasticsearch: the official client's helpers.bulk, `create` with _id, at the sink's bulk size and
//     concurrency, into an index made by the same template.
//   - PostgreSQL: `psql \copy` into a table made by the same migrations, with the same partitions and indexes.
// The data is read back from what the sink stored (not rebuilt here), so a field the sink adds or drops is
// in the ceiling's load too. The one exception is `words`, which the mapping keeps out of _source: it is
// put back as the sink makes it, so the ceiling indexes the very documents the sink sent.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@elastic/elasticsearch';
import { elasticsearchDocument } from '@logpipe/sinks';
import type { Sql } from 'postgres';

export interface CeilingResult {
  loaded: number;
  seconds: number;
}

/** Every document under `index` (a pattern or alias) as the sink sent it, in index order. Not timed. */
export async function readDocuments(client: Client, index: string): Promise<Array<Record<string, unknown>>> {
  await client.indices.refresh({ index });
  const docs: Array<Record<string, unknown>> = [];
  for await (const source of client.helpers.scrollDocuments<Record<string, unknown>>({ index, size: 10_000, sort: ['_doc'] })) {
    // _source leaves out what the sink adds to each event; the ceiling writes the same documents.
    docs.push(elasticsearchDocument(source));
  }
  return docs;
}

export interface EsCeilingOptions {
  client: Client;
  documents: Array<Record<string, unknown>>;
  /** Daily index of a document, as the sink names it. */
  indexOf: (doc: Record<string, unknown>) => string;
  flushBytes: number;
  concurrency: number;
}

export async function bulkLoadCeiling(options: EsCeilingOptions): Promise<CeilingResult> {
  const t0 = performance.now();
  const stats = await options.client.helpers.bulk<Record<string, unknown>>({
    datasource: options.documents,
    // `create` with the event id, as the sink: a duplicate would be a 409, not a second document.
    onDocument: (doc) => ({ create: { _index: options.indexOf(doc), _id: String(doc.id) } }),
    flushBytes: options.flushBytes,
    concurrency: options.concurrency,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (stats.failed > 0) throw new Error(`helpers.bulk: ${stats.failed} of ${stats.total} documents failed`);
  return { loaded: stats.successful, seconds };
}

/** The psql of the stack's PostgreSQL (stack/services/postgres.mjs), or PSQL if set. */
export function psqlBinary(): string {
  const candidate = process.env.PSQL ?? '/usr/lib/postgresql/15/bin/psql';
  if (!existsSync(candidate)) throw new Error(`psql not found at ${candidate}; set PSQL`);
  return candidate;
}

async function psql(databaseUrl: string, command: string): Promise<void> {
  const url = new URL(databaseUrl);
  // The password goes in the environment, never in argv (ps would show it).
  await promisify(execFile)(
    psqlBinary(),
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username), '-d', url.pathname.slice(1), '-c', command],
    { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) }, maxBuffer: 16 * 1024 * 1024 },
  );
}

export interface PgCeilingOptions {
  sql: Sql;
  databaseUrl: string;
  /** Schema the sink wrote; its rows are exported first (not timed). */
  fromSchema: string;
  /** Schema with an identical, empty `logs`. */
  toSchema: string;
}

export async function copyLoadCeiling(options: PgCeilingOptions): Promise<CeilingResult> {
  const { sql, fromSchema, toSchema } = options;
  // Every stored column, generated ones excepted (PostgreSQL computes them on load, as for the sink).
  const columns = (
    await sql<{ name: string }[]>`
      select column_name as name from information_schema.columns
      where table_schema = ${fromSchema} and table_name = 'logs' and is_generated = 'NEVER'
      order by ordinal_position`
  ).map((c) => `"${c.name}"`);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-sinks-'));
  const file = path.join(dir, 'rows.tsv');
  try {
    // In time order, as a log file would be; the sink received them in that order per Kafka partition.
    await psql(options.databaseUrl, `\\copy (select ${columns.join(', ')} from "${fromSchema}".logs order by "timestamp", id) to '${file}'`);
    const t0 = performance.now();
    await psql(options.databaseUrl, `\\copy "${toSchema}".logs (${columns.join(', ')}) from '${file}'`);
    const seconds = (performance.now() - t0) / 1000;
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(toSchema)}.logs`;
    return { loaded: row?.n ?? 0, seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
