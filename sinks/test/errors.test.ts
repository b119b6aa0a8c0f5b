import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { CONFIG_VARIABLES } from '../src/config.js';
import { ERRORS, SinkError } from '../src/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    // The Elasticsearch sink keeps its own catalogue (SINK_ES_…), documented with it.
    if (entry.isDirectory() && entry.name !== 'elasticsearch') out.push(...(await sources(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

t.test('every code used in src/ is in the catalogue and documented in the README', async (t) => {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const used = new Set<string>();
  for (const file of await sources(path.join(root, 'src'))) {
    for (const m of (await readFile(file, 'utf8')).matchAll(/'(SINK_[A-Z_]+)'/g)) if (!CONFIG_VARIABLES.includes(m[1]!)) used.add(m[1]!);
  }
  t.ok(used.size > 0);
  for (const code of used) t.ok(code in ERRORS, `${code} is in the catalogue`);
  for (const code of Object.keys(ERRORS)) t.match(readme, `\`${code}\``, `${code} documented`);
});

t.test('SinkError carries code and retryability', async (t) => {
  const err = new SinkError('SINK_WRITE_FAILED');
  t.equal(err.code, 'SINK_WRITE_FAILED');
  t.equal(err.retryable, true);
  t.equal(new SinkError('SINK_UNDECODABLE', 'x').retryable, false);
});
