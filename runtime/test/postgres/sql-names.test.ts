import { createHash } from 'node:crypto';
import t from 'tap';
import { advisoryLockKey, ident } from '../../src/postgres/sql-names.js';

t.test('identifiers are quoted', async (t) => {
  t.equal(ident('logs'), '"logs"');
  t.equal(ident('a"b'), '"a""b"');
});

t.test('lock keys are signed 64-bit decimals, apart per namespace and per part', async (t) => {
  const key = advisoryLockKey('logpipe', ['migrations', 'public']);
  t.match(key, /^-?\d+$/);
  const value = BigInt(key);
  t.ok(value >= -(2n ** 63n) && value < 2n ** 63n);
  t.equal(advisoryLockKey('logpipe', ['migrations', 'public']), key, 'stable');
  t.not(advisoryLockKey('logpipe-query-api', ['migrations', 'public']), key);
  t.not(advisoryLockKey('logpipe', ['migrations', 'other']), key);
  t.not(advisoryLockKey('logpipe', ['migrationspublic']), key, 'parts are separated');
});

t.test('the keys the sink and the query API took before this package existed', async (t) => {
  // A process of the previous release may hold one while a new one starts: both must take the same lock.
  const before = (text: string) => createHash('sha256').update(text).digest().readBigInt64BE(0).toString();
  t.equal(advisoryLockKey('logpipe', ['migrations', 'public']), before('logpipe:migrations\u0000public'));
  t.equal(advisoryLockKey('logpipe-query-api', ['admin-keys', 's']), before('logpipe-query-api:admin-keys\u0000s'));
});
