// The query language (design contract, section 5; /work/query-contract.md): parse, fold the API's parameters,
// scope to a key's resources, and compile for Elasticsearch, PostgreSQL and the live tail.
export type { KeywordField, ParseResult, QueryField, QueryNode, QuerySyntaxError, RegexNode, TimeOp } from './ast.js';
export { QUERY_LIMITS } from './limits.js';
export { parseQuery, type ParseOptions } from './parser.js';
export { buildQuery, scopeToResources, type BuildResult, type ParamError, type SearchParams } from './build.js';
export { parseTimeValue, type TimeValueResult } from './time.js';
export { compileElasticsearch } from './compile-elasticsearch.js';
export { compileSql, WORDS_TSVECTOR_SQL, type SqlFragment, type SqlOptions } from './compile-sql.js';
export { compilePredicate } from './compile-predicate.js';
export { messageWords, messageWordsText } from './words.js';
