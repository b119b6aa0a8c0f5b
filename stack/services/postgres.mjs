// PostgreSQL 15 from Debian's packages, run as the unprivileged service user from our own data
// folder. Debian's own cluster (15/main, /var/run/postgresql) is never touched.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { asServiceUser, ensureServiceUser, serviceUserDir, SERVICE_USER } from '../lib/paths.mjs';
import { loadStackConfig } from '../lib/config.mjs';

export const BIN = '/usr/lib/postgresql/15/bin';
const POLICY_RC = '/usr/sbin/policy-rc.d';

const cfg = () => {
  const c = loadStackConfig().postgres;
  return { ...c, host: c.host.replace(/^\[|\]$/g, '') };
};

// serviceUserDir execs id/chown each call; ready() is polled, so resolve the folders once.
let dirs;
function folders() {
  dirs ??= { data: serviceUserDir('postgres'), sockets: serviceUserDir('postgres-run') };
  return dirs;
}

function run(argv, { env, input, timeout = 10_000 } = {}) {
  return new Promise((resolve) => {
    const child = execFile(argv[0], argv.slice(1), { env: { ...process.env, ...env }, timeout }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout: stdout.trim(), stderr: stderr.trim() }),
    );
    if (input !== undefined) child.stdin.end(input);
  });
}

// Superuser over our own socket: peer auth maps the OS user logpipe to the role logpipe.
function psqlSocket(args, opts) {
  const { sockets } = folders();
  return run(asServiceUser([`${BIN}/psql`, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', sockets, '-p', String(cfg().port), ...args]), opts);
}

// The password travels in the environment and is read with \getenv, so it is in no argv (ps) and
// no log line: a failing statement would otherwise be echoed into the server log with it.
const BOOTSTRAP = String.raw`
\getenv password LOGPIPE_APP_PASSWORD
set log_statement = 'none';
set log_min_error_statement = panic;
select format('create role %I login', :'role') where not exists (select from pg_roles where rolname = :'role') \gexec
select format('alter role %I login password %L', :'role', :'password') \gexec
select format('create database %I owner %I encoding %L', :'db', :'role', 'UTF8') where not exists (select from pg_database where datname = :'db') \gexec
\connect :"db"
create extension if not exists pg_trgm;
`;

let bootstrappedFor = null;
async function bootstrap() {
  const { user, password, database } = cfg();
  const res = await psqlSocket(['-d', 'postgres', '-v', `role=${user}`, '-v', `db=${database}`], {
    env: { LOGPIPE_APP_PASSWORD: password },
    input: BOOTSTRAP,
  });
  if (!res.ok) throw new Error(`postgres bootstrap failed: ${res.stderr}`);
}

// Same postmaster start time over our socket and over TCP proves the TCP port is ours, not another server's.
async function startTime() {
  return (await psqlSocket(['-d', 'postgres', '-c', 'select pg_postmaster_start_time()'], { timeout: 5000 })).stdout || null;
}

async function queryAsApp(sql) {
  const { host, port, user, password, database } = cfg();
  const res = await run([`${BIN}/psql`, '-X', '-w', '-At', '-h', host, '-p', String(port), '-U', user, '-d', database, '-c', sql], {
    env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: '3' },
    timeout: 5000,
  });
  return res.ok ? res.stdout : null;
}

function aptInstall(progress) {
  progress('installing postgresql-15 from Debian packages');
  // Without a policy-rc.d, the package's postinst would create and start Debian's 15/main cluster on 5432.
  const addedPolicy = !existsSync(POLICY_RC);
  if (addedPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args) => execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { stdio: 'inherit', env });
    apt(['update']);
    // postgresql-contrib-15 is a virtual package provided by postgresql-15 on Debian 12 (pg_trgm included).
    apt(['install', '-y', '--no-install-recommends', 'postgresql-15', 'postgresql-contrib-15']);
  } finally {
    if (addedPolicy) rmSync(POLICY_RC, { force: true });
  }
}

export default {
  name: 'postgres',
  // SIGTERM is "smart" shutdown, which waits for every client to disconnect; SIGINT is "fast".
  stopSignal: 'SIGINT',

  async install(progress = () => {}) {
    if (!existsSync(`${BIN}/postgres`)) aptInstall(progress);
    if (!existsSync('/usr/share/postgresql/15/extension/pg_trgm.control')) throw new Error('pg_trgm is missing from the postgresql-15 package');
    ensureServiceUser();
    const { data, sockets } = folders();
    const socket = path.join(sockets, `.s.PGSQL.${cfg().port}`);
    if (socket.length > 107) throw new Error(`postgres socket path ${socket} is too long for a Unix socket; set STACK_DIR to a shorter folder`);
    if (existsSync(path.join(data, 'PG_VERSION'))) return;
    progress(`initdb ${data}`);
    const [cmd, ...args] = asServiceUser([`${BIN}/initdb`, '-D', data, '-U', SERVICE_USER, '--auth-local=peer', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  },

  /**
   * The stack's server by default. Tests that must stop a server run a private one with the same
   * settings: `{ port, dataDir }` (an initdb'd folder owned by the service user, which also holds its
   * socket) override the stack's.
   */
  command(overrides = {}) {
    const { host, port } = { ...cfg(), ...overrides };
    const { data, sockets } = overrides.dataDir ? { data: overrides.dataDir, sockets: overrides.dataDir } : folders();
    const settings = {
      listen_addresses: host,
      port,
      unix_socket_directories: sockets,
      // Shares 24 GiB and 2 cores with two JVMs; durability settings stay at their safe defaults.
      shared_buffers: '512MB',
      effective_cache_size: '4GB',
      max_connections: 100,
      logging_collector: 'off',
      log_destination: 'stderr',
      log_line_prefix: '%m [%p] %q%u@%d ',
    };
    const argv = [`${BIN}/postgres`, '-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    return { argv: asServiceUser(argv), env: { ...process.env }, cwd: data };
  },

  async ready() {
    try {
      const ours = await startTime();
      if (!ours) {
        // Not our server: one that already accepts the configured credentials (compose.yaml's, say) is
        // usable as it is, and the orchestrator reports it as not started by this checkout.
        return (await queryAsApp('select 1')) === '1';
      }
      // The app role must exist (with the configured password) before a query "as the configured user"
      // can succeed, so it is ensured here, once per postmaster start.
      if (bootstrappedFor !== ours) {
        await bootstrap();
        bootstrappedFor = ours;
      }
      return (await queryAsApp('select pg_postmaster_start_time()')) === ours;
    } catch {
      return false;
    }
  },

  async status() {
    const { host, port, database } = cfg();
    return { version: await queryAsApp("select 'PostgreSQL ' || current_setting('server_version')"), listen: `${host}:${port}`, database };
  },

  describe() {
    const { host, port } = cfg();
    return `${host}:${port}`;
  },
};
