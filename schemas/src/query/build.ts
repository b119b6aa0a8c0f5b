// The query API's parameters folded into one AST (design contract, section 6), and access scoping (section 7).
// q AND (each field parameter, its repeated values OR-ed) AND from/to. Every error names its parameter.
import { LEVEL_ALIASES, LEVELS } from '../event.js';
import type { KeywordField, QueryNode } from './ast.js';
import { ALL, andOf, orOf } from './combine.js';
import { QUERY_LIMITS } from './limits.js';
import { normaliseLevel, parseQuery } from './parser.js';
import { parseRegex } from './regex-parser.js';
import { parseTimeValue } from './time.js';
import { messageWords } from './words.js';

export interface SearchParams {
  q?: string;
  level?: string[];
  resourceId?: string[];
  traceId?: string[];
  spanId?: string[];
  commit?: string[];
  parentResourceId?: string[];
  message?: string[];
  regex?: string[];
  from?: string;
  to?: string;
}

export interface ParamError {
  param: string;
  message: string;
  position?: number;
  length?: number;
}

export type BuildResult = { ok: true; ast: QueryNode } | { ok: false; errors: ParamError[] };

const KEYWORD_PARAMS: readonly KeywordField[] = ['level', 'resourceId', 'traceId', 'spanId', 'commit', 'parentResourceId'];

/**
 * A keyword parameter value: exact, or a prefix when it ends with `*` (the same rule as access patterns).
 * Nothing else is special: no escapes, quotes or regexes.
 */
function keywordParam(field: KeywordField, value: string): QueryNode | string {
  if (value === '') return 'is empty; give a value, or leave the parameter out';
  const prefix = value.endsWith('*');
  const text = prefix ? value.slice(0, -1) : value;
  if (field === 'level') {
    if (prefix) return { kind: 'prefix', field, value: text.toLowerCase() };
    const level = normaliseLevel(text);
    return level === undefined ? `unknown level; levels are ${LEVELS.join(', ')} (or ${Object.keys(LEVEL_ALIASES).join(', ')})` : { kind: 'term', field, value: level };
  }
  return prefix ? { kind: 'prefix', field, value: text } : { kind: 'term', field, value: text };
}

export function buildQuery(params: SearchParams, options: { now: number }): BuildResult {
  const errors: ParamError[] = [];
  const parts: QueryNode[] = [];

  if (params.q !== undefined) {
    const parsed = parseQuery(params.q, { now: options.now });
    if (parsed.ok) parts.push(parsed.ast);
    else errors.push({ param: 'q', message: parsed.error.message, position: parsed.error.position, length: parsed.error.length });
  }

  const repeated = (param: string, values: readonly string[] | undefined, one: (value: string) => QueryNode | string): void => {
    if (values === undefined || values.length === 0) return;
    if (values.length > QUERY_LIMITS.maxTerms) {
      errors.push({ param, message: `${param} is given ${values.length} times; at most ${QUERY_LIMITS.maxTerms} values are allowed` });
      return;
    }
    const nodes: QueryNode[] = [];
    for (const value of values) {
      const node = one(value);
      if (typeof node === 'string') errors.push({ param, message: `${param}=${JSON.stringify(value)}: ${node}` });
      else nodes.push(node);
    }
    if (nodes.length === values.length) parts.push(orOf(nodes));
  };

  for (const field of KEYWORD_PARAMS) repeated(field, params[field], (value) => keywordParam(field, value));

  repeated('message', params.message, (value) => {
    const words = messageWords(value);
    if (words.length === 0) return 'has no letters or digits to search for (to find symbols, use the regex parameter)';
    return words.length === 1 ? { kind: 'words', words } : { kind: 'phrase', words };
  });

  const regexes = params.regex ?? [];
  if (regexes.length > QUERY_LIMITS.maxRegexes) {
    errors.push({ param: 'regex', message: `regex is given ${regexes.length} times; at most ${QUERY_LIMITS.maxRegexes} are allowed` });
  } else if (regexes.length > 0) {
    const nodes: QueryNode[] = [];
    for (const source of regexes) {
      const parsed = parseRegex(source);
      if (parsed.ok) nodes.push({ kind: 'regex', field: 'message', pattern: parsed.node, source });
      else errors.push({ param: 'regex', message: parsed.error.message, position: parsed.error.position, length: parsed.error.length });
    }
    if (nodes.length === regexes.length) parts.push(orOf(nodes));
  }

  const bound = (param: 'from' | 'to', value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseTimeValue(value.trim(), options.now);
    if (!parsed.ok) {
      errors.push({ param, message: `${param}: ${parsed.reason}` });
      return undefined;
    }
    return parsed.ms;
  };
  const from = bound('from', params.from);
  const to = bound('to', params.to);
  if (from !== undefined && to !== undefined && from > to) {
    errors.push({ param: 'from', message: `from (${new Date(from).toISOString()}) is after to (${new Date(to).toISOString()})` });
  }
  // Both inclusive (contract, section 6).
  if (from !== undefined) parts.push({ kind: 'time', op: '>=', ms: from });
  if (to !== undefined) parts.push({ kind: 'time', op: '<=', ms: to });

  if (errors.length > 0) return { ok: false, errors };
  const ast = parts.length === 0 ? ALL : andOf(parts);
  return { ok: true, ast };
}

/**
 * `ast` AND (resourceId matches one of `patterns`): `server-1*` is a prefix, anything else exact. An empty
 * list means the key is not scoped, and `ast` comes back unchanged.
 */
export function scopeToResources(ast: QueryNode, patterns: readonly string[]): QueryNode {
  if (patterns.length === 0) return ast;
  const allowed = patterns.map((p): QueryNode => (p.endsWith('*') ? { kind: 'prefix', field: 'resourceId', value: p.slice(0, -1) } : { kind: 'term', field: 'resourceId', value: p }));
  return andOf([ast, orOf(allowed)]);
}

