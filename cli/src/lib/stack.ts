// `logs stack …` runs the checkout's own stack script (stack/stack.mjs, what `npm run up|down|status`
// run), so the CLI and the root scripts can never disagree about how the stack starts or stops.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.js';

export type StackCommandName = 'up' | 'down' | 'status';

const SCRIPT = path.join('stack', 'stack.mjs');

/** The stack script of the checkout around `cwd`, else of the checkout this CLI was built in. */
export function findStackScript(cwd: string, cliRoot: string): string {
  for (const start of [cwd, cliRoot]) {
    let dir = path.resolve(start);
    for (;;) {
      const candidate = path.join(dir, SCRIPT);
      if (existsSync(candidate)) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new CliError('CLI_STACK_FAILED', `no logpipe checkout (${SCRIPT}) in ${cwd} or its parents; run this inside a logpipe checkout`);
}

export interface StackRun {
  exitCode: number;
  /** The script's output lines, without colours (captured runs only). */
  output: string[];
}

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** Runs `node stack/stack.mjs <command>` from the checkout's root; inherits the terminal unless capturing. */
export function runStack(script: string, command: StackCommandName, capture: boolean): Promise<StackRun> {
  const root = path.dirname(path.dirname(script));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, command], { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', (err) => reject(new CliError('CLI_STACK_FAILED', `cannot run ${script} (${err.message})`, { cause: err })));
    child.on('close', (code, signal) => {
      const output = text.replace(SGR, '').split('\n').filter((l) => l.trim() !== '');
      resolve({ exitCode: code ?? (signal === null ? 1 : 128 + 2), output });
    });
  });
}

export interface StackPart {
  name: string;
  state: string;
  pid: number | null;
  details: Record<string, string>;
}

/** The parts of `stack.mjs status` output: `name  state  pid=…  key=value…` per line. */
export function parseStatus(lines: readonly string[]): StackPart[] {
  const parts: StackPart[] = [];
  for (const line of lines) {
    const match = /^(\S+)\s+(up|down|starting)\s+pid=(\S+)\s*(.*)$/.exec(line);
    if (match === null) continue;
    const details: Record<string, string> = {};
    for (const pair of (match[4] ?? '').matchAll(/(\w+)=(\S+(?:\s(?!\w+=)\S+)*)/g)) details[pair[1] as string] = pair[2] as string;
    parts.push({ name: match[1] as string, state: match[2] as string, pid: match[3] === '-' ? null : Number(match[3]), details });
  }
  return parts;
}
