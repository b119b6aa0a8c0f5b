// The log event: the single source of truth for its fields (design contract, section 1).
// The gateway validates with it, the Avro schema is checked against it, and the stores map from it.
import Type, { type Static } from 'typebox';

export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** Spellings clients send that mean one of LEVELS (compared case-insensitively). */
export const LEVEL_ALIASES: Readonly<Record<string, Level>> = {
  warning: 'warn',
  err: 'error',
  critical: 'fatal',
};

export const LIMITS = {
  messageMaxBytes: 32 * 1024,
  resourceIdMaxChars: 256,
  traceIdMaxChars: 128,
  spanIdMaxChars: 128,
  commitMaxChars: 64,
  metadataMaxKeys: 64,
  metadataMaxBytes: 8 * 1024,
  metadataKeyMaxChars: 128,
  /** Same as resourceId: it is indexed like resourceId, and a btree entry must stay small. */
  parentResourceIdMaxChars: 256,
} as const;

/** The metadata key that is a first-class, indexed filter (`parentResourceId:` in queries). */
export const PARENT_RESOURCE_ID_KEY = 'parentResourceId';

const MetadataValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** What a client POSTs, before normalisation. `level` and `timestamp` are checked further by the gateway. */
export const IncomingEvent = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid' })),
    level: Type.String({ minLength: 1, maxLength: 16 }),
    message: Type.String({ minLength: 1 }),
    resourceId: Type.String({ minLength: 1, maxLength: LIMITS.resourceIdMaxChars }),
    timestamp: Type.String({ minLength: 1, maxLength: 64 }),
    traceId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.traceIdMaxChars })),
    spanId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.spanIdMaxChars })),
    commit: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.commitMaxChars })),
    metadata: Type.Optional(Type.Record(Type.String(), MetadataValue, { maxProperties: LIMITS.metadataMaxKeys })),
  },
  { additionalProperties: false },
);
export type IncomingEvent = Static<typeof IncomingEvent>;

/** The event as it travels on Kafka and is stored: normalised, with identity and arrival time. */
export const LogEvent = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    // Enum, not Union(LEVELS.map(Literal)): a mapped array is not a tuple, so its static type was `never`.
    level: Type.Enum(LEVELS),
    message: Type.String({ minLength: 1 }),
    resourceId: Type.String({ minLength: 1, maxLength: LIMITS.resourceIdMaxChars }),
    timestamp: Type.String({ format: 'date-time' }),
    receivedAt: Type.String({ format: 'date-time' }),
    traceId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.traceIdMaxChars })),
    spanId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.spanIdMaxChars })),
    commit: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.commitMaxChars })),
    metadata: Type.Optional(Type.Record(Type.String(), MetadataValue, { maxProperties: LIMITS.metadataMaxKeys })),
  },
  { additionalProperties: false },
);
export type LogEvent = Static<typeof LogEvent>;
