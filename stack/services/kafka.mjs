// Apache Kafka 4 from Maven Central: one KRaft node that is both broker and controller.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadStackConfig } from '../lib/config.mjs';
import { ensureDir, repoRoot, stackDir } from '../lib/paths.mjs';
import { hashOf, isFresh, markFresh, run } from '../lib/util.mjs';

const pom = path.join(repoRoot, 'stack/maven/kafka/pom.xml');
const logConfig = path.join(repoRoot, 'stack/kafka/log4j2.properties');
const libDir = path.join(stackDir, 'lib', 'kafka');
const confDir = path.join(stackDir, 'kafka');
const dataDir = path.join(stackDir, 'data', 'kafka');
const serverProperties = path.join(confDir, 'server.properties');

const config = () => loadStackConfig().kafka;
const listen = () => `${config().host}:${config().port}`;

function serverConfig(c) {
  return `# Written by stack/services/kafka.mjs on every install; edit that file instead.
node.id=1
process.roles=broker,controller
# A static quorum (not --standalone's dynamic one) takes the controller address from this file on every
# start, so changing KAFKA_CONTROLLER_PORT needs no re-format.
controller.quorum.voters=1@${c.host}:${c.controllerPort}
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://${c.host}:${c.port},CONTROLLER://${c.host}:${c.controllerPort}
advertised.listeners=PLAINTEXT://${c.host}:${c.port}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=${dataDir}
num.partitions=6
# Topics are created explicitly (with their partition count), never by a typo in a consumer.
auto.create.topics.enable=false
# One node: internal topics cannot have more replicas than that.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Consumers join a group immediately instead of waiting 3 s for others (tests and local runs).
group.initial.rebalance.delay.ms=0
`;
}

/** Kafka's own id format: 16 random bytes, base64url without padding, never starting with '-'. */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function metaProperties() {
  const file = path.join(dataDir, 'meta.properties');
  if (!existsSync(file)) return undefined;
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('=') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

function kafkaVersion() {
  const jar = existsSync(libDir) ? readdirSync(libDir).find((f) => /^kafka_2\.13-.+\.jar$/.test(f)) : undefined;
  return jar?.replace(/^kafka_2\.13-(.+)\.jar$/, '$1');
}

const classpath = () => ['-cp', `${libDir}/*`, `-Dlog4j2.configurationFile=${logConfig}`];

/** Runs fn with a connected kafkajs admin client that gives up quickly and logs nothing. */
async function withAdmin(fn) {
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({
    clientId: 'logpipe-stack',
    brokers: [listen()],
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), 2500);
  });
  try {
    return await Promise.race([admin.connect().then(() => fn(admin)), deadline]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }
}

export default {
  name: 'kafka',

  describe() {
    return listen();
  },

  async install(progress) {
    const marker = path.join(libDir, '.installed');
    const key = hashOf(pom);
    if (!isFresh(marker, key)) {
      progress('resolving Kafka jars with Maven (first run downloads ~55 MB of jars into ~/.m2)');
      // Start clean: a jar left over from another version would shadow the new one on the classpath.
      rmSync(libDir, { recursive: true, force: true });
      await run(['mvn', '-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${libDir}`]);
      markFresh(marker, key);
    }

    // Rewritten every time (cheap) so a changed KAFKA_BROKERS or KAFKA_CONTROLLER_PORT takes effect.
    ensureDir(confDir);
    writeFileSync(serverProperties, serverConfig(config()));

    if (!metaProperties()) {
      progress('formatting Kafka storage (KRaft)');
      ensureDir(dataDir);
      await run(['java', ...classpath(), 'kafka.tools.StorageTool', 'format', '--cluster-id', newClusterId(), '--config', serverProperties]);
    }
  },

  command() {
    const { heap } = config();
    return {
      argv: [
        'java',
        `-Xms${heap}`,
        `-Xmx${heap}`,
        // The GC settings of bin/kafka-run-class.sh.
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-XX:InitiatingHeapOccupancyPercent=35',
        '-XX:+ExplicitGCInvokesConcurrent',
        '-XX:+ExitOnOutOfMemoryError',
        '-Djava.awt.headless=true',
        ...classpath(),
        'kafka.Kafka',
        serverProperties,
      ],
      env: {},
      cwd: confDir,
    };
  },

  async ready() {
    try {
      // Metadata lists the broker only once it is registered and unfenced, i.e. can take produce requests.
      const { brokers } = await withAdmin((admin) => admin.describeCluster());
      return brokers.length > 0;
    } catch {
      return false;
    }
  },

  async status() {
    let clusterId;
    try {
      ({ clusterId } = await withAdmin((admin) => admin.describeCluster()));
    } catch {
      clusterId = metaProperties()?.['cluster.id'];
    }
    return { version: kafkaVersion(), clusterId, listen: listen() };
  },
};
