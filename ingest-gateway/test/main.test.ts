// The real process (dist/main.js, so run `npm run build` first): a bad setting stops it naming the
// variable; SIGTERM in the middle of a load loses no acknowledged event and exits 0.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FINGERPRINT_HEADER, eventCodec } from '@logpipe/schemas';
import { brokers, readTopic, requireKafka, topicAdmin, uniqueTopic } from './helpers/kafka.js';

const mainJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [mainJs], { env: { ...process.env, KAFKA_BROKERS: brokers.join(','), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function listeningAddress(output: () => string, exited: Promise<number | null>, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline && !done) {
    const line = output()
      .split('\n')
      .find((l) => l.includes('"ingest gateway listening"'));
    if (line) return (JSON.parse(line) as { address: string }).address;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the gateway did not start:\n${output()}`);
}

t.test('dist/main.js is built', async (t) => {
  t.ok(existsSync(mainJs), `${mainJs} exists (run npm run build)`);
});

t.test('a bad setting stops the process with a message naming the variable', async (t) => {
  const { exited, output } = start({ PORT: 'abc', INGEST_LINGER_MS: '-1' });
  t.equal(await exited, 1);
  t.match(output(), /PORT="abc"/);
  t.match(output(), /INGEST_LINGER_MS="-1"/);
});

t.test('SIGTERM during load: every 202 is in the topic, exit code 0', async (t) => {
  if (!(await requireKafka(t))) return;
  const admin = await topicAdmin(t);
  const topic = uniqueTopic('sigterm');
  admin.track(topic);
  // A 50 ms linger keeps events waiting in the batcher when the signal lands.
  const { child, output, exited } = start({ PORT: '0', LOGS_TOPIC: topic, INGEST_LINGER_MS: '50', LOG_LEVEL: 'info' });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const url = await listeningAddress(output, exited);

  const acknowledged: string[] = [];
  const statuses = new Map<string, number>();
  let n = 0;
  let signalled = false;
  const client = async (c: number) => {
    for (;;) {
      const events = Array.from({ length: 1 + (c % 4) }, () => ({ level: 'info', message: `sigterm ${++n}`, resourceId: `svc-${n % 5}`, timestamp: '2024-05-01T12:00:00Z' }));
      let status: string;
      try {
        const res = await fetch(`${url}/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
        const body = (await res.json()) as { ids?: string[] };
        status = String(res.status);
        if (res.status === 202) acknowledged.push(...(body.ids ?? []));
      } catch {
        status = 'connection error';
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      // After the signal, stop once the gateway has stopped answering.
      if (signalled && status !== '202') return;
    }
  };
  const clients = Array.from({ length: 20 }, (_, c) => client(c));
  while (acknowledged.length < 200) await new Promise((r) => setTimeout(r, 10));
  const before = acknowledged.length;
  signalled = true;
  child.kill('SIGTERM');
  const code = await exited;
  await Promise.all(clients);

  t.equal(code, 0, 'exit code 0');
  t.match(output(), /"msg":"stopped"/);
  t.comment(`acknowledged ${before} before SIGTERM, ${acknowledged.length - before} after; answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
  const answers = [...statuses.keys()];
  t.ok(answers.every((s) => s === '202' || s === '503' || s === 'connection error'), 'only 202, 503 or a refused connection');
  const inTopic = new Set((await readTopic(admin, topic)).map((r) => eventCodec.decode(r.value, r.headers[SCHEMA_FINGERPRINT_HEADER] as Buffer).id));
  const missing = acknowledged.filter((id) => !inTopic.has(id));
  t.equal(missing.length, 0, `all ${acknowledged.length} acknowledged ids are in the topic`);
});
