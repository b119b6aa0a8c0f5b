import { errors } from '@elastic/elasticsearch';
import t from 'tap';
import { backoffDelayMs, isRetriable, RetryBudget, type RetryPolicy } from '../../src/elasticsearch/retry.js';

const policy: RetryPolicy = { maxAttempts: 5, baseBackoffMs: 100, maxBackoffMs: 1000, maxRetryTimeMs: 10_000 };

t.test('isRetriable: 429, 408 and 5xx statuses, and requests that got no answer', async (t) => {
  for (const status of [429, 408, 500, 502, 503, 504]) t.ok(isRetriable(status), String(status));
  for (const status of [200, 201, 400, 401, 403, 404, 409, 413]) t.notOk(isRetriable(status), String(status));
  t.ok(isRetriable(new errors.ConnectionError('connect ECONNREFUSED')));
  t.ok(isRetriable(new errors.TimeoutError('Request timed out')));
  t.ok(isRetriable(new errors.NoLivingConnectionsError('none', { body: undefined, statusCode: 0, headers: {}, warnings: null, meta: {} as never })));
  const response = (statusCode: number) => new errors.ResponseError({ body: {}, statusCode, headers: {}, warnings: null, meta: {} as never });
  t.ok(isRetriable(response(503)));
  t.ok(isRetriable(response(429)));
  t.notOk(isRetriable(response(400)));
  t.notOk(isRetriable(new errors.SerializationError('bad', {})));
  t.notOk(isRetriable(new Error('bug')));
  t.notOk(isRetriable(undefined));
});

t.test('full jitter: a random wait below min(max, base * 2^retry)', async (t) => {
  t.equal(backoffDelayMs(0, policy, () => 0.999), 99);
  t.equal(backoffDelayMs(3, policy, () => 0.5), 400);
  t.equal(backoffDelayMs(10, policy, () => 0.999), 999, 'capped by maxBackoffMs');
  t.equal(backoffDelayMs(2000, policy, () => 0.999), 999, 'no overflow for large retry counts');
  t.equal(backoffDelayMs(3, policy, () => 0), 0);
});

t.test('the budget ends after maxAttempts in total', async (t) => {
  const budget = new RetryBudget(policy, () => 0, () => 0.5);
  const delays = [budget.nextDelayMs(), budget.nextDelayMs(), budget.nextDelayMs(), budget.nextDelayMs(), budget.nextDelayMs()];
  t.same(delays, [50, 100, 200, 400, undefined], 'four retries after the first attempt');
});

t.test('the budget ends when the next wait would pass maxRetryTimeMs', async (t) => {
  let now = 0;
  const budget = new RetryBudget({ ...policy, maxAttempts: 100, maxRetryTimeMs: 1000 }, () => now, () => 0.999);
  t.equal(budget.nextDelayMs(), 99);
  now = 950;
  t.equal(budget.nextDelayMs(), undefined, '950 + 199 > 1000');
});
