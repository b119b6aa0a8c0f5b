// The filter parameters every read route shares (design contract, section 6) as TypeBox route schemas,
// and their conversion into @logpipe/schemas' SearchParams. Repeated field parameters are OR-ed by the
// language (buildQuery); here they only arrive as arrays (Fastify's Ajv coerces a single value into one).
import type { SearchParams } from '@logpipe/schemas';
import Type, { type Static } from 'typebox';
import { STORE_NAMES, type StoreName } from '../stores/contract.js';

export const FIELD_PARAMS = ['level', 'resourceId', 'traceId', 'spanId', 'commit', 'parentResourceId', 'message', 'regex'] as const;

// Generous bounds: the language gives the precise error (with a position) for what it refuses; these
// only keep absurd requests from reaching it.
const Values = Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 100 });

export const FilterProperties = {
  q: Type.Optional(Type.String({ maxLength: 16_384 })),
  level: Type.Optional(Values),
  resourceId: Type.Optional(Values),
  traceId: Type.Optional(Values),
  spanId: Type.Optional(Values),
  commit: Type.Optional(Values),
  parentResourceId: Type.Optional(Values),
  message: Type.Optional(Values),
  regex: Type.Optional(Values),
  from: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  to: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
};

export const SourceParam = Type.Optional(Type.Enum(['both', ...STORE_NAMES]));

export const SearchQuerystring = Type.Object(
  {
    ...FilterProperties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    order: Type.Optional(Type.Enum(['desc', 'asc'])),
    source: SourceParam,
  },
  { additionalProperties: false },
);
export type SearchQuerystring = Static<typeof SearchQuerystring>;

export const TailQuerystring = Type.Object(FilterProperties, { additionalProperties: false });
export type TailQuerystring = Static<typeof TailQuerystring>;

export type FilterQuerystring = TailQuerystring;

/** The filter part of a request's parameters, as the language takes them. */
export function toSearchParams(query: FilterQuerystring): SearchParams {
  const params: SearchParams = {};
  if (query.q !== undefined) params.q = query.q;
  for (const field of FIELD_PARAMS) {
    const values = query[field];
    if (values !== undefined && values.length > 0) params[field] = values;
  }
  if (query.from !== undefined) params.from = query.from;
  if (query.to !== undefined) params.to = query.to;
  return params;
}

/** The stores a `source` parameter asks. */
export function storesFor(source: 'both' | StoreName | undefined): StoreName[] {
  return source === undefined || source === 'both' ? [...STORE_NAMES] : [source];
}
