// QueryNode → Elasticsearch query DSL (design contract, section 5). Only structured clauses with values:
// no query_string, no user text as syntax. Every clause runs in filter context (no scoring: hits are ordered
// by timestamp and id).
//
// Fields (sinks/src/elasticsearch/template.ts): `words` (text, whitespace analyzer over the stored
// messageWordsText), `message.raw` (keyword of the whole message, for regexps; messages over
// KEYWORD_SAFE_CHARS are not in it), keyword fields, `parentResourceId` (copied from
// metadata.parentResourceId), `timestamp` (date).
import type { KeywordField, QueryNode } from './ast.js';
import { QUERY_LIMITS } from './limits.js';
import { luceneRegex } from './regex-emit.js';

type Clause = Record<string, unknown>;

const ES_FIELD: Readonly<Record<KeywordField, string>> = {
  level: 'level',
  resourceId: 'resourceId',
  traceId: 'traceId',
  spanId: 'spanId',
  commit: 'commit',
  parentResourceId: 'parentResourceId',
};

const RANGE_KEY = { '>=': 'gte', '>': 'gt', '<=': 'lte', '<': 'lt' } as const;

const wordTerm = (word: string): Clause => ({ term: { words: { value: word } } });

function clause(node: QueryNode): Clause {
  switch (node.kind) {
    case 'and': {
      const filter: Clause[] = [];
      const mustNot: Clause[] = [];
      for (const child of node.children) {
        if (child.kind === 'not') mustNot.push(clause(child.child));
        else filter.push(clause(child));
      }
      return { bool: { ...(filter.length > 0 ? { filter } : {}), ...(mustNot.length > 0 ? { must_not: mustNot } : {}) } };
    }
    case 'or':
      return { bool: { should: node.children.map(clause), minimum_should_match: 1 } };
    case 'not':
      // A document without the field is not excluded by must_not: `-traceId:x` matches events with no traceId.
      return { bool: { must_not: [clause(node.child)] } };
    case 'all':
      return { match_all: {} };
    case 'words':
      return node.words.length === 1 ? wordTerm(node.words[0]!) : { bool: { filter: node.words.map(wordTerm) } };
    case 'phrase':
      if (node.words.length === 1) return wordTerm(node.words[0]!);
      // The whitespace analyzer splits the joined words back into exactly these tokens.
      return { match_phrase: { words: { query: node.words.join(' '), analyzer: 'whitespace', slop: 0 } } };
    case 'wordPrefix':
      return { prefix: { words: { value: node.prefix } } };
    case 'term':
      return { term: { [ES_FIELD[node.field]]: { value: node.value } } };
    case 'prefix':
      return node.value === '' ? { exists: { field: ES_FIELD[node.field] } } : { prefix: { [ES_FIELD[node.field]]: { value: node.value } } };
    case 'regex': {
      const field = node.field === 'message' ? 'message.raw' : ES_FIELD[node.field];
      return {
        regexp: {
          [field]: {
            value: luceneRegex(node.pattern, node.field !== 'message'),
            // No optional operators (~ complement, & intersection, <n-m> intervals, @ any string, # empty):
            // the emitted pattern escapes them anyway; NONE keeps it so if the emitter ever misses one.
            flags: 'NONE',
            max_determinized_states: QUERY_LIMITS.maxDeterminizedStates,
          },
        },
      };
    }
    case 'time':
      return { range: { timestamp: { [RANGE_KEY[node.op]]: node.ms, format: 'epoch_millis' } } };
  }
}

/** A query DSL object (the value of `query` in a search request). */
export function compileElasticsearch(ast: QueryNode): Record<string, unknown> {
  return clause(ast);
}
