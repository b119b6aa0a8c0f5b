// The regex subset of the query language, parsed into a RegexNode that each backend gets in its own syntax
// (regex-emit.ts) and the live tail runs on its own linear-time matcher (regex-nfa.ts). User text never
// reaches a regex engine as written: a construct outside the subset is a syntax error that names it,
// instead of meaning something different in Lucene, PostgreSQL and JavaScript.
//
// Supported: literal characters, `.`, classes `[…]` / `[^…]` with ranges, `\d \w \s \D \W \S` (ASCII, as in
// JS without the u flag), escaped metacharacters (`\.` — any non-alphanumeric character), `\n \t \r \f \v`,
// `\xHH`, `\uHHHH`, quantifiers `* + ? {m} {m,} {m,n}` (counts up to QUERY_LIMITS.maxRepeat), `|`, groups
// `( … )` and `(?: … )`, `^` as the very first and `$` as the very last character.
// Not supported (error): backreferences, lookaround, named groups, inline flags, lazy and possessive
// quantifiers, word boundaries, Unicode property escapes, anchors anywhere else, empty alternatives.
import type { RegexNode } from './ast.js';
import { QUERY_LIMITS } from './limits.js';
import { countRegexStates } from './regex-nfa.js';
import { luceneRegex } from './regex-emit.js';

export interface RegexSyntaxError {
  message: string;
  /** UTF-16 offset into the pattern. */
  position: number;
  length: number;
}

export type RegexParseResult = { ok: true; node: RegexNode } | { ok: false; error: RegexSyntaxError };

class RegexError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length: number,
  ) {
    super(message);
  }
}

type Range = [number, number];

const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
];
const MAX_CP = 0x10ffff;

/** Sorted, merged copy of `ranges`. */
function normaliseRanges(ranges: readonly Range[]): Range[] {
  const sorted = ranges.map((r): Range => [r[0], r[1]]).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

function complement(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normaliseRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const CLASS_ESCAPES: Readonly<Record<string, Range[]>> = {
  d: DIGIT,
  w: WORD,
  s: SPACE,
  D: complement(DIGIT),
  W: complement(WORD),
  S: complement(SPACE),
};

const CONTROL_ESCAPES: Readonly<Record<string, number>> = { n: 0x0a, t: 0x09, r: 0x0d, f: 0x0c, v: 0x0b };

const isAsciiAlnum = (cp: number): boolean => (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
const cpLength = (cp: number): number => (cp > 0xffff ? 2 : 1);
const show = (cp: number): string => String.fromCodePoint(cp);

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  peek(): number | undefined {
    return this.pos < this.src.length ? this.src.codePointAt(this.pos) : undefined;
  }

  next(): number {
    const cp = this.src.codePointAt(this.pos)!;
    this.pos += cpLength(cp);
    return cp;
  }

  fail(message: string, position = this.pos, length = 1): never {
    throw new RegexError(message, position, length);
  }

  parseAlt(depth: number): RegexNode {
    const start = this.pos;
    const options = [this.parseSeq(depth)];
    while (this.peek() === 0x7c /* | */) {
      this.next();
      options.push(this.parseSeq(depth));
    }
    for (const option of options) {
      if (option.type === 'seq' && option.items.length === 0) {
        this.fail('empty alternative in the regex (nothing between | and its neighbour, or an empty group); use ? to make something optional', start, Math.max(1, this.pos - start));
      }
    }
    return options.length === 1 ? options[0]! : { type: 'alt', options };
  }

  parseSeq(depth: number): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const cp = this.peek();
      if (cp === undefined || cp === 0x7c /* | */ || cp === 0x29 /* ) */) break;
      items.push(this.parseQuantifiers(this.parseAtom(depth)));
    }
    return items.length === 1 ? items[0]! : { type: 'seq', items };
  }

  parseQuantifiers(atom: RegexNode): RegexNode {
    const cp = this.peek();
    let min: number;
    let max: number | null;
    const qStart = this.pos;
    if (cp === 0x2a /* * */) {
      this.next();
      [min, max] = [0, null];
    } else if (cp === 0x2b /* + */) {
      this.next();
      [min, max] = [1, null];
    } else if (cp === 0x3f /* ? */) {
      this.next();
      [min, max] = [0, 1];
    } else if (cp === 0x7b /* { */) {
      [min, max] = this.parseCount();
    } else {
      return atom;
    }
    if (atom.type === 'start' || atom.type === 'end') this.fail('an anchor cannot be repeated', qStart, this.pos - qStart);
    const after = this.peek();
    if (after === 0x3f /* ? */) this.fail('lazy quantifiers (*?, +?, ??, {m,n}?) are not supported; the match is the same without the ?', qStart, this.pos + 1 - qStart);
    if (after === 0x2a || after === 0x2b || after === 0x7b) {
      this.fail('a quantifier cannot follow another quantifier (possessive quantifiers like *+ are not supported); group the first one: (a*)+', this.pos, 1);
    }
    return { type: 'repeat', node: atom, min, max };
  }

  parseCount(): [number, number | null] {
    const start = this.pos;
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 16));
    if (m === null) this.fail('{ starts a count like {3}, {2,} or {2,5}; write \\{ for a literal brace', start, 1);
    this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
    const limit = QUERY_LIMITS.maxRepeat;
    if (min > limit || (max !== null && max > limit)) this.fail(`counts in {…} may be at most ${limit}`, start, m[0].length);
    if (max !== null && max < min) this.fail(`{${min},${max}}: the larger count must come second`, start, m[0].length);
    return [min, max];
  }

  parseAtom(depth: number): RegexNode {
    const start = this.pos;
    const cp = this.next();
    switch (cp) {
      case 0x28 /* ( */: {
        if (depth >= 20) this.fail('regex groups are nested too deeply (at most 20)', start, 1);
        if (this.peek() === 0x3f /* ? */) this.groupPrefix(start);
        if (this.peek() === undefined) this.fail('unclosed group: ( has no matching )', start, 1);
        if (this.peek() === 0x29) this.fail('empty group ( ); use ? to make something optional', start, this.pos + 1 - start);
        const inner = this.parseAlt(depth + 1);
        if (this.peek() !== 0x29) this.fail('unclosed group: ( has no matching )', start, 1);
        this.next();
        return inner;
      }
      case 0x29 /* ) */:
        return this.fail('unmatched ) in the regex; write \\) for a literal parenthesis', start, 1);
      case 0x5b /* [ */:
        return this.parseClass(start);
      case 0x5d /* ] */:
        return this.fail('unmatched ] in the regex; write \\] for a literal bracket', start, 1);
      case 0x7d /* } */:
        return this.fail('unmatched } in the regex; write \\} for a literal brace', start, 1);
      case 0x7b /* { */:
      case 0x2a /* * */:
      case 0x2b /* + */:
      case 0x3f /* ? */:
        return this.fail(`nothing to repeat before ${show(cp)}; write \\${show(cp)} for a literal ${show(cp)}`, start, 1);
      case 0x2e /* . */:
        return { type: 'any' };
      case 0x5e /* ^ */:
        if (start !== 0) this.fail('the anchor ^ is only supported as the first character of the pattern; write \\^ for a literal ^', start, 1);
        return { type: 'start' };
      case 0x24 /* $ */:
        if (this.pos !== this.src.length) this.fail('the anchor $ is only supported as the last character of the pattern; write \\$ for a literal $', start, 1);
        return { type: 'end' };
      case 0x5c /* \ */: {
        const escaped = this.escape(start, false);
        return Array.isArray(escaped) ? { type: 'class', negated: false, ranges: normaliseRanges(escaped) } : { type: 'char', cp: escaped };
      }
      default:
        return { type: 'char', cp };
    }
  }

  groupPrefix(start: number): void {
    const rest = this.src.slice(this.pos, this.pos + 3);
    if (rest.startsWith('?:')) {
      this.pos += 2;
      return;
    }
    if (rest.startsWith('?=') || rest.startsWith('?!')) this.fail('lookahead (?= …) / (?! …) is not supported', start, 3);
    if (rest.startsWith('?<=') || rest.startsWith('?<!')) this.fail('lookbehind (?<= …) / (?<! …) is not supported', start, 4);
    if (rest.startsWith('?<')) this.fail('named groups (?<name> …) are not supported; use ( … )', start, 3);
    if (rest.startsWith('?P')) this.fail('named groups (?P<name> …) are not supported; use ( … )', start, 3);
    this.fail('inline flags and other (? … ) forms are not supported; matching is always case-sensitive', start, 2);
  }

  /** After a backslash at `start`: a code point, or the ranges of a class escape. */
  escape(start: number, inClass: boolean): number | Range[] {
    const cp = this.peek();
    if (cp === undefined) return this.fail('the pattern ends with a lone backslash; write \\\\ for a literal backslash', start, 1);
    this.next();
    const ch = show(cp);
    if (!isAsciiAlnum(cp)) return cp;
    const cls = CLASS_ESCAPES[ch];
    if (cls !== undefined) return cls;
    const control = CONTROL_ESCAPES[ch];
    if (control !== undefined) return control;
    if (ch === 'x' || ch === 'u') {
      const digits = ch === 'x' ? 2 : 4;
      const hex = this.src.slice(this.pos, this.pos + digits);
      if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) this.fail(`\\${ch} needs exactly ${digits} hex digits, like \\${ch}${'0'.repeat(digits - 2)}41`, start, 2);
      this.pos += digits;
      const value = parseInt(hex, 16);
      if (value === 0) this.fail('\\x00 (NUL) never occurs in a stored value', start, 2 + digits);
      if (value >= 0xd800 && value <= 0xdfff) this.fail('a surrogate code unit is not a character; write the character itself', start, 2 + digits);
      return value;
    }
    if (cp >= 0x30 && cp <= 0x39) this.fail(`backreferences (\\${ch}) are not supported`, start, 2);
    if (ch === 'b' || ch === 'B') this.fail(inClass ? '\\b inside a class is not supported' : `word boundaries (\\${ch}) are not supported`, start, 2);
    if (ch === 'p' || ch === 'P') this.fail(`Unicode property escapes (\\${ch}{…}) are not supported`, start, 2);
    if (ch === 'k') this.fail('named backreferences (\\k<name>) are not supported', start, 2);
    if (ch === 'A' || ch === 'z' || ch === 'Z' || ch === 'G') this.fail(`anchors like \\${ch} are not supported; use ^ at the start or $ at the end`, start, 2);
    return this.fail(`unknown escape \\${ch}; only \\d \\w \\s \\D \\W \\S \\n \\t \\r \\f \\v \\xHH \\uHHHH and escaped punctuation are supported`, start, 2);
  }

  parseClass(start: number): RegexNode {
    let negated = false;
    if (this.peek() === 0x5e /* ^ */) {
      this.next();
      negated = true;
    }
    const ranges: Range[] = [];
    let first = true;
    for (;;) {
      const cp = this.peek();
      if (cp === undefined) this.fail('unclosed character class: [ has no matching ]', start, 1);
      if (cp === 0x5d /* ] */) {
        if (first) this.fail('empty character class []; write \\] for a literal bracket', start, this.pos + 1 - start);
        this.next();
        break;
      }
      first = false;
      const itemStart = this.pos;
      const lo = this.classAtom();
      if (this.peek() === 0x2d /* - */ && this.src.codePointAt(this.pos + 1) !== 0x5d && this.pos + 1 < this.src.length) {
        this.next();
        const hi = this.classAtom();
        if (Array.isArray(lo) || Array.isArray(hi)) this.fail('a range in a class cannot start or end with a class like \\d', itemStart, this.pos - itemStart);
        if (hi < lo) this.fail(`range ${show(lo)}-${show(hi)} is out of order`, itemStart, this.pos - itemStart);
        ranges.push([lo, hi]);
      } else if (Array.isArray(lo)) {
        ranges.push(...lo);
      } else {
        ranges.push([lo, lo]);
      }
    }
    return { type: 'class', negated, ranges: normaliseRanges(ranges) };
  }

  classAtom(): number | Range[] {
    const start = this.pos;
    const cp = this.next();
    if (cp === 0x5c /* \ */) return this.escape(start, true);
    if (cp === 0x5b /* [ */) this.fail('write \\[ for a literal [ inside a class (POSIX classes like [:alpha:] are not supported)', start, 1);
    return cp;
  }
}

const isAnchored = (node: RegexNode): boolean =>
  node.type === 'start' || node.type === 'end' || (node.type === 'seq' && (node.items[0]?.type === 'start' || node.items[node.items.length - 1]?.type === 'end'));

/** Parses `source` (the text between the slashes, or the `regex` parameter) and checks every bound. */
export function parseRegex(source: string): RegexParseResult {
  try {
    if (source.length === 0) throw new RegexError('empty regex', 0, 0);
    if (source.length > QUERY_LIMITS.maxRegexLength) {
      throw new RegexError(`regex is ${source.length} characters long; at most ${QUERY_LIMITS.maxRegexLength} are allowed`, 0, source.length);
    }
    const parser = new Parser(source);
    const node = parser.parseAlt(0);
    if (parser.pos < source.length) parser.fail('unmatched ) in the regex; write \\) for a literal parenthesis', parser.pos, 1);
    // ^ and $ apply to the whole pattern only: `^a|b` would mean different things to different readers.
    if (node.type === 'alt' && node.options.some(isAnchored)) {
      throw new RegexError('with | at the top level, put the alternatives in a group to anchor them: ^(a|b)$', 0, source.length);
    }
    if (node.type === 'start' || node.type === 'end' || (node.type === 'seq' && node.items.every((i) => i.type === 'start' || i.type === 'end'))) {
      throw new RegexError('the regex has nothing to match besides its anchors', 0, source.length);
    }
    const states = countRegexStates(node, QUERY_LIMITS.maxRegexStates);
    if (states > QUERY_LIMITS.maxRegexStates) {
      throw new RegexError(`regex is too complex: over ${QUERY_LIMITS.maxRegexStates} states once its counted repeats are expanded`, 0, source.length);
    }
    const lucene = luceneRegex(node, true);
    if (lucene.length > QUERY_LIMITS.maxLuceneRegexLength) {
      throw new RegexError(`regex is too long once translated for Elasticsearch (${lucene.length} > ${QUERY_LIMITS.maxLuceneRegexLength} characters)`, 0, source.length);
    }
    return { ok: true, node };
  } catch (err) {
    if (err instanceof RegexError) return { ok: false, error: { message: err.message, position: err.position, length: err.length } };
    throw err;
  }
}
