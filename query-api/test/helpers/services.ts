// The real services of the local stack and names unique to a test run, so runs never collide.
import { randomUUID } from 'node:crypto';

export const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs';
export const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
export const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';

/** Lower-case, unique per call: fits a PostgreSQL schema, an Elasticsearch prefix and a Kafka name. */
export const uniqueName = (kind: string): string => `qa_${kind}_${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;

/** Resolves when `check` holds, polling every 50 ms; rejects with `what` after timeoutMs. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
