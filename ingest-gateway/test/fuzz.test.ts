// A few hundred garbage bodies: whatever a client sends, the answer is never a 5xx.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { event, ndjson, testApp } from './helpers/app.js';

// Deterministic, so a failure reproduces: a small LCG seeded per run index.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const FRAGMENTS = ['{', '}', '[', ']', '"', ':', ',', '\\', '\\u0000', '\\ud800', 'null', 'true', '1e999', '-0', '__proto__', 'constructor', '"level"', '"message"', '"metadata"', '{"a":{"b":{"c":1}}}', '\n', '\r\n', ' ', '\u0000', '\uFEFF', 'é', '🎉'];
// Mostly the accepted types, so most bodies reach the parsers and the event rules.
const TYPES = ['application/json', 'application/json', 'application/json', 'application/x-ndjson', 'application/x-ndjson', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=utf-16'];

function garbage(r: () => number): string | Buffer {
  const kind = Math.floor(r() * 6);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (kind === 0) return randomBytes(Math.floor(r() * 200));
  if (kind === 1) return Array.from({ length: Math.floor(r() * 40) }, () => pick(FRAGMENTS)).join('');
  if (kind === 2) {
    // A valid event with one field replaced by something odd.
    const e = event();
    const key = pick(['level', 'message', 'resourceId', 'timestamp', 'metadata', 'id', 'traceId', 'extra', '__proto__']);
    e[key] = pick<unknown>([null, 1, -1.5, true, '', 'x'.repeat(40_000), [], {}, { a: { b: 1 } }, '\u0000', '2024-13-45T99:99:99Z', 'WARNING', Array(70).fill(1)]);
    return JSON.stringify(pick([e, [e], [event(), e]]));
  }
  if (kind === 3) return ndjson([event(), pick<unknown>(['x', 1, null, [], event({ level: 7 })]), event()]);
  if (kind === 4) return `${'['.repeat(Math.floor(r() * 5000))}${pick(['', '1', '{}'])}${']'.repeat(Math.floor(r() * 5000))}`;
  const valid = JSON.stringify([event(), event()]);
  const cut = Math.floor(r() * valid.length);
  return valid.slice(0, cut) + pick(FRAGMENTS) + valid.slice(cut + 1);
}

t.test('garbage bodies never cause a 5xx', async (t) => {
  const { app, sink } = testApp({ config: { bodyLimitBytes: 64 * 1024, maxEventsPerRequest: 100 } });
  const r = rng(20240501);
  const statuses = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const payload = garbage(r);
    const contentType = TYPES[Math.floor(r() * TYPES.length)]!;
    const res = await app.inject({ method: 'POST', url: '/logs', headers: { 'content-type': contentType }, payload });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    if (res.statusCode >= 500) t.fail(`run ${i}: ${res.statusCode} ${res.body.slice(0, 300)} for ${JSON.stringify(payload.toString().slice(0, 200))}`);
    else if (res.statusCode !== 202 && !res.json().error?.code?.startsWith('GW_')) t.fail(`run ${i}: no GW_ code in ${res.body.slice(0, 200)}`);
  }
  t.pass(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}, ${sink.records.length} records produced`);
  t.notOk([...statuses.keys()].some((s) => s >= 500));
});
