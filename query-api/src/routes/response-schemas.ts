// Response bodies of the read and key routes (one schema per status, as Fastify serialises them). They
// also keep a route from ever sending a field it should not (a key hash, a store's internal column).
import Type from 'typebox';

const Str = Type.String();
const NullableStr = Type.Union([Type.String(), Type.Null()]);

export const Hit = Type.Object({
  id: Str,
  timestamp: Str,
  receivedAt: Str,
  level: Str,
  message: Str,
  resourceId: Str,
  traceId: Type.Optional(Str),
  spanId: Type.Optional(Str),
  commit: Type.Optional(Str),
  // Values are strings, numbers or booleans (the event schema); serialised as they are.
  metadata: Type.Optional(Type.Object({}, { additionalProperties: true })),
});

const SourceReport = Type.Object({
  ok: Type.Boolean(),
  tookMs: Type.Number(),
  count: Type.Number(),
  error: Type.Optional(Str),
});

const Sources = Type.Object({
  elasticsearch: Type.Optional(SourceReport),
  postgres: Type.Optional(SourceReport),
});

export const SearchResponse = Type.Object({
  hits: Type.Array(Hit),
  nextCursor: NullableStr,
  partial: Type.Boolean(),
  sources: Sources,
  tookMs: Type.Number(),
});

export const HistogramResponse = Type.Object({
  interval: Str,
  intervalMs: Type.Number(),
  from: Str,
  to: Str,
  buckets: Type.Array(Type.Object({ timestamp: Str, count: Type.Number() })),
  total: Type.Number(),
  partial: Type.Boolean(),
  sources: Sources,
  tookMs: Type.Number(),
});

const StoreStats = Type.Object({
  ok: Type.Boolean(),
  tookMs: Type.Number(),
  count: Type.Optional(Type.Number()),
  newest: Type.Optional(Type.Union([Type.Object({ id: Str, timestamp: Str }), Type.Null()])),
  error: Type.Optional(Str),
});

const GroupLag = Type.Object({
  ok: Type.Boolean(),
  lag: Type.Optional(Type.Number()),
  partitions: Type.Optional(Type.Array(Type.Object({ partition: Type.Number(), committed: NullableStr, end: Str, lag: Type.Number() }))),
  error: Type.Optional(Str),
});

export const StatsResponse = Type.Object({
  stores: Type.Object({ elasticsearch: StoreStats, postgres: StoreStats }),
  lag: Type.Record(Type.String(), GroupLag),
  topic: Str,
  tookMs: Type.Number(),
});

export const KeyRecord = Type.Object({
  id: Str,
  name: Str,
  role: Str,
  resourcePatterns: Type.Array(Str),
  prefix: Str,
  createdAt: Str,
  revokedAt: NullableStr,
});

export const CreatedKey = Type.Object({
  ...KeyRecord.properties,
  key: Str,
});

export const KeyList = Type.Object({ keys: Type.Array(KeyRecord) });
