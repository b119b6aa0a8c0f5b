// The real sink binary (`node sinks/dist/main.js`, built by `npx tsc -b sinks`) as a child process,
// its JSON log lines collected, killed in teardown.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventually } from './kafka.js';

export const mainScript = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * Why the build cannot be tested, or undefined. The binary runs the built code of these packages; a
 * source newer than its package's last build (tsc -b touches dist/.tsbuildinfo even when nothing changed)
 * means the test would pass or fail on old code.
 */
function buildProblem(): string | undefined {
  if (!existsSync(mainScript)) return `${mainScript} does not exist`;
  for (const pkg of ['sinks', 'runtime', 'schemas']) {
    const root = fileURLToPath(new URL(`../../../${pkg}/`, import.meta.url));
    const buildInfo = path.join(root, 'dist', '.tsbuildinfo');
    if (!existsSync(buildInfo)) return `${pkg} is not built`;
    const builtAt = statSync(buildInfo).mtimeMs;
    const sources = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const newer = sources.find((f) => statSync(path.join(root, 'src', f)).mtimeMs > builtAt);
    if (newer !== undefined) return `${pkg}/src/${newer} is newer than the build of ${pkg}`;
  }
  return undefined;
}

// A missing or stale build fails the tests that run the binary rather than skipping them.
const problem = buildProblem();
if (problem !== undefined) throw new Error(`the sink binary's tests need the current build (${problem}): run npm run build first`);

export interface SinkProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  /** http://host:port of /healthz, /readyz, /metrics, once it listens. */
  address: () => Promise<string>;
  exited: Promise<number | null>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export function spawnSink(t: Teardown, env: Record<string, string>): SinkProcess {
  const child = spawn(process.execPath, [mainScript], { env: { ...process.env, SINK_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) if (line) lines.push(JSON.parse(line));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    address: async () => {
      await eventually('the sink listens', () => lines.some((l) => l.msg === 'sink starting'), 15_000);
      return lines.find((l) => l.msg === 'sink starting')!.address as string;
    },
  };
}
