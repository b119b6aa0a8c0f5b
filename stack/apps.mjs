// Our own processes (gateway, sinks, query API), started by the stack after the services answer.
// Each entry has the shape of a service module: { name, describe(), command(), ready(), status() }.
// Their settings are the environment variables the stack passes through; each process validates its own.
import path from 'node:path';
import { repoRoot } from './lib/paths.mjs';

/** The address the gateway listens on, from the same variables it reads (it rejects bad values itself). */
function gatewayAddress() {
  const host = process.env.HOST?.trim() || '127.0.0.1';
  const port = process.env.PORT?.trim() || '3000';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

const ingestGateway = {
  name: 'ingest-gateway',

  describe() {
    return gatewayAddress();
  },

  command() {
    // Built by `npm run build`, which `npm start` and `npm run up` run first.
    return { argv: [process.execPath, path.join(repoRoot, 'ingest-gateway/dist/main.js')], env: {}, cwd: repoRoot };
  },

  async ready() {
    try {
      // /readyz answers 200 only once the gateway can write to Kafka.
      const res = await fetch(`${gatewayAddress()}/readyz`, { signal: AbortSignal.timeout(1500) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  },

  async status() {
    // The stack prints the pid it recorded; the address is what is left to say.
    return { listen: gatewayAddress() };
  },
};

export const apps = [ingestGateway];
