import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findStackScript, parseStatus } from '../../src/lib/stack.js';

t.test('status lines become parts', async (t) => {
  const parts = parseStatus([
    'postgres             up       pid=1709 version=PostgreSQL 15.20 (Debian 15.20-0+deb12u1) listen=127.0.0.1:5432 database=logs',
    'query-api            down     pid=- ',
    'sink-postgres        starting pid=1871 ',
    'not a status line',
  ]);
  t.same(parts, [
    { name: 'postgres', state: 'up', pid: 1709, details: { version: 'PostgreSQL 15.20 (Debian 15.20-0+deb12u1)', listen: '127.0.0.1:5432', database: 'logs' } },
    { name: 'query-api', state: 'down', pid: null, details: {} },
    { name: 'sink-postgres', state: 'starting', pid: 1871, details: {} },
  ]);
});

t.test('the stack script is found from a sub-folder of a checkout, else from the CLI itself', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'logs-stack-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'checkout', 'stack'), { recursive: true });
  mkdirSync(path.join(dir, 'checkout', 'a', 'b'), { recursive: true });
  writeFileSync(path.join(dir, 'checkout', 'stack', 'stack.mjs'), '');
  t.equal(findStackScript(path.join(dir, 'checkout', 'a', 'b'), '/nonexistent'), path.join(dir, 'checkout', 'stack', 'stack.mjs'));
  t.equal(findStackScript(path.join(dir, 'a'), path.join(dir, 'checkout', 'a')), path.join(dir, 'checkout', 'stack', 'stack.mjs'));
  t.throws(() => findStackScript(dir, dir), { code: 'CLI_STACK_FAILED', message: /run this inside a logpipe checkout/ });
});
