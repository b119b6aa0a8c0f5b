import t from 'tap';
import { firstInvalidUtf8Offset } from '../src/utf8.js';

t.test('valid UTF-8 has no invalid offset, agreeing with TextDecoder', async (t) => {
  for (const s of ['', 'plain ascii', 'naïve café', '日本語', '🎉 emoji', '\u0000nul is valid utf-8', '\uFFFF\u{10FFFF}']) {
    t.equal(firstInvalidUtf8Offset(Buffer.from(s, 'utf8')), -1, JSON.stringify(s));
  }
});

t.test('each kind of invalid sequence is found at its first byte', async (t) => {
  const cases: [string, number[], number][] = [
    ['lone continuation byte', [0x61, 0x80, 0x62], 1],
    ['truncated 2-byte sequence at the end', [0x61, 0xc3], 1],
    ['overlong 2-byte form', [0xc0, 0xaf], 0],
    ['overlong 3-byte form', [0x61, 0x62, 0xe0, 0x80, 0xaf], 2],
    ['UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['invalid lead byte 0xff', [0x7b, 0xff], 1],
    ['bad continuation in 4-byte sequence', [0xf0, 0x9f, 0x98, 0x41], 0],
  ];
  const strict = new TextDecoder('utf-8', { fatal: true });
  for (const [name, bytes, offset] of cases) {
    t.equal(firstInvalidUtf8Offset(Uint8Array.from(bytes)), offset, name);
    t.throws(() => strict.decode(Uint8Array.from(bytes)), `${name}: TextDecoder agrees it is invalid`);
  }
});
