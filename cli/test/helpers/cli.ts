// Runs the BUILT `logs` binary (cli/bin/run.js over cli/dist, so `npx tsc -b cli` first) as a user
// would: as a subprocess, with its own config folder so no test touches the real user's settings.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';

export const cliRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const repoRoot = path.dirname(cliRoot);
export const runJs = path.join(cliRoot, 'bin', 'run.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string | Buffer;
  timeoutMs?: number;
}

/** A folder removed at the end of the test. */
export function tempDir(t: Test, prefix = 'logs-cli-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The environment every run gets: a private config folder, no colour variables from the caller's shell,
 * and none of the caller's LOGS_* settings unless the test passes them.
 */
export function baseEnv(configDir: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('LOGS_') || k === 'NO_COLOR' || k === 'FORCE_COLOR' || k === 'NODE_OPTIONS' || k.startsWith('TAP')) continue;
    env[k] = v;
  }
  env.LOGS_CONFIG_DIR = configDir;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function collect(child: ChildProcess, started: number, timeoutMs: number): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** `logs <args…>`; env is complete (use baseEnv). */
export function runLogs(args: string[], env: Record<string, string>, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [runJs, ...args], { env, cwd: options.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin?.end(options.input ?? '');
  return collect(child, started, options.timeoutMs ?? 120_000);
}

/** A folder with a `logs` executable, for running documented command lines through a shell. */
export function shimDir(t: Test): string {
  const dir = tempDir(t, 'logs-bin-');
  mkdirSync(dir, { recursive: true });
  const shim = path.join(dir, 'logs');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${runJs}" "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

/** Runs a command line with /bin/sh, as a user would paste it; stdin is empty unless the line redirects it. */
export function runShell(line: string, env: Record<string, string>, options: RunOptions = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const started = Date.now();
  const child = spawn('/bin/sh', ['-c', line], { env, cwd: options.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdin?.end(options.input ?? '');
  return { child, done: collect(child, started, options.timeoutMs ?? 120_000) };
}

/** Resolves once `predicate` holds for the text so far, or rejects after `timeoutMs`. */
export async function waitFor(read: () => string, predicate: (text: string) => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate(read())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; output so far:\n${read()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Each non-empty line parsed as JSON. */
export function ndjson<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** A local port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
