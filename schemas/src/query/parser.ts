// The query language (design contract, section 5) → QueryNode. Hand-written recursive descent, so every
// error names the problem and points at the offending token (0-based UTF-16 position and length).
//
//   query   := or?                                   empty → all
//   or      := and ('OR' and)*                       AND binds tighter than OR
//   and     := unary (('AND')? unary)*               implicit AND between terms
//   unary   := 'NOT' unary | '-' unary | primary
//   primary := '(' or ')' | '"phrase"' | field ':' value | 'timestamp' op time | word | word* | '*'
//
// Only these are syntax: `AND OR NOT` in capitals, `-` before a term, parentheses, double quotes, a known
// field name before `:`, `*` at the end of a word or value, `/…/` after `field:`, and a comparison after
// `timestamp`. Everything else is text: SQL, JSON or Lucene operators in a query are words to search for
// (their punctuation separates words) or, where they collide with the syntax above, a syntax error —
// never a meaning of their own.
import { LEVEL_ALIASES, LEVELS, type Level } from '../event.js';
import type { KeywordField, ParseResult, QueryField, QueryNode, QuerySyntaxError, TimeOp } from './ast.js';
import { ALL, andOf, notOf, orOf } from './combine.js';
import { QUERY_LIMITS } from './limits.js';
import { parseRegex } from './regex-parser.js';
import { parseTimeValue } from './time.js';
import { messageWords } from './words.js';

export interface ParseOptions {
  /** Epoch ms that relative times (`timestamp>=15m`) count back from; defaults to Date.now(). */
  now?: number;
}

/** Thrown inside the parser only; parseQuery turns it into a result. */
export class QueryParseError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length: number,
  ) {
    super(message);
  }

  toSyntaxError(): QuerySyntaxError {
    return { message: this.message, position: this.position, length: Math.max(0, this.length) };
  }
}

const FIELD_NAMES: ReadonlyMap<string, QueryField | 'timestamp'> = new Map<string, QueryField | 'timestamp'>([
  ['level', 'level'],
  ['resourceid', 'resourceId'],
  ['traceid', 'traceId'],
  ['spanid', 'spanId'],
  ['commit', 'commit'],
  ['message', 'message'],
  ['parentresourceid', 'parentResourceId'],
  ['metadata.parentresourceid', 'parentResourceId'],
  ['timestamp', 'timestamp'],
]);
const FIELD_LIST = 'level, resourceId, traceId, spanId, commit, message, parentResourceId, timestamp';
const LEVEL_CHOICES = `${LEVELS.join(', ')} (or ${Object.keys(LEVEL_ALIASES).join(', ')})`;

/** `name:` or `name>=` at the start of a term. */
const FIELD_PREFIX = /^([A-Za-z_][A-Za-z0-9_.]*)(:|>=|<=|>|<)/;
const KEYWORDS = ['AND', 'OR', 'NOT'] as const;
type Keyword = (typeof KEYWORDS)[number];

/** The level a query value means (case-insensitive, aliases resolved), or undefined. */
export function normaliseLevel(value: string): Level | undefined {
  const lower = value.toLowerCase();
  if ((LEVELS as readonly string[]).includes(lower)) return lower as Level;
  return Object.hasOwn(LEVEL_ALIASES, lower) ? LEVEL_ALIASES[lower] : undefined;
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

/** A value as written (after `field:` or as a bare word): escapes resolved, wildcard position known. */
interface ValueText {
  text: string;
  /** Ends with an unescaped `*` (not included in `text`). */
  prefix: boolean;
  /** Offset of an unescaped `*` anywhere but at the end, or -1. */
  innerStar: number;
  start: number;
  end: number;
}

/** Where a term that searches for nothing (only punctuation) was, for the error if nothing else remains. */
interface Ignored {
  position: number;
  length: number;
  text: string;
}

class Parser {
  pos = 0;
  leaves = 0;
  regexes = 0;
  readonly ignored: Ignored[] = [];

  constructor(
    readonly text: string,
    readonly now: number,
  ) {}

  fail(message: string, position: number, length: number): never {
    throw new QueryParseError(message, position, length);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text[this.pos])) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** The keyword at the cursor (a whole token in capitals), if any. */
  keyword(): Keyword | undefined {
    for (const kw of KEYWORDS) {
      if (this.text.startsWith(kw, this.pos)) {
        const after = this.text[this.pos + kw.length];
        if (after === undefined || isSpace(after) || after === '(' || after === ')' || after === '"') return kw;
      }
    }
    return undefined;
  }

  /** True when nothing that can start a term follows (end, `)`, AND, OR). */
  termEnds(): boolean {
    this.skipSpace();
    if (this.atEnd() || this.text[this.pos] === ')') return true;
    const kw = this.keyword();
    return kw === 'AND' || kw === 'OR';
  }

  countLeaf(position: number, length: number, n = 1): void {
    this.leaves += n;
    if (this.leaves > QUERY_LIMITS.maxTerms) this.fail(`too many terms: a query may have at most ${QUERY_LIMITS.maxTerms}`, position, length);
  }

  parseQuery(): QueryNode {
    if (this.text.length > QUERY_LIMITS.maxQueryLength) {
      this.fail(`query is ${this.text.length} characters long; at most ${QUERY_LIMITS.maxQueryLength} are allowed`, QUERY_LIMITS.maxQueryLength, this.text.length - QUERY_LIMITS.maxQueryLength);
    }
    this.skipSpace();
    if (this.atEnd()) return ALL;
    const node = this.parseOr(0);
    this.skipSpace();
    if (!this.atEnd()) {
      // parseOr stops only at the end or at a `)` it did not open.
      this.fail('unmatched ): there is no ( before it', this.pos, 1);
    }
    if (node === null) {
      const first = this.ignored[0]!;
      this.fail(`nothing to search for: ${JSON.stringify(first.text)} has no letters or digits (to find symbols, use a regex like message:/\\+1/)`, first.position, first.length);
    }
    return node;
  }

  parseOr(depth: number): QueryNode | null {
    const start = this.pos;
    const first = this.parseAnd(depth);
    const parts: Array<{ node: QueryNode | null; start: number; end: number }> = [{ node: first, start, end: this.pos }];
    for (;;) {
      this.skipSpace();
      if (this.keyword() !== 'OR') break;
      const orPos = this.pos;
      this.pos += 2;
      if (this.termEnds()) this.fail('OR needs a term after it', orPos, 2);
      const partStart = this.pos;
      parts.push({ node: this.parseAnd(depth), start: partStart, end: this.pos });
    }
    if (parts.length === 1) return first;
    for (const part of parts) {
      if (part.node === null) {
        this.fail('this side of OR has nothing to search for (no letters or digits)', part.start, Math.max(1, part.end - part.start));
      }
    }
    return orOf(parts.map((p) => p.node!));
  }

  parseAnd(depth: number): QueryNode | null {
    const nodes: QueryNode[] = [];
    this.skipSpace();
    if (this.keyword() === 'AND') this.fail('AND needs a term before it', this.pos, 3);
    if (this.keyword() === 'OR') this.fail('OR needs a term before it', this.pos, 2);
    for (;;) {
      this.skipSpace();
      if (this.atEnd() || this.text[this.pos] === ')') break;
      const kw = this.keyword();
      if (kw === 'OR') break;
      if (kw === 'AND') {
        const andPos = this.pos;
        this.pos += 3;
        if (this.termEnds()) this.fail('AND needs a term after it', andPos, 3);
        continue;
      }
      const node = this.parseUnary(depth);
      if (node !== null) nodes.push(node);
    }
    // Null: only punctuation here; the caller reports it with its context (OR side, parentheses, whole query).
    return nodes.length === 0 ? null : andOf(nodes);
  }

  parseUnary(depth: number): QueryNode | null {
    this.skipSpace();
    const start = this.pos;
    if (this.keyword() === 'NOT') {
      this.pos += 3;
      if (this.termEnds()) this.fail('NOT needs a term after it', start, 3);
      return this.negate(start, this.parseUnary(depth));
    }
    const next = this.text[this.pos + 1];
    if (this.text[this.pos] === '-' && next !== undefined && !isSpace(next) && next !== ')') {
      this.pos += 1;
      return this.negate(start, this.parseUnary(depth));
    }
    return this.parsePrimary(depth);
  }

  /** NOT of `child`; a `-` or NOT before punctuation only (`--`, `-;`) is itself punctuation, ignored. */
  negate(position: number, child: QueryNode | null): QueryNode | null {
    if (child === null) {
      this.ignored.push({ position, length: this.pos - position, text: this.text.slice(position, this.pos) });
      return null;
    }
    return notOf(child);
  }

  parsePrimary(depth: number): QueryNode | null {
    const start = this.pos;
    const ch = this.text[this.pos];
    if (ch === '(') {
      if (depth >= QUERY_LIMITS.maxDepth) this.fail(`parentheses nested too deeply (at most ${QUERY_LIMITS.maxDepth} levels)`, start, 1);
      this.pos++;
      this.skipSpace();
      if (this.text[this.pos] === ')') this.fail('empty parentheses: put a term inside or remove them', start, this.pos + 1 - start);
      const inner = this.parseOr(depth + 1);
      this.skipSpace();
      if (this.text[this.pos] !== ')') this.fail('unclosed (: no ) matches it', start, 1);
      this.pos++;
      if (inner === null) this.fail('nothing to search for inside the parentheses (no letters or digits)', start, this.pos - start);
      return inner;
    }
    if (ch === '"') {
      // No space needed after the closing quote: `{"query":…}` is searched for as the words it holds.
      const { value, end } = this.readQuoted();
      const node = this.messageText(value, start, end - start, false);
      if (node === null) this.ignored.push({ position: start, length: end - start, text: this.text.slice(start, end) });
      return node;
    }
    const m = FIELD_PREFIX.exec(this.text.slice(this.pos, this.pos + 64));
    if (m !== null) {
      const name = m[1]!;
      const op = m[2]!;
      const field = FIELD_NAMES.get(name.toLowerCase());
      if (field === undefined) {
        if (op === ':') {
          this.fail(
            `unknown field "${name}"; fields are ${FIELD_LIST}. To search for text with a colon, put it in quotes: "${name}:…"`,
            start,
            name.length,
          );
        }
        // `x>5`, `a<b`: not a field, just text.
      } else {
        this.pos += name.length;
        return field === 'timestamp' ? this.parseTime(start, name, op) : this.parseField(field, start, op);
      }
    }
    return this.parseBareWord(start);
  }

  /** Reads `"…"` at the cursor (`\"` and `\\` escapes); returns the content. */
  readQuoted(): { value: string; end: number } {
    const start = this.pos;
    let value = '';
    this.pos++;
    for (;;) {
      if (this.atEnd()) this.fail('unclosed quote: " has no closing "', start, this.text.length - start);
      const ch = this.text[this.pos]!;
      if (ch === '"') {
        this.pos++;
        return { value, end: this.pos };
      }
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        if (next !== '"' && next !== '\\') {
          this.fail('inside quotes, a backslash escapes only " and \\ (write \\\\ for a backslash)', this.pos, next === undefined ? 1 : 2);
        }
        value += next;
        this.pos += 2;
        continue;
      }
      value += ch;
      this.pos++;
    }
  }

  /** After a quoted value or a regex: the term must end here. */
  expectBoundary(what: string): void {
    const ch = this.text[this.pos];
    if (ch !== undefined && !isSpace(ch) && ch !== ')') {
      this.fail(`unexpected text right after the ${what}; put a space before it`, this.pos, 1);
    }
  }

  /**
   * Reads an unquoted value: up to whitespace or `)` (and, for a bare word, `(` and `"`). A backslash makes
   * the next character literal (`\*`, `\)`, `\ `).
   */
  readValue(stopAtQuoteAndParen: boolean): ValueText {
    const start = this.pos;
    const ends = (ch: string | undefined): boolean =>
      ch === undefined || isSpace(ch) || ch === ')' || (stopAtQuoteAndParen && (ch === '(' || ch === '"'));
    let text = '';
    let prefix = false;
    let innerStar = -1;
    while (!ends(this.text[this.pos])) {
      const ch = this.text[this.pos]!;
      if (ch === '\\' && this.pos + 1 < this.text.length) {
        const cp = this.text.codePointAt(this.pos + 1)!;
        text += String.fromCodePoint(cp);
        this.pos += 1 + (cp > 0xffff ? 2 : 1);
      } else if (ch === '*') {
        if (ends(this.text[this.pos + 1])) prefix = true;
        else if (innerStar < 0) innerStar = this.pos;
        this.pos++;
      } else {
        text += ch;
        this.pos++;
      }
    }
    return { text, prefix, innerStar, start, end: this.pos };
  }

  parseBareWord(start: number): QueryNode | null {
    const value = this.readValue(true);
    if (value.end === start) {
      // A character that can start no term: only `(`/`"` are handled before, so this is a stray `)`.
      this.fail('unmatched ): there is no ( before it', start, 1);
    }
    if (value.innerStar >= 0) this.fail('* is only supported at the end of a word (a prefix); to find a literal *, use a regex', value.innerStar, 1);
    if (value.prefix && value.text === '') {
      this.countLeaf(start, 1, 0);
      return ALL;
    }
    const node = this.messageText(value.text, start, value.end - start, false, value.prefix);
    if (node === null) this.ignored.push({ position: start, length: value.end - start, text: this.text.slice(start, value.end) });
    return node;
  }

  /**
   * Words of message from `text`: one word → words, several → phrase (`foo.bar`, `server-1` and `"a b"` are
   * found where their words are adjacent), a trailing `*` → wordPrefix. Null when there is no word and the
   * text was bare (then it is punctuation and ignored); an error when it was quoted or after `message:`.
   */
  messageText(text: string, position: number, length: number, explicit: boolean, prefix = false): QueryNode | null {
    const words = messageWords(text);
    if (prefix) {
      if (words.length === 0) this.fail('a prefix needs letters or digits before the *', position, length);
      if (words.length > 1) this.fail('a prefix * can only end a single word; quote the words before it as a phrase and add the prefix as its own term', position, length);
      this.countLeaf(position, length);
      return { kind: 'wordPrefix', prefix: words[0]! };
    }
    if (words.length === 0) {
      if (explicit) this.fail('nothing to search for: no letters or digits (to find symbols, use a regex like message:/\\+1/)', position, length);
      return null;
    }
    this.countLeaf(position, length, words.length);
    return words.length === 1 ? { kind: 'words', words } : { kind: 'phrase', words };
  }

  parseField(field: QueryField, start: number, op: string): QueryNode {
    if (op !== ':') this.fail(`only timestamp can be compared with ${op}; write ${field}:value`, this.pos, op.length);
    this.pos += 1;
    const valueStart = this.pos;
    const ch = this.text[this.pos];
    if (ch === undefined || isSpace(ch) || ch === ')') this.fail(`${field}: needs a value after the colon`, start, this.pos - start);
    if (ch === '(') this.fail(`${field}:( … ) is not supported; write (${field}:a OR ${field}:b)`, valueStart, 1);
    if (ch === '/') return this.parseRegexValue(field);
    if (ch === '"') {
      const { value, end } = this.readQuoted();
      this.expectBoundary('quoted value');
      if (field === 'message') return this.messageText(value, valueStart, end - valueStart, true)!;
      if (value === '') this.fail(`${field}:"" is empty; a value has at least one character`, valueStart, end - valueStart);
      return this.keywordValue(field, value, false, valueStart, end - valueStart);
    }
    const value = this.readValue(false);
    const length = value.end - valueStart;
    if (value.innerStar >= 0) this.fail('* is only supported at the end of a value (a prefix); to find a literal *, write \\*', value.innerStar, 1);
    if (field === 'message') {
      if (value.prefix && value.text === '') {
        this.countLeaf(start, value.end - start, 0);
        return ALL; // every event has a message
      }
      return this.messageText(value.text, valueStart, length, true, value.prefix)!;
    }
    return this.keywordValue(field, value.text, value.prefix, valueStart, length);
  }

  keywordValue(field: KeywordField, value: string, prefix: boolean, position: number, length: number): QueryNode {
    this.countLeaf(position, length);
    if (field === 'level') {
      // Levels are stored lower-case; a prefix is not resolved through the aliases (it names stored values).
      if (prefix) return { kind: 'prefix', field, value: value.toLowerCase() };
      const level = normaliseLevel(value);
      if (level === undefined) this.fail(`unknown level "${value}"; levels are ${LEVEL_CHOICES}`, position, length);
      return { kind: 'term', field, value: level };
    }
    return prefix ? { kind: 'prefix', field, value } : { kind: 'term', field, value };
  }

  parseRegexValue(field: QueryField): QueryNode {
    const open = this.pos;
    let i = open + 1;
    let inClass = false;
    for (;;) {
      if (i >= this.text.length) this.fail('unclosed regex: / has no closing / (write \\/ for a slash inside it)', open, this.text.length - open);
      const ch = this.text[i]!;
      if (ch === '\\') i += 2;
      else if (inClass) {
        if (ch === ']') inClass = false;
        i++;
      } else if (ch === '[') {
        inClass = true;
        i++;
      } else if (ch === '/') break;
      else i++;
    }
    const body = this.text.slice(open + 1, i);
    this.pos = i + 1;
    this.expectBoundary('regex');
    this.regexes++;
    if (this.regexes > QUERY_LIMITS.maxRegexes) this.fail(`too many regexes: a query may have at most ${QUERY_LIMITS.maxRegexes}`, open, this.pos - open);
    this.countLeaf(open, this.pos - open);
    // `\/` ends nothing: the body goes to the regex parser as written, where `\/` is an escaped `/`.
    const parsed = parseRegex(body);
    if (!parsed.ok) {
      const position = body.length === 0 ? open : open + 1 + parsed.error.position;
      this.fail(parsed.error.message, position, body.length === 0 ? 2 : Math.max(1, parsed.error.length));
    }
    return { kind: 'regex', field, pattern: parsed.node, source: body };
  }

  parseTime(start: number, name: string, op: string): QueryNode {
    if (op === ':') {
      this.fail(`${name} takes a comparison, not a colon: ${name}>=2024-01-01T00:00:00Z (also >, <=, <)`, start, name.length + 1);
    }
    this.pos += op.length;
    const valueStart = this.pos;
    const value = this.readValue(false);
    if (value.end === valueStart) this.fail(`${name}${op} needs a time: an RFC 3339 date-time like 2024-01-01T00:00:00Z, or 15m, 24h, 7d ago`, start, this.pos - start);
    const raw = this.text.slice(valueStart, value.end);
    const parsed = parseTimeValue(raw, this.now);
    if (!parsed.ok) this.fail(`bad time: ${parsed.reason}`, valueStart, raw.length);
    this.countLeaf(start, this.pos - start);
    return { kind: 'time', op: op as TimeOp, ms: parsed.ms };
  }
}

/** Parses the query language. Never throws for any input text. */
export function parseQuery(text: string, options: ParseOptions = {}): ParseResult {
  const parser = new Parser(text, options.now ?? Date.now());
  try {
    return { ok: true, ast: parser.parseQuery() };
  } catch (err) {
    if (err instanceof QueryParseError) return { ok: false, error: err.toSyntaxError() };
    throw err;
  }
}

