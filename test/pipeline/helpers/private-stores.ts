// A private Elasticsearch node and a private PostgreSQL server for tests that stop a store (the shared
// ones on :9200 and :5432 are never touched). Both run from what `npm run up` installed, with the stack's
// own command lines (stack/services/*.mjs, given another port and a temp data folder), as the service
// user, under `setpriv --pdeathsig KILL`. stop() is the real shutdown signal; start() again reuses the
// data folder, so what the store confirmed survives the restart. t.teardown kills them and removes the
// folders.
import { spawnSync } from 'node:child_process';
import { mkdirSync, chownSync, rmSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { Test } from 'tap';
import { ensureServiceUser, asServiceUser } from '../../../stack/lib/paths.mjs';
import elasticsearchService from '../../../stack/services/elasticsearch.mjs';
import postgresService, { BIN as PG_BIN } from '../../../stack/services/postgres.mjs';
import { freePorts } from '../../../ingest-gateway/test/helpers/private-broker.js';
import { eventually, spawnChild, stateFolder, type Child } from './child.js';

export interface PrivateStore {
  /** ELASTICSEARCH_URL or DATABASE_URL of the store. */
  readonly url: string;
  readonly running: boolean;
  /** Starts the server on its data and resolves once it answers. */
  start(): Promise<void>;
  /** Stops it the way the stack does and resolves with how it ended. */
  stop(): Promise<string>;
  /** Its output so far. */
  output(): string;
}

/** `asServiceUser(argv)` is `setpriv <options> -- argv`: its options, for spawnChild to add its own to. */
function splitSetpriv(argv: string[]): { setpriv: string[]; command: string[] } {
  const separator = argv.indexOf('--');
  if (argv[0] !== 'setpriv' || separator < 0) throw new Error(`expected a setpriv command line, got ${argv.join(' ')}`);
  return { setpriv: argv.slice(1, separator), command: argv.slice(separator + 1) };
}

function managed(t: Test, name: string, launch: () => Child, answers: () => Promise<boolean>, stopSignal: NodeJS.Signals, startTimeoutMs: number) {
  let child: Child | undefined;
  let lastOutput = '';
  t.teardown(async () => {
    if (child) {
      child.kill('SIGKILL');
      await child.exited;
    }
  });
  return {
    get running() {
      return child !== undefined;
    },
    output: () => child?.output() ?? lastOutput,
    async start() {
      if (child) throw new Error(`the private ${name} is already running`);
      const c = launch();
      child = c;
      try {
        await eventually(() => `the private ${name} to answer (output:\n${c.output()})`, async () => {
          if (c.exit !== undefined) throw new Error(`the private ${name} exited (${c.exit}) while starting:\n${c.output()}`);
          return answers();
        }, startTimeoutMs, 500);
      } catch (err) {
        c.kill('SIGKILL');
        await c.exited;
        child = undefined;
        throw err;
      }
    },
    async stop() {
      const c = child;
      if (!c) throw new Error(`the private ${name} is not running`);
      const how = await c.stop(stopSignal, 30_000);
      lastOutput = c.output();
      child = undefined;
      return how;
    },
  };
}

/** One Elasticsearch node (heap 512m) on free ports; the stack's node must be installed. */
export async function startPrivateElasticsearch(t: Test): Promise<PrivateStore> {
  const owner = ensureServiceUser();
  const dir = stateFolder('elasticsearch', owner);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['data', 'logs', 'tmp']) {
    mkdirSync(path.join(dir, sub));
    chownSync(path.join(dir, sub), owner.uid, owner.gid);
  }
  const [port, transportPort] = (await freePorts(2)) as [number, number];
  const url = `http://127.0.0.1:${port}`;
  const store = managed(
    t,
    'Elasticsearch',
    () => {
      const { argv, env, cwd } = elasticsearchService.command({ port, transportPort, heap: '512m', stateDir: dir });
      const { setpriv, command } = splitSetpriv(argv);
      return spawnChild(command, { setpriv, env, cwd });
    },
    async () => {
      try {
        const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, { signal: AbortSignal.timeout(3000) });
        await res.arrayBuffer();
        return res.status === 200 && res.headers.get('x-elastic-product') === 'Elasticsearch';
      } catch {
        return false;
      }
    },
    'SIGTERM',
    180_000,
  );
  await store.start();
  return Object.assign(store, { url });
}

/** One PostgreSQL server on a free port, `trust` on loopback (a throwaway cluster), database `postgres`. */
export async function startPrivatePostgres(t: Test): Promise<PrivateStore> {
  const owner = ensureServiceUser();
  const dir = stateFolder('postgres', owner);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  const [initdb, ...args] = asServiceUser([`${PG_BIN}/initdb`, '-D', dataDir, '-U', 'logs', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  const init = spawnSync(initdb!, args, { encoding: 'utf8', timeout: 60_000 });
  if (init.status !== 0) throw new Error(`initdb of the private PostgreSQL failed (${init.status ?? init.signal}):\n${init.stdout}${init.stderr}`);
  const [port] = (await freePorts(1)) as [number];
  const url = `postgres://logs@127.0.0.1:${port}/postgres`;
  const store = managed(
    t,
    'PostgreSQL',
    () => {
      const { argv, env, cwd } = postgresService.command({ port, dataDir });
      const { setpriv, command } = splitSetpriv(argv);
      return spawnChild(command, { setpriv, env, cwd });
    },
    async () => {
      const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        return (await sql`select 1 as one`)[0]?.one === 1;
      } catch {
        return false;
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    // SIGTERM is PostgreSQL's "smart" shutdown, which waits for every client; the stack uses SIGINT ("fast").
    postgresService.stopSignal as NodeJS.Signals,
    60_000,
  );
  await store.start();
  return Object.assign(store, { url });
}
