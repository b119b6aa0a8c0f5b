// A service of ours run as its own process for a bench, as it runs in the stack: on a free port, ready
// when its /readyz answers 200, stopped with SIGTERM (its graceful stop).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface RunningService {
  url: string;
  child: ChildProcess;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  script: string;
  /** Added to this process's environment; `port` is the free port found for it. */
  env: (port: number) => NodeJS.ProcessEnv;
  nodeArgs?: string[];
  readyWithinMs?: number;
}

export async function startService({ script, env, nodeArgs = [], readyWithinMs = 30_000 }: StartOptions): Promise<RunningService> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, script], { env: { ...process.env, ...env(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) })).ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} was not ready within ${readyWithinMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function stopService(running: RunningService): Promise<void> {
  if (running.child.exitCode !== null) return;
  const exited = new Promise((r) => running.child.once('exit', r));
  running.child.kill('SIGTERM');
  await exited;
}
