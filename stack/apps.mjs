// Our own processes (gateway, sinks, query API), started by the stack after the services answer.
// Each entry has the shape of a service module: { name, describe(), command(), ready(), status() }.
// Their settings are the environment variables the stack passes through; each process validates its own.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { adminKeyFile, repoRoot } from './lib/paths.mjs';

function address(host, port) {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A process of ours that answers /readyz over HTTP once it can do its work. */
function httpProcess({ name, script, url, env = () => ({}), notes }) {
  return {
    name,
    describe: () => url(),
    // Built by `npm run build`, which `npm start` and `npm run up` run first.
    command: () => ({ argv: [process.execPath, path.join(repoRoot, script)], env: env(), cwd: repoRoot }),
    ...(notes ? { notes } : {}),
    async ready() {
      try {
        const res = await fetch(`${url()}/readyz`, { signal: AbortSignal.timeout(1500) });
        await res.arrayBuffer();
        return res.status === 200;
      } catch {
        return false;
      }
    },
    // The stack prints the pid it recorded; the address is what is left to say.
    status: async () => ({ listen: url() }),
  };
}

const ingestGateway = httpProcess({
  name: 'ingest-gateway',
  script: 'ingest-gateway/dist/main.js',
  // The same variables the gateway reads; it rejects bad values itself.
  url: () => address(process.env.HOST?.trim() || '127.0.0.1', process.env.PORT?.trim() || '3000'),
});

/**
 * Each sink is a consumer group: SINK_POSTGRES_PROCESSES / SINK_ELASTICSEARCH_PROCESSES (default 1)
 * processes split the topic's partitions between them. Their HTTP ports count up from 3010 / 3020.
 */
function sinkProcesses(sink, basePort) {
  const variable = `SINK_${sink.toUpperCase()}_PROCESSES`;
  const raw = process.env[variable]?.trim() || '1';
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 16) throw new Error(`${variable}=${JSON.stringify(raw)} is invalid: expected a whole number 1..16`);
  return Array.from({ length: count }, (_, i) =>
    httpProcess({
      name: i === 0 ? `sink-${sink}` : `sink-${sink}-${i + 1}`,
      script: 'sinks/dist/main.js',
      url: () => address(process.env.SINK_HOST?.trim() || '127.0.0.1', basePort + i),
      env: () => ({ SINK: sink, SINK_PORT: String(basePort + i) }),
    }),
  );
}

/**
 * The stack's admin key for the query API: random, made once, readable by its owner only, so a local stack
 * never runs with a guessable key and tests (test/helpers/api.ts) can read it. A LOGS_ADMIN_KEY of the
 * caller's own wins (and is passed through unchanged).
 */
function stackAdminKey() {
  if (!existsSync(adminKeyFile)) {
    mkdirSync(path.dirname(adminKeyFile), { recursive: true, mode: 0o700 });
    // `wx`: never overwrite a key another `up` just wrote.
    try {
      writeFileSync(adminKeyFile, `lpk_${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(adminKeyFile, 'utf8').trim();
}

const queryApi = httpProcess({
  name: 'query-api',
  script: 'query-api/dist/main.js',
  url: () => address(process.env.QUERY_API_HOST?.trim() || '127.0.0.1', process.env.QUERY_API_PORT?.trim() || '3001'),
  env: () => (process.env.LOGS_ADMIN_KEY?.trim() ? {} : { LOGS_ADMIN_KEY: stackAdminKey() }),
  notes: () => {
    if (process.env.LOGS_ADMIN_KEY?.trim()) return ['query API admin key: the LOGS_ADMIN_KEY you set'];
    return existsSync(adminKeyFile) ? [`query API admin key: ${path.relative(process.cwd(), adminKeyFile) || adminKeyFile} (send it as Authorization: Bearer <key>)`] : [];
  },
});

export const apps = [ingestGateway, ...sinkProcesses('postgres', 3010), ...sinkProcesses('elasticsearch', 3020), queryApi];
