import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Runs a command to completion; rejects with its tail of output when it fails. */
export function run(argv, { cwd, env, quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    const keep = (chunk) => {
      out = (out + chunk).slice(-8000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${argv.join(' ')} exited with ${code}\n${out}`));
    });
  });
}

export function hashOf(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(existsSync(p) ? readFileSync(p) : String(p));
  return h.digest('hex');
}

/** A marker file remembers the inputs of an install step, so a warm install skips it. */
export function isFresh(marker, key) {
  return existsSync(marker) && readFileSync(marker, 'utf8') === key;
}

export function markFresh(marker, key) {
  writeFileSync(marker, key);
}

export async function httpGet(url, timeoutMs = 2000) {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
