import t from 'tap';
import { allows, generateKey, hashKey, patternProblems, shownPrefix } from '../../src/access/keys.js';

t.test('keys are random, 256 bits, prefixed, and only their hash is kept', async (t) => {
  const a = generateKey();
  const b = generateKey();
  t.match(a, /^lpk_[A-Za-z0-9_-]{43}$/);
  t.not(a, b);
  t.equal(hashKey(a).length, 32);
  t.same(hashKey(a), hashKey(a));
  t.equal(shownPrefix(a), a.slice(0, 8));
});

t.test('who may do what', async (t) => {
  t.ok(allows('admin', 'admin'));
  t.ok(allows('admin', 'read'));
  t.ok(allows('reader', 'read'));
  t.notOk(allows('reader', 'admin'));
  t.notOk(allows('ingester', 'read'), 'an ingester key reads nothing');
  t.notOk(allows('ingester', 'admin'));
  t.ok(allows('ingester', 'public'));
});

t.test('resource patterns: exact or a trailing-* prefix; never on admin keys', async (t) => {
  t.same(patternProblems('reader', ['server-1*', 'db-7']), []);
  t.same(patternProblems('reader', []), []);
  t.match(patternProblems('admin', ['server-1*']), [/admin key cannot be scoped/]);
  t.match(patternProblems('reader', ['*']), [/every resource/]);
  t.match(patternProblems('reader', ['a*b']), [/only at the end/]);
  t.match(patternProblems('reader', ['']), [/1 to 256/]);
  t.match(patternProblems('reader', ['x'.repeat(258)]), [/1 to 256/]);
  t.match(patternProblems('reader', Array.from({ length: 101 }, (_, i) => `r${i}`)), [/at most 100/]);
});
