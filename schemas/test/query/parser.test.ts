import t from 'tap';
import type { QueryNode, QuerySyntaxError } from '../../src/query/ast.js';
import { QUERY_LIMITS } from '../../src/query/limits.js';
import { parseQuery } from '../../src/query/parser.js';

const NOW = Date.UTC(2024, 2, 10, 12, 0, 0);

function ast(text: string): QueryNode {
  const result = parseQuery(text, { now: NOW });
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(result.error)}`);
  return result.ast;
}

function error(text: string): QuerySyntaxError {
  const result = parseQuery(text, { now: NOW });
  if (result.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.ast)}`);
  return result.error;
}

/** The error, and the text it points at. */
function pointsAt(text: string): { message: string; at: string } {
  const e = error(text);
  return { message: e.message, at: text.slice(e.position, e.position + e.length) };
}

const words = (...w: string[]): QueryNode => ({ kind: 'words', words: w });

t.test('empty and *: every event', async (t) => {
  t.same(ast(''), { kind: 'all' });
  t.same(ast('   \t'), { kind: 'all' });
  t.same(ast('*'), { kind: 'all' });
  t.same(ast('message:*'), { kind: 'all' });
  t.same(ast('* error'), words('error'), '* is absorbed by AND');
  t.same(ast('* OR error'), { kind: 'all' }, 'and absorbs OR');
  t.same(ast('-*'), { kind: 'not', child: { kind: 'all' } });
});

t.test('bare words, phrases and prefixes', async (t) => {
  t.same(ast('Error timeout'), words('error', 'timeout'), 'implicit AND gathers words, lower-cased');
  t.same(ast('error AND timeout error'), words('error', 'timeout'), 'explicit AND, repeats dropped');
  t.same(ast('"connection reset"'), { kind: 'phrase', words: ['connection', 'reset'] });
  t.same(ast('"single"'), words('single'));
  t.same(ast('foo.bar'), { kind: 'phrase', words: ['foo', 'bar'] }, 'punctuation inside a bare word: its words in a row');
  t.same(ast('server-1'), { kind: 'phrase', words: ['server', '1'] }, '- inside a word is not NOT');
  t.same(ast('time*'), { kind: 'wordPrefix', prefix: 'time' });
  t.same(ast('TIME*'), { kind: 'wordPrefix', prefix: 'time' });
  t.same(ast('"say \\"hi\\" \\\\o/"'), { kind: 'phrase', words: ['say', 'hi', 'o'] }, 'escapes in quotes');
  t.same(ast('café CAFE\u0301'), words('café'), 'NFC and lower case, like the stored words');
});

t.test('message: field', async (t) => {
  t.same(ast('message:error'), words('error'));
  t.same(ast('message:"a b"'), { kind: 'phrase', words: ['a', 'b'] });
  t.same(ast('message:foo.bar'), { kind: 'phrase', words: ['foo', 'bar'] });
  t.same(ast('message:err*'), { kind: 'wordPrefix', prefix: 'err' });
  t.match(ast('message:/a.c/'), { kind: 'regex', field: 'message', source: 'a.c' });
});

t.test('levels: case-insensitive, aliases normalised, unknown ones refused where they are', async (t) => {
  const cases: Array<[string, string]> = [
    ['level:error', 'error'],
    ['level:ERROR', 'error'],
    ['level:err', 'error'],
    ['level:Warning', 'warn'],
    ['level:critical', 'fatal'],
    ['level:"info"', 'info'],
    ['LEVEL:trace', 'trace'],
  ];
  for (const [text, level] of cases) t.same(ast(text), { kind: 'term', field: 'level', value: level }, text);
  t.same(ast('level:W*'), { kind: 'prefix', field: 'level', value: 'w' });
  t.same(pointsAt('level:error OR level:verbose'), { message: pointsAt('level:verbose').message, at: 'verbose' });
  t.match(error('level:verbose').message, /unknown level "verbose"; levels are trace, debug, info, warn, error, fatal \(or warning, err, critical\)/);
});

t.test('keyword fields: exact and case-sensitive, * prefix, quotes, escapes, presence', async (t) => {
  t.same(ast('resourceId:Server-1'), { kind: 'term', field: 'resourceId', value: 'Server-1' });
  t.same(ast('resourceid:server-1*'), { kind: 'prefix', field: 'resourceId', value: 'server-1' }, 'field names are case-insensitive');
  t.same(ast('resourceId:"a b*"'), { kind: 'term', field: 'resourceId', value: 'a b*' }, 'a quoted * is literal');
  t.same(ast('resourceId:a\\ b'), { kind: 'term', field: 'resourceId', value: 'a b' });
  t.same(ast('resourceId:server-1\\*'), { kind: 'term', field: 'resourceId', value: 'server-1*' });
  t.same(ast('resourceId:server-1\\**'), { kind: 'prefix', field: 'resourceId', value: 'server-1*' });
  t.same(ast('traceId:*'), { kind: 'prefix', field: 'traceId', value: '' }, 'presence');
  t.same(ast('spanId:s1 commit:abc'), { kind: 'and', children: [{ kind: 'term', field: 'spanId', value: 's1' }, { kind: 'term', field: 'commit', value: 'abc' }] });
  t.same(ast('parentResourceId:cluster-1'), { kind: 'term', field: 'parentResourceId', value: 'cluster-1' });
  t.same(ast('metadata.parentResourceId:cluster-1'), { kind: 'term', field: 'parentResourceId', value: 'cluster-1' }, 'alias of parentResourceId');
  t.same(ast('(resourceId:x)'), { kind: 'term', field: 'resourceId', value: 'x' }, 'a bare value ends at )');
});

t.test('NOT, -, OR, AND and parentheses: precedence and nesting', async (t) => {
  t.same(ast('-error'), { kind: 'not', child: words('error') });
  t.same(ast('NOT error'), { kind: 'not', child: words('error') });
  t.same(ast('--error'), words('error'), 'double negation');
  t.same(ast('NOT -error'), words('error'));
  t.same(ast('a OR b c'), { kind: 'or', children: [words('a'), words('b', 'c')] }, 'AND binds tighter than OR');
  t.same(ast('(a OR b) c'), { kind: 'and', children: [{ kind: 'or', children: [words('a'), words('b')] }, words('c')] });
  t.same(ast('a OR b OR c'), { kind: 'or', children: [words('a'), words('b'), words('c')] }, 'flattened');
  t.same(ast('-traceId:x'), { kind: 'not', child: { kind: 'term', field: 'traceId', value: 'x' } });
  t.same(ast('a -(b OR -c)'), {
    kind: 'and',
    children: [words('a'), { kind: 'not', child: { kind: 'or', children: [words('b'), { kind: 'not', child: words('c') }] } }],
  });
  t.same(ast('and or not'), words('and', 'or', 'not'), 'operators are capitals only; lower case is text');
  t.same(ast('NOT(a)'), { kind: 'not', child: words('a') });
});

t.test('time bounds: RFC 3339 or relative, all four operators', async (t) => {
  t.same(ast('timestamp>=2024-03-09T00:00:00Z'), { kind: 'time', op: '>=', ms: Date.UTC(2024, 2, 9) });
  t.same(ast('timestamp>2024-03-09T01:00:00+01:00'), { kind: 'time', op: '>', ms: Date.UTC(2024, 2, 9) });
  t.same(ast('timestamp<=2024-03-09T23:59:59.9999Z'), { kind: 'time', op: '<=', ms: Date.UTC(2024, 2, 9, 23, 59, 59, 999) }, 'fractions truncated to ms');
  t.same(ast('timestamp<15m'), { kind: 'time', op: '<', ms: NOW - 15 * 60_000 });
  t.same(ast('timestamp>=7d'), { kind: 'time', op: '>=', ms: NOW - 7 * 86_400_000 });
  t.same(ast('timestamp>=2w timestamp<=30s'), {
    kind: 'and',
    children: [
      { kind: 'time', op: '>=', ms: NOW - 14 * 86_400_000 },
      { kind: 'time', op: '<=', ms: NOW - 30_000 },
    ],
  });
  t.same(ast('timestamp<=now'), { kind: 'time', op: '<=', ms: NOW });
  t.same(pointsAt('timestamp>=2024-03-09'), { message: 'bad time: "2024-03-09" has no time of day; send a full date-time like 2024-01-01T09:00:00.123Z or 2024-01-01T10:00:00+01:00, or a relative time like 15m, 24h, 7d', at: '2024-03-09' });
  t.match(pointsAt('timestamp>=15x'), { message: /not a relative time/, at: '15x' });
  t.match(pointsAt('a timestamp:2024-03-09T00:00:00Z'), { message: /takes a comparison/, at: 'timestamp:' });
  t.match(pointsAt('level>=error'), { message: /only timestamp can be compared/, at: '>=' });
  t.same(ast('x>5'), { kind: 'phrase', words: ['x', '5'] }, 'a comparison after a non-field is text');
});

t.test('syntax errors name the problem and point at it', async (t) => {
  const cases: Array<[string, RegExp, string]> = [
    ['title:foo~2', /unknown field "title"; fields are level, resourceId, traceId, spanId, commit, message, parentResourceId, timestamp/, 'title'],
    ['error https://example.com', /unknown field "https".*put it in quotes/, 'https'],
    ['(a OR b', /unclosed \(/, '('],
    ['a OR b)', /unmatched \)/, ')'],
    ['a ()', /empty parentheses/, '()'],
    ['AND a', /AND needs a term before it/, 'AND'],
    ['a AND', /AND needs a term after it/, 'AND'],
    ['a AND OR b', /AND needs a term after it/, 'AND'],
    ['OR a', /OR needs a term before it/, 'OR'],
    ['a OR', /OR needs a term after it/, 'OR'],
    ['a (OR b)', /OR needs a term before it/, 'OR'],
    ['NOT', /NOT needs a term after it/, 'NOT'],
    ['a "unclosed phrase', /unclosed quote/, '"unclosed phrase'],
    ['"bad \\n escape"', /backslash escapes only " and \\/, '\\n'],
    ['resourceId:', /needs a value/, 'resourceId:'],
    ['resourceId: x', /needs a value/, 'resourceId:'],
    ['resourceId:(a OR b)', /not supported; write \(resourceId:a OR resourceId:b\)/, '('],
    ['resourceId:""', /empty/, '""'],
    ['resourceId:"a"b', /put a space before it/, 'b'],
    ['resourceId:ser*ver', /only supported at the end/, '*'],
    ['fo*o', /only supported at the end of a word/, '*'],
    ['*foo', /only supported at the end of a word/, '*'],
    ['foo.bar*', /can only end a single word/, 'foo.bar*'],
    ['message:"!!!"', /nothing to search for/, '"!!!"'],
    ['🚀', /nothing to search for: "🚀" has no letters or digits/, '🚀'],
    ['a OR 🚀', /this side of OR has nothing to search for/, '🚀'],
    ['message:/a(/', /unclosed group/, '('],
    ['message:/abc', /unclosed regex/, '/abc'],
    ['message:/a/b', /put a space before it/, 'b'],
    ['message://', /empty regex/, '//'],
  ];
  for (const [text, message, at] of cases) {
    const e = error(text);
    t.match(e.message, message, `${text}: message`);
    if (at !== '') t.equal(text.slice(e.position, e.position + e.length), at, `${text}: points at ${JSON.stringify(at)}`);
  }
});

t.test('text that looks like SQL, Elasticsearch JSON or Lucene is searched for as words', async (t) => {
  t.same(ast("'; drop table logs; --"), words('drop', 'table', 'logs'));
  t.same(ast('1; DELETE FROM logs WHERE 1=1'), { kind: 'and', children: [words('1', 'delete', 'from', 'logs', 'where'), { kind: 'phrase', words: ['1', '1'] }] });
  t.same(ast('{"query":{"match_all":{}}}'), { kind: 'and', children: [words('query'), { kind: 'phrase', words: ['match', 'all'] }] });
  t.same(ast('{"query": {"query_string": {"query": "level:error"}}}'), {
    kind: 'and',
    children: [words('query'), { kind: 'phrase', words: ['query', 'string'] }, { kind: 'phrase', words: ['level', 'error'] }],
  });
  t.same(ast('a&&b'), { kind: 'phrase', words: ['a', 'b'] });
  t.same(ast('a && b || c'), words('a', 'b', 'c'));
  t.same(ast('+required -excluded'), { kind: 'and', children: [words('required'), { kind: 'not', child: words('excluded') }] });
  t.same(ast('foo~2 bar^3'), { kind: 'and', children: [{ kind: 'phrase', words: ['foo', '2'] }, { kind: 'phrase', words: ['bar', '3'] }] });
  t.same(ast('"error:timeout"'), { kind: 'phrase', words: ['error', 'timeout'] }, 'quoted, a colon is text');
  // Where such text collides with the syntax, it is a clear error, never a meaning of its own.
  t.match(error('title:foo~2').message, /unknown field/);
  t.match(error("' OR 1=1 --").message, /OR/);
});

t.test('bounds: query length, terms, regexes, nesting', async (t) => {
  t.match(error('a'.repeat(QUERY_LIMITS.maxQueryLength + 1)).message, /at most 4096/);
  t.match(error(Array.from({ length: QUERY_LIMITS.maxTerms + 1 }, (_, i) => `w${i}`).join(' ')).message, /too many terms/);
  t.match(error(Array.from({ length: QUERY_LIMITS.maxRegexes + 1 }, () => 'message:/a/').join(' ')).message, /too many regexes/);
  const deep = `${'('.repeat(QUERY_LIMITS.maxDepth + 1)}a${')'.repeat(QUERY_LIMITS.maxDepth + 1)}`;
  t.same(pointsAt(deep), { message: `parentheses nested too deeply (at most ${QUERY_LIMITS.maxDepth} levels)`, at: '(' });
  t.ok(parseQuery(`${'('.repeat(QUERY_LIMITS.maxDepth)}a${')'.repeat(QUERY_LIMITS.maxDepth)}`).ok, 'the limit itself is fine');
});

t.test('regex errors point into the query text', async (t) => {
  t.same(pointsAt('level:error message:/a(?=b)/'), { message: 'lookahead (?= …) / (?! …) is not supported', at: '(?=' });
  t.same(pointsAt('resourceId:/(a)\\1/'), { message: 'backreferences (\\1) are not supported', at: '\\1' });
  t.same(pointsAt('message:/x*?/'), { message: 'lazy quantifiers (*?, +?, ??, {m,n}?) are not supported; the match is the same without the ?', at: '*?' });
  t.match(pointsAt('message:/a^b/'), { message: /\^ is only supported as the first character/, at: '^' });
  t.match(pointsAt('message:/[[:alpha:]]/'), { message: /POSIX classes/, at: '[' });
});

t.test('never throws, whatever the text', async (t) => {
  const pieces = ['a', ' ', '(', ')', '"', '\\', '-', '*', ':', '/', 'OR', 'AND', 'NOT', 'level', 'message', 'é', '🚀', '[', '{', '>=', 'timestamp'];
  let state = 1;
  const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 3000; i++) {
    const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
    const result = parseQuery(text);
    if (!result.ok) {
      const { position, length } = result.error;
      if (position < 0 || position + length > text.length) t.fail(`${JSON.stringify(text)}: error outside the text: ${JSON.stringify(result.error)}`);
    }
  }
  t.pass('3000 random queries parsed or refused with an in-range position');
});
