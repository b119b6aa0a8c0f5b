// Every error code the CLI can print is in the catalogue and documented in cli/README.md with its exit
// code; a code used in src/ but missing from either fails here.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, ERRORS } from '../../src/lib/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

t.test('every CLI_ code used in src/ is in the catalogue', async (t) => {
  const used = new Set<string>();
  for (const file of sources(path.join(root, 'src'))) for (const m of readFileSync(file, 'utf8').matchAll(/\bCLI_[A-Z0-9_]+\b/g)) used.add(m[0]);
  t.ok(used.size > 10, 'found the codes');
  for (const code of used) t.ok(Object.hasOwn(ERRORS, code), `${code} is in the catalogue`);
});

t.test('every catalogue code is documented in the README with its exit code', async (t) => {
  for (const [code, { exitCode }] of Object.entries(ERRORS)) {
    t.match(readme, new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${exitCode}\\s*\\|`), `${code} → ${exitCode}`);
  }
});

t.test('the --json form carries code, message, exit code and details', async (t) => {
  const err = new CliError('CLI_QUERY_INVALID', 'invalid query', { positions: [{ param: 'q', message: 'unknown field', position: 3, length: 2 }], details: { serverCode: 'QRY_INVALID_QUERY' } });
  t.same(err.toJson(), {
    error: { code: 'CLI_QUERY_INVALID', message: 'invalid query', exitCode: 2, positions: [{ param: 'q', message: 'unknown field', position: 3, length: 2 }], serverCode: 'QRY_INVALID_QUERY' },
  });
});
