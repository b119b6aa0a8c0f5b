// Applies the event rules to every candidate of a request and either returns all events or throws one
// 400 that lists every bad item: a request is all-or-nothing (design contract, section 4).
import { LIMITS, normalizeEvent, type LogEvent, type NormalizeContext } from '@logpipe/schemas';
import { GatewayError, type ErrorItem } from './errors.js';
import type { ParsedBody } from './body-parser.js';

/** Limits an operator may set tighter than the schema's own (config.ts keeps them at most equal). */
export interface EventLimits {
  maxMessageBytes: number;
  maxMetadataKeys: number;
  maxMetadataBytes: number;
}

// The schema's rules come from @logpipe/schemas; these only add the operator's stricter limits, so they
// run on events that already passed (well-formed strings, scalar metadata), and only for a limit set
// below the schema's: at the defaults they cost nothing on the hot path.
function gatewayIssues(event: LogEvent, limits: EventLimits): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (limits.maxMessageBytes < LIMITS.messageMaxBytes) {
    const messageBytes = Buffer.byteLength(event.message, 'utf8');
    if (messageBytes > limits.maxMessageBytes) {
      issues.push({ path: '/message', message: `message is ${messageBytes} bytes of UTF-8; this gateway accepts at most ${limits.maxMessageBytes}` });
    }
  }
  if (event.metadata !== undefined) {
    const keys = Object.keys(event.metadata).length;
    if (limits.maxMetadataKeys < LIMITS.metadataMaxKeys && keys > limits.maxMetadataKeys) {
      issues.push({ path: '/metadata', message: `metadata has ${keys} keys; this gateway accepts at most ${limits.maxMetadataKeys}` });
    }
    if (limits.maxMetadataBytes < LIMITS.metadataMaxBytes) {
      const bytes = Buffer.byteLength(JSON.stringify(event.metadata), 'utf8');
      if (bytes > limits.maxMetadataBytes) {
        issues.push({ path: '/metadata', message: `metadata is ${bytes} bytes as JSON; this gateway accepts at most ${limits.maxMetadataBytes}` });
      }
    }
  }
  return issues;
}

/** Normalises every item; throws GW_INVALID_EVENTS listing each bad item if any is invalid. */
export function validateEvents(body: ParsedBody, ctx: NormalizeContext, limits: EventLimits): LogEvent[] {
  const events: LogEvent[] = [];
  const problems: ErrorItem[] = [];
  let badEvents = 0;
  body.items.forEach((item, index) => {
    const result = normalizeEvent(item, ctx);
    const issues = result.ok ? gatewayIssues(result.event, limits) : result.issues;
    if (issues.length === 0 && result.ok) {
      events.push(result.event);
      return;
    }
    badEvents++;
    const line = body.lines?.[index];
    const at = line === undefined ? {} : { line };
    for (const issue of issues) problems.push({ index, ...at, path: issue.path, message: issue.message });
  });
  if (badEvents > 0) {
    const total = body.items.length;
    throw new GatewayError('GW_INVALID_EVENTS', {
      message: `${badEvents} of ${total} event${total === 1 ? '' : 's'} ${badEvents === 1 ? 'is' : 'are'} invalid; nothing was accepted`,
      items: problems,
    });
  }
  return events;
}
