// `logs tail` against the running query API: an event POSTed after it started shows within a second,
// Ctrl-C ends it with exit code 0, and a filter keeps other events out.
import t from 'tap';
import { spawn } from 'node:child_process';
import { baseEnv, ndjson, runJs, runLogs, tempDir, waitFor } from '../helpers/cli.js';
import { adminKey, postEvents, requireGateway, requireQueryApi, uniqueResource } from '../helpers/system.js';

t.test('an event POSTed after the tail started is printed within 1 s; Ctrl-C exits 0', async (t) => {
  if (!(await requireGateway(t)) || !(await requireQueryApi(t))) return;
  const resourceId = uniqueResource('tail');
  const env = baseEnv(tempDir(t), { LOGS_API_KEY: adminKey() });
  const child = spawn(process.execPath, [runJs, 'tail', `resourceId:${resourceId}`, '-o', 'ndjson'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitFor(() => stderr, (s) => /tailing http:\/\/127\.0\.0\.1:3001 for resourceId:/.test(s), 30_000, 'the tail to be live');

  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const message = `live ${i}`;
    const sentAt = Date.now();
    const [id] = await postEvents([{ level: 'info', message, resourceId, timestamp: new Date().toISOString() }]);
    await waitFor(() => stdout, (s) => s.includes(id as string), 5000, `event ${i}`);
    latencies.push(Date.now() - sentAt);
  }
  // Another resource's events never show.
  await postEvents([{ level: 'info', message: 'other', resourceId: `${resourceId}-other`, timestamp: new Date().toISOString() }]);
  await new Promise((r) => setTimeout(r, 500));
  t.comment(`POST to printed line: ${latencies.join(', ')} ms`);
  t.ok(Math.max(...latencies) < 1000, `every event within 1 s (max ${Math.max(...latencies)} ms)`);

  const started = Date.now();
  child.kill('SIGINT');
  t.equal(await exited, 0, 'Ctrl-C ends the tail with exit code 0');
  t.ok(Date.now() - started < 2000, 'promptly');
  const events = ndjson<{ resourceId: string; message: string }>(stdout);
  t.same(events.map((e) => e.message), ['live 0', 'live 1', 'live 2', 'live 3', 'live 4'], 'exactly the matching events, in order');
  t.notMatch(stderr, /error/);
});

t.test('--max and --for end the tail by themselves; --json prints one document', async (t) => {
  if (!(await requireQueryApi(t))) return;
  const env = baseEnv(tempDir(t), { LOGS_API_KEY: adminKey() });
  const r = await runLogs(['tail', `resourceId:${uniqueResource('quiet')}`, '--for', '2s', '--json'], env);
  t.equal(r.code, 0);
  t.same(JSON.parse(r.stdout), { received: 0, events: [], endedBy: 'duration' });
  t.ok(r.ms >= 2000 && r.ms < 10_000, `took ${r.ms} ms`);
});

t.test('a bad query or key is reported at once, without retrying', async (t) => {
  if (!(await requireQueryApi(t))) return;
  const env = baseEnv(tempDir(t), { LOGS_API_KEY: adminKey() });
  const bad = await runLogs(['tail', 'level:nope'], env);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^error: invalid query: .*\[CLI_QUERY_INVALID\]\n$/);
  const unknownKey = await runLogs(['tail'], { ...env, LOGS_API_KEY: 'lpk_not-a-real-key' });
  t.equal(unknownKey.code, 1);
  t.match(unknownKey.stderr, /refused the API key from LOGS_API_KEY.*\[CLI_UNAUTHORIZED\]\n$/);
  t.ok(bad.ms < 10_000 && unknownKey.ms < 10_000);
});
