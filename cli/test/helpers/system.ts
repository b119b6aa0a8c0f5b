// The running system the CLI talks to: the gateway and the query API of the local stack (`npm run up`),
// the admin key the stack generated, and events sent straight to the gateway (not through the CLI) as
// the known input of a test. Every test uses its own resourceId, so runs never see each other's events.
import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import { API_URL, adminKey } from '../../../test/helpers/api.js';

export { adminKey };
export const apiUrl = API_URL;
export const gatewayUrl = `http://${process.env.HOST?.trim() || '127.0.0.1'}:${process.env.PORT?.trim() || '3000'}`;

export const uniqueResource = (name: string): string => `cli-test-${name}-${randomUUID().slice(0, 8)}`;

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Fails the test with what to do when a part is down, instead of a cascade of confusing failures. */
export async function requireGateway(t: Test): Promise<boolean> {
  if (await answers(`${gatewayUrl}/healthz`)) return true;
  t.fail(`the gateway does not answer at ${gatewayUrl}; start the stack with \`npm run up\``);
  return false;
}

export async function requireQueryApi(t: Test): Promise<boolean> {
  if (await answers(`${apiUrl}/healthz`)) return true;
  t.fail(`the query API does not answer at ${apiUrl}; start the stack with \`npm run up\``);
  return false;
}

export interface TestEvent {
  id?: string;
  level: string;
  message: string;
  resourceId: string;
  timestamp: string;
  traceId?: string;
  spanId?: string;
  metadata?: Record<string, string | number | boolean>;
}

/** POSTs events to the gateway, 1,000 per request; resolves with their ids in order. */
export async function postEvents(events: readonly TestEvent[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < events.length; i += 1000) {
    const res = await fetch(`${gatewayUrl}/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events.slice(i, i + 1000)) });
    const body = (await res.json()) as { ids?: string[] };
    if (res.status !== 202) throw new Error(`gateway answered ${res.status}: ${JSON.stringify(body)}`);
    ids.push(...(body.ids ?? []));
  }
  return ids;
}

/** Asks the query API (admin key) until `predicate` holds for the hits of a search, or gives up. */
export async function waitForHits(params: Record<string, string>, predicate: (hits: { id: string }[]) => boolean, timeoutMs = 60_000): Promise<{ id: string }[]> {
  const deadline = Date.now() + timeoutMs;
  const query = new URLSearchParams({ limit: '1000', ...params });
  for (;;) {
    const res = await fetch(`${apiUrl}/api/search?${query}`, { headers: { authorization: `Bearer ${adminKey()}` } });
    const body = (await res.json()) as { hits?: { id: string }[] };
    const hits = body.hits ?? [];
    if (res.ok && predicate(hits)) return hits;
    if (Date.now() > deadline) throw new Error(`the query API did not return the expected hits for ${query} within ${timeoutMs} ms (got ${hits.length}, status ${res.status})`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
