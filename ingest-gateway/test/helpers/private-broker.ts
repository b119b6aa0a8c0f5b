// A private single-node KRaft Kafka for tests that must stop and restart a real broker (the shared
// stack's broker on :9092 is never touched). Same jars and log4j2 settings as the stack
// (stack/services/kafka.mjs, installed by `npm run up`), its own server.properties and data in a temp
// folder, on two free ports. stop() is a real SIGTERM; start() again reuses the data folder, so what
// the broker acknowledged survives a restart. The JVM runs under `setpriv --pdeathsig KILL`, so even a
// test process that is killed outright (tap timeout, Ctrl-C) takes it down; t.teardown kills it and
// removes the folder in every other case.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import type { Test } from 'tap';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const stackDir = process.env.STACK_DIR ? path.resolve(process.env.STACK_DIR) : path.join(repoRoot, '.stack');
const libDir = path.join(stackDir, 'lib', 'kafka');
const logConfig = path.join(repoRoot, 'stack/kafka/log4j2.properties');
const STOP_GRACE_MS = 20_000;
// C1 only and the serial collector: the broker starts in about two thirds of the time and burns less
// CPU on a 2-core machine it shares with the stack's JVMs; a test broker needs no peak throughput.
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Djava.awt.headless=true'];

/** Free TCP ports on loopback (bound together so they differ, then released for the broker). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      return server;
    }),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const DIR_PREFIX = 'logpipe-private-kafka-';

/**
 * Removes the folders of earlier runs whose test process is gone (one killed outright cannot run its
 * teardown; its JVM died with it, its folder did not). Folders of live processes are left alone.
 */
function sweepStaleFolders(): void {
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(path.join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue; // being created, or not ours
    }
    try {
      process.kill(owner, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Kafka's cluster id format: 16 random bytes, base64url without padding, never starting with '-'. */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// The settings of stack/services/kafka.mjs serverConfig, plus a one-partition offsets topic: the
// test's consumer group is the only one, and 50 partitions would cost seconds of a 2-core machine.
function serverConfig(host: string, port: number, controllerPort: number, dataDir: string): string {
  return `node.id=1
process.roles=broker,controller
controller.quorum.voters=1@${host}:${controllerPort}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}
advertised.listeners=PLAINTEXT://${host}:${port}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
`;
}

export interface PrivateBroker {
  /** host:port of the PLAINTEXT listener, for KAFKA_BROKERS. */
  readonly address: string;
  readonly dir: string;
  /** pid of the running JVM, undefined while stopped. */
  readonly pid: number | undefined;
  /** Starts the JVM (on the same data) and resolves once the broker is registered and takes writes. */
  start(): Promise<void>;
  /** SIGTERM, then waits for the JVM to exit (SIGKILL after 20 s). Resolves with the exit signal or code. */
  stop(): Promise<string>;
  /** A kafkajs client for this broker (quiet, fails fast). */
  kafka(clientId?: string): Kafka;
  /** The broker's console output so far (from the log file in its folder). */
  log(): string;
}

interface Running {
  child: ChildProcess;
  exited: Promise<string>;
}

/**
 * Formats and starts a private broker; t.teardown kills it (if still running) and removes its folder.
 * Fails the test with a hint when the stack's Kafka jars are not installed.
 */
export async function startPrivateBroker(t: Test, options: { startTimeoutMs?: number } = {}): Promise<PrivateBroker> {
  if (!existsSync(libDir)) throw new Error(`no Kafka jars in ${libDir}; install the stack with \`npm run up\``);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const host = '127.0.0.1';
  const [port, controllerPort] = (await freePorts(2)) as [number, number];
  sweepStaleFolders();
  const dir = mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
  writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  const dataDir = path.join(dir, 'data');
  const properties = path.join(dir, 'server.properties');
  const logFile = path.join(dir, 'kafka.log');
  writeFileSync(properties, serverConfig(host, port, controllerPort, dataDir));

  let running: Running | undefined;
  const kill = () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
  };
  // Last resort if the test process exits without its teardown (an uncaught error, process.exit).
  process.once('exit', kill);
  t.teardown(async () => {
    if (running) {
      kill();
      await running.exited;
      running = undefined;
    }
    process.off('exit', kill);
    rmSync(dir, { recursive: true, force: true });
  });

  const classpath = ['-cp', `${libDir}/*`, `-Dlog4j2.configurationFile=${logConfig}`];
  // Formatted once, the way kafka.mjs formats the stack's storage; restarts reuse it.
  const format = spawnSync('java', [...JVM_FLAGS, ...classpath, 'kafka.tools.StorageTool', 'format', '--cluster-id', newClusterId(), '--config', properties], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (format.status !== 0) throw new Error(`formatting the private Kafka failed (${format.status ?? format.signal}):\n${format.stdout}${format.stderr}`);

  const address = `${host}:${port}`;
  const kafka = (clientId = 'private-broker') =>
    new Kafka({ clientId, brokers: [address], connectionTimeout: 1000, requestTimeout: 5000, retry: { retries: 2 }, logLevel: logLevel.NOTHING });
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  /** The broker is in the metadata once registered and unfenced, i.e. it takes produce requests. */
  async function registered(): Promise<boolean> {
    const admin = new Kafka({ clientId: 'private-broker-probe', brokers: [address], connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
    try {
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      return brokers.length > 0;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  async function start(): Promise<void> {
    if (running) throw new Error('the private broker is already running');
    const out = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      // setpriv execs java (same pid) with a parent-death signal: the JVM dies with the test process.
      child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'java', '-Xmx256m', ...JVM_FLAGS, ...classpath, 'kafka.Kafka', properties], {
        cwd: dir,
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out);
    }
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? String(code)));
      child.once('error', (err) => resolve(`not started: ${err.message}`)); // e.g. no java or setpriv
    });
    running = { child, exited };
    let gone: string | undefined;
    void exited.then((how) => (gone = how));
    const deadline = Date.now() + startTimeoutMs;
    while (gone === undefined && Date.now() < deadline) {
      if (await registered()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    const tail = log().split('\n').slice(-30).join('\n');
    if (gone !== undefined) {
      running = undefined;
      throw new Error(`the private Kafka exited (${gone}) while starting:\n${tail}`);
    }
    throw new Error(`the private Kafka did not take writes within ${startTimeoutMs} ms:\n${tail}`);
  }

  async function stop(): Promise<string> {
    const r = running;
    if (!r) throw new Error('the private broker is not running');
    r.child.kill('SIGTERM');
    const timer = setTimeout(() => r.child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      return await r.exited;
    } finally {
      clearTimeout(timer);
      running = undefined;
    }
  }

  await start();
  return {
    address,
    dir,
    get pid() {
      return running?.child.pid;
    },
    start,
    stop,
    kafka,
    log,
  };
}
