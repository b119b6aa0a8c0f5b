// messageWordsText scans ASCII messages by hand; it must store exactly the words the regex definition gives.
import t from 'tap';
import { MAX_WORD_LENGTH, messageWordsText, normaliseWord } from '../../src/query/words.js';

/** messageWordsText as first written: the definition of words.ts in regexes, with no shortcut. */
function reference(message: string): string {
  const tokens = message.normalize('NFC').match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu) ?? [];
  return tokens.map(normaliseWord).join(' ');
}

let state = 2024;
const random = (): number => (state = (state * 48271) % 2147483647) / 2147483647;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

// Pieces that exercise each branch: ASCII classes and their edges, long runs (the cut), and non-ASCII text
// (letters, marks, digits, symbols, astral characters, lone surrogates) that must take the general path.
const PIECES = [
  'a', 'Z', 'm', '0', '9', '@', '[', '`', '{', '/', ':', ' ', '\t', '\n', '\x00', '\x1f', '\x7f', '"', '\\', '_', '-', '.',
  'Error', 'GET /api/v1/orders?id=42', 'x'.repeat(MAX_WORD_LENGTH - 1), 'Y'.repeat(MAX_WORD_LENGTH), '7'.repeat(MAX_WORD_LENGTH + 1), 'q'.repeat(450),
  '\x80', '\xa0', 'é', 'E\u0301', '\u0301', 'İ', 'ΟΔΟΣ', 'ς', 'ß', '日本', '½', '²', '\u{1d4b3}', '🚀', '\ufe0f', '\u200d', '\ud800', '\udc00', '\u2028',
];

const isAscii = (text: string): boolean => [...text].every((c) => c.charCodeAt(0) < 0x80);

function randomMessage(): string {
  if (random() < 0.2) {
    // Any code point, surrogates included.
    return Array.from({ length: Math.floor(random() * 30) }, () => String.fromCodePoint(Math.floor(random() * 0x110000))).join('');
  }
  const asciiOnly = random() < 0.6;
  const pieces = asciiOnly ? PIECES.filter(isAscii) : PIECES;
  return Array.from({ length: Math.floor(random() * 25) }, () => pick(pieces)).join('');
}

t.test('messageWordsText gives what the regex definition gives, on random messages', async (t) => {
  let ascii = 0;
  let mismatches = 0;
  for (let i = 0; i < 20_000; i++) {
    const message = randomMessage();
    if (isAscii(message)) ascii += 1;
    const got = messageWordsText(message);
    const want = reference(message);
    if (got !== want) {
      mismatches += 1;
      if (mismatches <= 5) t.fail(`${JSON.stringify(message)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
    }
  }
  t.equal(mismatches, 0);
  t.ok(ascii > 5_000, `${ascii} of the messages are ASCII (the scanned path)`);
});

t.test('the words text never needs escaping in JSON (the ES sink writes it into the document as it is)', async (t) => {
  for (let i = 0; i < 20_000; i++) {
    const words = messageWordsText(randomMessage());
    if (JSON.stringify(words) !== `"${words}"`) t.fail(JSON.stringify(words));
  }
  t.pass('20,000 random messages');
});

t.test('a message longer than the scan buffer still gets its words', async (t) => {
  const message = `${'Log line, '.repeat(10_000)}END`;
  t.equal(messageWordsText(message), reference(message));
});
