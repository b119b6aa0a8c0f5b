// The resend logic with the gateway's answers scripted, for what the real gateway cannot be made to do
// on demand (413 on a chosen batch, 503 then 202). The real gateway's 400s are in
// test/commands/ingest.test.ts.
import t from 'tap';
import { CliError } from '../../../src/lib/errors.js';
import { deliverBatch, withId, type DeliverOptions, type GatewayAnswer } from '../../../src/lib/ingest/deliver.js';
import type { InputItem } from '../../../src/lib/ingest/input.js';

const item = (n: number): InputItem => ({ text: `{"n":${n}}`, line: n, bytes: 8 });
const bodyLines = (body: string): string[] => body.trimEnd().split('\n');

function scripted(answer: (lines: string[], call: number) => GatewayAnswer): { options: DeliverOptions; bodies: string[][]; slept: number[] } {
  const bodies: string[][] = [];
  const slept: number[] = [];
  const options: DeliverOptions = {
    post: async (body) => {
      const lines = bodyLines(body);
      bodies.push(lines);
      return answer(lines, bodies.length);
    },
    maxAttempts: 3,
    sleep: async (ms) => void slept.push(ms),
    retryNetworkErrors: () => true,
    fatal: (status) => new CliError('CLI_SERVER_ERROR', `fatal ${status}`),
  };
  return { options, bodies, slept };
}

const accepted = (lines: string[]): GatewayAnswer => ({ status: 202, body: { accepted: lines.length }, retryAfterS: undefined });

t.test('a 400 drops the items it lists and resends the rest, round after round', async (t) => {
  const { options, bodies } = scripted((lines, call) => {
    if (call === 1) return { status: 400, body: { error: { code: 'GW_INVALID_NDJSON', message: 'x', items: [{ index: 1, line: 2, path: '', message: 'line 2 is not valid JSON: boom' }] } }, retryAfterS: undefined };
    if (call === 2) return { status: 400, body: { error: { code: 'GW_INVALID_EVENTS', items: [{ index: 0, path: '/level', message: 'bad' }, { index: 0, path: '/x', message: 'unknown' }, { index: 2, path: '/m', message: 'long' }] } }, retryAfterS: undefined };
    return accepted(lines);
  });
  const result = await deliverBatch([1, 2, 3, 4, 5].map(item), options);
  t.same(bodies, [
    ['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}', '{"n":5}'],
    ['{"n":1}', '{"n":3}', '{"n":4}', '{"n":5}'],
    ['{"n":3}', '{"n":5}'],
  ]);
  t.equal(result.accepted, 2);
  t.same(
    result.rejected.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    [
      { line: 1, issues: [{ path: '/level', message: 'bad' }, { path: '/x', message: 'unknown' }] },
      { line: 2, issues: [{ path: '', message: 'not valid JSON: boom' }] },
      { line: 4, issues: [{ path: '/m', message: 'long' }] },
    ],
    "the gateway's own line number (of its request body) is dropped from the message",
  );
  t.equal(result.requests, 3);
});

t.test('a 400 that singles nothing out rejects the whole batch with its message', async (t) => {
  const { options } = scripted(() => ({ status: 400, body: { error: { code: 'GW_EMPTY_BODY', message: 'request body is empty' } }, retryAfterS: undefined }));
  const result = await deliverBatch([item(1), item(2)], options);
  t.equal(result.accepted, 0);
  t.same(result.rejected, [
    { line: 1, issues: [{ path: '', message: 'request body is empty' }] },
    { line: 2, issues: [{ path: '', message: 'request body is empty' }] },
  ]);
});

t.test('a 413 splits the batch until the one oversized event is alone', async (t) => {
  const { options, bodies } = scripted((lines) => (lines.includes('{"n":3}') && lines.length >= 1 ? { status: 413, body: { error: { code: 'GW_BODY_TOO_LARGE', message: 'too large' } }, retryAfterS: undefined } : accepted(lines)));
  const result = await deliverBatch([1, 2, 3, 4].map(item), options);
  t.equal(result.accepted, 3);
  t.same(result.rejected, [{ line: 3, issues: [{ path: '', message: 'too large' }] }]);
  t.same(bodies, [['{"n":1}', '{"n":2}', '{"n":3}', '{"n":4}'], ['{"n":1}', '{"n":2}'], ['{"n":3}', '{"n":4}'], ['{"n":3}'], ['{"n":4}']]);
});

t.test('429 and 503 are retried with the same body after Retry-After; then a fatal error', async (t) => {
  const { options, bodies, slept } = scripted((lines, call) => (call < 3 ? { status: call === 1 ? 429 : 503, body: {}, retryAfterS: call === 1 ? 2 : undefined } : accepted(lines)));
  const result = await deliverBatch([item(1)], options);
  t.equal(result.accepted, 1);
  t.equal(result.retries, 2);
  t.same(slept, [2000, 2000], 'Retry-After, then the back-off');
  t.equal(new Set(bodies.map((b) => b.join())).size, 1, 'the very same events each time');

  const down = scripted(() => ({ status: 503, body: {}, retryAfterS: 1 }));
  await t.rejects(deliverBatch([item(1)], down.options), { message: 'fatal 503' });
  t.equal(down.bodies.length, 3, 'maxAttempts sends');
});

t.test('a lost connection is retried only once the gateway has answered before', async (t) => {
  let calls = 0;
  const lost = new CliError('CLI_UNREACHABLE', 'gone');
  const options: DeliverOptions = {
    post: async (body) => {
      calls++;
      if (calls === 1) throw lost;
      return accepted(bodyLines(body));
    },
    maxAttempts: 3,
    sleep: async () => {},
    retryNetworkErrors: () => true,
    fatal: () => new CliError('CLI_SERVER_ERROR', 'x'),
  };
  t.equal((await deliverBatch([item(1)], options)).accepted, 1);
  calls = 0;
  await t.rejects(deliverBatch([item(1)], { ...options, retryNetworkErrors: () => false }), lost);
});

t.test('other statuses stop the run', async (t) => {
  const { options } = scripted(() => ({ status: 401, body: {}, retryAfterS: undefined }));
  await t.rejects(deliverBatch([item(1)], options), { message: 'fatal 401' });
});

t.test('withId gives an object without an id a UUIDv7 and keeps the rest of the line byte for byte', async (t) => {
  const line = '  { "level" : "info",  "n": 1.50 }';
  const out = withId({ text: line, line: 7, bytes: 40 }, Date.UTC(2024, 0, 1));
  t.match(out.text, /^ {2}\{"id":"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", "level" : "info", {2}"n": 1\.50 \}$/);
  t.equal(out.line, 7);
  t.same(Object.keys(JSON.parse(out.text)), ['id', 'level', 'n']);
  t.match(withId({ text: '{}', bytes: 3 }).text, /^\{"id":"[^"]+"\}$/, 'an empty object');
  for (const untouched of ['{"id":"x","a":1}', '[1]', '"s"', '{broken', 'null']) t.equal(withId({ text: untouched, bytes: 1 }).text, untouched);
});
