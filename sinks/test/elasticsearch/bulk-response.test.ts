import t from 'tap';
import { isBulkItem, toBulkItem, type BulkItem } from '../../src/elasticsearch/bulk-payload.js';
import { MAX_REASON_CHARS, classifyBulkResponse } from '../../src/elasticsearch/bulk-response.js';
import { event, record } from './helpers/fixtures.js';

const items = (n: number): BulkItem[] =>
  Array.from({ length: n }, () => {
    const item = toBulkItem(record(event()), 'logs');
    if (!isBulkItem(item)) throw new Error('fixture');
    return item;
  });

t.test('no errors: every item is created without reading the items', async (t) => {
  const outcome = classifyBulkResponse(items(3), { errors: false });
  t.match(outcome, { created: 3, duplicates: 0, retry: [], rejected: [], refused: [] });
});

t.test('each item on its own: created, already there, transient, the document, the store', async (t) => {
  const sent = items(7);
  const outcome = classifyBulkResponse(sent, {
    errors: true,
    items: [
      { create: { status: 201 } },
      { create: { status: 409, error: { type: 'version_conflict_engine_exception', reason: 'document already exists' } } },
      { create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'queue full' } } },
      { create: { status: 503, error: { type: 'unavailable_shards_exception', reason: 'primary shard is not active' } } },
      {
        create: {
          status: 400,
          error: {
            type: 'document_parsing_exception',
            reason: "failed to parse field [metadata.n] of type [long]",
            caused_by: { type: 'illegal_argument_exception', reason: 'For input string: "abc"' },
          },
        },
      },
      { create: { status: 400, error: { type: 'strict_dynamic_mapping_exception', reason: 'x'.repeat(5000) } } },
      { create: { status: 403, error: { type: 'cluster_block_exception', reason: 'index [logs-x] blocked' } } },
    ],
  });
  t.equal(outcome.created, 1);
  t.equal(outcome.duplicates, 1);
  t.same(outcome.retry, [sent[2], sent[3]], 'only the transient failures are re-sent');
  t.equal(outcome.rejected.length, 2);
  t.equal(outcome.rejected[0]?.record, sent[4]?.record);
  t.equal(outcome.rejected[0]?.code, 'document_parsing_exception');
  t.equal(
    outcome.rejected[0]?.reason,
    'document_parsing_exception: failed to parse field [metadata.n] of type [long] (caused by illegal_argument_exception: For input string: "abc")',
  );
  t.equal(outcome.rejected[1]?.code, 'strict_dynamic_mapping_exception');
  t.equal(outcome.rejected[1]?.reason.length, MAX_REASON_CHARS, 'long reasons are capped');
  t.equal(outcome.refused.length, 1);
  t.equal(outcome.refused[0]?.status, 403);
});

t.test('a response that does not match the request throws', async (t) => {
  t.throws(() => classifyBulkResponse(items(2), { errors: true, items: [{ create: { status: 201 } }] }), RangeError);
});
