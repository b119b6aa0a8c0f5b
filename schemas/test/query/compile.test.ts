import t from 'tap';
import type { LogEvent } from '../../src/event.js';
import type { QueryNode } from '../../src/query/ast.js';
import { compileElasticsearch } from '../../src/query/compile-elasticsearch.js';
import { compilePredicate } from '../../src/query/compile-predicate.js';
import { compileSql, WORDS_TSVECTOR_SQL } from '../../src/query/compile-sql.js';
import { parseQuery } from '../../src/query/parser.js';

function ast(text: string): QueryNode {
  const result = parseQuery(text, { now: Date.UTC(2024, 2, 10) });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.ast;
}

const base: LogEvent = {
  id: '0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7d',
  level: 'error',
  message: 'Connection RESET by peer: foo.bar_baz café',
  resourceId: 'server-1a',
  timestamp: '2024-03-09T00:00:00.000Z',
  receivedAt: '2024-03-09T00:00:00.001Z',
};
const ev = (overrides: Partial<LogEvent> = {}): LogEvent => ({ ...base, ...overrides });

t.test('Elasticsearch: structured clauses on the mapped fields, nothing parsed from text', async (t) => {
  t.same(compileElasticsearch(ast('')), { match_all: {} });
  t.same(compileElasticsearch(ast('error')), { term: { words: { value: 'error' } } });
  t.same(compileElasticsearch(ast('a b')), { bool: { filter: [{ term: { words: { value: 'a' } } }, { term: { words: { value: 'b' } } }] } });
  t.same(compileElasticsearch(ast('"a b"')), { match_phrase: { words: { query: 'a b', analyzer: 'whitespace', slop: 0 } } });
  t.same(compileElasticsearch(ast('tim*')), { prefix: { words: { value: 'tim' } } });
  t.same(compileElasticsearch(ast('level:WARNING')), { term: { level: { value: 'warn' } } });
  t.same(compileElasticsearch(ast('parentResourceId:c*')), { prefix: { parentResourceId: { value: 'c' } } });
  t.same(compileElasticsearch(ast('traceId:*')), { exists: { field: 'traceId' } });
  t.same(compileElasticsearch(ast('message:/a.b/')), { regexp: { 'message.raw': { value: '.*(a.b).*', flags: 'NONE', max_determinized_states: 10_000 } } });
  t.same(compileElasticsearch(ast('commit:/[0-9a-f]{7}/')), { regexp: { commit: { value: '[0-9a-f]{7}', flags: 'NONE', max_determinized_states: 10_000 } } });
  t.same(compileElasticsearch(ast('timestamp>=2024-03-09T00:00:00Z')), { range: { timestamp: { gte: Date.UTC(2024, 2, 9), format: 'epoch_millis' } } });
  t.same(compileElasticsearch(ast('a -b OR c')), {
    bool: {
      should: [{ bool: { filter: [{ term: { words: { value: 'a' } } }], must_not: [{ term: { words: { value: 'b' } } }] } }, { term: { words: { value: 'c' } } }],
      minimum_should_match: 1,
    },
  });
  const dsl = JSON.stringify(compileElasticsearch(ast('"{\\"query_string\\":1}" resourceId:"*:*"')));
  t.notMatch(dsl, /query_string"?:\s*\{/, 'no query_string clause, whatever the text');
});

t.test('SQL: parameters only, NOT pushed to the leaves, NULL-safe negation', async (t) => {
  t.same(compileSql(ast('')), { text: 'true', values: [] });
  t.same(compileSql(ast('error timeout')), { text: `${WORDS_TSVECTOR_SQL} @@ $1::tsquery`, values: ["'error' & 'timeout'"] });
  t.same(compileSql(ast('"a b"'), { firstParam: 4 }), {
    text: `(strpos(words, $4) > 0 and ${WORDS_TSVECTOR_SQL} @@ $5::tsquery and strpos(' ' || words || ' ', $6) > 0)`,
    values: ['a b', "'a' & 'b'", ' a b '],
  });
  t.same(compileSql(ast('tim*')), { text: `${WORDS_TSVECTOR_SQL} @@ $1::tsquery`, values: ["'tim':*"] });
  t.same(compileSql(ast('resourceId:server-1*')), { text: 'starts_with(resource_id, $1)', values: ['server-1'] });
  t.same(compileSql(ast('-traceId:x')), { text: 'not coalesce(trace_id = $1, false)', values: ['x'] }, 'rows without a trace id match');
  t.same(compileSql(ast('-level:info')), { text: 'not (level = $1)', values: ['info'] }, 'a NOT NULL column needs no coalesce');
  t.same(compileSql(ast('-commit:*')), { text: 'not ("commit" is not null)', values: [] });
  t.same(compileSql(ast('-(a OR -b)')), { text: `(not coalesce(${WORDS_TSVECTOR_SQL} @@ $1::tsquery, false) and ${WORDS_TSVECTOR_SQL} @@ $2::tsquery)`, values: ["'a'", "'b'"] });
  t.same(compileSql(ast('-timestamp>=2024-03-09T00:00:00Z')), { text: '"timestamp" < $1::timestamptz', values: ['2024-03-09T00:00:00.000Z'] }, 'negated bound flipped');
  t.same(compileSql(ast('parentResourceId:/c-\\d/')), { text: 'parent_resource_id ~ $1', values: ['^(?:c\\u002d[0-9])$'] });
  // Whatever the query holds, the SQL text is made of our own tokens: values never appear in it.
  const hostile = ["resourceId:\"'; drop table logs; --\"", 'message:/\'; select 1; --/', 'traceId:$1', 'spanId:"\\\\"', 'commit:"?"'];
  for (const text of hostile) {
    const sql = compileSql(ast(text));
    t.notMatch(sql.text, /drop|select|'; |\\\\|\?/i, `${text} → ${sql.text}`);
    t.equal(sql.values.length, 1);
  }
});

t.test('predicate: the same rules, on the event itself', async (t) => {
  const matches = (text: string, event: LogEvent): boolean => compilePredicate(ast(text))(event);
  t.ok(matches('reset PEER', ev()), 'words, any case');
  t.notOk(matches('rese', ev()), 'whole words only');
  t.ok(matches('foo bar baz', ev()), 'punctuation separates words');
  t.ok(matches('"reset by peer"', ev()));
  t.notOk(matches('"peer by reset"', ev()));
  t.ok(matches('CAFE\u0301', ev()), 'NFC and case');
  t.ok(matches('con*', ev()));
  t.notOk(matches('onn*', ev()), 'a prefix starts a word');
  t.ok(matches('resourceId:server-1*', ev()));
  t.notOk(matches('resourceId:Server-1a', ev()), 'keywords are case-sensitive');
  t.ok(matches('-traceId:x', ev()), 'no traceId: NOT matches');
  t.notOk(matches('traceId:*', ev()));
  t.ok(matches('traceId:*', ev({ traceId: 't' })));
  t.ok(matches('parentResourceId:p1', ev({ metadata: { parentResourceId: 'p1' } })));
  t.notOk(matches('parentResourceId:*', ev({ metadata: { other: 'p1' } })));
  t.ok(matches('message:/RESET by/', ev()));
  t.notOk(matches('message:/reset by/', ev()), 'regexes are case-sensitive');
  t.ok(matches('resourceId:/server-\\d\\w/', ev()));
  t.notOk(matches('resourceId:/server/', ev()), 'whole value');
  t.ok(matches('timestamp>=2024-03-09T00:00:00Z', ev()));
  t.notOk(matches('timestamp>2024-03-09T00:00:00Z', ev()));
  t.ok(matches('timestamp<2024-03-09T00:00:00.001Z', ev()));
  t.ok(matches('level:err (café OR nothing) -level:info', ev()));
});
