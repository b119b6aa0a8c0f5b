// compose.yaml cannot run here (no Docker engine), so this keeps it honest against the local stack:
// it must parse, and publish each service on the port the local stack uses.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { loadStackConfig } from '../../stack/lib/config.mjs';

interface ComposeService {
  image: string;
  ports?: string[];
  environment?: Record<string, string | number>;
}

// `merge` resolves the `<<: *app` keys the way Docker Compose does.
const compose = parse(readFileSync(new URL('../../compose.yaml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const stack = loadStackConfig();

const published = (name: string): string[] => compose.services[name]?.ports ?? [];

t.test('compose.yaml publishes the local stack ports on loopback', async (t) => {
  t.same(published('kafka'), [`127.0.0.1:${stack.kafka.port}:9092`]);
  t.same(published('elasticsearch'), [`127.0.0.1:${stack.elasticsearch.port}:9200`]);
  t.same(published('postgres'), [`127.0.0.1:${stack.postgres.port}:5432`]);
});

t.test('compose.yaml runs our processes on the ports the local stack gives them', async (t) => {
  const { apps } = await import('../../stack/apps.mjs');
  for (const app of apps as { name: string; describe(): string }[]) {
    const port = new URL(app.describe()).port;
    t.same(published(app.name), [`127.0.0.1:${port}:${port}`], app.name);
    t.match(compose.services[app.name]?.image, /^node:20/, `${app.name} runs on Node 20`);
  }
});

t.test('compose.yaml runs the same major versions and settings', async (t) => {
  t.match(compose.services.kafka?.image, /^apache\/kafka:4\./);
  t.match(compose.services.elasticsearch?.image, /\/elasticsearch:8\./);
  t.match(compose.services.postgres?.image, /^postgres:15/);
  t.equal(compose.services.elasticsearch?.environment?.['xpack.security.enabled'], 'false');
  t.match(String(compose.services.elasticsearch?.environment?.ES_JAVA_OPTS), /-Xmx1g/);
  t.match(String(compose.services.kafka?.environment?.KAFKA_HEAP_OPTS), /-Xmx512m/);
  t.equal(compose.services.kafka?.environment?.KAFKA_NUM_PARTITIONS, 6);
  const pg = compose.services.postgres?.environment ?? {};
  t.same([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB], [stack.postgres.user, stack.postgres.password, stack.postgres.database]);
});
