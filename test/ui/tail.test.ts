// Live tail in Debian's Chromium against the running system: with the tail on, an event POSTed to the
// gateway that matches the search appears at the top of the table within 3 s; one that does not match
// never appears.
import t from 'tap';
import { API_URL, launchBrowser, openPage, postEvents, removeEvents, rows, runTag, screenshot, searchSettled, signIn, waitStored } from './helpers/ui.js';

const tag = runTag('uit');
const prefix = `ui-${tag}-`;
const posted: string[] = [];

t.teardown(async () => {
  // The tail shows an event before the stores have it; wait for them, or the cleanup would miss it.
  if (posted.length > 0) await waitStored(`resourceId:${prefix}*`, posted).catch(() => {});
  await removeEvents(prefix);
});

t.test('live tail shows a new matching event within 3 s', async (t) => {
  const browser = await launchBrowser(t);
  const { page, errors } = await openPage(browser);

  // Filters only (no words), so the tail's predicate and the stores' search are both exercised.
  await page.goto(`${API_URL}/?${new URLSearchParams({ resourceId: `${prefix}svc`, level: 'warn', from: '15m' })}`);
  await signIn(page);
  t.equal(await searchSettled(page, 0), 'done');
  t.same(await rows(page), [], 'nothing of this run yet');

  await page.getByTestId('tail-toggle').click();
  t.equal(await page.getByTestId('tail-toggle').getAttribute('aria-pressed'), 'true');
  // The page shows "live · 0 new" once the API sent `ready`: the subscription is live, and every event
  // produced from then on must reach it.
  await page.getByTestId('status-tail').filter({ hasText: /live · \d+ new/ }).waitFor({ timeout: 10_000 });

  const now = new Date().toISOString();
  const started = Date.now();
  const [otherId, matchingId] = await postEvents([
    // Same resource, so the same partition: the unmatched event is consumed before the matching one.
    { level: 'info', message: `${tag} not a warning`, resourceId: `${prefix}svc`, timestamp: now },
    { level: 'warn', message: `${tag} arrived live`, resourceId: `${prefix}svc`, timestamp: now },
  ]);
  posted.push(otherId!, matchingId!);
  await page.locator(`[data-testid=result-row][data-id="${matchingId}"]`).waitFor({ timeout: 3000 });
  const tookMs = Date.now() - started;
  t.ok(tookMs <= 3000, `the event appeared ${tookMs} ms after the POST`);
  t.comment(`live tail: POST to row on screen in ${tookMs} ms`);

  const shown = await rows(page);
  t.equal(shown[0]?.id, matchingId, 'at the top of the table');
  t.equal(shown[0]?.message, `${tag} arrived live`);
  t.notOk(shown.some((r) => r.id === otherId), 'an event that does not match is not shown');
  t.equal(await page.locator(`[data-testid=result-row][data-id="${matchingId}"]`).getAttribute('class'), 'row live', 'marked as newly arrived');
  await screenshot(page, 'live-tail');

  await page.getByTestId('tail-toggle').click();
  t.equal(await page.getByTestId('status-tail').count(), 0, 'switching it off leaves no live indicator');
  t.same(errors, [], 'no uncaught error in the page');
});
