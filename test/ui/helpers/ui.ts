// Shared by the browser tests: Debian's Chromium through playwright-core, the page's own signals of a
// finished search, the API's answer for the same search, and events of a test run seeded through the
// real gateway and removed from both stores afterwards.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import postgres from 'postgres';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Test } from 'tap';
import { API_URL, adminKey } from '../../helpers/api.js';

export { API_URL, adminKey };
const GATEWAY_URL = 'http://127.0.0.1:3000';
const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'ui');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Debian's Chromium, headless; closed at teardown. A missing browser fails the test, saying how to install it. */
export async function launchBrowser(t: Test): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed (${CHROMIUM} is missing). The browser tests need Debian's chromium package: ` +
        'run `node scripts/install-chromium.mjs` as root (npm test does this first), or `sudo apt-get install -y chromium`.',
    );
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  t.teardown(() => browser.close());
  return browser;
}

/** A page that records uncaught errors of the UI, so a test can prove there were none. */
export async function openPage(browser: Browser, viewport = { width: 1366, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export async function signIn(page: Page, key = adminKey()): Promise<void> {
  await page.getByTestId('signin-key').fill(key);
  await page.getByTestId('signin-submit').click();
}

/** The number of the search on screen (the page counts them on its root element). */
export async function searchSeq(page: Page): Promise<number> {
  return Number((await page.getByTestId('app').getAttribute('data-seq')) ?? 0);
}

/**
 * Waits until a search later than `after` has its first page and its histogram on screen (or failed);
 * returns the state of the results.
 */
export async function searchSettled(page: Page, after: number, timeoutMs = 10_000): Promise<string> {
  const handle = await page.waitForFunction(
    `(() => {
      const a = document.querySelector('[data-testid=app]');
      const h = document.querySelector('[data-testid=histogram]');
      return Number(a.dataset.seq) > ${after} && a.dataset.state !== 'loading' && h.dataset.state !== 'loading' && a.dataset.state;
    })()`,
    undefined,
    { timeout: timeoutMs },
  );
  return String(await handle.jsonValue());
}

/** Runs a user action that starts a search and waits for that search's answer on screen. */
export async function act(page: Page, action: () => Promise<unknown>): Promise<string> {
  const before = await searchSeq(page);
  await action();
  return searchSettled(page, before);
}

export interface Row {
  id: string;
  level: string;
  resourceId: string;
  message: string;
}

/** What the results table shows, top to bottom. */
export async function rows(page: Page): Promise<Row[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid=result-row]')].map((tr) => ({
    id: tr.dataset.id,
    level: tr.querySelector('[data-testid=value-level]').dataset.value,
    resourceId: tr.querySelector('[data-testid=value-resourceId]').dataset.value,
    message: tr.querySelector('[data-testid=row-message]').textContent,
  }))`)) as Row[];
}

export async function chips(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('[data-testid=chip]')].map((c) => c.dataset.field + ':' + c.dataset.value)`)) as string[];
}

/** The page URL's search parameters, which are the API's. */
export function urlParams(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

interface SearchAnswer {
  hits: Array<{ id: string; level: string; resourceId: string; message: string; timestamp: string }>;
  nextCursor: string | null;
  partial: boolean;
  sources: Record<string, { ok: boolean; count?: number; error?: string }>;
}

/** GET /api/search with the admin key, as the UI asks it (first page of 100). */
export async function apiSearch(params: URLSearchParams | Record<string, string | string[]>): Promise<SearchAnswer> {
  const query = new URLSearchParams();
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]));
  for (const [k, v] of entries) query.append(k!, v!);
  if (!query.has('limit')) query.set('limit', '100');
  const res = await fetch(`${API_URL}/api/search?${query}`, { headers: { authorization: `Bearer ${adminKey()}` } });
  const body = (await res.json()) as SearchAnswer;
  if (res.status !== 200) throw new Error(`GET /api/search?${query} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export interface SeedEvent {
  level: string;
  message: string;
  resourceId: string;
  timestamp: string;
  traceId?: string;
  metadata?: Record<string, string | number | boolean>;
}

/** POSTs events to the real gateway; returns their ids in order. */
export async function postEvents(events: SeedEvent[]): Promise<string[]> {
  const res = await fetch(`${GATEWAY_URL}/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
  const body = (await res.json()) as { ids?: string[] };
  if (res.status !== 202 || !body.ids) throw new Error(`POST /logs answered ${res.status}: ${JSON.stringify(body)}`);
  return body.ids;
}

/** Resolves once each store, asked on its own, has every one of `ids` among the events matching query `q`. */
export async function waitStored(q: string, ids: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const want = new Set(ids);
  for (const source of ['elasticsearch', 'postgres']) {
    for (;;) {
      const answer = await apiSearch({ q, source, from: '30d', limit: '1000' }).catch(() => undefined);
      const have = new Set(answer?.hits.map((h) => h.id));
      if ([...want].every((id) => have.has(id))) break;
      if (Date.now() > deadline) throw new Error(`${source} has ${[...want].filter((id) => have.has(id)).length} of ${want.size} events for ${q} after ${timeoutMs} ms`);
      await sleep(300);
    }
  }
}

/**
 * Removes a run's events (every resourceId starting with `prefix`) from both stores, so the shared
 * stores keep only what other tests and people put there.
 */
export async function removeEvents(prefix: string): Promise<void> {
  const es = new Client({ node: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200' });
  const sql = postgres(process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs', { max: 1, onnotice: () => {} });
  try {
    // By id, not _delete_by_query: that lives in the reindex module, which the local node does not load.
    const found = await es.search({ index: 'logs', query: { prefix: { resourceId: prefix } }, size: 10_000, _source: false });
    if (found.hits.hits.length > 0) {
      await es.bulk({ operations: found.hits.hits.map((h) => ({ delete: { _index: h._index, _id: h._id! } })), refresh: true });
    }
    await sql`delete from logs where resource_id like ${`${prefix.replace(/[\\%_]/g, '\\$&')}%`}`;
  } finally {
    await es.close();
    await sql.end();
  }
}

/** A word of the query language (letters and digits only) that no other run uses. */
export function runTag(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}
