// The real binary (`node sinks/dist/main.js`, built by `npx tsc -b sinks`) against the local stack, on
// topics and a group of its own: it serves /healthz, /readyz and /metrics, and SIGTERM ends it with 0.
import t from 'tap';
import { uniqueSuffix } from './helpers/events.js';
import { eventually, testKafka } from './helpers/kafka.js';
import { adminSql } from './helpers/pg.js';
import { spawnSink } from './helpers/sink-process.js';

t.test('SINK=postgres: probes answer, SIGTERM drains and exits 0', async (t) => {
  const id = uniqueSuffix();
  const topic = `test-main-${id}`;
  const schema = `t_main_${id}`.toLowerCase();
  const sink = spawnSink(t, { SINK: 'postgres', PG_SCHEMA: schema, LOGS_TOPIC: topic, DLQ_TOPIC: `${topic}.dlq`, SINK_GROUP_ID: `test-main-${id}`, TOPIC_PARTITIONS: '2', LOG_LEVEL: 'info' });
  t.teardown(async () => {
    const admin = testKafka().admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => {});
    await admin.deleteGroups([`test-main-${id}`]).catch(() => {});
    await admin.disconnect();
    const sql = adminSql();
    await sql.unsafe(`drop schema if exists "${schema}" cascade`);
    await sql.end();
  });

  const address = await sink.address();
  t.equal((await fetch(`${address}/healthz`)).status, 200);
  await eventually('ready', async () => (await fetch(`${address}/readyz`)).status === 200, 30_000);
  const metrics = await (await fetch(`${address}/metrics`)).text();
  t.match(metrics, /logpipe_sink_records_consumed_total\{sink="postgres"\} 0/);
  t.match(metrics, /process_cpu_seconds_total/);

  sink.child.kill('SIGTERM');
  t.equal(await sink.exited, 0, `exit code 0 (stderr: ${sink.stderr()})`);
  t.ok(sink.lines.some((l) => l.msg === 'stopped'));
  t.ok(sink.lines.some((l) => l.msg === 'schema migrated' && l.schema === schema), 'its own schema');
});
