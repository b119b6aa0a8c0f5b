// Gets one batch of events into the gateway, keeping every good event even though a gateway request is
// all-or-nothing (design contract, section 4): a 400 lists the bad items by index, so the batch is sent
// again without them (parse errors are reported before event errors, so this can take a few rounds);
// a 413 splits the batch in halves; 429/503 wait for Retry-After and resend the same events with the
// same ids, which the stores keep once. No HTTP here: `post` is passed in.
import { CliError } from '../errors.js';
import type { InputItem } from './input.js';
import { uuidv7 } from './uuid.js';

export interface GatewayAnswer {
  status: number;
  /** The parsed JSON body, if it was JSON. */
  body: unknown;
  /** Seconds from the Retry-After header. */
  retryAfterS: number | undefined;
}

/** Sends an NDJSON body; a network failure rejects with a CliError. */
export type PostBatch = (ndjson: string) => Promise<GatewayAnswer>;

export interface Issue {
  path: string;
  message: string;
}

export interface Rejection {
  line?: number;
  index?: number;
  issues: Issue[];
}

export interface BatchResult {
  accepted: number;
  rejected: Rejection[];
  requests: number;
  retries: number;
}

export interface DeliverOptions {
  post: PostBatch;
  /** Sends of one body before giving up on 429, 503 or a lost connection. */
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  /** Whether a network failure is worth retrying: not before the gateway ever answered (it is not there). */
  retryNetworkErrors: () => boolean;
  /** A fatal answer (401, 403, 404, 415, 5xx other than 503): the whole run stops with this error. */
  fatal: (status: number, body: unknown) => CliError;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000];
const MAX_RETRY_AFTER_MS = 30_000;

interface GatewayItem {
  index: number;
  path: string;
  message: string;
}

function errorOf(body: unknown): { code?: string; message?: string; items: GatewayItem[] } {
  const error = (body as { error?: unknown } | null)?.error;
  if (error === null || typeof error !== 'object') return { items: [] };
  const e = error as { code?: unknown; message?: unknown; items?: unknown };
  const items = Array.isArray(e.items)
    ? e.items.filter((i): i is GatewayItem => i !== null && typeof i === 'object' && Number.isInteger((i as GatewayItem).index))
    : [];
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.message === 'string' ? { message: e.message } : {}),
    items,
  };
}

/**
 * Gives an event without an id a UUIDv7 before its first send, by splicing `"id":"…",` after the opening
 * brace: the rest of the line stays byte for byte what the user wrote. Lines that are not JSON objects
 * are left alone for the gateway to report.
 */
export function withId(item: InputItem, now: number = Date.now()): InputItem {
  let value: unknown;
  try {
    value = JSON.parse(item.text);
  } catch {
    return item;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.hasOwn(value, 'id')) return item;
  const brace = item.text.indexOf('{');
  const empty = Object.keys(value).length === 0;
  const id = `"id":"${uuidv7(now)}"${empty ? '' : ','}`;
  return { ...item, text: `${item.text.slice(0, brace + 1)}${id}${item.text.slice(brace + 1)}` };
}

const where = (item: InputItem): Pick<Rejection, 'line' | 'index'> =>
  item.line !== undefined ? { line: item.line } : item.index !== undefined ? { index: item.index } : {};

/** Delivers `items` (ids already assigned); resolves with what was accepted and what was rejected. */
export async function deliverBatch(items: readonly InputItem[], options: DeliverOptions): Promise<BatchResult> {
  const result: BatchResult = { accepted: 0, rejected: [], requests: 0, retries: 0 };
  let pending = [...items];
  while (pending.length > 0) {
    const answer = await sendWithRetries(pending, options, result);
    if (answer.status === 202) {
      result.accepted += pending.length;
      return result;
    }
    const error = errorOf(answer.body);
    if (answer.status === 413) {
      if (pending.length === 1) {
        result.rejected.push({ ...where(pending[0] as InputItem), issues: [{ path: '', message: error.message ?? 'the event is larger than the gateway accepts in one request' }] });
        return result;
      }
      // Too big as a whole: each half on its own (recursively, so one huge line ends up alone).
      const half = Math.ceil(pending.length / 2);
      for (const part of [pending.slice(0, half), pending.slice(half)]) {
        const sub = await deliverBatch(part, options);
        result.accepted += sub.accepted;
        result.rejected.push(...sub.rejected);
        result.requests += sub.requests;
        result.retries += sub.retries;
      }
      return result;
    }
    if (answer.status === 400) {
      const byIndex = new Map<number, Issue[]>();
      for (const item of error.items) {
        if (item.index < 0 || item.index >= pending.length) continue;
        const issues = byIndex.get(item.index) ?? [];
        // The gateway numbers lines within its request body; ours are the input's, so drop its number.
        const message = String(item.message).replace(/^line \d+ is not valid JSON/, 'not valid JSON');
        issues.push({ path: typeof item.path === 'string' ? item.path : '', message });
        byIndex.set(item.index, issues);
      }
      if (byIndex.size === 0) {
        // Nothing to single out: the request as a whole was refused, so is every event in it.
        const issues = [{ path: '', message: error.message ?? `refused with HTTP 400${error.code ? ` ${error.code}` : ''}` }];
        for (const item of pending) result.rejected.push({ ...where(item), issues });
        return result;
      }
      for (const [index, issues] of byIndex) result.rejected.push({ ...where(pending[index] as InputItem), issues });
      pending = pending.filter((_, i) => !byIndex.has(i));
      continue;
    }
    throw options.fatal(answer.status, answer.body);
  }
  return result;
}

async function sendWithRetries(pending: readonly InputItem[], options: DeliverOptions, result: BatchResult): Promise<GatewayAnswer> {
  const body = `${pending.map((i) => i.text).join('\n')}\n`;
  for (let attempt = 1; ; attempt++) {
    result.requests++;
    let answer: GatewayAnswer;
    try {
      answer = await options.post(body);
    } catch (err) {
      if (attempt >= options.maxAttempts || !options.retryNetworkErrors()) throw err;
      result.retries++;
      await options.sleep(BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)] as number);
      continue;
    }
    const retryable = answer.status === 429 || answer.status === 503;
    if (!retryable || attempt >= options.maxAttempts) return answer;
    result.retries++;
    const backoff = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)] as number;
    await options.sleep(answer.retryAfterS === undefined ? backoff : Math.min(answer.retryAfterS * 1000, MAX_RETRY_AFTER_MS));
  }
}
