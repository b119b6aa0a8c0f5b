// Bounds that keep every query cheap to parse, compile and run in all three backends. Going over one is a
// syntax error at the place that does, never a slow query.
export const QUERY_LIMITS = {
  /** Characters (UTF-16 units) of `q`. */
  maxQueryLength: 4096,
  /** Characters of one regex pattern as written. */
  maxRegexLength: 256,
  /** Leaf conditions (words, terms, regexes, time bounds…) in one query, or values of one API parameter. */
  maxTerms: 64,
  /** Regexes in one query: each one scans values in every backend. */
  maxRegexes: 8,
  /** Highest count in `{m}`, `{m,}`, `{m,n}` (PostgreSQL allows 255; Lucene expands counts into states). */
  maxRepeat: 100,
  /** States of the Thompson NFA of one regex after expanding counted repeats: bounds the JS matcher's work per character. */
  maxRegexStates: 1000,
  /**
   * Length of the Lucene form of one regex. Elasticsearch refuses patterns longer than `index.max_regex_length`
   * (1000 by default) and the escaping and `\d`-style expansions make the Lucene form longer than the source.
   */
  maxLuceneRegexLength: 1000,
  /** Nested parentheses: Elasticsearch refuses bool queries nested deeper than 30 (`indices.query.bool.max_nested_depth`). */
  maxDepth: 10,
  /** Elasticsearch's `max_determinized_states` for each regexp query (its default): a harder regex fails fast there. */
  maxDeterminizedStates: 10_000,
} as const;
