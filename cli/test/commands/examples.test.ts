// Every example of every command's --help, and every `logs` command line of cli/README.md, is run as a
// user would paste it (through /bin/sh, with `logs` on the PATH) against the running stack, and its
// output is checked. An example without a check here, or a check for an example that no longer exists,
// fails the test: documentation and this file cannot drift apart.
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseEnv, cliRoot, ndjson, runLogs, runShell, shimDir, tempDir, waitFor, type RunResult } from '../helpers/cli.js';
import { adminKey, apiUrl, gatewayUrl, postEvents, requireGateway, requireQueryApi, uniqueResource, waitForHits, type TestEvent } from '../helpers/system.js';

interface Hit {
  id: string;
  level: string;
  message: string;
  resourceId: string;
  timestamp: string;
  traceId?: string;
  metadata?: Record<string, unknown>;
}

interface Context {
  t: Test;
  env: Record<string, string>;
  cwd: string;
  configDir: string;
  run: (line: string, extraEnv?: Record<string, string>) => Promise<RunResult>;
  /** Ids of keys the examples created, revoked at the end. */
  createdKeys: string[];
  /** Events of app.ndjson and events.json: all ids, those of the trace, and how many have the test's own resourceId. */
  fixture: { resource: string; ids: string[]; traceIds: string[]; ownResource: number };
}

interface Check {
  /** Order of execution: login and stack, then sending, then searching the sent events, then tail, then keys. */
  phase: number;
  run: (ctx: Context, line: string) => Promise<void>;
}

const TRACE_ID = '4bf92f3577b34da6';

function ok(ctx: Context, r: RunResult, line: string): void {
  ctx.t.equal(r.code, 0, `${line} exits 0${r.code === 0 ? '' : `; stderr: ${r.stderr}; stdout: ${r.stdout.slice(0, 500)}`}`);
}

function hits(r: RunResult): Hit[] {
  return ndjson<Hit>(r.stdout);
}

/** A long-running example: waits for `ready`, does `during`, then Ctrl-C; resolves with its output. */
async function interrupted(ctx: Context, line: string, ready: (r: { stdout: string; stderr: string }) => boolean, during: (out: () => string) => Promise<void>): Promise<RunResult> {
  // `exec`: the command is the process group's only process, as a job of an interactive shell is; a
  // non-interactive sh in between would itself die of the SIGINT and hide the command's exit code.
  const { child, done } = runShell(`exec ${line}`, ctx.env, { cwd: ctx.cwd, timeoutMs: 60_000 });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    await waitFor(() => stdout + stderr, () => ready({ stdout, stderr }), 30_000, `${line} to start`);
    await during(() => stdout);
  } finally {
    // The whole foreground process group, as a terminal's Ctrl-C does.
    process.kill(-(child.pid as number), 'SIGINT');
  }
  return done;
}

const tailing = (r: { stderr: string }): boolean => /tailing /.test(r.stderr);

const CHECKS: Record<string, Check> = {
  // Phase 0: settings and the stack.
  'logs login --api-key - < .stack/secrets/admin-key': {
    phase: 0,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /accepted by the query API/);
      const file = path.join(ctx.configDir, 'config.json');
      ctx.t.equal(statSync(file).mode & 0o777, 0o600, 'the config file is readable by its owner only');
      ctx.t.match(JSON.parse(readFileSync(file, 'utf8')), { apiKey: adminKey(), apiUrl: 'http://127.0.0.1:3001', ingestUrl: 'http://127.0.0.1:3000' });
    },
  },
  'logs login --api-url http://127.0.0.1:3001 --ingest-url http://127.0.0.1:3000 --api-key "$LOGS_API_KEY" --no-verify --json': {
    phase: 0,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const result = JSON.parse(r.stdout) as Record<string, unknown>;
      ctx.t.match(result, { apiUrl: 'http://127.0.0.1:3001', ingestUrl: 'http://127.0.0.1:3000', verified: false, configFile: path.join(ctx.configDir, 'config.json') });
      ctx.t.not(result.apiKey, adminKey(), 'the key is masked in the output');
    },
  },
  'logs stack up': {
    phase: 0,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /ingest-gateway already (up|answers)/);
    },
  },
  'logs stack status': {
    phase: 0,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /^ingest-gateway\s+up\s+pid=/m);
    },
  },
  'logs stack status --json': {
    phase: 0,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const result = JSON.parse(r.stdout) as { command: string; exitCode: number; parts: { name: string; state: string }[] };
      ctx.t.match(result, { command: 'status', exitCode: 0 });
      for (const name of ['postgres', 'kafka', 'elasticsearch', 'ingest-gateway', 'query-api']) ctx.t.match(result.parts.find((p) => p.name === name), { state: 'up' }, `${name} is up`);
    },
  },
  'logs stack down': {
    phase: 0,
    // Never the shared stack: its state folder is an empty one, so there is nothing for `down` to stop.
    run: async (ctx, line) => {
      const r = await ctx.run(line, { STACK_DIR: path.join(ctx.cwd, 'empty-stack') });
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /nothing was running/);
    },
  },

  // Phase 1: sending the fixture (app.ndjson and events.json in the working folder).
  'logs ingest app.ndjson': {
    phase: 1,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /^accepted 20 of 20 events from app\.ndjson in [\d.]+ s/);
    },
  },
  'cat app.ndjson | logs ingest - --ingest-url http://127.0.0.1:3000': {
    phase: 1,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /^accepted 20 of 20 events from stdin/);
    },
  },
  'logs ingest events.json --json': {
    phase: 1,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(JSON.parse(r.stdout), { source: 'events.json', read: 3, accepted: 3, rejected: 0, rejections: [] });
    },
  },
  'logs ingest app.ndjson --batch-size 100 --concurrency 1': {
    phase: 1,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /^accepted 20 of 20 events/);
    },
  },

  // Phase 2: searching (the fixture is stored by now).
  "logs search 'level:error timeout' --since 1h": {
    phase: 2,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const found = hits(r);
      ctx.t.ok(found.length >= 1 && found.length <= 100, `${found.length} hits, at most the default limit`);
      for (const h of found) ctx.t.ok(h.level === 'error' && /\btimeout\b/i.test(h.message), `${h.id} is an error about a timeout`);
    },
  },
  'logs search --level warn,error --resource-id checkout-1 --order asc': {
    phase: 2,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const found = hits(r);
      ctx.t.ok(found.length >= 1, 'the fixture has warnings of checkout-1');
      for (const h of found) ctx.t.ok(h.resourceId === 'checkout-1' && ['warn', 'error'].includes(h.level), `${h.id} matches`);
      const times = found.map((h) => h.timestamp);
      ctx.t.same(times, [...times].sort(), 'oldest first');
    },
  },
  'logs search --trace-id 4bf92f3577b34da6 --all -o ndjson': {
    phase: 2,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const found = hits(r);
      ctx.t.ok(found.every((h) => h.traceId === TRACE_ID), 'every hit is of the trace');
      const ids = new Set(found.map((h) => h.id));
      ctx.t.equal(ids.size, found.length, 'no event twice');
      ctx.t.ok(ctx.fixture.traceIds.every((id) => ids.has(id)), "this run's events of the trace are all there");
    },
  },
  "logs search 'message:/time.?out/' --from 2024-05-01T00:00:00Z --to 2024-05-02T00:00:00Z": {
    phase: 2,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      for (const h of hits(r)) ctx.t.ok(/time.?out/.test(h.message) && h.timestamp >= '2024-05-01T00:00:00.000Z' && h.timestamp <= '2024-05-02T00:00:00.000Z', `${h.id} matches`);
    },
  },
  "logs search 'resourceId:web-*' --limit 5 --json": {
    phase: 2,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const result = JSON.parse(r.stdout) as { hits: Hit[]; nextCursor: string | null; partial: boolean; sources: Record<string, { ok: boolean }>; pages: number };
      ctx.t.ok(result.hits.length >= 1 && result.hits.length <= 5, `${result.hits.length} hits`);
      ctx.t.ok(result.hits.every((h) => h.resourceId.startsWith('web-')));
      ctx.t.equal(result.partial, false);
      ctx.t.match(result.sources, { elasticsearch: { ok: true }, postgres: { ok: true } });
      ctx.t.equal(result.pages, 1);
    },
  },
  'logs search --since 15m --source postgres -o raw': {
    phase: 2,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      ctx.t.ok(lines.length >= 1 && lines.length <= 100, `${lines.length} messages`);
      ctx.t.notOk(lines.some((l) => l.startsWith('{"id"')), 'messages, not JSON events');
    },
  },
  'logs search level:error --since 1h --limit 1000 -o ndjson | wc -l': {
    phase: 2,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const n = Number(r.stdout.trim());
      ctx.t.ok(Number.isInteger(n) && n >= 2 && n <= 1000, `counted ${n} errors`);
    },
  },

  // Phase 3: live tail, with events POSTed while it runs.
  'logs tail level:error': {
    phase: 3,
    run: async (ctx, line) => {
      const message = `tail example ${randomUUID()}`;
      const r = await interrupted(ctx, line, tailing, async (out) => {
        await postEvents([{ level: 'error', message, resourceId: ctx.fixture.resource, timestamp: new Date().toISOString() }]);
        await waitFor(out, (s) => s.includes(message), 5000, 'the POSTed error');
      });
      ctx.t.equal(r.code, 0, 'Ctrl-C ends it with 0');
      const events = hits(r);
      ctx.t.ok(events.some((e) => e.message === message));
      ctx.t.ok(events.every((e) => e.level === 'error'));
    },
  },
  "logs tail 'resourceId:checkout-* OR parentResourceId:checkout-1' -o ndjson": {
    phase: 3,
    run: async (ctx, line) => {
      const child = `checkout-${randomUUID().slice(0, 8)}`;
      const r = await interrupted(ctx, line, tailing, async (out) => {
        const now = new Date().toISOString();
        await postEvents([
          { level: 'info', message: 'a checkout resource', resourceId: child, timestamp: now },
          { level: 'info', message: 'a child of checkout-1', resourceId: ctx.fixture.resource, timestamp: now, metadata: { parentResourceId: 'checkout-1' } },
          { level: 'info', message: 'neither', resourceId: ctx.fixture.resource, timestamp: now },
        ]);
        await waitFor(out, (s) => s.includes(child) && s.includes('a child of checkout-1'), 5000, 'both matching events');
      });
      ctx.t.equal(r.code, 0);
      const events = hits(r);
      ctx.t.ok(events.every((e) => e.resourceId.startsWith('checkout-') || e.metadata?.parentResourceId === 'checkout-1'), 'only matching events');
      ctx.t.notOk(events.some((e) => e.message === 'neither' && e.resourceId === ctx.fixture.resource));
    },
  },
  "logs tail '\"deployed\"' --max 1 --for 30s --json": {
    phase: 3,
    run: async (ctx, line) => {
      const message = `service deployed ${randomUUID()}`;
      const { child, done } = runShell(line, ctx.env, { cwd: ctx.cwd, timeoutMs: 60_000 });
      let exited = false;
      void done.then(() => (exited = true));
      // --json prints nothing until it ends, so there is no "ready" to wait for: send until it ends.
      while (!exited) {
        await postEvents([{ level: 'info', message, resourceId: ctx.fixture.resource, timestamp: new Date().toISOString() }]);
        await new Promise((r) => setTimeout(r, 300));
      }
      const r = await done;
      ctx.t.equal(child.exitCode, 0);
      const result = JSON.parse(r.stdout) as { received: number; events: Hit[]; endedBy: string };
      ctx.t.match(result, { received: 1, endedBy: 'max' });
      ctx.t.match(result.events[0]?.message, /\bdeployed\b/);
    },
  },

  // Phase 4: keys (admin key from LOGS_API_KEY).
  'logs keys create --role reader --name grafana': {
    phase: 4,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      ctx.t.match(r.stdout, /^lpk_[\w-]{20,}\n$/, 'only the secret on stdout');
      const id = /created key (\S+) \(reader\)/.exec(r.stderr)?.[1];
      ctx.t.ok(id, 'the id on stderr');
      if (id) ctx.createdKeys.push(id);
    },
  },
  "logs keys create --role reader --resource 'server-1*' --name team-a --json": {
    phase: 4,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const key = JSON.parse(r.stdout) as { id: string; key: string; role: string; name: string; resourcePatterns: string[] };
      ctx.createdKeys.push(key.id);
      ctx.t.match(key, { role: 'reader', name: 'team-a', resourcePatterns: ['server-1*'], key: /^lpk_/ });
      // The new key works, and only within its scope.
      const search = await runLogs(['search', '--limit', '3', '--json'], { ...ctx.env, LOGS_API_KEY: key.key });
      ctx.t.equal(search.code, 0);
      ctx.t.ok((JSON.parse(search.stdout) as { hits: Hit[] }).hits.every((h) => h.resourceId.startsWith('server-1')), 'a scoped key sees its resources only');
    },
  },
  'logs keys list': {
    phase: 4,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const [header, ...rows] = r.stdout.trimEnd().split('\n');
      ctx.t.match(header, /^ID\s+NAME\s+ROLE\s+RESOURCES\s+KEY\s+CREATED\s+REVOKED$/);
      for (const id of ctx.createdKeys) ctx.t.ok(rows.some((row) => row.startsWith(id)), `${id} is listed`);
      ctx.t.notMatch(r.stdout, /lpk_[\w-]{20,}/, 'no whole secret is ever listed');
    },
  },
  'logs keys list --json': {
    phase: 4,
    run: async (ctx, line) => {
      const r = await ctx.run(line);
      ok(ctx, r, line);
      const { keys } = JSON.parse(r.stdout) as { keys: { id: string; role: string; prefix: string }[] };
      ctx.t.ok(keys.some((k) => k.role === 'admin'));
      for (const id of ctx.createdKeys) ctx.t.ok(keys.some((k) => k.id === id));
    },
  },
  'logs keys revoke 0193a1f2-7c4e-7d1a-9b2c-3e4f5a6b7c8d': {
    phase: 4,
    run: async (ctx, line) => {
      // The documented id is a placeholder: revoke a real key in its place.
      const created = await runLogs(['keys', 'create', '--role', 'reader', '--name', 'to-revoke', '--json'], ctx.env);
      const key = JSON.parse(created.stdout) as { id: string; key: string };
      const r = await ctx.run(line.replace('0193a1f2-7c4e-7d1a-9b2c-3e4f5a6b7c8d', key.id));
      ok(ctx, r, line);
      ctx.t.match(r.stdout, new RegExp(`^revoked key ${key.id} \\(to-revoke, reader\\)`));
      const refused = await runLogs(['search', '--limit', '1'], { ...ctx.env, LOGS_API_KEY: key.key });
      ctx.t.equal(refused.code, 1, 'the revoked key stops working at once');
      ctx.t.match(refused.stderr, /refused the API key from LOGS_API_KEY \(unknown or revoked\).*\[CLI_UNAUTHORIZED\]/);
    },
  },
};

/** The examples of a command's help, with the lines oclif wrapped (` \` at the end) joined again. */
function helpExamples(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf('EXAMPLES');
  const found: string[] = [];
  for (let i = start + 1; i > 0 && i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^[A-Z][A-Z ]+$/.test(line)) break;
    const m = /^\s*\$ (.*)$/.exec(line);
    if (m === null) continue;
    let command = m[1] as string;
    while (command.endsWith('\\')) command = `${command.slice(0, -1).trimEnd()} ${(lines[++i] as string).trim()}`;
    found.push(command);
  }
  return found;
}

/** Lines of ```sh blocks in the README that run `logs`. */
function readmeExamples(readme: string): string[] {
  const found: string[] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of (block[1] as string).replace(/\\\n\s*/g, ' ').split('\n')) {
      if (/(^|\|\s*)logs\s/.test(line) && !line.trimStart().startsWith('#')) found.push(line.trim());
    }
  }
  return found;
}

function commandIds(dir: string, prefix: string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return commandIds(path.join(dir, e.name), [...prefix, e.name]);
    return e.name.endsWith('.js') ? [[...prefix, e.name.slice(0, -3)].join(' ')] : [];
  });
}

function writeFixture(cwd: string, resource: string): Context['fixture'] {
  const now = Date.now();
  const at = (i: number): string => new Date(now - i * 1000).toISOString();
  const events: TestEvent[] = Array.from({ length: 20 }, (_, i) => {
    const base = { id: randomUUID(), timestamp: at(i) };
    if (i < 4) return { ...base, level: 'error', message: `payment timeout after ${i + 1} s`, resourceId: resource };
    if (i < 8) return { ...base, level: 'warn', message: 'slow checkout', resourceId: 'checkout-1' };
    if (i < 11) return { ...base, level: 'info', message: 'span done', resourceId: resource, traceId: TRACE_ID, spanId: `s${i}` };
    if (i < 14) return { ...base, level: 'info', message: 'GET /index.html 200', resourceId: `web-${i}` };
    return { ...base, level: 'debug', message: `step ${i}`, resourceId: resource, metadata: { parentResourceId: 'checkout-1', attempt: i } };
  });
  writeFileSync(path.join(cwd, 'app.ndjson'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const more: TestEvent[] = Array.from({ length: 3 }, (_, i) => ({ id: randomUUID(), level: 'info', message: `from a JSON array ${i}`, resourceId: resource, timestamp: at(i) }));
  writeFileSync(path.join(cwd, 'events.json'), JSON.stringify(more, null, 2));
  // `logs login --api-key - < .stack/secrets/admin-key` reads the stack's key from the working folder.
  mkdirSync(path.join(cwd, '.stack', 'secrets'), { recursive: true });
  writeFileSync(path.join(cwd, '.stack', 'secrets', 'admin-key'), `${adminKey()}\n`, { mode: 0o600 });
  const all = [...events, ...more];
  return { resource, ids: all.map((e) => e.id as string), traceIds: events.filter((e) => e.traceId === TRACE_ID).map((e) => e.id as string), ownResource: all.filter((e) => e.resourceId === resource).length };
}

t.test('every example of the help texts and of the README runs and does what it says', async (t) => {
  if (!(await requireGateway(t)) || !(await requireQueryApi(t))) return;
  t.equal(gatewayUrl, 'http://127.0.0.1:3000', 'the examples name the local stack');
  t.equal(apiUrl, 'http://127.0.0.1:3001');
  const configDir = tempDir(t);
  const cwd = tempDir(t, 'logs-examples-');
  const env = baseEnv(configDir, { LOGS_API_KEY: adminKey(), PATH: `${shimDir(t)}:${process.env.PATH ?? ''}` });

  const sources = new Map<string, string[]>();
  const ids = commandIds(path.join(cliRoot, 'dist', 'commands'));
  t.equal(ids.length, 10, `commands: ${ids.join(', ')}`);
  for (const id of ids) {
    const help = await runLogs([...id.split(' '), '--help'], env);
    t.equal(help.code, 0);
    const examples = helpExamples(help.stdout);
    t.ok(examples.length >= 1, `logs ${id} --help has examples`);
    for (const e of examples) sources.set(e, [...(sources.get(e) ?? []), `logs ${id} --help`]);
  }
  for (const e of readmeExamples(readFileSync(path.join(cliRoot, 'README.md'), 'utf8'))) sources.set(e, [...(sources.get(e) ?? []), 'README.md']);
  for (const [example, where] of sources) t.ok(CHECKS[example], `${example} (${where.join(', ')}) has a check`);
  for (const example of Object.keys(CHECKS)) t.ok(sources.has(example), `${example} is still documented`);

  const ctx: Context = {
    t,
    env,
    cwd,
    configDir,
    run: async (line, extraEnv = {}) => runShell(line, { ...env, ...extraEnv }, { cwd }).done,
    createdKeys: [],
    fixture: writeFixture(cwd, uniqueResource('examples')),
  };
  t.teardown(async () => {
    for (const id of ctx.createdKeys) await runLogs(['keys', 'revoke', id], env);
  });

  const ordered = [...sources.keys()].filter((e) => CHECKS[e]).sort((a, b) => (CHECKS[a] as Check).phase - (CHECKS[b] as Check).phase);
  let phase = 0;
  for (const example of ordered) {
    const check = CHECKS[example] as Check;
    if (phase < 2 && check.phase >= 2) {
      // Search what was sent: wait until the query API finds every fixture event.
      await waitForHits({ resourceId: ctx.fixture.resource }, (found) => found.length >= ctx.fixture.ownResource);
      await waitForHits({ resourceId: 'checkout-1', level: 'warn', from: '1h' }, (found) => found.length >= 4);
    }
    phase = check.phase;
    await t.test(example, async (t) => check.run({ ...ctx, t }, example));
  }
});
