// `logs ingest` against the real gateway: every good line gets in although a gateway request is
// all-or-nothing, and every bad line is reported with its line number.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseEnv, closedPort, runLogs, tempDir } from '../helpers/cli.js';
import { apiUrl, requireGateway, uniqueResource } from '../helpers/system.js';

interface IngestJson {
  source: string;
  read: number;
  accepted: number;
  rejected: number;
  rejections: { line?: number; index?: number; issues: { path: string; message: string }[] }[];
  requests: number;
  durationMs: number;
}

t.test('100,000 NDJSON lines with 10 bad ones: 99,990 accepted, the 10 reported by line, exit code 1', async (t) => {
  if (!(await requireGateway(t))) return;
  const dir = tempDir(t);
  const resourceId = uniqueResource('ingest-100k');
  const timestamp = new Date().toISOString();
  // Spread over the file, first and last line included, in different batches and twice in one batch;
  // half are not JSON at all (the gateway's GW_INVALID_NDJSON), half break an event rule (GW_INVALID_EVENTS).
  const bad = new Map<number, RegExp>([
    [1, /not valid JSON/],
    [2, /\/level: level must be one of/],
    [999, /\/timestamp/],
    [1000, /not valid JSON/],
    [1001, /\/extra: unknown field "extra"/],
    [31_337, /not valid JSON/],
    [50_000, /\/message/],
    [77_777, /not valid JSON/],
    [99_999, /\/resourceId/],
    [100_000, /not valid JSON/],
  ]);
  const lines: string[] = [];
  for (let n = 1; n <= 100_000; n++) {
    const event: Record<string, unknown> = { level: 'info', message: `line ${n}`, resourceId, timestamp };
    if (bad.has(n)) {
      const rule = String(bad.get(n));
      if (rule.includes('JSON')) {
        lines.push(`{"level":"info","message":"line ${n}",`);
        continue;
      }
      if (rule.includes('level')) event.level = 'loud';
      if (rule.includes('timestamp')) event.timestamp = 'yesterday';
      if (rule.includes('extra')) event.extra = true;
      if (rule.includes('message')) event.message = '';
      if (rule.includes('resourceId')) delete event.resourceId;
    }
    lines.push(JSON.stringify(event));
  }
  const file = path.join(dir, 'big.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const r = await runLogs(['ingest', file, '--json'], baseEnv(tempDir(t)), { timeoutMs: 300_000 });
  t.equal(r.code, 1, 'exit code 1: some events were rejected');
  t.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
  const result = JSON.parse(r.stdout) as IngestJson;
  t.equal(result.read, 100_000);
  t.equal(result.accepted, 99_990);
  t.equal(result.rejected, 10);
  t.same(
    result.rejections.map((x) => x.line),
    [...bad.keys()],
    'the 10 bad lines, by their line numbers, in order',
  );
  for (const rejection of result.rejections) {
    const reasons = rejection.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    t.match(reasons, bad.get(rejection.line as number) as RegExp, `line ${rejection.line}: ${reasons}`);
  }
  t.comment(`100,000 lines in ${(result.durationMs / 1000).toFixed(1)} s, ${result.requests} requests (${Math.round(result.accepted / (result.durationMs / 1000))} events/s); query API at ${apiUrl}`);
});

t.test('the text summary lists each rejected line with its reasons; the error line says what to do', async (t) => {
  if (!(await requireGateway(t))) return;
  const dir = tempDir(t);
  const resourceId = uniqueResource('ingest-small');
  const ok = (n: number): string => JSON.stringify({ level: 'info', message: `m${n}`, resourceId, timestamp: new Date().toISOString() });
  writeFileSync(path.join(dir, 'small.ndjson'), [ok(1), '', '{"level":"warning","message":"aliases are fine","resourceId":"r","timestamp":"2026-01-01T00:00:00+02:00"}', 'not json', ok(5), '{"level":"info"}', ''].join('\n'));
  const r = await runLogs(['ingest', 'small.ndjson'], baseEnv(tempDir(t)), { cwd: dir });
  t.equal(r.code, 1);
  t.match(r.stdout, /^accepted 3 of 5 events from small\.ndjson in [\d.]+ s/);
  t.match(r.stdout, /\nrejected 2:\n {2}line 4: not valid JSON: .+\n {2}line 6: \/message: message is required; \/resourceId: resourceId is required; \/timestamp: timestamp is required\n$/);
  t.equal(r.stderr, 'error: 2 of 5 events were rejected (listed above); fix them and send just those again [CLI_REJECTED]\n');
});

t.test('stdin, a JSON array, and a pretty-printed single event', async (t) => {
  if (!(await requireGateway(t))) return;
  const resourceId = uniqueResource('ingest-stdin');
  const env = baseEnv(tempDir(t));
  const timestamp = new Date().toISOString();
  const array = JSON.stringify([{ level: 'info', message: 'a', resourceId, timestamp }, { level: 'info', message: 'b', resourceId }], null, 2);
  const r = await runLogs(['ingest', '-', '--json'], env, { input: array });
  t.equal(r.code, 1);
  t.match(JSON.parse(r.stdout), { source: '-', read: 2, accepted: 1, rejected: 1, rejections: [{ index: 1, issues: [{ path: '/timestamp' }] }] });

  const single = JSON.stringify({ level: 'info', message: 'pretty', resourceId, timestamp }, null, 2);
  const s = await runLogs(['ingest'], env, { input: single });
  t.equal(s.code, 0);
  t.match(s.stdout, /^accepted 1 of 1 events from stdin/);
});

t.test('failures before anything is sent: exit 2 for a missing file, exit 1 for an unreachable gateway', async (t) => {
  const env = baseEnv(tempDir(t));
  const missing = await runLogs(['ingest', 'no-such-file.ndjson'], env);
  t.equal(missing.code, 2);
  t.equal(missing.stderr, 'error: cannot read no-such-file.ndjson (no such file); give an existing JSON or NDJSON file, or "-" for stdin [CLI_INPUT_UNREADABLE]\n');

  const port = await closedPort();
  const down = await runLogs(['ingest', '-', '--ingest-url', `http://127.0.0.1:${port}`], env, { input: '{"level":"info"}\n' });
  t.equal(down.code, 1);
  t.match(down.stderr, /^error: cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+ \(connection refused\); start the stack with `logs stack up`, or point --ingest-url or LOGS_INGEST_URL at a running gateway .*\[CLI_UNREACHABLE\]\n$/);
  t.equal(down.stderr.split('\n').length, 2, 'one line');
});
