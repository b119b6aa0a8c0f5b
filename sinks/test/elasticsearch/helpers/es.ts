// The real Elasticsearch of the local stack, a unique index prefix per test, and the cleanup that leaves no
// index or template behind. Indices are deleted by name: a stock node refuses wildcard deletes.
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';

export const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

export const newClient = (): Client => new Client({ node: esUrl, requestTimeout: 30_000 });

/** Lowercase, unique, and not under `logs-` so it can never meet the real template's pattern. */
export const testPrefix = (): string => `t-es-${randomUUID().slice(0, 8)}`;

export async function removePrefix(client: Client, prefix: string): Promise<void> {
  const indices = Object.keys(await client.indices.get({ index: `${prefix}-*`, ignore_unavailable: true, allow_no_indices: true }));
  if (indices.length > 0) await client.indices.delete({ index: indices });
  await client.indices.deleteIndexTemplate({ name: `logpipe-${prefix}` }, { ignore: [404] });
}

/** Every _id reachable through the alias (after a refresh), sorted. */
export async function idsIn(client: Client, alias: string): Promise<string[]> {
  await client.indices.refresh({ index: alias });
  const ids: string[] = [];
  let res = await client.search({ index: alias, size: 10_000, _source: false, sort: ['_doc'], scroll: '1m' });
  while (res.hits.hits.length > 0) {
    for (const hit of res.hits.hits) if (hit._id) ids.push(hit._id);
    if (!res._scroll_id) break;
    res = await client.scroll({ scroll_id: res._scroll_id, scroll: '1m' });
  }
  if (res._scroll_id) await client.clearScroll({ scroll_id: res._scroll_id });
  return ids.sort();
}
