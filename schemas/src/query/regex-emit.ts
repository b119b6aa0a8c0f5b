// RegexNode → the regex syntax of each store. Built from the node, never from the user's text, so what a
// store runs is exactly the parsed pattern: every character that could mean something to that engine is
// escaped, and the shorthand classes are spelled out as ASCII ranges (PostgreSQL's \d and \w follow the
// locale; Lucene's are its own).
import type { RegexNode } from './ast.js';
import { splitAnchors } from './regex-nfa.js';

const isAsciiAlnum = (cp: number): boolean => (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);

// Lucene RegExp (Elasticsearch `regexp`): a backslash before a letter is a class escape (\d) or an error, and
// before anything else that character literally. Reserved: . ? + * | { } [ ] ( ) " \ # @ & < > ~ — every ASCII
// character that is not a letter or digit is escaped, which covers them and whatever a later Lucene adds.
// Non-ASCII characters are never special, and escaping a non-ASCII letter would be an error.
function luceneChar(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return cp < 0x80 && !isAsciiAlnum(cp) ? `\\${ch}` : ch;
}

function luceneClass(node: Extract<RegexNode, { type: 'class' }>): string {
  const parts = node.ranges.map(([lo, hi]) => (lo === hi ? luceneChar(lo) : `${luceneChar(lo)}-${luceneChar(hi)}`));
  return `[${node.negated ? '^' : ''}${parts.join('')}]`;
}

function lucene(node: RegexNode): string {
  switch (node.type) {
    case 'char':
      return luceneChar(node.cp);
    case 'any':
      return '.';
    case 'class':
      return luceneClass(node);
    case 'seq':
      return node.items.map((i) => (i.type === 'alt' ? `(${lucene(i)})` : lucene(i))).join('');
    case 'alt':
      return node.options.map(lucene).join('|');
    case 'repeat': {
      const inner = node.node.type === 'char' || node.node.type === 'any' || node.node.type === 'class' ? lucene(node.node) : `(${lucene(node.node)})`;
      return inner + quantifier(node.min, node.max);
    }
    case 'start':
    case 'end':
      return '';
  }
}

function quantifier(min: number, max: number | null): string {
  if (min === 0 && max === null) return '*';
  if (min === 1 && max === null) return '+';
  if (min === 0 && max === 1) return '?';
  if (max === null) return `{${min},}`;
  return min === max ? `{${min}}` : `{${min},${max}}`;
}

/**
 * The Lucene form. Lucene regexps always match the whole term, so for `whole: false` (message, "anywhere")
 * the pattern is wrapped in `.*( … ).*`, without the side that is anchored by ^ or $.
 */
export function luceneRegex(node: RegexNode, whole: boolean): string {
  const { body, start, end } = splitAnchors(node);
  const inner = lucene(body);
  if (whole) return inner;
  return `${start ? '' : '.*'}(${inner})${end ? '' : '.*'}`;
}

// PostgreSQL ARE (`~`, case-sensitive). Every character but ASCII letters and digits is written as a
// character-entry escape (\uXXXX or \UXXXXXXXX), which means that character in and out of brackets whatever
// it is. The default (not newline-sensitive) mode has `.` and `[^…]` match a newline, as in Lucene and JS.
function pgChar(cp: number): string {
  if (isAsciiAlnum(cp)) return String.fromCharCode(cp);
  return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

function pg(node: RegexNode): string {
  switch (node.type) {
    case 'char':
      return pgChar(node.cp);
    case 'any':
      return '.';
    case 'class': {
      const parts = node.ranges.map(([lo, hi]) => (lo === hi ? pgChar(lo) : `${pgChar(lo)}-${pgChar(hi)}`));
      return `[${node.negated ? '^' : ''}${parts.join('')}]`;
    }
    case 'seq':
      return node.items.map((i) => (i.type === 'alt' ? `(?:${pg(i)})` : pg(i))).join('');
    case 'alt':
      return node.options.map(pg).join('|');
    case 'repeat': {
      const inner = node.node.type === 'char' || node.node.type === 'any' || node.node.type === 'class' ? pg(node.node) : `(?:${pg(node.node)})`;
      return inner + quantifier(node.min, node.max);
    }
    case 'start':
    case 'end':
      return '';
  }
}

/** The ARE form: `^(?:…)$` for a whole value; for `whole: false`, unanchored unless the pattern has ^ / $. */
export function postgresRegex(node: RegexNode, whole: boolean): string {
  const { body, start, end } = splitAnchors(node);
  return `${whole || start ? '^' : ''}(?:${pg(body)})${whole || end ? '$' : ''}`;
}
