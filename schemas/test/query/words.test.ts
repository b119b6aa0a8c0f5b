import t from 'tap';
import { MAX_WORD_LENGTH, messageWords, messageWordsText, normaliseWord } from '../../src/query/words.js';

t.test('a word is a run of letters, digits and marks; everything else separates words', async (t) => {
  t.same(messageWords('Error:timeout foo.bar foo_bar it\'s /var/log/app.log'), ['error', 'timeout', 'foo', 'bar', 'foo', 'bar', 'it', 's', 'var', 'log', 'app', 'log']);
  t.same(messageWords('server-1a Server-10 x² ½ 1e5 404'), ['server', '1a', 'server', '10', 'x²', '½', '1e5', '404']);
  t.same(messageWords('日本語テキスト Привет, мир! ΟΔΟΣ'), ['日本語テキスト', 'привет', 'мир', 'οδοσ']);
  t.same(messageWords('🚀 ❤️ 👩‍💻 — ... !!!'), [], 'emoji, variation selectors, joiners and punctuation are not words');
  t.same(messageWords('हिन्दी'), ['हिन्दी'], 'vowel signs (marks) stay inside the word');
  t.same(messageWords(''), []);
});

t.test('NFC first: a composed and a decomposed accent are the same word', async (t) => {
  t.same(messageWords('café'), ['café']);
  t.same(messageWords('cafe\u0301'), ['café']);
  t.same(messageWords('CAFE\u0301'), ['café']);
});

t.test('lower-cased code point by code point with the simple mapping', async (t) => {
  t.equal(normaliseWord('İstanbul'), 'istanbul', 'İ → i, not i + U+0307 as String#toLowerCase does');
  t.equal(normaliseWord('ΟΔΟΣ'), 'οδοσ');
  t.equal(normaliseWord('οδος'), 'οδοσ', 'final sigma folded to σ, so upper and lower spellings meet');
  t.equal(normaliseWord('Straße'), 'straße');
  t.not(normaliseWord('STRASSE'), normaliseWord('Straße'), 'no full case folding: ß is not ss');
  t.equal(normaliseWord('Ⅻ'), 'ⅻ');
  t.equal(normaliseWord('ǅ'), 'ǆ', 'titlecase letters too');
});

t.test('a word is cut at MAX_WORD_LENGTH units, never inside a surrogate pair', async (t) => {
  t.equal(normaliseWord('a'.repeat(300)), 'a'.repeat(MAX_WORD_LENGTH));
  const astral = '\u{1d4b3}'.repeat(150); // 300 units
  t.equal(normaliseWord(astral), '\u{1d4b3}'.repeat(MAX_WORD_LENGTH / 2));
  const odd = `x${'\u{1d4b3}'.repeat(150)}`; // the cut falls between the two halves of a pair
  const cut = normaliseWord(odd);
  t.equal(cut.length, MAX_WORD_LENGTH - 1);
  t.notMatch(cut, /[\ud800-\udbff]$/, 'no lone high surrogate at the end');
});

t.test('the stored text: words joined by one space', async (t) => {
  t.equal(messageWordsText('  GET /api/orders\t200\nin 12 ms  '), 'get api orders 200 in 12 ms');
  t.equal(messageWordsText('!!!'), '');
});

t.test('the ASCII shortcut gives what the general path gives', async (t) => {
  let state = 7;
  const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 2000; i++) {
    const ascii = Array.from({ length: Math.floor(random() * 40) }, () => String.fromCharCode(Math.floor(random() * 128))).join('');
    // A trailing em dash (not a word character) sends the same text down the general path.
    const general = messageWords(`${ascii}—`);
    if (JSON.stringify(messageWords(ascii)) !== JSON.stringify(general)) t.fail(`${JSON.stringify(ascii)}: ${JSON.stringify(messageWords(ascii))} vs ${JSON.stringify(general)}`);
  }
  t.same(messageWords('A'.repeat(300)), messageWords(`${'A'.repeat(300)}—`), 'long ASCII words are cut alike');
});
