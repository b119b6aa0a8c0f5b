// Fan-out logic with stand-in stores (the real stores are exercised in test/routes/): deadlines, errors
// as reports, and when a request as a whole fails.
import t from 'tap';
import { QueryApiError } from '../../src/errors.js';
import { fanOut, requireAnswer, sourceReports } from '../../src/search/fan-out.js';
import { StoreError, type LogStore, type StoreName } from '../../src/stores/contract.js';

const store = (name: StoreName): LogStore => ({ name }) as LogStore;
const es = store('elasticsearch');
const pg = store('postgres');

t.test('each store answers for itself; a slow one is cut at the deadline and told to stop', async (t) => {
  let aborted = false;
  const started = Date.now();
  const outcomes = await fanOut([es, pg], { timeoutMs: 100 }, async (s, call) => {
    if (s.name === 'elasticsearch') return 7;
    call.signal.addEventListener('abort', () => (aborted = true));
    return new Promise<number>(() => {}); // never answers
  });
  t.ok(Date.now() - started < 1000, 'settles at the deadline');
  t.equal(outcomes[0]?.value, 7);
  t.equal(outcomes[1]?.error?.kind, 'timeout');
  t.match(outcomes[1]?.error?.message, /PostgreSQL did not answer within 100 ms/);
  t.ok(aborted, 'the late store was aborted');
  const reports = sourceReports(outcomes, (n) => n);
  t.same(reports.elasticsearch, { ok: true, tookMs: outcomes[0]?.tookMs, count: 7 });
  t.match(reports.postgres, { ok: false, count: 0, error: /within 100 ms/ });
  t.doesNotThrow(() => requireAnswer(outcomes, reports), 'one answer is enough');
});

t.test('a client that leaves aborts every store', async (t) => {
  const client = new AbortController();
  const seen: boolean[] = [];
  const done = fanOut([es, pg], { timeoutMs: 10_000, signal: client.signal }, (_s, call) =>
    new Promise<number>((_resolve, reject) => call.signal.addEventListener('abort', () => { seen.push(true); reject(new StoreError('postgres', 'timeout', 'aborted')); })),
  );
  client.abort();
  const outcomes = await done;
  t.equal(seen.length, 2);
  t.ok(outcomes.every((o) => o.error));
});

t.test('no answer at all: 503 with each reason, or 400 when every store refused the query itself', async (t) => {
  const fail = (kinds: Record<StoreName, 'rejected' | 'unavailable'>) =>
    fanOut([es, pg], { timeoutMs: 1000 }, async (s) => {
      throw new StoreError(s.name, kinds[s.name], `${s.name} ${kinds[s.name]}`);
    });
  const down = await fail({ elasticsearch: 'unavailable', postgres: 'rejected' });
  const err = t.throws(() => requireAnswer(down, sourceReports(down, () => 0))) as QueryApiError;
  t.equal(err.code, 'QRY_STORES_UNAVAILABLE');
  t.equal(err.statusCode, 503);
  t.match(err.message, /elasticsearch unavailable; postgres rejected/);
  t.match(err.toBody(), { error: { sources: { elasticsearch: { ok: false }, postgres: { ok: false } } } });
  const refused = await fail({ elasticsearch: 'rejected', postgres: 'rejected' });
  t.equal((t.throws(() => requireAnswer(refused, {})) as QueryApiError).statusCode, 400);
});

t.test('a store that throws something else (a bug) is reported as failed, not thrown', async (t) => {
  const outcomes = await fanOut([es], { timeoutMs: 1000 }, async () => {
    throw new TypeError('boom');
  });
  t.equal(outcomes[0]?.error?.kind, 'failed');
});
