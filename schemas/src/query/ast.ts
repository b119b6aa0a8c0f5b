// The query AST (design contract, section 5; /work/query-contract.md): what parseQuery and buildQuery
// produce and what the three compilers consume. Plain data, so it can be logged, compared and cached.

/** Positions are 0-based UTF-16 offsets into the query text; `length` covers the offending token. */
export interface QuerySyntaxError {
  message: string;
  position: number;
  length: number;
}

export type QueryField = 'level' | 'resourceId' | 'traceId' | 'spanId' | 'commit' | 'message' | 'parentResourceId';
export type KeywordField = Exclude<QueryField, 'message'>;

/**
 * A parsed regular expression of the supported subset (see regex-parser.ts). Characters are Unicode code
 * points; every backend matches code point by code point, case-sensitively, and `.` matches any code point
 * including a newline.
 */
export type RegexNode =
  | { type: 'char'; cp: number }
  | { type: 'any' }
  /** `ranges` are inclusive code point ranges, sorted and disjoint; `negated` matches every other code point. */
  | { type: 'class'; negated: boolean; ranges: Array<[number, number]> }
  | { type: 'seq'; items: RegexNode[] }
  | { type: 'alt'; options: RegexNode[] }
  /** `max` null: unbounded. */
  | { type: 'repeat'; node: RegexNode; min: number; max: number | null }
  /** `^` and `$`: only ever the first / last item of the top-level node (the parser guarantees it). */
  | { type: 'start' }
  | { type: 'end' };

export type TimeOp = '>=' | '>' | '<=' | '<';

export type QueryNode =
  | { kind: 'and'; children: QueryNode[] }
  | { kind: 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  /** Matches every event (the empty query, `*`). */
  | { kind: 'all' }
  /** Each word (a normalised token, see words.ts) occurs in message. */
  | { kind: 'words'; words: string[] }
  /** The words occur consecutively in message. */
  | { kind: 'phrase'; words: string[] }
  /** Some word of message starts with `prefix` (normalised like a word). */
  | { kind: 'wordPrefix'; prefix: string }
  /** Exact, case-sensitive value of a keyword field (level normalised: WARNING → warn). */
  | { kind: 'term'; field: KeywordField; value: string }
  /** The field's whole value starts with `value`; `''` means the field is present. */
  | { kind: 'prefix'; field: KeywordField; value: string }
  /** Keyword fields: the whole value matches; message: somewhere in it (unless anchored with ^ / $). */
  | { kind: 'regex'; field: QueryField; pattern: RegexNode; source: string }
  /** Timestamp bound, epoch milliseconds UTC. */
  | { kind: 'time'; op: TimeOp; ms: number };

export type ParseResult = { ok: true; ast: QueryNode } | { ok: false; error: QuerySyntaxError };
