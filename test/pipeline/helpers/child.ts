// Child processes of a pipeline test (gateway, sinks, private Elasticsearch and PostgreSQL), each under
// `setpriv --pdeathsig KILL`: setpriv execs the command in the same pid, and the kernel kills it when the
// test process dies, even outright (tap timeout, Ctrl-C), so no run leaves a process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check` holds, polling every `everyMs`; rejects naming `what` after `timeoutMs`. */
export async function eventually(what: string | (() => string), check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(everyMs);
  }
}

export interface Child {
  readonly pid: number | undefined;
  /** How it ended (signal name or exit code), undefined while it runs. */
  readonly exit: string | undefined;
  readonly exited: Promise<string>;
  /** Its JSON log lines so far (stdout lines that parse), when `json` was asked for. */
  readonly lines: Array<Record<string, unknown>>;
  /** The last 16 KiB of its output. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** Sends `signal`, SIGKILL after `graceMs`; resolves with how it ended. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<string>;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Parse stdout as pino JSON lines into `lines`. */
  json?: boolean;
  /** Extra setpriv options before `--` (e.g. to run as the service user). */
  setpriv?: string[];
}

/**
 * The environment without what tap sets for its own test processes: NODE_OPTIONS loads tap's process
 * tracker into every node started from a test (a second of start-up each), and nothing here is a test.
 */
function ownEnvironment(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_OPTIONS' && !/^_?TAP/.test(name)));
}

export function spawnChild(argv: string[], options: SpawnOptions = {}): Child {
  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'KILL', ...(options.setpriv ?? []), '--', ...argv], {
    env: { ...ownEnvironment(), ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let tail = '';
  let partial = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-16_384);
  };
  child.stderr!.on('data', keep);
  child.stdout!.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (!options.json) return;
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line (a crash trace); kept in output()
      }
    }
  });
  let exit: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve((exit = signal ?? String(code))));
    child.once('error', (err) => resolve((exit = `not started: ${err.message}`)));
  });
  const kill = (signal: NodeJS.Signals) => {
    if (exit === undefined) child.kill(signal);
  };
  return {
    get pid() {
      return child.pid;
    },
    get exit() {
      return exit;
    },
    exited,
    lines,
    output: () => tail,
    kill,
    async stop(signal = 'SIGTERM', graceMs = 30_000) {
      kill(signal);
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

const STATE_PREFIX = 'logpipe-pipeline-';

/**
 * A temp folder for a private service, owned by `owner` (uid, gid) when given, removed by the caller.
 * Folders of earlier runs whose test process is gone (one killed outright cannot clean up; its services
 * died with it) are removed first; those of live processes are left alone.
 */
export function stateFolder(kind: string, owner?: { uid: number; gid: number }): string {
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(STATE_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    let pid: number;
    try {
      pid = Number(readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // being created, or not ours
    }
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') rmSync(dir, { recursive: true, force: true });
    }
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `${STATE_PREFIX}${kind}-`));
  writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}
