import t from 'tap';
import { codePointLength, describeValue } from '../src/value-text.js';

t.test('lengths count code points, like JSON Schema maxLength', async (t) => {
  t.equal(codePointLength(''), 0);
  t.equal(codePointLength('abc'), 3);
  t.equal(codePointLength('é'), 1);
  t.equal(codePointLength('😀😀'), 2, 'a surrogate pair is one character');
  t.equal(codePointLength('\ud83d'), 1, 'a lone high surrogate counts once');
  t.equal(codePointLength('\ude00x'), 2, 'a lone low surrogate counts once');
});

t.test('values are described briefly and unambiguously', async (t) => {
  t.equal(describeValue('verbose'), '"verbose"');
  t.equal(describeValue('a"b'), '"a\\"b"');
  t.equal(describeValue('x'.repeat(41)), `"${'x'.repeat(40)}"…`, 'long strings are cut');
  t.equal(describeValue('😀'.repeat(41)), `"${'😀'.repeat(40)}"…`, 'cut between characters, not inside one');
  t.equal(describeValue(3), '3');
  t.equal(describeValue(NaN), 'NaN');
  t.equal(describeValue(false), 'false');
  t.equal(describeValue(null), 'null');
  t.equal(describeValue(undefined), 'nothing');
  t.equal(describeValue([1]), 'an array');
  t.equal(describeValue({ a: 1 }), 'an object');
  t.equal(describeValue(1n), 'a bigint');
});
