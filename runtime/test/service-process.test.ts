// The process helpers in a real child process (fixtures/service.mjs on the built dist/): what an
// operator sees on stdout/stderr and as the exit code.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

const fixture = fileURLToPath(new URL('./fixtures/service.mjs', import.meta.url));
// A missing or stale build fails this file rather than testing old code (tsc -b touches the build info).
const buildInfo = fileURLToPath(new URL('../dist/.tsbuildinfo', import.meta.url));
const src = fileURLToPath(new URL('../src/', import.meta.url));
const builtAt = existsSync(buildInfo) ? statSync(buildInfo).mtimeMs : 0;
if (readdirSync(src, { recursive: true, encoding: 'utf8' }).some((f) => statSync(src + f).mtimeMs > builtAt)) {
  throw new Error('runtime/test/service-process.test.ts runs the current build of runtime: run npm run build first');
}

interface Run {
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<number | null>;
  signal: (signal: NodeJS.Signals) => void;
  logged: (msg: string) => Promise<void>;
}

function run(t: Test, scenario: string, env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [fixture, scenario], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const lines: Array<Record<string, unknown>> = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    const parts = stdout.split('\n');
    stdout = parts.pop()!;
    for (const line of parts) if (line) lines.push(JSON.parse(line));
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': the child may exit before its last lines are read from the pipe.
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      closed = true;
      resolve(code);
    }),
  );
  const logged = async (msg: string) => {
    const deadline = Date.now() + 10_000;
    while (!lines.some((l) => l.msg === msg)) {
      if (Date.now() > deadline || closed) throw new Error(`no "${msg}" line; got ${JSON.stringify(lines)} ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { lines, stderr: () => stderr, exited, signal: (s) => child.kill(s), logged };
}

const messages = (r: Run) => r.lines.map((l) => l.msg);

t.test('a bad config is printed to stderr, labelled, and the process exits 1', async (t) => {
  const r = run(t, 'bad-config');
  t.equal(await r.exited, 1);
  t.equal(r.stderr(), 'test-service: invalid configuration:\n  PORT="x": expected an integer from 0 to 65535\n');
  t.same(r.lines, [], 'no logger yet');
});

t.test('SIGTERM: close() runs, then "stopped" and exit 0; JSON lines carry service and pid, never the key', async (t) => {
  const r = run(t, 'idle', { CLOSE_MS: '100' });
  await r.logged('ready');
  t.match(r.lines[0], { service: 'test-service', pid: Number, headers: { authorization: '[Redacted]' } });
  r.signal('SIGTERM');
  t.equal(await r.exited, 0);
  t.same(messages(r), ['ready', 'stopping', 'stopped']);
  t.match(r.lines[1], { signal: 'SIGTERM' });
  t.match(r.lines[2], { exitCode: 0 });
});

t.test('a second signal while stopping exits 1 at once', async (t) => {
  const r = run(t, 'idle', { CLOSE_MS: '5000' });
  await r.logged('ready');
  r.signal('SIGINT');
  await r.logged('stopping');
  r.signal('SIGTERM');
  t.equal(await r.exited, 1);
  t.same(messages(r), ['ready', 'stopping', 'second signal while stopping; exiting now']);
});

t.test('a close that takes longer than the bound ends the process with 1', async (t) => {
  const r = run(t, 'idle', { CLOSE_MS: '5000', TIMEOUT_MS: '200' });
  await r.logged('ready');
  r.signal('SIGTERM');
  t.equal(await r.exited, 1);
  t.same(messages(r), ['ready', 'stopping', 'shutdown took too long; exiting']);
  t.match(r.lines[2], { level: 50, timeoutMs: 200 });
});

t.test('a close that fails is logged and the exit code is 1', async (t) => {
  const r = run(t, 'idle', { CLOSE_FAILS: '1' });
  await r.logged('ready');
  r.signal('SIGTERM');
  t.equal(await r.exited, 1);
  t.same(messages(r), ['ready', 'stopping', 'error while stopping', 'stopped']);
  t.match(r.lines[3], { exitCode: 1 });
});

t.test('a stop asked by the process itself (a failed start) exits with 1', async (t) => {
  const r = run(t, 'start-fails');
  t.equal(await r.exited, 1);
  t.same(messages(r), ['ready', 'stopping', 'stopped']);
  t.match(r.lines[1], { reason: 'start failed' });
});

t.test('the survivable exception is a warning; any other ends the process with a fatal line', async (t) => {
  const r = run(t, 'exceptions');
  t.equal(await r.exited, 1);
  t.same(messages(r), ['ready', 'known bug, survived', 'uncaught exception']);
  t.match(r.lines[1], { level: 40, err: { message: 'survivable' } });
  t.match(r.lines[2], { level: 60, err: { message: 'fatal' }, origin: 'uncaughtException' });
});

t.test('an unhandled rejection ends the process with a fatal line', async (t) => {
  const r = run(t, 'rejection');
  t.equal(await r.exited, 1);
  t.same(messages(r), ['ready', 'unhandled rejection']);
  t.match(r.lines[1], { level: 60, err: { message: 'nobody waits for this' } });
});
