/* eslint-disable no-control-regex -- the escape sequences of terminal colours are what these tests check */
// `logs search` against the running query API: --all follows the cursor over 10,000 events and prints
// each exactly once; a bad query is exit 2 with the API's position; a terminal gets a coloured table.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { baseEnv, ndjson, runLogs, runJs, tempDir } from '../helpers/cli.js';
import { adminKey, postEvents, requireGateway, requireQueryApi, uniqueResource, type TestEvent } from '../helpers/system.js';

interface Hit {
  id: string;
  timestamp: string;
  resourceId: string;
}

/** (timestamp, id) descending: the API's default order. */
const byTimeIdDesc = (a: Hit, b: Hit): number => (a.timestamp === b.timestamp ? (a.id < b.id ? 1 : a.id > b.id ? -1 : 0) : a.timestamp < b.timestamp ? 1 : -1);

t.test('--all -o ndjson over 10,000 matching events prints each exactly once, newest first', async (t) => {
  if (!(await requireGateway(t)) || !(await requireQueryApi(t))) return;
  const resourceId = uniqueResource('search-all');
  const base = Date.now() - 60_000;
  // 2,500 distinct timestamps, four events each: pages must also break ties by id correctly.
  const events: TestEvent[] = Array.from({ length: 10_000 }, (_, i) => ({ level: i % 10 === 0 ? 'warn' : 'info', message: `event ${i}`, resourceId, timestamp: new Date(base + Math.floor(i / 4)).toISOString() }));
  const sent = new Set(await postEvents(events));
  t.equal(sent.size, 10_000);

  const env = baseEnv(tempDir(t), { LOGS_API_KEY: adminKey() });
  const deadline = Date.now() + 90_000;
  let hits: Hit[] = [];
  let runs = 0;
  let ms = 0;
  // The sinks store asynchronously: run the real command until it sees all 10,000. Every run, complete
  // or not, must print no event twice.
  for (;;) {
    const r = await runLogs(['search', `resourceId:${resourceId}`, '--all', '-o', 'ndjson'], env, { timeoutMs: 120_000 });
    runs++;
    ms = r.ms;
    t.equal(r.code, 0, `run ${runs} exits 0 ${r.stderr}`);
    hits = ndjson<Hit>(r.stdout);
    const ids = new Set(hits.map((h) => h.id));
    if (ids.size !== hits.length) {
      t.fail(`run ${runs}: ${hits.length - ids.size} events printed more than once`);
      return;
    }
    if (hits.length >= 10_000 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  t.equal(hits.length, 10_000, 'all 10,000');
  t.same(new Set(hits.map((h) => h.id)), sent, 'exactly the events sent');
  t.same(hits, [...hits].sort(byTimeIdDesc), 'in (timestamp, id) order, newest first, across page boundaries');
  t.comment(`${runs} run(s); the last printed 10,000 events in ${ms} ms`);

  const limited = await runLogs(['search', `resourceId:${resourceId}`, '--limit', '2500', '--order', 'asc', '--json'], env);
  const result = JSON.parse(limited.stdout) as { hits: Hit[]; nextCursor: string | null; pages: number };
  t.equal(result.hits.length, 2500, '--limit above one page is fetched in pages');
  t.equal(result.pages, 3);
  t.type(result.nextCursor, 'string');
  const next = await runLogs(['search', `resourceId:${resourceId}`, '--limit', '10', '--order', 'asc', '--cursor', result.nextCursor as string, '--json'], env);
  const following = (JSON.parse(next.stdout) as { hits: Hit[] }).hits;
  t.same(following.map((h) => h.id), [...hits].reverse().slice(2500, 2510).map((h) => h.id), '--cursor continues where the result stopped');

  const head = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${runJs}" search 'resourceId:${resourceId}' --all -o ndjson | head -3`], { env, encoding: 'utf8' });
  t.equal(head.status, 0, 'a reader that stops early (| head) is not an error');
  t.equal(head.stdout.trimEnd().split('\n').length, 3);
  t.equal(head.stderr, '');
});

t.test('an invalid query: exit 2, one line with the position; --json has the positions', async (t) => {
  if (!(await requireQueryApi(t))) return;
  const env = baseEnv(tempDir(t), { LOGS_API_KEY: adminKey() });
  const r = await runLogs(['search', 'level:error lvl:x'], env);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: invalid query: q: .*\(at position 12\); fix it and try again .*\[CLI_QUERY_INVALID\]\n$/);
  const j = await runLogs(['search', 'level:error lvl:x', '--json'], env);
  t.equal(j.code, 2);
  t.match(JSON.parse(j.stdout), { error: { code: 'CLI_QUERY_INVALID', exitCode: 2, positions: [{ param: 'q', position: 12 }] } });
  const since = await runLogs(['search', '--since', 'yesterday'], env);
  t.equal(since.code, 2);
  t.equal(since.stderr, 'error: --since "yesterday" is not a duration; use a number and a unit, such as 30s, 15m, 24h, 7d or 2w [CLI_USAGE]\n');
});

t.test('on a terminal: a table with coloured levels, and a caret under a query mistake', async (t) => {
  if (!(await requireGateway(t)) || !(await requireQueryApi(t))) return;
  const resourceId = uniqueResource('search-tty');
  const now = Date.now();
  await postEvents(['info', 'warn', 'error'].map((level, i) => ({ level, message: `${level} on a terminal`, resourceId, timestamp: new Date(now - i).toISOString() })));
  const env = baseEnv(tempDir(t), { LOGS_API_KEY: adminKey() });
  // `script` gives the command a pseudo-terminal, as an interactive shell would.
  const inTerminal = (args: string): { status: number | null; stdout: string } => {
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${runJs}" ${args}`, '/dev/null'], { env, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout.replace(/\r\n/g, '\n') };
  };
  let table = inTerminal(`search 'resourceId:${resourceId}'`);
  for (let i = 0; i < 60 && !table.stdout.includes('INFO'); i++) {
    await new Promise((r) => setTimeout(r, 500));
    table = inTerminal(`search 'resourceId:${resourceId}'`);
  }
  t.equal(table.status, 0);
  t.match(table.stdout, /TIMESTAMP\s+LEVEL RESOURCE/);
  t.match(table.stdout, new RegExp(`\\x1b\\[31mERROR\\x1b\\[0m ${resourceId} error on a terminal`));
  t.match(table.stdout, /\x1b\[33mWARN \x1b\[0m/);
  t.match(table.stdout, /\x1b\[32mINFO \x1b\[0m/);
  const noColour = spawnSync('script', ['-qec', `NO_COLOR=1 "${process.execPath}" "${runJs}" search 'resourceId:${resourceId}'`, '/dev/null'], { env, encoding: 'utf8' });
  t.notMatch(noColour.stdout, /\x1b\[3/, 'NO_COLOR turns colours off');
  t.match(noColour.stdout, /ERROR cli-test-search-tty/);

  const bad = inTerminal("search 'level:error lvl:x'");
  t.equal(bad.status, 2);
  t.match(bad.stdout, /\n {2}level:error lvl:x\n {14}\^+\n/, 'a caret under the unknown field');
});

t.test('--source asks one store; --json reports each store', async (t) => {
  if (!(await requireQueryApi(t))) return;
  const env = baseEnv(tempDir(t), { LOGS_API_KEY: adminKey() });
  for (const source of ['elasticsearch', 'postgres'] as const) {
    const r = await runLogs(['search', '--limit', '1', '--source', source, '--json'], env);
    t.equal(r.code, 0);
    const result = JSON.parse(r.stdout) as { sources: Record<string, unknown>; partial: boolean };
    t.same(Object.keys(result.sources), [source], `only ${source} was asked`);
    t.equal(result.partial, false);
  }
});
