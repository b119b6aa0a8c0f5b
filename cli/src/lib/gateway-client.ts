// POST /logs of the ingest gateway (design contract, section 4), as `logs ingest` uses it: NDJSON bodies,
// every status handed back (the delivery logic decides), and the errors that end a run worded for it.
import { CliError } from './errors.js';
import { DEFAULT_TIMEOUT_MS, parseServerError, send, statusError, type ServerTarget } from './http.js';
import type { GatewayAnswer } from './ingest/deliver.js';

export class GatewayClient {
  constructor(readonly target: ServerTarget) {}

  async post(ndjson: string): Promise<GatewayAnswer> {
    // The gateway answers once Kafka acknowledged (or after its own produce timeout, 10 s by default).
    const res = await send(this.target, '/logs', { method: 'POST', body: ndjson, contentType: 'application/x-ndjson', timeoutMs: 2 * DEFAULT_TIMEOUT_MS });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, body, retryAfterS: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined };
  }

  /** The error that stops a run for an answer no retry or resend can fix. */
  fatal(status: number, body: unknown): CliError {
    const server = parseServerError(JSON.stringify(body ?? {}));
    if (status === 403) {
      return new CliError('CLI_FORBIDDEN', `the gateway refused the API key${server.message ? `: ${server.message}` : ''}; use a key with the ingester role (--api-key or LOGS_API_KEY)`, {
        details: { status, serverCode: server.code },
      });
    }
    if (status === 429 || status === 503) {
      return new CliError('CLI_SERVER_ERROR', `the gateway stayed unavailable (HTTP ${status}${server.code ? ` ${server.code}` : ''}) after several tries; check \`logs stack status\` and send the rest again later`, {
        details: { status, serverCode: server.code, serverMessage: server.message },
      });
    }
    return statusError(this.target, status, server, 'accept events');
  }
}
