// From request parameters to the AST every store compiles: the language folds q, the field parameters and
// from/to into one AST (buildQuery), and the key's resource patterns are AND-ed onto it (design contract,
// section 7) — here, once, before any backend sees it, so no store and no route can forget the scope.
import { buildQuery, parseTimeValue, scopeToResources, type ParamError, type QueryNode, type SearchParams } from '@logpipe/schemas';
import { QueryApiError, type ErrorItem } from '../errors.js';

function invalidQuery(errors: readonly ParamError[]): QueryApiError {
  const items: ErrorItem[] = errors.map((e) => ({
    param: e.param,
    message: e.message,
    ...(e.position === undefined ? {} : { position: e.position }),
    ...(e.length === undefined ? {} : { length: e.length }),
  }));
  const first = items[0];
  const more = items.length > 1 ? ` (and ${items.length - 1} more)` : '';
  return new QueryApiError('QRY_INVALID_QUERY', { ...(first ? { message: `${first.param}: ${first.message}${more}` } : {}), items });
}

export function scopedQuery(params: SearchParams, resourcePatterns: readonly string[], nowMs: number): QueryNode {
  const built = buildQuery(params, { now: nowMs });
  if (!built.ok) throw invalidQuery(built.errors);
  return scopeToResources(built.ast, resourcePatterns);
}

/** Whether the query holds a regular expression: such queries get the shorter regex deadline. */
export function hasRegex(node: QueryNode): boolean {
  switch (node.kind) {
    case 'regex':
      return true;
    case 'and':
    case 'or':
      return node.children.some(hasRegex);
    case 'not':
      return hasRegex(node.child);
    default:
      return false;
  }
}

/** Epoch ms of one `from`/`to` value, read as the language reads them (RFC 3339, `now`, or relative like `15m`). */
export function boundMs(param: 'from' | 'to', value: string, nowMs: number): number {
  const time = parseTimeValue(value, nowMs);
  if (!time.ok) throw invalidQuery([{ param, message: time.reason }]);
  return time.ms;
}
