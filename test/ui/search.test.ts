// The web UI in Debian's Chromium against the running system (gateway :3000, query API :3001): a person
// signs in, filters by level, searches a phrase, filters by resource, narrows the time range, clicks a
// value to filter on it and reloads; at each step the rows on screen must be exactly the API's answer
// for the same search. Events of this run are seeded through the gateway and removed afterwards.
import t, { type Test } from 'tap';
import {
  ARTIFACTS,
  API_URL,
  act,
  adminKey,
  apiSearch,
  chips,
  launchBrowser,
  openPage,
  postEvents,
  removeEvents,
  rows,
  runTag,
  screenshot,
  searchSeq,
  searchSettled,
  signIn,
  urlParams,
  waitStored,
  type Row,
  type SeedEvent,
} from './helpers/ui.js';

const tag = runTag('uis');
const prefix = `ui-${tag}-`;
const resources = ['api', 'db', 'web'].map((r) => `${prefix}${r}`);
// Every search of this test is kept to this run's events by this query; the steps add to it.
const scope = `resourceId:${prefix}*`;
const levels = ['info', 'warn', 'error', 'debug'];
const templates = [
  (i: number) => `${tag} request ${i} handled in ${i * 7} ms`,
  (i: number) => `${tag} disk full on volume ${i}`,
  // The same words as the phrase below, in another order: a phrase search must leave these out.
  (i: number) => `${tag} full disk warning ${i}`,
  (i: number) => `${tag} connection reset by peer ${i}`,
  (i: number) => `${tag} cache miss for key k${i}`,
];
const MIN = 60_000;
const now = Date.now();
// 18 events in the last 40 minutes, 4 about three hours ago, 2 two days ago.
const ageMs = (i: number) => (i < 18 ? (i * 2 + 1) * MIN : i < 22 ? 3 * 60 * MIN + i * MIN : 2 * 24 * 60 * MIN + i * MIN);
const seed: SeedEvent[] = Array.from({ length: 24 }, (_, i) => ({
  level: levels[i % levels.length]!,
  message: templates[i % templates.length]!(i),
  resourceId: resources[i % resources.length]!,
  timestamp: new Date(now - ageMs(i)).toISOString(),
  ...(i % 4 === 0 ? { traceId: `trace-${tag}-${i}` } : {}),
}));

const ids = (list: Array<{ id: string }>) => list.map((r) => r.id);
let seededIds: string[] = [];
const idsWhere = (keep: (e: SeedEvent, i: number) => boolean) => new Set(seededIds.filter((_, i) => keep(seed[i]!, i)));

t.before(async () => {
  seededIds = await postEvents(seed);
  await waitStored(scope, seededIds);
});
t.teardown(() => removeEvents(prefix));

t.test('search in the browser matches the API', async (t) => {
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser);

  /** The rows on screen against the API's first page for the page's own URL, and against the seed. */
  async function matchesApi(t: Test, expected: Set<string>, what: string): Promise<Row[]> {
    const shown = await rows(page);
    const answer = await apiSearch(urlParams(page));
    t.notOk(answer.partial, `${what}: both stores answered ${JSON.stringify(answer.sources)}`);
    t.same(ids(shown), ids(answer.hits), `${what}: the rows are the API's answer, in its order`);
    t.same(new Set(ids(shown)), expected, `${what}: the rows are the seeded events that match`);
    return shown;
  }

  /** The sum of the histogram's bars (each carries its count). */
  async function histogramTotal(t: Test): Promise<number> {
    t.equal(await page.getByTestId('histogram').getAttribute('data-state'), 'done', 'the histogram answered');
    const counts = await page.getByTestId('histogram-bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));
    return counts.reduce((a, b) => a + b, 0);
  }

  await t.test('sign in', async (t) => {
    await page.goto(`${API_URL}/?${new URLSearchParams({ q: scope, from: '7d' })}`);
    await page.getByTestId('signin').waitFor();
    t.ok(await page.getByTestId('app').isHidden(), 'nothing but the sign-in form before a key is given');

    await signIn(page, 'not-a-key-of-this-system');
    await page.getByTestId('signin-error').waitFor();
    t.match(await page.getByTestId('signin-error').textContent(), /not accepted/, 'a wrong key is refused');

    const before = await searchSeq(page);
    await signIn(page);
    t.equal(await searchSettled(page, before), 'done');
    t.equal(await page.getByTestId('query-input').inputValue(), scope, 'the query from the URL is in the query bar');
    await matchesApi(t, new Set(seededIds), 'after sign-in');
    t.equal(await page.evaluate('sessionStorage.length'), 1, 'the key is kept in sessionStorage');
    t.equal(await page.evaluate('localStorage.length'), 0, 'and nowhere that outlives the tab');
    await screenshot(page, 'search');
  });

  await t.test('level filter', async (t) => {
    await act(page, () => page.getByTestId('filter-level-error').check());
    t.same(urlParams(page).getAll('level'), ['error'], 'the URL holds the filter');
    const shown = await matchesApi(t, idsWhere((e) => e.level === 'error'), 'level=error');
    t.ok(shown.every((r) => r.level === 'error'), 'every row is an error');
    t.equal(await page.locator('[data-testid=value-level].lvl-error').count(), shown.length, 'levels are coloured by level');
    await screenshot(page, 'level-filter');
    await act(page, () => page.getByTestId('filter-level-error').uncheck());
    t.equal(urlParams(page).has('level'), false, 'unchecking removes it');
  });

  await t.test('phrase search', async (t) => {
    await act(page, async () => {
      await page.getByTestId('query-input').fill(`${scope} "disk full"`);
      await page.getByTestId('query-input').press('Enter');
    });
    t.equal(urlParams(page).get('q'), `${scope} "disk full"`);
    const shown = await matchesApi(t, idsWhere((e) => e.message.includes('disk full')), 'phrase');
    t.ok(shown.length > 0 && shown.every((r) => r.message.includes('disk full')), 'only messages with the words in that order');
  });

  await t.test('resource filter', async (t) => {
    await act(page, async () => {
      await page.getByTestId('query-input').fill(scope);
      await page.getByTestId('query-input').press('Enter');
    });
    await act(page, async () => {
      await page.getByTestId('filter-input-resourceId').fill(resources[1]!);
      await page.getByTestId('filter-input-resourceId').press('Enter');
    });
    t.same(await chips(page), [`resourceId:${resources[1]}`], 'the filter shows as a chip');
    t.same(urlParams(page).getAll('resourceId'), [resources[1]]);
    const shown = await matchesApi(t, idsWhere((e) => e.resourceId === resources[1]), 'resourceId');
    t.ok(shown.every((r) => r.resourceId === resources[1]));
    await act(page, () => page.getByTestId('chip-remove').click());
    t.same(await chips(page), [], 'removing the chip removes the filter');
  });

  await t.test('time range', async (t) => {
    await act(page, () => page.getByTestId('range-preset-1h').click());
    t.equal(urlParams(page).get('from'), '1h');
    await matchesApi(t, idsWhere((_, i) => ageMs(i) < 60 * MIN), 'last hour');

    // Custom bounds, typed as local time like the table shows: from 4 h to 2 h ago.
    await page.getByTestId('range-label').click();
    const local = (ms: number) => {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    };
    await page.getByTestId('range-from').fill(local(now - 4 * 60 * MIN));
    await page.getByTestId('range-to').fill(local(now - 2 * 60 * MIN));
    await act(page, () => page.getByTestId('range-apply').click());
    const from = Date.parse(urlParams(page).get('from') ?? '');
    const to = Date.parse(urlParams(page).get('to') ?? '');
    t.ok(Math.abs(from - (now - 4 * 60 * MIN)) < 1000 && Math.abs(to - (now - 2 * 60 * MIN)) < 1000, 'the URL holds the absolute bounds, in UTC');
    await matchesApi(t, idsWhere((_, i) => ageMs(i) >= 2 * 60 * MIN && ageMs(i) <= 4 * 60 * MIN), 'custom range');
    t.equal(await histogramTotal(t), 4, 'the histogram follows the range');
    await screenshot(page, 'time-range');
  });

  await t.test('histogram drag narrows the range', async (t) => {
    await act(page, () => page.getByTestId('range-preset-7d').click());
    t.equal(await histogramTotal(t), seed.length, 'the histogram counts the events of the search');
    const box = (await page.getByTestId('histogram-svg').boundingBox())!;
    // The right-most tenth of a 7-day chart: the last ~17 hours, which hold the recent events only.
    await act(page, async () => {
      await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.95, box.y + box.height / 2, { steps: 4 });
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 4 });
      await page.mouse.up();
    });
    const from = Date.parse(urlParams(page).get('from') ?? '');
    const to = Date.parse(urlParams(page).get('to') ?? '');
    t.ok(to - from < 24 * 60 * MIN && to - from > 10 * 60 * MIN, `the range is now about a tenth of 7 days (${((to - from) / 3_600_000).toFixed(1)} h)`);
    await matchesApi(t, idsWhere((_, i) => now - ageMs(i) >= from && now - ageMs(i) <= to), 'dragged range');
  });

  await t.test('clicking a resourceId adds it as a filter', async (t) => {
    await act(page, () => page.getByTestId('range-preset-7d').click());
    const first = page.getByTestId('result-row').first();
    const resource = (await first.getByTestId('value-resourceId').getAttribute('data-value'))!;
    await act(page, () => first.getByTestId('value-resourceId').click());
    t.same(await chips(page), [`resourceId:${resource}`]);
    t.same(urlParams(page).getAll('resourceId'), [resource]);
    await matchesApi(t, idsWhere((e) => e.resourceId === resource), 'clicked resourceId');
    t.equal(await page.getByTestId('result-detail').first().isHidden(), true, 'clicking a value does not expand the row');
  });

  await t.test('a row expands to the full event, from the keyboard too', async (t) => {
    const first = page.getByTestId('result-row').first();
    const id = (await first.getAttribute('data-id'))!;
    await first.focus();
    await page.keyboard.press('Enter');
    const json = page.getByTestId('event-json').first();
    await json.waitFor();
    const event = JSON.parse((await json.textContent())!) as Record<string, unknown>;
    t.equal(event.id, id, 'the expanded JSON is the event of the row');
    t.match(event, { level: String, message: String, resourceId: String, timestamp: String, receivedAt: String });
    t.equal(await first.getAttribute('aria-expanded'), 'true');
    await screenshot(page, 'expanded-row');
    await page.keyboard.press('j');
    t.equal(await page.getByTestId('result-row').nth(1).evaluate((el) => el === el.ownerDocument.activeElement), true, 'j moves to the next row');
    await page.keyboard.press('/');
    t.equal(await page.getByTestId('query-input').evaluate((el) => el === el.ownerDocument.activeElement), true, '/ goes to the query bar');
  });

  await t.test('reload gives the same search back', async (t) => {
    const url = page.url();
    const before = await rows(page);
    await page.reload();
    // A new document counts its searches from 0 again.
    t.equal(await searchSettled(page, 0), 'done', 'signed in still (same tab), and the search ran');
    t.equal(page.url(), url);
    t.same(ids(await rows(page)), ids(before), 'the same rows');
    t.same(await chips(page), [`resourceId:${urlParams(page).get('resourceId')}`], 'the same filters');
    t.equal(await page.getByTestId('query-input').inputValue(), scope, 'the same query');
    t.equal(await page.getByTestId('range-preset-7d').getAttribute('aria-pressed'), 'true', 'the same range');
  });

  await t.test('more rows load through the cursor', async (t) => {
    const cursors: string[] = [];
    const onRequest = (req: { url(): string }) => {
      const url = new URL(req.url());
      if (url.pathname === '/api/search' && url.searchParams.has('cursor')) cursors.push(url.searchParams.get('cursor')!);
    };
    page.on('request', onRequest);
    await page.goto(`${API_URL}/?${new URLSearchParams({ q: scope, from: '7d', limit: '10' })}`);
    t.equal(await searchSettled(page, 0), 'done');
    await page.getByTestId('results-end').scrollIntoViewIfNeeded();
    await page.getByTestId('results-end').waitFor();
    page.off('request', onRequest);
    t.equal(cursors.length, 2, 'pages 2 and 3 (of 10 rows) were asked for with the cursor');
    const all = await apiSearch({ q: scope, from: '7d', limit: '100' });
    t.same(ids(await rows(page)), ids(all.hits), 'all rows, in the order of one big page, none twice');
  });

  await t.test('a query error is shown at its position', async (t) => {
    const q = `${scope} (disk`;
    const state = await act(page, async () => {
      await page.getByTestId('query-input').fill(q);
      await page.getByTestId('query-input').press('Enter');
    });
    t.equal(state, 'error');
    const res = await fetch(`${API_URL}/api/search?${new URLSearchParams({ q })}`, { headers: { authorization: `Bearer ${adminKey()}` } });
    const body = (await res.json()) as { error: { items: Array<{ param: string; position: number; message: string }> } };
    const item = body.error.items.find((x) => x.param === 'q')!;
    await page.getByTestId('query-error').waitFor();
    t.equal(Number(await page.getByTestId('query-error-mark').getAttribute('data-position')), item.position, 'the mark is where the parser says');
    t.match(await page.getByTestId('query-error-message').textContent(), item.message, "with the parser's message");
    await screenshot(page, 'query-error');
  });
  await t.test('the same search on a phone', async (t) => {
    const phone = await openPage(browser, { width: 390, height: 844 });
    await phone.page.goto(`${API_URL}/?${new URLSearchParams({ q: scope, from: '7d' })}`);
    await signIn(phone.page);
    t.equal(await searchSettled(phone.page, 0), 'done');
    t.same(new Set(ids(await rows(phone.page))), new Set(seededIds), 'the same rows as on a laptop');
    t.equal(await phone.page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, 'nothing is wider than the screen');
    t.equal(await phone.page.getByTestId('filter-form').isVisible(), false, 'the filter form is folded away until asked for');
    await screenshot(phone.page, 'phone');
    t.same(phone.errors, [], 'no uncaught error in the page');
  });

  t.same(errors, [], 'no uncaught error in the page');
  t.comment(`screenshots in ${ARTIFACTS}`);
});
