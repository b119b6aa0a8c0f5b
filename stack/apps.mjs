// Our own processes (gateway, sinks, query API), started by the stack after the services answer.
// Each entry has the shape of a service module: { name, describe(), command(), ready(), status() }.
// Their settings are the environment variables the stack passes through; each process validates its own.
import path from 'node:path';
import { repoRoot } from './lib/paths.mjs';

function address(host, port) {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A process of ours that answers /readyz over HTTP once it can do its work. */
function httpProcess({ name, script, url, env = {} }) {
  return {
    name,
    describe: () => url(),
    // Built by `npm run build`, which `npm start` and `npm run up` run first.
    command: () => ({ argv: [process.execPath, path.join(repoRoot, script)], env, cwd: repoRoot }),
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
      env: { SINK: sink, SINK_PORT: String(basePort + i) },
    }),
  );
}

export const apps = [ingestGateway, ...sinkProcesses('postgres', 3010), ...sinkProcesses('elasticsearch', 3020)];
