// What a "word" of a message is. Both sinks store the words of every message (Elasticsearch field `words`,
// PostgreSQL column `words`) as messageWordsText produces them, and the compilers search those stored words,
// so this one function is the whole definition; no store's own analyzer or text parser takes part.
//
// - A word is a letter or digit followed by letters, digits and combining marks (`\p{L}`, `\p{N}`, `\p{M}`),
//   after NFC normalisation, so `é` typed as one code point or as `e` + U+0301 is the same word. Everything
//   else separates words: punctuation (`error:timeout`, `foo.bar`, `foo_bar`, `it's` are two words each),
//   symbols and emoji (never words), spaces, controls. A mark can continue a word but never starts one, so a
//   stray variation selector after an emoji is not a word.
// - Lower-cased code point by code point with the simple Unicode mapping, the same as Java's
//   Character.toLowerCase: `İ` (U+0130) becomes `i` (JS's String#toLowerCase would give `i` + U+0307), and
//   the final sigma `ς` is folded to `σ` so that `ΟΔΟΣ` and `οδος` are the same word. No full case folding:
//   `ß` and `ss` stay different words.
// - A word longer than MAX_WORD_LENGTH UTF-16 units is cut to it (never inside a surrogate pair): the
//   Elasticsearch `whitespace` tokenizer splits tokens at 255 units, which would otherwise make one long word
//   two there and one elsewhere. A query word is cut the same way, so the backends still agree.

/** Longest stored word, in UTF-16 code units (Elasticsearch's whitespace tokenizer splits at 255). */
export const MAX_WORD_LENGTH = 200;

const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;
// Most log lines are ASCII; for them the same definition is a plain class, and NFC and the case mapping
// are no-ops or String#toLowerCase. Both sinks run this on every event, so the shortcut is worth its lines.
// eslint-disable-next-line no-control-regex -- every ASCII character, controls included, is the point
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ASCII_WORD = /[a-z0-9]+/g;
const DOTTED_CAPITAL_I = /\u0130/g;
const FINAL_SIGMA = /\u03c2/g;

/** One token (already a run of word characters) in its stored form. */
export function normaliseWord(token: string): string {
  let word = token.includes('\u0130') ? token.replace(DOTTED_CAPITAL_I, 'i') : token;
  word = word.toLowerCase();
  if (word.includes('\u03c2')) word = word.replace(FINAL_SIGMA, '\u03c3');
  if (word.length > MAX_WORD_LENGTH) {
    const last = word.charCodeAt(MAX_WORD_LENGTH - 1);
    word = word.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_WORD_LENGTH - 1 : MAX_WORD_LENGTH);
  }
  return word;
}

/** The words of a message, lower-cased, in order (repeats kept: phrases need positions). */
export function messageWords(message: string): string[] {
  if (ASCII_ONLY.test(message)) {
    const ascii = message.toLowerCase().match(ASCII_WORD);
    if (ascii === null) return [];
    for (let i = 0; i < ascii.length; i++) if (ascii[i]!.length > MAX_WORD_LENGTH) ascii[i] = ascii[i]!.slice(0, MAX_WORD_LENGTH);
    return ascii;
  }
  const tokens = message.normalize('NFC').match(WORD);
  if (tokens === null) return [];
  for (let i = 0; i < tokens.length; i++) tokens[i] = normaliseWord(tokens[i]!);
  return tokens;
}

// Room for asciiWordsText's output, reused: the words of a message are never longer than the message.
const asciiScratch = Buffer.allocUnsafe(64 * 1024);

/**
 * messageWords(message).join(' ') for an ASCII message, in one pass and without the intermediate strings
 * (half the CPU of the regexes on a typical log line; both sinks run it on every event), or undefined when
 * the message has a non-ASCII character or is longer than the scratch buffer. Same definition as the ASCII
 * branch of messageWords: runs of [A-Za-z0-9], lower-cased, each cut at MAX_WORD_LENGTH.
 */
function asciiWordsText(message: string): string | undefined {
  const length = message.length;
  if (length > asciiScratch.length) return undefined;
  let out = 0;
  let run = 0;
  for (let i = 0; i < length; i++) {
    let c = message.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) {
      if (run === 0 && out > 0) asciiScratch[out++] = 0x20;
      if (run < MAX_WORD_LENGTH) asciiScratch[out++] = c;
      run++;
    } else if (c > 0x7f) {
      return undefined;
    } else {
      run = 0;
    }
  }
  return asciiScratch.toString('latin1', 0, out);
}

/**
 * The words joined by one space: what the sinks store (`''` when the message has no word). The text never
 * needs escaping in JSON: words hold only letters, digits and marks, and the separator is a space.
 */
export function messageWordsText(message: string): string {
  return asciiWordsText(message) ?? messageWords(message).join(' ');
}
