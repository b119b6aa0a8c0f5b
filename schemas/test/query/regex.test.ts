import t from 'tap';
import type { RegexNode } from '../../src/query/ast.js';
import { QUERY_LIMITS } from '../../src/query/limits.js';
import { luceneRegex, postgresRegex } from '../../src/query/regex-emit.js';
import { compileRegexMatcher } from '../../src/query/regex-nfa.js';
import { parseRegex } from '../../src/query/regex-parser.js';

function node(source: string): RegexNode {
  const result = parseRegex(source);
  if (!result.ok) throw new Error(`expected /${source}/ to parse, got ${JSON.stringify(result.error)}`);
  return result.node;
}

function refused(source: string): { message: string; at: string } {
  const result = parseRegex(source);
  if (result.ok) throw new Error(`expected /${source}/ to be refused`);
  return { message: result.error.message, at: source.slice(result.error.position, result.error.position + result.error.length) };
}

const anywhere = (source: string) => compileRegexMatcher(node(source), false);
const whole = (source: string) => compileRegexMatcher(node(source), true);

t.test('the supported subset parses', async (t) => {
  for (const source of ['abc', 'a.c', '[a-z0-9_]+', '[^a-z]', '\\d\\w\\s\\D\\W\\S', 'a*b+c?', 'a{3}b{2,}c{1,4}', 'a|b|c', '(ab)+', '(?:ab)+', '^start', 'end$', '^(a|b)$',
    '\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\\\\\/\\^\\$', '\\n\\t\\r\\f\\v', '\\x41\\u00e9', '[\\]\\-\\\\]', '[a-]', '[-a]', 'é日本🚀', '[😀-🙏]', '[\\d.]+', 'a{0}']) {
    t.ok(parseRegex(source).ok, `/${source}/`);
  }
});

t.test('everything else is refused, naming the construct', async (t) => {
  const cases: Array<[string, RegExp, string]> = [
    ['(a)\\1', /backreferences \(\\1\)/, '\\1'],
    ['(?<n>a)\\k<n>', /named groups/, '(?<'],
    ['a(?=b)', /lookahead/, '(?='],
    ['a(?!b)', /lookahead/, '(?='.replace('=', '!')],
    ['(?<=a)b', /lookbehind/, '(?<='],
    ['(?<!a)b', /lookbehind/, '(?<!'],
    ['(?i)a', /inline flags/, '(?'],
    ['a*?', /lazy quantifiers/, '*?'],
    ['a+?', /lazy quantifiers/, '+?'],
    ['a{1,2}?', /lazy quantifiers/, '{1,2}?'],
    ['a*+', /cannot follow another quantifier/, '+'],
    ['a**', /cannot follow another quantifier/, '*'],
    ['\\bword\\b', /word boundaries/, '\\b'],
    ['\\p{L}', /Unicode property escapes/, '\\p'],
    ['a^b', /\^ is only supported as the first character/, '^'],
    ['a$b', /\$ is only supported as the last character/, '$'],
    ['(^a)', /\^ is only supported/, '^'],
    ['^a|b', /put the alternatives in a group/, '^a|b'],
    ['a|b$', /put the alternatives in a group/, 'a|b$'],
    ['\\Aa', /anchors like \\A/, '\\A'],
    ['*a', /nothing to repeat/, '*'],
    ['a|', /empty alternative/, 'a|'],
    ['()', /empty group/, '()'],
    ['(a', /unclosed group/, '('],
    ['a)', /unmatched \)/, ')'],
    ['[a', /unclosed character class/, '['],
    ['[]', /empty character class/, '[]'],
    ['[z-a]', /out of order/, 'z-a'],
    ['[\\d-z]', /cannot start or end with a class/, '\\d-z'],
    ['[[:alpha:]]', /POSIX classes/, '['],
    ['a{2', /starts a count/, '{'],
    ['a{,3}', /starts a count/, '{'],
    ['a{3,1}', /larger count must come second/, '{3,1}'],
    [`a{${QUERY_LIMITS.maxRepeat + 1}}`, /at most 100/, `{${QUERY_LIMITS.maxRepeat + 1}}`],
    ['a}', /unmatched \}/, '}'],
    ['a]', /unmatched \]/, ']'],
    ['\\q', /unknown escape \\q/, '\\q'],
    ['\\x4', /exactly 2 hex digits/, '\\x'],
    ['\\ud800', /surrogate/, '\\ud800'],
    ['\\x00', /NUL/, '\\x00'],
    ['a\\', /lone backslash/, '\\'],
    ['^$', /nothing to match besides its anchors/, '^$'],
    ['', /empty regex/, ''],
  ];
  for (const [source, message, at] of cases) {
    const r = refused(source);
    t.match(r.message, message, `/${source}/: ${r.message}`);
    t.equal(r.at, at, `/${source}/ points at ${JSON.stringify(at)}`);
  }
});

t.test('bounds: pattern length, expanded size, Lucene length', async (t) => {
  t.match(refused('a'.repeat(QUERY_LIMITS.maxRegexLength + 1)).message, /at most 256/);
  t.match(refused('((a{100}){100}){100}').message, /too complex/, 'counted repeats multiply');
  t.match(refused('(a|b|c|d|e|f|g|h|i|j){100}x{100}y{100}z{100}').message, /too complex/);
  t.ok(parseRegex('(a|b){50}').ok, 'a moderate count is fine');
  // 250 characters that each become two in Lucene (\.) and more once wrapped.
  t.match(refused('\\.'.repeat(125) + '[\\d\\w\\s]{2}'.repeat(2)).message, /./);
});

t.test('matching: whole value for keywords, anywhere for message, ^ and $ anchor', async (t) => {
  t.ok(whole('server-\\d+')('server-12'));
  t.notOk(whole('server-\\d+')('my-server-12'), 'whole value');
  t.ok(anywhere('server-\\d+')('my-server-12 up'), 'anywhere');
  t.ok(anywhere('^GET')('GET /'));
  t.notOk(anywhere('^GET')('a GET /'));
  t.ok(anywhere('ms$')('in 12 ms'));
  t.notOk(anywhere('ms$')('ms later'));
  t.ok(whole('^a$')('a'), 'anchors are redundant on a whole value');
  t.ok(anywhere('a.c')('a\nc'), '. matches a newline');
  t.ok(anywhere('[^x]')('\n'), 'a negated class matches a newline');
  t.ok(whole('a.b')('a🚀b'), '. is one code point, not one UTF-16 unit');
  t.notOk(whole('a..b')('a🚀b'));
  t.ok(whole('[😀-🙏]')('😃'), 'astral ranges');
  t.notOk(anywhere('error')('ERROR'), 'case-sensitive');
  t.ok(anywhere('\\d{3}')('code 404'));
  t.notOk(anywhere('\\d')('٣'), '\\d is ASCII digits only');
  t.notOk(anywhere('\\s')('\u00a0'), '\\s is ASCII whitespace only');
  t.ok(anywhere('\\w+')('_'));
  t.ok(anywhere('x*')(''), 'a pattern matching the empty string matches any text');
  t.ok(whole('x*')(''));
  t.notOk(whole('x+')(''));
  t.ok(anywhere('(a|b){2}c')('zzabcz'));
  t.ok(whole('a{0}b')('b'));
});

/** Our matcher against JS RegExp on patterns where both mean the same (/su, no \s, small alphabet). */
t.test('agrees with JS RegExp on random patterns of the subset', async (t) => {
  let state = 12345;
  const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const atom = (depth: number): string => {
    const r = random();
    if (depth < 3 && r < 0.2) return `(${alt(depth + 1)})`;
    return pick(['a', 'b', '.', '[ab]', '[^a]', '\\n', 'a', 'b', '\\d', '[0-1]']);
  };
  const piece = (depth: number): string => atom(depth) + pick(['', '', '', '*', '+', '?', '{2}', '{1,2}', '{0,}']);
  const seq = (depth: number): string => Array.from({ length: 1 + Math.floor(random() * 3) }, () => piece(depth)).join('');
  const alt = (depth: number): string => (random() < 0.25 ? `${seq(depth)}|${seq(depth)}` : seq(depth));
  const texts = ['', 'a', 'b', 'ab', 'ba', 'aab', 'abab', 'a\nb', '0', 'a1b', 'bbbb', 'aaaa', '1a0b', '\n', 'ab\n0', 'ba01ab'];
  let compared = 0;
  let mismatches = 0;
  for (let i = 0; i < 400; i++) {
    const source = alt(0);
    const parsed = parseRegex(source);
    if (!parsed.ok) continue;
    const ours = { anywhere: compileRegexMatcher(parsed.node, false), whole: compileRegexMatcher(parsed.node, true) };
    const js = { anywhere: new RegExp(source, 'su'), whole: new RegExp(`^(?:${source})$`, 'su') };
    for (const text of texts) {
      compared += 2;
      if (ours.anywhere(text) !== js.anywhere.test(text) || ours.whole(text) !== js.whole.test(text)) {
        mismatches++;
        if (mismatches <= 5) t.fail(`/${source}/ on ${JSON.stringify(text)}: ours ${ours.anywhere(text)}/${ours.whole(text)}, JS ${js.anywhere.test(text)}/${js.whole.test(text)}`);
      }
    }
  }
  t.equal(mismatches, 0, `${compared} comparisons`);
  t.ok(compared > 5_000);
});

t.test('hostile patterns run in linear time on long input', async (t) => {
  const long = `${'a'.repeat(32 * 1024)}!`;
  for (const source of ['(a+)+$', '(a|a)*b', '(a*)*b', '(a|aa)+$', '(.*a){20}$', '(a?){30}a{30}$', '((a+)+)+c']) {
    const match = anywhere(source);
    match('warm up');
    const started = performance.now();
    const result = match(long);
    const ms = performance.now() - started;
    t.equal(result, false, `/${source}/ does not match`);
    t.ok(ms < 500, `/${source}/ on 32 KiB in ${ms.toFixed(1)} ms`);
  }
});

t.test('Lucene form: escaped, ASCII classes spelled out, wrapped for "anywhere"', async (t) => {
  t.equal(luceneRegex(node('a.b'), true), 'a.b');
  t.equal(luceneRegex(node('a\\.b'), true), 'a\\.b');
  t.equal(luceneRegex(node('foo'), false), '.*(foo).*');
  t.equal(luceneRegex(node('^foo'), false), '(foo).*');
  t.equal(luceneRegex(node('foo$'), false), '.*(foo)');
  t.equal(luceneRegex(node('a|b'), false), '.*(a|b).*');
  t.equal(luceneRegex(node('\\d+'), true), '[0-9]+', 'no \\d: Lucene reads a backslash before a letter as its own class');
  t.equal(luceneRegex(node('[^\\s]'), true), '[^\\\t-\\\r\\ ]');
  t.equal(luceneRegex(node('"#@&<>~'), true), '\\"\\#\\@\\&\\<\\>\\~', 'operators of optional Lucene syntax are literal');
  t.equal(luceneRegex(node('é日🚀'), true), 'é日🚀', 'non-ASCII is never escaped (a backslash before a letter would be an error)');
  t.equal(luceneRegex(node('(ab){2,3}c?'), true), '(ab){2,3}c?');
});

t.test('PostgreSQL form: every non-alphanumeric character as a code point escape', async (t) => {
  t.equal(postgresRegex(node('a.b'), true), '^(?:a.b)$');
  t.equal(postgresRegex(node('a\\.b'), false), '(?:a\\u002eb)');
  t.equal(postgresRegex(node('^a|b'.replace('^', '')), false), '(?:a|b)');
  t.equal(postgresRegex(node('^GET'), false), '^(?:GET)');
  t.equal(postgresRegex(node('ms$'), false), '(?:ms)$');
  t.equal(postgresRegex(node('\\d{2,}'), true), '^(?:[0-9]{2,})$');
  t.equal(postgresRegex(node('🚀|é'), false), '(?:\\U0001f680|\\u00e9)');
  t.equal(postgresRegex(node("'; drop"), false), '(?:\\u0027\\u003b\\u0020drop)', 'quotes and semicolons are escapes, not SQL (and a parameter anyway)');
});
