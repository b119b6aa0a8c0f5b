// The real sink binary (`node sinks/dist/main.js`, built by `npx tsc -b sinks`) as a child process,
// its JSON log lines collected, killed in teardown.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventually } from './kafka.js';

export const mainScript = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
export const built = existsSync(mainScript);

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
