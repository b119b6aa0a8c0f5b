// PostgreSQL going away during a load, against the real sink process (`node sinks/dist/main.js`): the
// sink reaches PostgreSQL through a TCP proxy this test cuts (it stops listening and resets every
// connection) and restores. Writes fail meanwhile, the loop keeps the offsets and delivers again, the
// process survives postgres.js's own failures on reset connections; afterwards every event is stored
// exactly once.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Admin } from 'kafkajs';
import t from 'tap';
import { makeEvent, uniqueSuffix } from '../helpers/events.js';
import { eventMessage, eventually, produce, testKafka, testTopics } from '../helpers/kafka.js';
import { adminSql, databaseUrl, testSchema } from '../helpers/pg.js';
import { spawnSink } from '../helpers/sink-process.js';

/** Forwards to PostgreSQL; cut() stops listening and resets every connection, as a stopped server does. */
class CuttableProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;

  constructor(readonly target: URL) {}

  async listen(): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(Number(this.target.port || 5432), this.target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#server = server;
    this.#port = (server.address() as { port: number }).port;
    return this.#port;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.#server?.close(resolve));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }
}

const kafka = testKafka();
const sql = adminSql();
let admin: Admin;
t.before(async () => {
  admin = kafka.admin();
  await admin.connect();
});
t.teardown(async () => {
  await admin.disconnect();
  await sql.end({ timeout: 5 });
});

const rows = async (schema: string) => Number((await sql`select count(*)::int as n from ${sql(schema)}.logs`)[0]!.n);
const readyStatus = async (address: string) => (await fetch(`${address}/readyz`).catch(() => undefined))?.status;

t.test('PostgreSQL unreachable mid-load: nothing lost, nothing doubled, the process survives', async (t) => {
  const names = await testTopics(t, admin, 3);
  const schema = testSchema(t, sql);
  const proxy = new CuttableProxy(new URL(databaseUrl));
  const viaProxy = new URL(databaseUrl);
  viaProxy.port = String(await proxy.listen());
  t.teardown(() => proxy.cut());
  const sink = spawnSink(t, {
    SINK: 'postgres',
    PG_SCHEMA: schema,
    DATABASE_URL: viaProxy.href,
    LOGS_TOPIC: names.topic,
    DLQ_TOPIC: names.dlqTopic,
    SINK_GROUP_ID: names.groupId,
    SINK_BATCH_MAX_RECORDS: '250',
    SINK_RETRY_INITIAL_MS: '50',
    SINK_RETRY_MAX_MS: '500',
    LOG_LEVEL: 'info',
  });
  const address = await sink.address();
  const events = Array.from({ length: 6000 }, (_, i) => makeEvent({ message: `event ${i} ${uniqueSuffix()}`, resourceId: `svc-${i % 9}` }));
  await produce(kafka, names.topic, events.slice(0, 2000).map((e) => eventMessage(e)));
  await eventually('some rows stored', async () => (await rows(schema).catch(() => 0)) > 0, 30_000);

  await proxy.cut();
  await produce(kafka, names.topic, events.slice(2000).map((e) => eventMessage(e)));
  await eventually('not ready while PostgreSQL is unreachable', async () => (await readyStatus(address)) === 503, 20_000);
  await eventually('writes failing', () => sink.lines.filter((l) => l.msg === 'write failed').length >= 3, 20_000);
  await proxy.listen();

  await eventually('6000 rows', async () => (await rows(schema)) === 6000, 90_000);
  const [row] = await sql`select count(distinct id)::int as n from ${sql(schema)}.logs`;
  t.equal(row!.n, 6000, 'no duplicates');
  t.equal(sink.child.exitCode, null, `the process is still running (stderr: ${sink.stderr()})`);
  await eventually('ready again', async () => (await readyStatus(address)) === 200, 20_000);
  const driverBugs = sink.lines.filter((l) => String(l.msg).startsWith('postgres.js wrote to a closed connection')).length;
  t.comment(`${sink.lines.filter((l) => l.msg === 'write failed').length} failed writes, ${driverBugs} postgres.js closed-socket writes survived`);
  sink.child.kill('SIGTERM');
  t.equal(await sink.exited, 0);
});
