// Client event -> LogEvent (design contract, section 1). Pure: time and ids come from the context.
// The TypeBox schema checks shapes, types and lengths; the rules below are the ones it cannot
// express (level aliases, UTF-8 bytes, RFC 3339, NUL, reserved keys, flat metadata).
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';
import { IncomingEvent, LEVEL_ALIASES, LEVELS, LIMITS, PARENT_RESOURCE_ID_KEY, type Level, type LogEvent } from './event.js';
import { IssueList, MAX_ISSUES_PER_EVENT, type EventIssue } from './issue-list.js';
import { fieldLabel, pointer } from './json-pointer.js';
import { normalizeTimestamp } from './rfc3339.js';
import { schemaIssues } from './schema-issues.js';
import { codePointLength, describeValue } from './value-text.js';

export type { EventIssue } from './issue-list.js';

export interface NormalizeContext {
  now: () => Date;
  newId: () => string;
}

export type NormalizeResult = { ok: true; event: LogEvent } | { ok: false; issues: EventIssue[] };

// Compiled once: the JIT-compiled check is what keeps the path of a valid event cheap.
const incoming = Compile(IncomingEvent);
const FIELDS = Object.keys(IncomingEvent.properties);
const STRING_FIELDS = ['id', 'level', 'message', 'resourceId', 'timestamp', 'traceId', 'spanId', 'commit'] as const;
// Security: these names reach the prototype chain when assigned on a plain object (and
// JSON.parse makes "__proto__" an own key), so no event may carry them, at any level.
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// The nil and max UUIDs are what a client sends by mistake (a zeroed struct); as idempotency
// keys they would collapse all of that client's events into one, silently.
const PLACEHOLDER_UUIDS = new Set(['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff']);
const LEVEL_CHOICES = `${LEVELS.join(', ')} (or ${Object.keys(LEVEL_ALIASES).join(', ')})`;
const NUL = '\u0000';
// TypeBox stops after 8 errors by default; an anyOf failure costs it 4 (3 branches + anyOf).
const SCHEMA_MAX_ERRORS = MAX_ISSUES_PER_EVENT * 4;

type Fields = Record<string, unknown>;
interface Normalized {
  level?: Level;
  timestamp?: string;
  id?: string;
}

const nulMessage = (label: string): string => `${label} contains a NUL character (\\u0000), which is not allowed`;
// A JSON \\uD800 escape without its pair decodes to a lone surrogate, which has no UTF-8 form: Avro and
// both stores would silently turn it into U+FFFD, so the event would not be stored as it was sent.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const surrogateMessage = (label: string): string => `${label} contains an unpaired UTF-16 surrogate escape, which is not valid Unicode text`;

/** NUL or lone-surrogate problem of a string, or undefined. */
function textProblem(label: () => string, value: string): string | undefined {
  if (value.includes(NUL)) return nulMessage(label());
  if (LONE_SURROGATE.test(value)) return surrogateMessage(label());
  return undefined;
}

/**
 * Own enumerable properties, read once: a getter or an inherited property cannot make what is
 * checked differ from what is copied. An own `__proto__` key is defined, not assigned, so it
 * stays a key (to be reported) instead of replacing the copy's prototype.
 */
function snapshot(value: object): Fields {
  const copy: Fields = {};
  for (const key of Object.keys(value)) {
    const field = (value as Fields)[key];
    if (key === '__proto__') Object.defineProperty(copy, key, { value: field, enumerable: true, writable: true, configurable: true });
    else copy[key] = field;
  }
  return copy;
}

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkLevel(value: string, issues: IssueList, out: Normalized): void {
  const lower = value.toLowerCase();
  // hasOwn, not `in`: "constructor" must not resolve to Object.prototype.constructor.
  const level = (LEVELS as readonly string[]).includes(lower)
    ? (lower as Level)
    : Object.hasOwn(LEVEL_ALIASES, lower)
      ? LEVEL_ALIASES[lower]
      : undefined;
  if (level === undefined) issues.add('/level', `level must be one of ${LEVEL_CHOICES}; got ${describeValue(value)}`);
  else out.level = level;
}

function checkMessage(value: string, issues: IssueList): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > LIMITS.messageMaxBytes) {
    issues.add('/message', `message is ${bytes} bytes; the limit is ${LIMITS.messageMaxBytes} bytes of UTF-8`);
  }
}

function checkTimestamp(value: string, issues: IssueList, out: Normalized): void {
  const result = normalizeTimestamp(value);
  if (result.ok) out.timestamp = result.iso;
  else issues.add('/timestamp', `timestamp ${result.reason}; got ${describeValue(value)}`);
}

function checkId(value: string, issues: IssueList, out: Normalized): void {
  const id = value.toLowerCase();
  if (!UUID.test(id)) {
    issues.add('/id', `id must be a UUID such as 0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7d, or left out; got ${describeValue(value)}`);
  } else if (PLACEHOLDER_UUIDS.has(id)) {
    issues.add('/id', `id ${id} is a placeholder UUID; send a unique UUID per event, or leave id out`);
  } else {
    out.id = id;
  }
}

/** What is wrong with one metadata entry, or undefined. Messages are built only on failure: this runs for every key of every event. */
function metadataProblem(key: string, value: unknown): string | undefined {
  if (RESERVED_KEYS.has(key)) return `metadata key ${describeValue(key)} is a reserved name and is not allowed`;
  const keyProblem = textProblem(() => `metadata key ${describeValue(key)}`, key);
  if (keyProblem) return keyProblem;
  if (key === '') return 'metadata keys must not be empty';
  if (codePointLength(key) > LIMITS.metadataKeyMaxChars) {
    return `metadata key ${describeValue(key)} is ${codePointLength(key)} characters; the limit is ${LIMITS.metadataKeyMaxChars}`;
  }
  const label = (): string => fieldLabel(pointer('metadata', key));
  if (typeof value === 'string') {
    const problem = textProblem(label, value);
    if (problem) return problem;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${label()} must be a finite number; got ${describeValue(value)}`;
  } else if (typeof value === 'object' && value !== null) {
    return `${label()} must be a string, number or boolean; got ${describeValue(value)} (metadata is flat: use keys such as "user.id" instead of nesting)`;
  } else if (typeof value !== 'boolean') {
    return `${label()} must be a string, number or boolean; got ${describeValue(value)}`;
  }
  if (key === PARENT_RESOURCE_ID_KEY && (typeof value !== 'string' || value === '' || codePointLength(value) > LIMITS.parentResourceIdMaxChars)) {
    return `${label()} is a filter like resourceId and must be a string of 1 to ${LIMITS.parentResourceIdMaxChars} characters; got ${describeValue(value)}`;
  }
  return undefined;
}

function checkMetadata(metadata: Fields, issues: IssueList): void {
  const keys = Object.keys(metadata);
  if (keys.length > LIMITS.metadataMaxKeys) {
    issues.add('/metadata', `metadata has ${keys.length} keys; the limit is ${LIMITS.metadataMaxKeys}`);
  }
  // Size of the valid entries as JSON: exact when all are valid, a lower bound otherwise, so the
  // size is still reported alongside the other problems.
  let bytes = 2 + Math.max(0, keys.length - 1);
  for (const key of keys) {
    const value = metadata[key];
    const problem = metadataProblem(key, value);
    if (problem !== undefined) issues.add(pointer('metadata', key), problem);
    else bytes += Buffer.byteLength(JSON.stringify(key), 'utf8') + 1 + Buffer.byteLength(JSON.stringify(value), 'utf8');
  }
  if (bytes > LIMITS.metadataMaxBytes) {
    issues.add('/metadata', `metadata is ${bytes} bytes as JSON; the limit is ${LIMITS.metadataMaxBytes} bytes`);
  }
}

function schemaErrors(fields: Fields): ReturnType<typeof incoming.Errors> {
  // Raised only around this synchronous call, so no other TypeBox user observes the setting.
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: SCHEMA_MAX_ERRORS });
  try {
    return incoming.Errors(fields);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

type Draft = Omit<LogEvent, 'id' | 'receivedAt'> & { id?: string };
type CheckResult = { ok: true; draft: Draft } | { ok: false; issues: EventIssue[] };

// The fast path below accepts an event only when every rule of detailedCheck would pass; on any doubt
// it answers undefined and detailedCheck decides, so issues (paths, messages, order) come from one place.
const FIELD_SET = new Set(FIELDS);
const LEVEL_BY_NAME = new Map<string, Level>([...LEVELS.map((l): [string, Level] => [l, l]), ...Object.entries(LEVEL_ALIASES)]);
// Any surrogate sends the string to the detailed path, which tells paired from unpaired ones.
const SURROGATE = /[\uD800-\uDFFF]/;
// Largest UTF-8 size of one UTF-16 unit once JSON-quoted (a control character becomes \u00XX).
const MAX_JSON_BYTES_PER_UNIT = 6;
// Longer than any JS number's shortest decimal form (e.g. -2.2250738585072014e-308 is 24 chars).
const MAX_JSON_NUMBER_BYTES = 32;

/** Plain text: no NUL and no surrogate at all (so certainly no lone one). */
function plainText(value: string): boolean {
  return !value.includes(NUL) && !SURROGATE.test(value);
}

function fastMetadata(metadata: Fields): boolean {
  const keys = Object.keys(metadata);
  if (keys.length > LIMITS.metadataMaxKeys) return false;
  // An upper bound of the metadata's size as JSON; only a bound over the limit needs the exact size.
  let bound = 2 + Math.max(0, keys.length - 1);
  for (const key of keys) {
    if (key === '' || RESERVED_KEYS.has(key) || key.length > LIMITS.metadataKeyMaxChars || !plainText(key)) return false;
    const value = metadata[key];
    bound += MAX_JSON_BYTES_PER_UNIT * key.length + 3;
    if (typeof value === 'string') {
      if (!plainText(value)) return false;
      if (key === PARENT_RESOURCE_ID_KEY && (value === '' || value.length > LIMITS.parentResourceIdMaxChars)) return false;
      bound += MAX_JSON_BYTES_PER_UNIT * value.length + 2;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value) || key === PARENT_RESOURCE_ID_KEY) return false;
      bound += MAX_JSON_NUMBER_BYTES;
    } else if (typeof value === 'boolean') {
      if (key === PARENT_RESOURCE_ID_KEY) return false;
      bound += 5;
    } else {
      return false;
    }
  }
  return bound <= LIMITS.metadataMaxBytes;
}

/** The draft of a valid event without collecting issues, or undefined to let detailedCheck decide. */
function fastCheck(fields: Fields): Draft | undefined {
  for (const key of Object.keys(fields)) if (!FIELD_SET.has(key)) return undefined;
  if (!incoming.Check(fields)) return undefined;
  // The schema held: the fields present have their types, lengths and a flat metadata record.
  const { level, message, resourceId, timestamp, id, traceId, spanId, commit, metadata } = fields as IncomingEvent;
  if (!plainText(level) || !plainText(message) || !plainText(resourceId) || !plainText(timestamp)) return undefined;
  if ((id !== undefined && !plainText(id)) || (traceId !== undefined && !plainText(traceId))) return undefined;
  if ((spanId !== undefined && !plainText(spanId)) || (commit !== undefined && !plainText(commit))) return undefined;
  const normalLevel = LEVEL_BY_NAME.get(level.toLowerCase());
  if (normalLevel === undefined) return undefined;
  // Three bytes of UTF-8 at most per UTF-16 unit: only a long message needs counting.
  if (message.length * 3 > LIMITS.messageMaxBytes && Buffer.byteLength(message, 'utf8') > LIMITS.messageMaxBytes) return undefined;
  const time = normalizeTimestamp(timestamp);
  if (!time.ok) return undefined;
  let normalId: string | undefined;
  if (id !== undefined) {
    normalId = id.toLowerCase();
    if (!UUID.test(normalId) || PLACEHOLDER_UUIDS.has(normalId)) return undefined;
  }
  if (metadata !== undefined && !fastMetadata(metadata)) return undefined;
  const draft: Draft = { level: normalLevel, message, resourceId, timestamp: time.iso };
  if (normalId !== undefined) draft.id = normalId;
  if (traceId !== undefined) draft.traceId = traceId;
  if (spanId !== undefined) draft.spanId = spanId;
  if (commit !== undefined) draft.commit = commit;
  if (metadata !== undefined) draft.metadata = metadata;
  return draft;
}

function check(input: unknown): CheckResult {
  if (!isRecord(input)) {
    return { ok: false, issues: [{ path: '', message: `an event must be a JSON object; got ${describeValue(input)}` }] };
  }
  const fields = snapshot(input);
  if (isRecord(fields.metadata)) fields.metadata = snapshot(fields.metadata);
  const draft = fastCheck(fields);
  return draft === undefined ? detailedCheck(fields) : { ok: true, draft };
}

/** Every rule, with every problem worded: the authority on what is wrong with an event. */
function detailedCheck(fields: Fields): CheckResult {
  const issues = new IssueList(FIELDS);
  const out: Normalized = {};

  for (const key of Object.keys(fields)) {
    if (RESERVED_KEYS.has(key)) issues.add(pointer(key), `field ${JSON.stringify(key)} is a reserved name and is not allowed`);
  }
  for (const name of STRING_FIELDS) {
    const value = fields[name];
    if (typeof value !== 'string') continue;
    const problem = textProblem(() => name, value);
    if (problem) issues.add(pointer(name), problem);
    else if (name === 'level') checkLevel(value, issues, out);
    else if (name === 'message') checkMessage(value, issues);
    else if (name === 'timestamp') checkTimestamp(value, issues, out);
    else if (name === 'id') checkId(value, issues, out);
  }
  if (isRecord(fields.metadata)) checkMetadata(fields.metadata, issues);

  const valid = incoming.Check(fields);
  if (!valid) {
    for (const issue of schemaIssues(schemaErrors(fields), fields, FIELDS)) issues.addFallback(issue.path, issue.message);
    // Never let a schema failure through unexplained, even if no error could be worded.
    if (issues.size === 0) issues.add('', 'the event does not match the event schema');
  }
  if (!valid || issues.size > 0 || out.level === undefined || out.timestamp === undefined) {
    return { ok: false, issues: issues.toArray() };
  }
  const draft: Draft = { level: out.level, message: fields.message, resourceId: fields.resourceId, timestamp: out.timestamp };
  if (out.id !== undefined) draft.id = out.id;
  if (fields.traceId !== undefined) draft.traceId = fields.traceId;
  if (fields.spanId !== undefined) draft.spanId = fields.spanId;
  if (fields.commit !== undefined) draft.commit = fields.commit;
  if (fields.metadata !== undefined) draft.metadata = fields.metadata;
  return { ok: true, draft };
}

/**
 * Validates one client event and returns it normalised, or every problem found (each with the
 * JSON Pointer of the field and a message naming it). Never throws for any input.
 */
export function normalizeEvent(input: unknown, ctx: NormalizeContext): NormalizeResult {
  let result: CheckResult;
  try {
    result = check(input);
  } catch (error) {
    // Only exotic non-JSON inputs get here (a throwing getter or Proxy trap): report, never throw.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ path: '', message: `the event could not be read: ${reason}` }] };
  }
  if (!result.ok) return result;
  // The context is called only for a valid event, and outside the try: a failing clock or id
  // generator is the server's fault and must not be reported as the client's.
  // Built field by field (no rest/spread): this runs for every event. Same key order as the draft's.
  const draft = result.draft;
  const receivedAt = ctx.now().toISOString();
  const event: LogEvent = { id: draft.id ?? ctx.newId(), level: draft.level, message: draft.message, resourceId: draft.resourceId, timestamp: draft.timestamp, receivedAt };
  if (draft.traceId !== undefined) event.traceId = draft.traceId;
  if (draft.spanId !== undefined) event.spanId = draft.spanId;
  if (draft.commit !== undefined) event.commit = draft.commit;
  if (draft.metadata !== undefined) event.metadata = draft.metadata;
  return { ok: true, event };
}
