// The real process (dist/main.js, so run `npm run build` first): a bad setting stops it naming the
// variable; without LOGS_ADMIN_KEY the first start prints a generated admin key once, outside the JSON
// logs; SIGTERM ends the live tails and exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createDataset } from './helpers/dataset.js';
import { brokers, databaseUrl, esUrl } from './helpers/services.js';
import { openTail } from './helpers/sse-client.js';

const mainJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

function start(env: Record<string, string>): { child: ChildProcess; stdout: () => string; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [mainJs], {
    env: { ...process.env, LOGS_ADMIN_KEY: '', ELASTICSEARCH_URL: esUrl, DATABASE_URL: databaseUrl, KAFKA_BROKERS: brokers, QUERY_API_PORT: '0', QUERY_TAIL_GROUP_PREFIX: 'test-query-api-main', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, output: () => out + err, exited };
}

async function waitForLine(output: () => string, exited: Promise<number | null>, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline && !done) {
    const line = output().split('\n').find((l) => pattern.test(l));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no line matching ${pattern}:\n${output()}`);
}

t.test('dist/main.js is built', async (t) => {
  t.ok(existsSync(mainJs), `${mainJs} exists (run npm run build)`);
});

t.test('a bad setting stops the process with a message naming the variable', async (t) => {
  const { exited, output } = start({ QUERY_API_PORT: 'abc', PG_SCHEMA: 'Bad-Schema', LOGS_ADMIN_KEY: 'short' });
  t.equal(await exited, 1);
  t.match(output(), /QUERY_API_PORT="abc"/);
  t.match(output(), /PG_SCHEMA="Bad-Schema"/);
  t.match(output(), /LOGS_ADMIN_KEY: expected/);
  t.notMatch(output(), /short/, 'the key itself is not echoed');
});

t.test('first start without LOGS_ADMIN_KEY prints a working admin key once; SIGTERM ends tails and exits 0', async (t) => {
  const ds = await createDataset(t);
  const first = start({ PG_SCHEMA: ds.schema, ELASTICSEARCH_ALIAS: ds.alias });
  t.teardown(() => {
    if (first.child.exitCode === null) first.child.kill('SIGKILL');
  });
  const listening = JSON.parse(await waitForLine(first.output, first.exited, /"query API listening"/)) as { address: string };
  const keyLine = await waitForLine(first.stdout, first.exited, /^\s+lpk_[A-Za-z0-9_-]{43}\s*$/);
  const key = keyLine.trim();
  const jsonLines = first.stdout().split('\n').filter((l) => l.startsWith('{'));
  t.notOk(jsonLines.some((l) => l.includes(key)), 'the key is in no log line');
  t.match(first.stdout(), /shown only this once/);

  const keys = await fetch(`${listening.address}/api/keys`, { headers: { authorization: `Bearer ${key}` } });
  t.equal(keys.status, 200, 'the printed key is an admin key');
  const body = (await keys.json()) as { keys: { role: string; prefix: string }[] };
  t.same(body.keys.map((k) => [k.role, k.prefix]), [['admin', key.slice(0, 8)]]);

  await waitForLine(first.output, first.exited, /"live tail consuming"/);
  const tail = await openTail(listening.address, key);
  await tail.waitFor('ready', (m) => m.event === 'ready');
  first.child.kill('SIGTERM');
  t.equal(await first.exited, 0, 'exit code 0');
  await tail.ended;
  t.match(tail.messages.at(-1), { event: 'dropped', data: { reason: /shutting down/ } });
  t.match(first.output(), /"msg":"stopped"/);

  const second = start({ PG_SCHEMA: ds.schema, ELASTICSEARCH_ALIAS: ds.alias });
  t.teardown(() => {
    if (second.child.exitCode === null) second.child.kill('SIGKILL');
  });
  await waitForLine(second.output, second.exited, /"API keys ready"/);
  second.child.kill('SIGTERM');
  t.equal(await second.exited, 0);
  t.notMatch(second.stdout(), /lpk_/, 'an admin key exists: nothing is generated or printed');
});
