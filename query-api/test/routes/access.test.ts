// Access control (design contract, section 7) through the real app and key table: 401 without or with a
// bad key everywhere but the open routes, 403 for roles that may not, keys managed by admins only,
// revocation at once, and a resource-scoped key that sees nothing else whatever it asks.
import type { LogEvent } from '@logpipe/schemas';
import t from 'tap';
import { createKey, get, send, startApp, type TestApp } from '../helpers/app.js';
import { createDataset, makeEvent, type Dataset } from '../helpers/dataset.js';

interface ErrorBody {
  error: { code: string; message: string };
}

let ds: Dataset;
let api: TestApp;

t.before(async () => {
  ds = await createDataset(t);
  const base = Date.now() - 600_000;
  const events: LogEvent[] = [];
  // Look-alikes around the scope `server-1*`: server-1, server-10, server-1a match it; server-2, xserver-1, Server-1 do not.
  for (const resourceId of ['server-1', 'server-10', 'server-1a', 'server-2', 'xserver-1', 'Server-1', 'other']) {
    for (let i = 0; i < 5; i++) events.push(makeEvent({ resourceId, message: `scoped check ${resourceId} number ${i}`, level: i % 2 ? 'error' : 'info', timestamp: new Date(base + events.length * 1000).toISOString(), metadata: { parentResourceId: 'server-1' } }));
  }
  await ds.add(events);
  api = await startApp(t, { schema: ds.schema, alias: ds.alias });
  await api.services.keysReady;
});

const READ_ROUTES = ['/api/search', '/api/histogram', '/api/stats', '/api/tail'];

t.test('no key, a malformed header or an unknown key: 401 on every /api route, even unknown ones', async (t) => {
  for (const path of [...READ_ROUTES, '/api/keys', '/api/nope', '/api']) {
    const none = await get<ErrorBody>(api.app, path, undefined);
    t.equal(none.status, 401, `${path} without a key`);
    t.equal(none.body.error.code, 'QRY_MISSING_KEY');
    t.match(none.headers['www-authenticate'], /^Bearer/);
    const unknown = await get<ErrorBody>(api.app, path, 'lpk_doesnotexist0000000000000000000000000000');
    t.equal(unknown.status, 401, `${path} with an unknown key`);
    t.equal(unknown.body.error.code, 'QRY_INVALID_KEY');
  }
  for (const authorization of ['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer a b', `Bearer ${'x'.repeat(600)}`, 'Bearer ключ']) {
    const res = await api.app.inject({ method: 'GET', url: '/api/search', headers: { authorization } });
    t.equal(res.statusCode, 401, authorization.slice(0, 30));
  }
  const post = await send<ErrorBody>(api.app, 'POST', '/api/keys', undefined, { name: 'x', role: 'admin' });
  t.equal(post.status, 401);
});

t.test('the open routes need no key', async (t) => {
  t.equal((await get(api.app, '/healthz', undefined)).status, 200);
  t.equal((await get(api.app, '/metrics', undefined)).status, 200);
  t.ok([200, 503].includes((await get(api.app, '/readyz', undefined)).status), '/readyz answers');
  const ui = await api.app.inject({ method: 'GET', url: '/' });
  t.equal(ui.statusCode, 200, 'the web UI');
  t.match(ui.headers['content-type'], /text\/html/);
});

t.test('a reader reads but cannot manage keys (403); an ingester reads nothing (403)', async (t) => {
  const reader = await createKey(api, 'reader');
  const ingester = await createKey(api, 'ingester');
  t.match(reader.key, /^lpk_[A-Za-z0-9_-]{43}$/);
  t.equal((await get(api.app, '/api/search', reader.key)).status, 200);
  t.equal((await get(api.app, '/api/stats', reader.key)).status, 200);
  for (const [method, path, body] of [
    ['GET', '/api/keys', undefined],
    ['POST', '/api/keys', { name: 'sneaky', role: 'admin' }],
    ['DELETE', `/api/keys/${reader.id}`, undefined],
  ] as const) {
    const res = method === 'GET' ? await get<ErrorBody>(api.app, path, reader.key) : await send<ErrorBody>(api.app, method, path, reader.key, body);
    t.equal(res.status, 403, `reader: ${method} ${path}`);
    t.equal(res.body.error.code, 'QRY_FORBIDDEN');
  }
  for (const path of READ_ROUTES) t.equal((await get(api.app, path, ingester.key)).status, 403, `ingester: ${path}`);
});

t.test('admins create, list and revoke keys; the key itself is shown once, and never its hash', async (t) => {
  const created = await send<Record<string, unknown>>(api.app, 'POST', '/api/keys', api.adminKey, { name: 'ci reader', role: 'reader', resourcePatterns: ['ci-*'] });
  t.equal(created.status, 201);
  t.match(created.body, { id: String, key: /^lpk_/, name: 'ci reader', role: 'reader', resourcePatterns: ['ci-*'], prefix: /^lpk_/, createdAt: String, revokedAt: null });
  const list = await get<{ keys: Record<string, unknown>[] }>(api.app, '/api/keys', api.adminKey);
  const listed = list.body.keys.find((k) => k.id === created.body.id);
  t.match(listed, { name: 'ci reader', prefix: String(created.body.key).slice(0, 8) });
  t.notOk(JSON.stringify(list.body).includes(String(created.body.key)), 'the listing holds no key');
  t.notMatch(JSON.stringify(list.body), /hash/);
  t.ok(list.body.keys.some((k) => k.name === 'LOGS_ADMIN_KEY' && k.role === 'admin'), 'LOGS_ADMIN_KEY became an admin key at start');

  for (const [body, param] of [
    [{ name: 'x', role: 'root' }, 'role'],
    [{ role: 'reader' }, 'name'],
    [{ name: 'x', role: 'reader', extra: 1 }, 'extra'],
    [{ name: 'x', role: 'admin', resourcePatterns: ['a*'] }, 'resourcePatterns'],
    [{ name: 'x', role: 'reader', resourcePatterns: ['a*b'] }, 'resourcePatterns'],
  ] as const) {
    const res = await send<{ error: { code: string; items: { param: string }[] } }>(api.app, 'POST', '/api/keys', api.adminKey, body);
    t.equal(res.status, 400, JSON.stringify(body));
    t.match(res.body.error, { code: 'QRY_INVALID_PARAMS', items: [{ param }] });
  }
  const notJson = await api.app.inject({ method: 'POST', url: '/api/keys', headers: { authorization: `Bearer ${api.adminKey}`, 'content-type': 'text/plain' }, payload: 'name=x' });
  t.equal(notJson.statusCode, 415);
  t.equal((await send(api.app, 'DELETE', '/api/keys/00000000-0000-4000-8000-000000000000', api.adminKey)).status, 404);
  t.equal((await send(api.app, 'DELETE', '/api/keys/not-a-uuid', api.adminKey)).status, 400);
});

t.test('a revoked key stops working at once', async (t) => {
  const reader = await createKey(api, 'reader');
  t.equal((await get(api.app, '/api/search', reader.key)).status, 200);
  const revoked = await send<{ revokedAt: string }>(api.app, 'DELETE', `/api/keys/${reader.id}`, api.adminKey);
  t.equal(revoked.status, 200);
  t.match(revoked.body.revokedAt, /^\d{4}-/);
  const after = await get<ErrorBody>(api.app, '/api/search', reader.key);
  t.equal(after.status, 401, 'the very next request is refused');
  t.equal(after.body.error.code, 'QRY_INVALID_KEY');
  t.equal((await send(api.app, 'DELETE', `/api/keys/${reader.id}`, api.adminKey)).status, 200, 'revoking again is harmless');

  // Revoked through the table directly (another process of the API): still refused on the next request.
  const other = await createKey(api, 'reader');
  t.equal((await get(api.app, '/api/stats', other.key)).status, 200);
  await api.services.deps.keys.revoke(other.id);
  t.equal((await get(api.app, '/api/stats', other.key)).status, 401, 'no cache in between');

  // Search and histogram look a key seen before up while the stores work: the answer still waits for it.
  for (const path of ['/api/search', '/api/histogram']) {
    const seen = await createKey(api, 'reader');
    const before = await get<{ hits?: unknown[]; buckets?: unknown[] }>(api.app, path, seen.key);
    t.equal(before.status, 200, `${path} answers while the key is active`);
    await api.services.deps.keys.revoke(seen.id);
    const refused = await get<ErrorBody & { hits?: unknown; buckets?: unknown }>(api.app, path, seen.key);
    t.equal(refused.status, 401, `${path}: refused on the next request`);
    t.equal(refused.body.error.code, 'QRY_INVALID_KEY');
    t.equal(refused.body.hits ?? refused.body.buckets, undefined, `${path}: no events in the refusal`);
    t.equal((await get(api.app, path, seen.key)).status, 401, `${path}: and on every one after`);
  }
});

t.test('the last active admin key cannot be revoked', async (t) => {
  const second = await createKey(api, 'admin');
  const keys = (await get<{ keys: { id: string; name: string; role: string; revokedAt: string | null }[] }>(api.app, '/api/keys', api.adminKey)).body.keys;
  const admins = keys.filter((k) => k.role === 'admin' && k.revokedAt === null);
  // Revoke every admin but the configured one, then try that one.
  for (const k of admins) if (k.name !== 'LOGS_ADMIN_KEY') t.equal((await send(api.app, 'DELETE', `/api/keys/${k.id}`, api.adminKey)).status, 200);
  const configured = admins.find((k) => k.name === 'LOGS_ADMIN_KEY');
  const last = await send<ErrorBody>(api.app, 'DELETE', `/api/keys/${configured?.id}`, api.adminKey);
  t.equal(last.status, 409);
  t.equal(last.body.error.code, 'QRY_LAST_ADMIN');
  t.equal((await get(api.app, '/api/keys', second.key)).status, 401, 'the revoked second admin is out');
});

t.test('a key scoped to server-1* never gets another resource, whatever it asks', async (t) => {
  const scoped = await createKey(api, 'reader', ['server-1*']);
  const inScope = (id: string) => /^server-1/.test(id);
  const queries: Record<string, string | string[]>[] = [
    {},
    { q: 'scoped' },
    { q: 'resourceId:other' },
    { q: 'resourceId:server-2 OR resourceId:other' },
    { q: 'NOT resourceId:server-1' },
    { q: '-resourceId:server-1*' },
    { q: '* OR scoped' },
    { q: '(resourceId:other) OR (resourceId:server-10)' },
    { q: 'resourceId:/.*/' },
    { q: 'resourceId:Server-1 OR resourceId:xserver-1' },
    { q: 'parentResourceId:server-1' },
    { resourceId: ['other', 'server-2', 'server-1'] },
    { resourceId: '*' },
    { q: 'scoped OR NOT scoped' },
  ];
  let seen = 0;
  for (const query of queries) {
    const res = await get<{ hits: LogEvent[] }>(api.app, '/api/search', scoped.key, { ...query, limit: 1000 });
    if (res.status !== 200) {
      t.equal(res.status, 400, `${JSON.stringify(query)} is refused as a bad query, or answered`);
      continue;
    }
    const foreign = res.body.hits.filter((h) => !inScope(h.resourceId));
    t.same(foreign, [], `search ${JSON.stringify(query)}: ${res.body.hits.length} hits, none foreign`);
    seen += res.body.hits.length;
    const hist = await get<{ total: number }>(api.app, '/api/histogram', scoped.key, { ...query, from: '1h' });
    t.equal(hist.status, 200);
    const own = res.body.hits.length;
    t.ok(hist.body.total <= 15 && hist.body.total === own, `histogram ${JSON.stringify(query)} counts only in-scope events (${hist.body.total})`);
  }
  t.ok(seen > 0, 'the scoped key does see its own resources');
  const all = await get<{ hits: LogEvent[] }>(api.app, '/api/search', scoped.key, { limit: 1000 });
  t.same([...new Set(all.body.hits.map((h) => h.resourceId))].sort(), ['server-1', 'server-10', 'server-1a'], 'exactly server-1*');
  const stats = await get<{ stores: Record<string, { count: number; newest: { id: string } }> }>(api.app, '/api/stats', scoped.key);
  t.equal(stats.body.stores.postgres?.count, 15, 'stats count only what the key may see');
  t.equal(stats.body.stores.elasticsearch?.count, 15);
  t.ok(all.body.hits.some((h) => h.id === stats.body.stores.postgres?.newest.id), 'the newest event shown is one of its own');
});
