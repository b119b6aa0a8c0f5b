// Elasticsearch 8 from Maven Central, run as the unprivileged service user (it refuses root).
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadStackConfig } from '../lib/config.mjs';
import { asServiceUser, repoRoot, serviceUserDir, stackDir } from '../lib/paths.mjs';
import { hashOf, httpGet, isFresh, markFresh, run } from '../lib/util.mjs';

const pom = path.join(repoRoot, 'stack/maven/elasticsearch/pom.xml');
const launcherSource = path.join(repoRoot, 'stack/elasticsearch/LocalNode.java');
const logConfig = path.join(repoRoot, 'stack/elasticsearch/log4j2.properties');
// Modules are loaded by the server from home/modules, each in its own layer, as in the distribution;
// their jars must stay off the server's module path.
const MODULE_JARS = { 'transport-netty4': /^(transport-netty4|netty-)/ };

const config = () => loadStackConfig().elasticsearch;
const home = () => serviceUserDir('elasticsearch');

export default {
  name: 'elasticsearch',

  describe() {
    return config().url;
  },

  async install(progress) {
    const dir = home();
    const marker = path.join(dir, '.installed');
    const key = hashOf(pom, launcherSource, logConfig);
    if (isFresh(marker, key)) return;

    const jars = path.join(stackDir, 'maven', 'elasticsearch');
    progress('resolving Elasticsearch jars with Maven (first run downloads ~45 MB into ~/.m2)');
    rmSync(jars, { recursive: true, force: true });
    await run(['mvn', '-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${jars}`]);

    progress('laying out Elasticsearch home');
    for (const sub of ['lib', 'modules', 'launcher']) rmSync(path.join(dir, sub), { recursive: true, force: true });
    for (const sub of ['lib', 'config', 'plugins', 'data', 'logs', 'tmp', 'launcher']) mkdirSync(path.join(dir, sub), { recursive: true });
    for (const jar of readdirSync(jars)) {
      const module = Object.entries(MODULE_JARS).find(([, re]) => re.test(jar))?.[0];
      const target = module ? path.join(dir, 'modules', module) : path.join(dir, 'lib');
      mkdirSync(target, { recursive: true });
      copyFileSync(path.join(jars, jar), path.join(target, jar));
    }
    for (const module of Object.keys(MODULE_JARS)) {
      const moduleDir = path.join(dir, 'modules', module);
      const jar = readdirSync(moduleDir).find((j) => j.startsWith(`${module}-`));
      // The descriptor ships inside the module's jar; the server expects it beside the jars.
      await run(['jar', 'xf', path.join(moduleDir, jar), `META-INF/es-plugins/${module}/plugin-descriptor.properties`], { cwd: moduleDir });
      copyFileSync(path.join(moduleDir, `META-INF/es-plugins/${module}/plugin-descriptor.properties`), path.join(moduleDir, 'plugin-descriptor.properties'));
      rmSync(path.join(moduleDir, 'META-INF'), { recursive: true, force: true });
    }
    copyFileSync(logConfig, path.join(dir, 'config', 'log4j2.properties'));

    progress('compiling the Elasticsearch launcher');
    await run(['javac', '-d', path.join(dir, 'launcher'), '-cp', `${path.join(dir, 'lib')}/*`, launcherSource]);
    await run(['chown', '-R', 'logpipe:logpipe', dir]);
    markFresh(marker, key);
  },

  /**
   * The stack's node by default. Tests that must stop a node run a private one from the same installed
   * home: `{ port, transportPort, heap, stateDir }` override the settings, and `stateDir` (owned by the
   * service user) holds its data, logs and temp files instead of the home's.
   */
  command(overrides = {}) {
    const c = { ...config(), ...overrides };
    const dir = home();
    const state = overrides.stateDir;
    return {
      argv: asServiceUser([
        'java',
        `-Xms${c.heap}`,
        `-Xmx${c.heap}`,
        '-XX:+UseG1GC',
        '-XX:+ExitOnOutOfMemoryError',
        `-Djava.io.tmpdir=${path.join(state ?? dir, 'tmp')}`,
        '-Dfile.encoding=UTF-8',
        '--module-path',
        path.join(dir, 'lib'),
        '--add-modules',
        'ALL-MODULE-PATH',
        '-cp',
        path.join(dir, 'launcher'),
        'LocalNode',
        dir,
        'cluster.name=logpipe',
        'node.name=logpipe-1',
        `http.host=${c.host}`,
        `http.port=${c.port}`,
        `transport.host=${c.host}`,
        `transport.port=${c.transportPort}`,
        // A single local node: keep indexing when the disk fills past the default watermarks.
        'cluster.routing.allocation.disk.threshold_enabled=false',
        'action.destructive_requires_name=false',
        ...(state ? [`path.data=${path.join(state, 'data')}`, `path.logs=${path.join(state, 'logs')}`] : []),
      ]),
      env: { HOME: dir },
      cwd: dir,
    };
  },

  async ready() {
    try {
      const res = await httpGet(`${config().url}/_cluster/health?wait_for_status=yellow&timeout=1s`, 3000);
      return res.status === 200 && res.headers.get('x-elastic-product') === 'Elasticsearch';
    } catch {
      return false;
    }
  },

  async status() {
    const res = await httpGet(`${config().url}/_nodes/_local/http`, 3000);
    const node = Object.values(res.json?.nodes ?? {})[0] ?? {};
    const health = await httpGet(`${config().url}/_cluster/health`, 3000);
    return {
      version: node.version,
      product: res.headers.get('x-elastic-product'),
      cluster: health.json?.cluster_name,
      health: health.json?.status,
      listen: config().url,
    };
  },
};
