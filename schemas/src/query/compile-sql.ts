// QueryNode → a boolean SQL expression over the columns of `logs` (sinks/src/postgres/migrations.ts), with
// every value a `$n` parameter: user text is never SQL.
//
// NULLs: optional columns (trace_id, span_id, "commit", parent_resource_id, and words of rows stored before
// migration 2) are NULL when absent. The expression is compiled in negation normal form: NOT is pushed down
// to the leaves, and a negated leaf on a nullable column is `NOT coalesce(leaf, false)`, so `-traceId:x`
// matches rows without a trace id. Positive leaves stay bare (a NULL there acts as false under AND/OR,
// which only combine them monotonically), so the planner can use the column's index.
//
// Words: the column `words` holds messageWordsText(message); `array_to_tsvector(string_to_array(words, ' '))`
// is exactly the set of those words (no text-search parser, which would split and drop tokens its own way:
// `²` and `½` are not words to it), GIN-indexed by migration 2. A word or prefix test on it is exact;
// a phrase adds the test of the words in a row on the stored text.
import type { KeywordField, QueryField, QueryNode, TimeOp } from './ast.js';
import { postgresRegex } from './regex-emit.js';

export interface SqlFragment {
  text: string;
  values: unknown[];
}

export interface SqlOptions {
  /** Number of the first `$n` placeholder (the caller's own parameters come before). Default 1. */
  firstParam?: number;
}

/** The indexed expression of migration 2; a query must use it verbatim for the index to apply. */
export const WORDS_TSVECTOR_SQL = `array_to_tsvector(string_to_array(words, ' '))`;

const COLUMN: Readonly<Record<QueryField, string>> = {
  level: 'level',
  resourceId: 'resource_id',
  traceId: 'trace_id',
  spanId: 'span_id',
  commit: '"commit"',
  parentResourceId: 'parent_resource_id',
  message: 'message',
};
const NULLABLE = new Set<KeywordField | 'message'>(['traceId', 'spanId', 'commit', 'parentResourceId']);
const FLIP: Readonly<Record<TimeOp, TimeOp>> = { '>=': '<', '>': '<=', '<=': '>', '<': '>=' };

/** A lexeme in tsquery syntax: quoted, so any character is literal (words never hold ' or \ anyway). */
const lexeme = (word: string): string => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

class SqlBuilder {
  readonly values: unknown[] = [];
  constructor(readonly first: number) {}

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.first + this.values.length - 1}`;
  }

  /** A leaf, and whether it can be NULL. */
  leaf(node: Exclude<QueryNode, { kind: 'and' | 'or' | 'not' | 'all' | 'time' }>): [string, boolean] {
    switch (node.kind) {
      case 'words':
        return [`${WORDS_TSVECTOR_SQL} @@ ${this.param(node.words.map(lexeme).join(' & '))}::tsquery`, true];
      case 'phrase': {
        const all = (): string => `${WORDS_TSVECTOR_SQL} @@ ${this.param(node.words.map(lexeme).join(' & '))}::tsquery`;
        if (node.words.length === 1) return [all(), true];
        // The first strpos is implied by the exact test at the end, and is there for speed: walking the
        // (timestamp, id) index, PostgreSQL tests a row's conditions cheapest first by its cost estimates,
        // which put building the row's tsvector first; a strpos without concatenations is estimated cheaper
        // and rejects most rows before that ("connection reset", newest 101 of 1M rows: 18 -> 5 ms). Its
        // default selectivity (a third) leaves the planner's choices as they were; a LIKE here made it
        // expect 13 rows instead of 37k and sort them all (400 ms).
        const joined = node.words.join(' ');
        const contains = `strpos(words, ${this.param(joined)}) > 0`;
        return [`(${contains} and ${all()} and strpos(' ' || words || ' ', ${this.param(` ${joined} `)}) > 0)`, true];
      }
      case 'wordPrefix':
        return [`${WORDS_TSVECTOR_SQL} @@ ${this.param(`${lexeme(node.prefix)}:*`)}::tsquery`, true];
      case 'term':
        return [`${COLUMN[node.field]} = ${this.param(node.value)}`, NULLABLE.has(node.field)];
      case 'prefix':
        if (node.value === '') return [`${COLUMN[node.field]} is not null`, false];
        return [`starts_with(${COLUMN[node.field]}, ${this.param(node.value)})`, NULLABLE.has(node.field)];
      case 'regex':
        return [`${COLUMN[node.field]} ~ ${this.param(postgresRegex(node.pattern, node.field !== 'message'))}`, node.field !== 'message' && NULLABLE.has(node.field)];
    }
  }

  expr(node: QueryNode, negated: boolean): string {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const joiner = (node.kind === 'and') !== negated ? ' and ' : ' or ';
        return `(${node.children.map((c) => this.expr(c, negated)).join(joiner)})`;
      }
      case 'not':
        return this.expr(node.child, !negated);
      case 'all':
        return negated ? 'false' : 'true';
      case 'time':
        // An ISO string, not epoch seconds as a float: exact to the millisecond.
        return `"timestamp" ${negated ? FLIP[node.op] : node.op} ${this.param(new Date(node.ms).toISOString())}::timestamptz`;
      default: {
        const [text, nullable] = this.leaf(node);
        if (!negated) return text;
        return nullable ? `not coalesce(${text}, false)` : `not (${text})`;
      }
    }
  }
}

export function compileSql(ast: QueryNode, options: SqlOptions = {}): SqlFragment {
  const builder = new SqlBuilder(options.firstParam ?? 1);
  const text = builder.expr(ast, false);
  return { text, values: builder.values };
}
