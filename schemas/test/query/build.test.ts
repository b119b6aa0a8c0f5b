import t from 'tap';
import type { QueryNode } from '../../src/query/ast.js';
import { buildQuery, scopeToResources, type SearchParams } from '../../src/query/build.js';
import { parseQuery } from '../../src/query/parser.js';

const NOW = Date.UTC(2024, 2, 10, 12, 0, 0);
const HOUR = 3_600_000;

function built(params: SearchParams): QueryNode {
  const result = buildQuery(params, { now: NOW });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(params)} to build, got ${JSON.stringify(result.errors)}`);
  return result.ast;
}

function errors(params: SearchParams) {
  const result = buildQuery(params, { now: NOW });
  if (result.ok) throw new Error(`expected ${JSON.stringify(params)} to fail, got ${JSON.stringify(result.ast)}`);
  return result.errors;
}

t.test('no parameters: every event', async (t) => {
  t.same(built({}), { kind: 'all' });
  t.same(built({ q: '' }), { kind: 'all' });
});

t.test('q AND each field parameter (repeated = OR) AND from/to', async (t) => {
  t.same(built({ q: 'error', level: ['err', 'WARNING'], resourceId: ['server-1*', 'db-1'] }), {
    kind: 'and',
    children: [
      { kind: 'words', words: ['error'] },
      { kind: 'or', children: [{ kind: 'term', field: 'level', value: 'error' }, { kind: 'term', field: 'level', value: 'warn' }] },
      { kind: 'or', children: [{ kind: 'prefix', field: 'resourceId', value: 'server-1' }, { kind: 'term', field: 'resourceId', value: 'db-1' }] },
    ],
  });
  t.same(built({ traceId: ['t1'], spanId: ['s1'], commit: ['abc*'], parentResourceId: ['p'] }), {
    kind: 'and',
    children: [
      { kind: 'term', field: 'traceId', value: 't1' },
      { kind: 'term', field: 'spanId', value: 's1' },
      { kind: 'prefix', field: 'commit', value: 'abc' },
      { kind: 'term', field: 'parentResourceId', value: 'p' },
    ],
  });
  t.same(built({ resourceId: ['a b', '(x)', 'y:z', '"q"'] }), {
    kind: 'or',
    children: ['a b', '(x)', 'y:z', '"q"'].map((value) => ({ kind: 'term', field: 'resourceId', value })),
  }, 'a parameter value is a value, not query syntax');
  t.same(built({ message: ['Connection reset!'] }), { kind: 'phrase', words: ['connection', 'reset'] });
  t.same(built({ message: ['error', 'timeout'] }), { kind: 'or', children: [{ kind: 'words', words: ['error'] }, { kind: 'words', words: ['timeout'] }] });
  t.match(built({ regex: ['fo+\\.bar'] }), { kind: 'regex', field: 'message', source: 'fo+\\.bar' });
});

t.test('from and to: inclusive, RFC 3339 or relative', async (t) => {
  t.same(built({ from: '2024-03-09T00:00:00Z', to: '2024-03-10T00:00:00+01:00' }), {
    kind: 'and',
    children: [
      { kind: 'time', op: '>=', ms: Date.UTC(2024, 2, 9) },
      { kind: 'time', op: '<=', ms: Date.UTC(2024, 2, 9, 23) },
    ],
  });
  t.same(built({ from: '15m' }), { kind: 'time', op: '>=', ms: NOW - 15 * 60_000 });
  t.same(built({ from: '24h', to: '1h' }), {
    kind: 'and',
    children: [
      { kind: 'time', op: '>=', ms: NOW - 24 * HOUR },
      { kind: 'time', op: '<=', ms: NOW - HOUR },
    ],
  });
  t.same(built({ from: '7d' }), { kind: 'time', op: '>=', ms: NOW - 7 * 24 * HOUR });
  t.same(built({ to: 'now' }), { kind: 'time', op: '<=', ms: NOW });
});

t.test('errors name their parameter; all of them come back at once', async (t) => {
  const all = errors({ q: 'level:nope', level: ['verbose'], resourceId: [''], message: ['!!!'], regex: ['a(?=b)'], from: 'yesterday', to: '2024-13-01T00:00:00Z' });
  t.same(all.map((e) => e.param), ['q', 'level', 'resourceId', 'message', 'regex', 'from', 'to']);
  t.match(all[0], { param: 'q', message: /unknown level "nope"/, position: 6, length: 4 });
  t.match(all[1], { message: /level="verbose": unknown level/ });
  t.match(all[2], { message: /resourceId="": is empty/ });
  t.match(all[3], { message: /no letters or digits/ });
  t.match(all[4], { param: 'regex', message: /lookahead/, position: 1, length: 3 });
  t.match(all[5], { message: /^from: "yesterday" must be an RFC 3339 date-time/ });
  t.match(all[6], { message: /^to: "2024-13-01T00:00:00Z" has month 13/ });
  t.match(errors({ from: '1h', to: '2h' }), [{ param: 'from', message: /is after to/ }]);
  t.match(errors({ level: Array.from({ length: 65 }, () => 'info') }), [{ param: 'level', message: /at most 64/ }]);
  t.match(errors({ regex: Array.from({ length: 9 }, () => 'a') }), [{ param: 'regex', message: /at most 8/ }]);
});

t.test('scopeToResources: AND with the allowed resources, whatever the query says', async (t) => {
  const ast = parseQuery('resourceId:db-1 OR error');
  if (!ast.ok) throw new Error('parse');
  t.equal(scopeToResources(ast.ast, []), ast.ast, 'no patterns: unscoped, unchanged');
  t.same(scopeToResources(ast.ast, ['server-1*', 'db-2']), {
    kind: 'and',
    children: [
      ast.ast,
      { kind: 'or', children: [{ kind: 'prefix', field: 'resourceId', value: 'server-1' }, { kind: 'term', field: 'resourceId', value: 'db-2' }] },
    ],
  });
  t.same(scopeToResources({ kind: 'all' }, ['server-1']), { kind: 'term', field: 'resourceId', value: 'server-1' });
});
