// Where the local stack keeps its state. Everything lives under the repo's `.stack/` (git-ignored)
// unless the unprivileged service user cannot reach it (e.g. a clone inside a 0700 temp folder),
// in which case the folders of services that run as that user move to /var/lib/logpipe.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const stackDir = process.env.STACK_DIR ? path.resolve(process.env.STACK_DIR) : path.join(repoRoot, '.stack');
export const runDir = path.join(stackDir, 'run');
export const logDir = path.join(stackDir, 'logs');
/** The query API's admin key for this stack, made once by stack/apps.mjs (mode 0600); tests read it. */
export const adminKeyFile = path.join(stackDir, 'secrets', 'admin-key');
export const SERVICE_USER = 'logpipe';

export function ensureDir(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Creates the unprivileged system user that Elasticsearch and PostgreSQL run as (they refuse root). */
export function ensureServiceUser() {
  try {
    execFileSync('id', ['-u', SERVICE_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER], { stdio: 'inherit' });
  }
  const uid = Number(execFileSync('id', ['-u', SERVICE_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', SERVICE_USER]).toString().trim());
  return { uid, gid };
}

/** argv prefix that runs a command as the service user without an intermediate process (setpriv execs). */
export function asServiceUser(argv) {
  return ['setpriv', `--reuid=${SERVICE_USER}`, `--regid=${SERVICE_USER}`, '--init-groups', '--', ...argv];
}

function serviceUserCanReach(dir) {
  try {
    execFileSync('setpriv', [`--reuid=${SERVICE_USER}`, `--regid=${SERVICE_USER}`, '--init-groups', '--', 'test', '-x', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let ownedRoot;
/** Folder for a service that runs as the service user; created and owned by it. */
export function serviceUserDir(name) {
  if (!ownedRoot) {
    ensureServiceUser();
    ensureDir(stackDir);
    ownedRoot = serviceUserCanReach(stackDir)
      ? path.join(stackDir, 'owned')
      : path.join('/var/lib/logpipe', createHash('sha1').update(repoRoot).digest('hex').slice(0, 12));
  }
  const dir = ensureDir(path.join(ownedRoot, name));
  // Not recursive: what the service writes inside is already its own, and a data folder can be large.
  execFileSync('chown', [`${SERVICE_USER}:${SERVICE_USER}`, ownedRoot, dir]);
  return dir;
}
