// Smoke test against the real Elasticsearch of the local stack: the official 8.x client refuses anything
// that is not Elasticsearch, so a passing test also proves which server answered.
import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import t from 'tap';

const url = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const client = new Client({ node: url, requestTimeout: 10_000 });
const index = `smoke-${randomUUID()}`;

t.teardown(async () => {
  await client.indices.delete({ index, ignore_unavailable: true });
  await client.close();
});

t.test('the server is a real Elasticsearch 8', async (t) => {
  const res = await fetch(`${url}/_nodes/_local`);
  t.equal(res.headers.get('x-elastic-product'), 'Elasticsearch');
  const body = (await res.json()) as { nodes: Record<string, { version: string }> };
  t.match(Object.values(body.nodes)[0]?.version, /^8\./);
});

t.test('a document indexed with an explicit mapping is found by full-text and keyword queries', async (t) => {
  await client.indices.create({
    index,
    mappings: {
      properties: {
        message: { type: 'text' },
        level: { type: 'keyword' },
        timestamp: { type: 'date' },
      },
    },
  });
  const doc = { message: 'Disk quota exceeded on /var/log — naïve café ✓', level: 'error', timestamp: '2026-11-29T10:00:00.123Z' };
  const id = randomUUID();
  await client.create({ index, id, document: doc, refresh: 'wait_for' });

  const byWord = await client.search<typeof doc>({ index, query: { match: { message: 'quota' } } });
  t.equal(byWord.hits.hits.length, 1);
  t.equal(byWord.hits.hits[0]?._id, id);
  t.same(byWord.hits.hits[0]?._source, doc, 'the stored source comes back unchanged');

  const byLevel = await client.search({ index, query: { term: { level: 'error' } } });
  t.equal(byLevel.hits.hits[0]?._id, id);
  const wrongLevel = await client.search({ index, query: { term: { level: 'info' } } });
  t.equal(wrongLevel.hits.hits.length, 0);

  const again = await client.create({ index, id, document: doc }).then(
    () => 'stored twice',
    (err: { meta?: { statusCode?: number } }) => err.meta?.statusCode,
  );
  t.equal(again, 409, 'the same _id is not stored twice');
});
