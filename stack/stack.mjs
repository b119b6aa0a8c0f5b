#!/usr/bin/env node
// The local stack without Docker: Kafka, Elasticsearch and PostgreSQL from the registries this
// project can reach, plus our own processes.
//
//   node stack/stack.mjs install   download and prepare everything (idempotent; cached)
//   node stack/stack.mjs up        start everything in the background, return once every part answers
//   node stack/stack.mjs start     the same in the foreground with prefixed logs; Ctrl-C stops all
//   node stack/stack.mjs status    each part's state
//   node stack/stack.mjs down      stop everything this checkout started
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { loadStackConfig } from './lib/config.mjs';
import { ensureDir, logDir, runDir } from './lib/paths.mjs';
import { apps } from './apps.mjs';
import elasticsearch from './services/elasticsearch.mjs';
import kafka from './services/kafka.mjs';
import postgres from './services/postgres.mjs';

const services = [postgres, kafka, elasticsearch];
const READY_TIMEOUT_MS = { postgres: 60_000, kafka: 90_000, elasticsearch: 180_000 };
const STOP_TIMEOUT_MS = 30_000;
const tty = process.stdout.isTTY;
const colours = [36, 35, 33, 32, 34, 31, 96, 95];

// In `start`, Ctrl-C also reaches whatever reads our output (`| tee`, a pager): losing stdout must not
// stop us from stopping the parts.
process.stdout.on('error', () => {});

function say(msg) {
  process.stdout.write(`${msg}\n`);
}

function paint(text, code) {
  return tty ? `\x1b[${code}m${text}\x1b[0m` : text;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pidFile = (part) => path.join(runDir, `${part.name}.pid`);

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function recordedPid(part) {
  if (!existsSync(pidFile(part))) return undefined;
  const pid = Number(readFileSync(pidFile(part), 'utf8'));
  return Number.isInteger(pid) && alive(pid) ? pid : undefined;
}

async function timed(label, fn) {
  const started = Date.now();
  const result = await fn();
  say(`${paint('✓', 32)} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

async function install() {
  for (const svc of services) {
    await timed(`${svc.name} installed`, () => svc.install((msg) => say(`  ${svc.name}: ${msg}…`)));
  }
}

/** Waits until the part answers, printing progress; fails early if its process died. */
async function waitReady(part, pid, logFile) {
  const started = Date.now();
  const limit = READY_TIMEOUT_MS[part.name] ?? 60_000;
  let lastNote = started;
  while (!(await part.ready())) {
    if (pid !== undefined && !alive(pid)) {
      const tail = logFile && existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n') : '';
      throw new Error(`${part.name} exited before it was ready${logFile ? ` (log: ${logFile})` : ''}\n${tail}`);
    }
    if (Date.now() - started > limit) throw new Error(`${part.name} did not answer within ${limit / 1000} s${logFile ? ` (log: ${logFile})` : ''}`);
    if (Date.now() - lastNote >= 5000) {
      say(`  waiting for ${part.name}… ${Math.round((Date.now() - started) / 1000)} s`);
      lastNote = Date.now();
    }
    await sleep(250);
  }
}

function spawnPart(part, foreground) {
  const { argv, env, cwd } = part.command();
  const logFile = path.join(logDir, `${part.name}.log`);
  const out = foreground ? 'pipe' : openSync(logFile, 'a');
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env: { ...process.env, ...env },
    // Its own process group, so `down` can stop the part and anything it forked in one signal.
    detached: true,
    stdio: ['ignore', out, out],
  });
  if (!foreground) closeSync(out);
  writeFileSync(pidFile(part), String(child.pid));
  return { child, logFile };
}

async function stopPart(part) {
  const pid = recordedPid(part);
  rmSync(pidFile(part), { force: true });
  if (pid === undefined) return false;
  const signal = part.stopSignal ?? 'SIGTERM';
  const signalGroup = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  signalGroup(signal);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) {
    say(`  ${part.name} ignored ${signal} for ${STOP_TIMEOUT_MS / 1000} s; killing it`);
    signalGroup('SIGKILL');
    while (alive(pid)) await sleep(100);
  }
  // Children that left the group would survive us; a part's whole group is ours to end.
  signalGroup('SIGKILL');
  return true;
}

function listening() {
  const rows = [...services, ...apps].map((p) => `  ${p.name.padEnd(20)} ${p.describe()}`);
  const notes = apps.flatMap((p) => p.notes?.() ?? []);
  say(`\nlistening:\n${rows.join('\n')}${notes.length > 0 ? `\n\n${notes.join('\n')}` : ''}`);
}

async function startParts(parts, foreground, onLine) {
  const pending = [];
  for (const part of parts) {
    const pid = recordedPid(part);
    if (pid !== undefined && (await part.ready())) {
      say(`${paint('•', 33)} ${part.name} already up (pid ${pid})`);
      continue;
    }
    if (pid === undefined && (await part.ready())) {
      say(`${paint('•', 33)} ${part.name} already answers at ${part.describe()} (not started by this checkout); using it`);
      continue;
    }
    if (pid !== undefined) await stopPart(part);
    if (part.install) await timed(`${part.name} installed`, () => part.install((msg) => say(`  ${part.name}: ${msg}…`)));
    const { child, logFile } = spawnPart(part, foreground);
    if (foreground) onLine(part, child);
    const ready = timed(`${part.name} ready at ${part.describe()}`, () => waitReady(part, child.pid, foreground ? undefined : logFile));
    // Handled by Promise.all below; without this a part failing while the next one installs would crash us.
    ready.catch(() => {});
    pending.push(ready);
  }
  await Promise.all(pending);
}

async function up(foreground = false, onLine) {
  ensureDir(runDir);
  ensureDir(logDir);
  // Services are independent of each other; our processes need all of them.
  await startParts(services, foreground, onLine);
  await startParts(apps, foreground, onLine);
}

async function down() {
  let stopped = 0;
  for (const part of [...apps].reverse().concat([...services].reverse())) {
    if (await stopPart(part)) {
      say(`${paint('✓', 32)} ${part.name} stopped`);
      stopped++;
    }
  }
  if (stopped === 0) say('nothing was running');
}

async function status() {
  let allUp = true;
  for (const part of [...services, ...apps]) {
    const pid = recordedPid(part);
    const ready = await part.ready();
    allUp &&= ready;
    let details = '';
    if (ready) {
      try {
        details = Object.entries(await part.status())
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
      } catch (err) {
        details = `status failed: ${err.message}`;
      }
    }
    const state = ready ? paint('up', 32) : pid ? paint('starting', 33) : paint('down', 31);
    say(`${part.name.padEnd(20)} ${state.padEnd(tty ? 11 : 8)} pid=${pid ?? '-'} ${details}`);
  }
  return allUp;
}

async function start() {
  const children = [];
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) return;
    stopping = true;
    say('\nstopping…');
    await down();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopAll(0));
  const width = Math.max(...[...services, ...apps].map((p) => p.name.length));
  const onLine = (part, child) => {
    const colour = colours[children.length % colours.length];
    children.push(child);
    const prefix = paint(`${part.name.padEnd(width)} |`, colour);
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix} ${line}\n`));
    }
    child.on('exit', (code, signal) => {
      if (stopping) return;
      say(`${prefix} exited (${signal ?? code}); stopping everything`);
      stopAll(1);
    });
  };
  try {
    await up(true, onLine);
  } catch (err) {
    say(`${paint('✗', 31)} ${err.message}`);
    await stopAll(1);
  }
  listening();
  say('\nall parts are up; Ctrl-C stops them');
}

const commands = {
  install,
  async up() {
    await up();
    listening();
  },
  down,
  async status() {
    if (!(await status())) process.exitCode = 1;
  },
  start,
};

const name = process.argv[2];
if (!commands[name]) {
  say(`usage: node stack/stack.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
try {
  loadStackConfig();
  await commands[name]();
  // Readiness probes may leave client sockets behind; the command is done, so leave with its result.
  if (name !== 'start') process.exit(process.exitCode ?? 0);
} catch (err) {
  say(`${paint('✗', 31)} ${err.message}`);
  process.exit(1);
}
