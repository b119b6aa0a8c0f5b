// Every error code the query API can answer is in the catalogue and documented in the README with its
// status; a code used in src/ but missing from either fails here. The same for configuration variables.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { CONFIG_VARIABLES } from '../src/config.js';
import { ERRORS, QueryApiError } from '../src/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

t.test('every QRY_ code used in src/ is in the catalogue', async (t) => {
  const used = new Set<string>();
  for (const file of sources(path.join(root, 'src'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bQRY_[A-Z0-9_]+\b/g)) used.add(m[0]);
  }
  t.ok(used.size > 10, 'found the codes');
  used.delete('QRY_CONFIG_INVALID'); // the process's exit reason, not an HTTP answer; documented under Configuration
  for (const code of used) t.ok(Object.hasOwn(ERRORS, code), `${code} is in the catalogue`);
});

t.test('every catalogue code is documented in the README with its status', async (t) => {
  for (const [code, { status }] of Object.entries(ERRORS)) {
    t.match(readme, new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`), `${code} → ${status}`);
  }
});

t.test('every configuration variable is documented in the README', async (t) => {
  for (const name of CONFIG_VARIABLES) t.match(readme, new RegExp(`\`${name}\``), name);
});

t.test('an error body carries code, message, items and details, never the cause', async (t) => {
  const err = new QueryApiError('QRY_INVALID_QUERY', { items: [{ param: 'q', message: 'unknown field', position: 3, length: 4 }], cause: new Error('internal detail') });
  t.same(err.toBody(), { error: { code: 'QRY_INVALID_QUERY', message: ERRORS.QRY_INVALID_QUERY.message, items: [{ param: 'q', message: 'unknown field', position: 3, length: 4 }] } });
  t.equal(err.statusCode, 400);
  t.notOk(err.retryable);
  t.ok(new QueryApiError('QRY_STORES_UNAVAILABLE').retryable);
  t.same(new QueryApiError('QRY_STORES_UNAVAILABLE', { details: { sources: {} } }).toBody().error.sources, {});
});
