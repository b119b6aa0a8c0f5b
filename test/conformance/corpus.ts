// The conformance corpus and queries: deterministic (a seeded generator), so a failure names the same event and
// query on every run. Events are what the gateway would store (normalizeEvent), built to trip the places where
// backends differ: Unicode letters and case (accents composed and decomposed, CJK, Cyrillic, Greek final sigma,
// Turkish İ, ß, emoji), punctuation inside words, quotes and backslashes, look-alike ids, optional fields present
// and absent, metadata.parentResourceId, and timestamps on UTC day boundaries ±1 ms.
import { normalizeEvent, type LogEvent, type SearchParams } from '@logpipe/schemas';

/** mulberry32: small, fast, and the same sequence everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;

/** The words messages are made of: plain, mixed case, Unicode, and tokens full of punctuation. */
export const VOCABULARY = [
  'error', 'Error', 'ERROR', 'timeout', 'Timeout', 'connection', 'reset', 'peer', 'by', 'user', 'login', 'failed',
  'GET', 'POST', 'time', 'timer', 'timestamp', 'times', 'tim', 'warn', 'warning', 'info', 'debug', 'ok', 'done',
  'café', 'CAFÉ', 'cafe\u0301', 'naïve', 'résumé', 'Ünïcödé', '日本語', '東京', '中文テキスト', 'Привет', 'мир', 'ОШИБКА',
  'ΟΔΟΣ', 'οδος', 'İstanbul', 'istanbul', 'Straße', 'STRASSE', '🚀', '❤️', '👩‍💻', '404', '500', '1e5', 'x²', '½',
  'error:timeout', 'foo.bar', 'foo_bar', 'foo', 'bar', "it's", 'its', '/var/log/app.log', 'https://example.com/a?b=c&d=e',
  '"quoted text"', "'single'", 'key=value', 'a&&b', '(paren)', '[bracket]', '{"json":true}', "'; drop table logs; --",
  'C:\\Users\\x', 'tab\there', 'line\nbreak', '50%', '$HOME', 'a|b', 'wild*card', '+1', 'foo~2', 'server-1', 'SERVER-1',
  'AND', 'or', 'not', '-', '--', '...', '—', 'a', 'b', 'c', 'Ⅻ', 'ǅ',
  // Phrases, so that phrase queries find more than a handful.
  'connection reset by peer', 'user login failed', 'GET /api/orders/42 200 in 12 ms', 'reset connection',
  // Words longer than MAX_WORD_LENGTH (200 UTF-16 units), one of them in astral letters: cut alike everywhere.
  'Supercalifragilistic'.repeat(15), '\u{1d4b3}'.repeat(150),
];

export const RESOURCE_IDS = ['server-1', 'server-10', 'server-1a', 'Server-1', 'server-2', 'server-1*', 'db-1', 'db_1', 'api.gateway', 'svc/a', 'a b', 'ünïcode-svc', 'x'];
export const TRACE_IDS = ['trace-1', 'trace-10', 'trace-1a', 'TRACE-1', 'abc123', 'ABC123', '4bf92f3577b34da6a3ce929d0e0e4736'];
export const SPAN_IDS = ['span-1', 'span-2', '00f067aa0ba902b7', 'Span-1'];
export const COMMITS = ['9fceb02', '9fceb02d0ae598e95dc970b74767f19372d61af8', 'abc1234', 'ABC1234', 'deadbeef'];
export const PARENTS = ['cluster-1', 'cluster-10', 'cluster-2', 'Cluster-1', 'cluster-1 eu'];
const LEVEL_SPELLINGS = ['trace', 'debug', 'info', 'INFO', 'warn', 'warning', 'WARNING', 'error', 'err', 'fatal', 'critical'];
const SEPARATORS = [' ', ' ', ' ', ' ', '  ', ', ', '\t', ' - ', '/', ':'];

/** Times of day: the boundaries first (exactly midnight, ±1 ms), then anything. */
const BOUNDARY_OFFSETS_MS = [0, 1, DAY_MS - 1, DAY_MS - 2, 12 * 3_600_000];

export interface Corpus {
  events: LogEvent[];
  /** UTC midnight of the first day (epoch ms); events span DAYS days from it. */
  baseMs: number;
  days: number;
  /** `now` for relative times: the end of the last day. */
  nowMs: number;
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(random() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `count` events over `days` UTC days starting at `baseMs` (a UTC midnight). The day is recent (the sinks'
 * retention keeps it), the content depends on `seed` only.
 */
export function makeCorpus(count: number, baseMs: number, days: number, seed = 20240310): Corpus {
  const random = rng(seed);
  const events: LogEvent[] = [];
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 2 + Math.floor(random() * 9) }, () => pick(random, VOCABULARY));
    let message = '';
    words.forEach((w, k) => {
      message += (k === 0 ? '' : pick(random, SEPARATORS)) + w;
    });
    const day = Math.floor(random() * days);
    const offset = random() < 0.35 ? pick(random, BOUNDARY_OFFSETS_MS) : Math.floor(random() * DAY_MS);
    const incoming: Record<string, unknown> = {
      id: uuid(random),
      level: pick(random, LEVEL_SPELLINGS),
      message,
      resourceId: pick(random, RESOURCE_IDS),
      timestamp: new Date(baseMs + day * DAY_MS + offset).toISOString(),
    };
    if (random() < 0.6) incoming.traceId = pick(random, TRACE_IDS);
    if (random() < 0.5) incoming.spanId = pick(random, SPAN_IDS);
    if (random() < 0.4) incoming.commit = pick(random, COMMITS);
    const r = random();
    if (r < 0.4) incoming.metadata = { parentResourceId: pick(random, PARENTS), n: i };
    else if (r < 0.55) incoming.metadata = { region: 'eu', n: i };
    const result = normalizeEvent(incoming, { now: () => new Date(baseMs + days * DAY_MS), newId: () => uuid(random) });
    if (!result.ok) throw new Error(`corpus event ${i} is invalid: ${JSON.stringify(result.issues)}`);
    events.push(result.event);
  }
  return { events, baseMs, days, nowMs: baseMs + days * DAY_MS };
}

/** A query of the suite: q text, or API parameters, optionally scoped like a key. */
export interface ConformanceQuery {
  name: string;
  params: SearchParams;
  scope?: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const d2ms = (corpus: Corpus, day: number): number => corpus.baseMs + day * DAY_MS;

/** Every query of the suite; `corpus` gives the days for time bounds. */
export function makeQueries(corpus: Corpus): ConformanceQuery[] {
  const d = (day: number, offsetMs = 0): string => iso(corpus.baseMs + day * DAY_MS + offsetMs);
  const q: string[] = [
    // empty and everything
    '', '*', '   ', 'message:*',
    // words: case, Unicode normalisation and folding
    'error', 'ERROR', 'Error', 'timeout', 'error timeout', 'error AND timeout', 'time', 'tim', 'times', 'connection reset',
    'café', 'CAFÉ', 'cafe\u0301', 'CAFE\u0301', 'naïve', 'NAÏVE', 'résumé', 'ünïcödé', '日本語', '東京', '中文テキスト', 'привет', 'ПРИВЕТ',
    'ошибка', 'οδος', 'ΟΔΟΣ', 'οδοσ', 'istanbul', 'İSTANBUL', 'straße', 'STRASSE', 'strasse', 'x²', '½', '1e5', '404', '500',
    'foo', 'bar', 'its', 'it', 's', 'and', 'or', 'not', 'a', 'b', 'c', 'ⅻ', 'Ⅻ', 'ǆ', 'ǅ',
    'supercalifragilistic'.repeat(15), 'supercalifragilistic'.repeat(11), `${'SUPERCALIFRAGILISTIC'.repeat(4)}*`, '\u{1d4b3}'.repeat(150),
    '\u{1d4b3}'.repeat(100), '\u{1d4b3}'.repeat(99),
    // punctuation inside words: a phrase of its words
    'foo.bar', 'foo_bar', "it's", '"error:timeout"', 'key=value', 'a&&b', 'server-1', 'SERVER-1', '"C:\\\\Users"', '/var/log/app.log',
    '"https://example.com/a?b=c&d=e"', '50%', '$HOME', 'a|b', '+1', '(paren)', '[bracket]',
    // text that looks like SQL, Elasticsearch JSON or Lucene is searched for literally
    "'; drop table logs; --", '{"json":true}', '{"query":{"match_all":{}}}', 'foo~2', '"foo~2"', "x' OR '1'='1", 'a && b', 'x || y',
    // phrases
    '"connection reset"', '"reset connection"', '"foo bar"', '"foo bar" -"foo.bar"', '"var log app log"', '"example com a"', '"drop table logs"',
    '"quoted text"', '"tab here"', '"line break"', '"error error"', '"日本語 東京"', '"ΟΔΟΣ οδος"', 'message:"connection reset by peer"',
    // word prefixes
    'time*', 'TIME*', 'tim*', 'timest*', 'caf*', 'CAFE\u0301*', 'при*', '日本*', 'x*', 'message:err*', '1*', '4*', 'stra*', 'ο*',
    // message field
    'message:error', 'message:ERROR', 'message:foo.bar', 'message:"it\'s"',
    // levels and their aliases
    'level:error', 'level:ERROR', 'level:err', 'level:warning', 'level:WARNING', 'level:warn', 'level:critical', 'level:fatal',
    'level:info', 'level:debug', 'level:trace', 'level:w*', 'level:e*', 'level:"warn"', '-level:info', 'NOT level:info',
    // keyword fields: exact, case-sensitive, prefix, quoted, escaped star, presence
    'resourceId:server-1', 'resourceId:Server-1', 'resourceId:SERVER-1', 'resourceId:server-1*', 'resourceId:server-1a', 'resourceId:server-10',
    'resourceId:server*', 'resourceId:"a b"', 'resourceId:a\\ b', 'resourceId:server-1\\*', 'resourceId:server-1\\**', 'resourceId:db_1', 'resourceId:db*',
    'resourceId:svc/a', 'resourceId:api.gateway', 'resourceId:ünïcode-svc', 'resourceId:*', 'resourceId:x', '-resourceId:server-1*',
    'traceId:*', '-traceId:*', 'traceId:trace-1', 'traceId:trace-1*', 'traceId:TRACE-1', '-traceId:trace-1', 'NOT traceId:trace-1*',
    'spanId:span-1', 'spanId:*', '-spanId:span-1', 'spanId:Span*', 'commit:9fceb02', 'commit:9fceb02*', 'commit:abc*', '-commit:*', '-commit:abc1234',
    'parentResourceId:cluster-1', 'parentResourceId:cluster-1*', 'metadata.parentResourceId:cluster-1', 'parentResourceId:"cluster-1 eu"',
    'parentResourceId:*', '-parentResourceId:*', '-parentResourceId:cluster-1', 'parentResourceId:Cluster*',
    // regexes on keyword fields (whole value)
    'resourceId:/server-[0-9]+/', 'resourceId:/server-\\d/', 'resourceId:/[Ss]erver-1.*/', 'resourceId:/server-1/', 'resourceId:/.*\\*/',
    'resourceId:/[^-]+/', 'resourceId:/(db|svc)[-_/].*/', 'resourceId:/\\w+ \\w+/', 'resourceId:/.{1,3}/', 'traceId:/trace-1./', 'traceId:/[a-z]+\\d+/',
    '-traceId:/trace-.*/', 'level:/e.*/', 'level:/(warn|error)/', 'commit:/[0-9a-f]{7}/', 'commit:/[0-9a-f]{7,}/', 'parentResourceId:/cluster-\\d+/',
    'spanId:/[0-9a-f]{16}/', 'resourceId:/ü.*/',
    // regexes on message (anywhere, case-sensitive, code points)
    'message:/foo\\.bar/', 'message:/foo.bar/', 'message:/time[a-z]*/', 'message:/^[A-Z]/', 'message:/log$/', 'message:/^error/', 'message:/日本/',
    'message:/\\d{3}/', 'message:/(a+)+$/', 'message:/[^\\t-~]/', 'message:/🚀|❤/', 'message:/\\n/', 'message:/\\t/', 'message:/a.b/',
    'message:/(error|warn)[: ]/', "message:/it's/", 'message:/"/', 'message:/\\\\/', 'message:/é/', 'message:/e\\u0301/', 'message:/café/',
    'message:/[а-я]+/', 'message:/.{80,}/', 'message:/^.{1,12}$/', 'message:/ERROR/', 'message:/[Ee]rror/', 'message:/\\s\\s/', 'message:/[{}]/',
    'message:/👩.💻/', 'message:/x²|½/', 'message:/\\$HOME/', 'message:/50%/', '-message:/e/', 'message:/\u{1d4b3}{3}/', 'message:/(Supercalifragilistic){15}/',
    'message:/[😀-🙏🚀-🛿]/', 'message:/[\\u0400-\\u04ff]{3}/', 'message:/[^\\x01-\\uffff]/',
    // NOT, OR, nesting
    '-error', 'NOT error', 'error -timeout', 'error NOT timeout', '--error', 'error OR timeout', 'error OR timeout OR café',
    'level:error OR level:fatal', 'resourceId:server-1 OR traceId:trace-1', 'error timeout OR café naïve', '(error OR timeout) (café OR naïve)',
    '(error OR warn*) AND -(resourceId:db* OR level:debug)', '((foo OR bar) baz) OR ok', 'NOT (level:info OR level:debug)',
    '-(-error)', 'NOT (error AND timeout)', '(resourceId:server-1* -resourceId:server-1a) OR (traceId:trace-1* -traceId:trace-10)',
    '(((error)))', 'error (timeout OR (café -naïve))',
    // time bounds on and around day boundaries
    `timestamp>=${d(1)}`, `timestamp>${d(1)}`, `timestamp<${d(1)}`, `timestamp<=${d(1)}`, `timestamp<${d(1, 1)}`, `timestamp<=${d(1, -1)}`,
    `timestamp>=${d(1)} timestamp<${d(2)}`, `timestamp>${d(1, -1)} timestamp<${d(1, 1)}`, `timestamp>=${d(2, -1)} timestamp<=${d(2)}`,
    `timestamp>=${d(1).replace('Z', '+00:00')}`, `timestamp>=${d(1).replace('T00:00:00.000Z', 'T01:00:00+01:00')}`, `timestamp<2000-01-01T00:00:00Z`,
    `error timestamp>=${d(2)}`, `-(timestamp>=${d(1)} timestamp<${d(3)})`, `timestamp>=${d(1, 12 * 3_600_000)} OR timestamp<${d(0, 1)}`,
    `timestamp>=${Math.round((corpus.nowMs - d2ms(corpus, 2)) / 3_600_000)}h`, 'timestamp<=3d', 'timestamp>=1w',
  ];
  const queries: ConformanceQuery[] = q.map((text) => ({ name: `q=${JSON.stringify(text)}`, params: { q: text } }));

  // The API's parameters folded into the same AST.
  const params: Array<[string, SearchParams]> = [
    ['level=err,warning', { level: ['err', 'warning'] }],
    ['level=w*', { level: ['w*'] }],
    ['resourceId=server-1*,db-1', { resourceId: ['server-1*', 'db-1'] }],
    ['resourceId=Server-1', { resourceId: ['Server-1'] }],
    ['traceId=trace-1 spanId=span-1', { traceId: ['trace-1'], spanId: ['span-1'] }],
    ['commit=9fceb02*', { commit: ['9fceb02*'] }],
    ['parentResourceId=cluster-1*', { parentResourceId: ['cluster-1*'] }],
    ['message=connection reset', { message: ['connection reset'] }],
    ['message=error,café', { message: ['error', 'café'] }],
    ['regex=foo\\.bar', { regex: ['foo\\.bar'] }],
    ['regex=^[A-Z],\\d$', { regex: ['^[A-Z]', '\\d$'] }],
    ['from/to absolute', { from: d(1), to: d(2) }],
    ['from/to inclusive at 1 ms', { from: d(1, -1), to: d(1, 1) }],
    ['from=2d', { from: '2d' }],
    ['to=36h', { to: '36h' }],
    ['q + params + from', { q: 'error OR timeout', level: ['error', 'fatal'], from: d(1) }],
    ['q + resourceId + regex', { q: '-traceId:*', resourceId: ['server-1*'], regex: ['[0-9]'] }],
  ];
  for (const [name, p] of params) queries.push({ name, params: p });

  // Access scoping: what a resource-scoped key may see, whatever it asks.
  const scoped: Array<[string, SearchParams, string[]]> = [
    ['scope server-1*: everything', {}, ['server-1*']],
    ['scope server-1*: error', { q: 'error' }, ['server-1*']],
    ['scope server-1*: asks for db-1', { q: 'resourceId:db-1' }, ['server-1*']],
    ['scope server-1*: OR escape attempt', { q: 'resourceId:db-1 OR error' }, ['server-1*']],
    ['scope server-1*: NOT escape attempt', { q: '-resourceId:server-1*' }, ['server-1*']],
    ['scope db-1, server-1 exact', { q: '*' }, ['db-1', 'server-1']],
  ];
  for (const [name, p, scope] of scoped) queries.push({ name, params: p, scope });

  // Generated combinations of atoms, to reach the odd corners of AND/OR/NOT nesting.
  const atoms = ['error', 'time*', '"connection reset"', 'level:error', 'level:warning', 'resourceId:server-1*', 'traceId:*', '-spanId:span-1',
    'parentResourceId:cluster-1', 'message:/[0-9]/', 'commit:/[a-f0-9]{7}/', 'café', '日本語', `timestamp>=${d(2)}`, 'foo.bar', 'x²'];
  const random = rng(7);
  for (let i = 0; i < 40; i++) {
    const a = pick(random, atoms);
    const b = pick(random, atoms);
    const c = pick(random, atoms);
    const forms = [`${a} ${b}`, `${a} OR ${b}`, `(${a} OR ${b}) ${c}`, `${a} -(${b} OR ${c})`, `NOT (${a} ${b}) OR ${c}`, `(${a} OR -${b}) AND (${c} OR ${a})`];
    const text = pick(random, forms);
    queries.push({ name: `generated q=${JSON.stringify(text)}`, params: { q: text } });
  }
  return queries;
}
