// The page: sign-in, the search (query, filters, range) kept in the URL, results with infinite scroll,
// the histogram, the live tail and the status line.
import { ApiError, createApi } from './api.js';
import { createHistogram } from './histogram.js';
import {
  FILTER_FIELDS,
  LEVELS,
  PRESETS,
  describeRange,
  formatTime,
  isRelative,
  isoMs,
  resolveRange,
  searchParams,
  stateFromSearch,
  stateToSearch,
  toLocalInput,
  withFilter,
  withoutFilter,
} from './state.js';

// sessionStorage, not localStorage: the key lives only as long as the tab (issue 7).
const KEY_STORAGE = 'logpipe.apiKey';
const PAGE_SIZE = 100;
// Live tail keeps the page responsive under a fast stream by dropping the oldest streamed rows.
const MAX_TAIL_ROWS = 1000;
const STATS_EVERY_MS = 15_000;
const TAIL_RETRY_MS = 2000;
const TEXT_FIELDS = FILTER_FIELDS.filter((f) => f !== 'level');
const FIELD_HINTS = {
  resourceId: 'exact, or prefix*',
  traceId: 'exact, or prefix*',
  spanId: 'exact, or prefix*',
  commit: 'exact, or prefix*',
  parentResourceId: 'exact, or prefix*',
  message: 'words in this order',
  regex: 'regular expression over message',
};

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {
  signin: $('signin'),
  signinForm: /** @type {HTMLFormElement} */ ($('signin-form')),
  signinKey: /** @type {HTMLInputElement} */ ($('signin-key')),
  signinError: $('signin-error'),
  app: $('app'),
  searchForm: /** @type {HTMLFormElement} */ ($('search-form')),
  query: /** @type {HTMLInputElement} */ ($('query')),
  queryError: $('query-error'),
  paramError: $('param-error'),
  presets: $('presets'),
  customRange: /** @type {HTMLDetailsElement} */ ($('custom-range')),
  rangeLabel: $('range-label'),
  rangeForm: /** @type {HTMLFormElement} */ ($('range-form')),
  rangeFrom: /** @type {HTMLInputElement} */ ($('range-from')),
  rangeTo: /** @type {HTMLInputElement} */ ($('range-to')),
  chips: $('active-filters'),
  filterPanel: /** @type {HTMLDetailsElement} */ ($('filter-panel')),
  filterForm: /** @type {HTMLFormElement} */ ($('filter-form')),
  levelBoxes: $('level-boxes'),
  fieldInputs: $('field-inputs'),
  status: $('status'),
  errorBanner: $('error-banner'),
  histogram: $('histogram'),
  rows: $('rows'),
  empty: $('empty'),
  loadMore: /** @type {HTMLButtonElement} */ ($('load-more')),
  end: $('end'),
  tailToggle: $('tail-toggle'),
  signOut: $('sign-out'),
};

/** @type {ReturnType<typeof createApi> | null} */
let api = null;
let state = stateFromSearch(location.search);
/** Everything about the search on screen; replaced whole by each new search. */
let current = newResults();
let stats = null;
let statsTimer;
let tail = { on: false, controller: null, connected: false, received: 0, error: undefined };

let searchSeq = 0;

function newResults() {
  return { controller: new AbortController(), cursor: null, loading: false, ids: new Set(), count: 0, answer: null, liveRows: [] };
}

// ---------------------------------------------------------------- sign-in

function showSignin(message) {
  stopTail();
  clearInterval(statsTimer);
  current.controller.abort();
  api = null;
  els.app.hidden = true;
  els.signin.hidden = false;
  els.signinError.hidden = !message;
  els.signinError.textContent = message ?? '';
  els.signinKey.value = '';
  els.signinKey.focus();
}

els.signinForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = els.signinKey.value.trim();
  if (key === '') return;
  els.signinError.hidden = true;
  try {
    await createApi({ key }).stats();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      els.signinError.textContent = 'This key was not accepted.';
      els.signinError.hidden = false;
      return;
    }
    if (!(err instanceof ApiError)) {
      els.signinError.textContent = `Cannot reach the query API (${err.message}).`;
      els.signinError.hidden = false;
      return;
    }
    // Any other answer means the key itself is fine; the page shows what fails.
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  enterApp(key);
});

els.signOut.addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORAGE);
  showSignin();
});

/** A 401 during use: the key was revoked or the server restarted with new keys. */
function handleAuthError(err) {
  if (err instanceof ApiError && err.status === 401) {
    sessionStorage.removeItem(KEY_STORAGE);
    showSignin('Your key is no longer accepted; sign in again.');
    return true;
  }
  return false;
}

function enterApp(key) {
  api = createApi({ key });
  els.signin.hidden = true;
  els.app.hidden = false;
  renderControls();
  runSearch({ history: 'replace' });
  refreshStats();
  clearInterval(statsTimer);
  statsTimer = setInterval(() => {
    if (!document.hidden) refreshStats();
  }, STATS_EVERY_MS);
}

// ---------------------------------------------------------------- controls

function buildControls() {
  for (const preset of PRESETS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = preset;
    b.dataset.testid = `range-preset-${preset}`;
    b.dataset.preset = preset;
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => {
      state = { ...state, from: preset, to: '' };
      runSearch();
    });
    els.presets.appendChild(b);
  }
  for (const level of LEVELS) {
    const label = document.createElement('label');
    label.className = `level-box lvl-${level}`;
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.value = level;
    box.dataset.testid = `filter-level-${level}`;
    box.addEventListener('change', () => {
      state = box.checked ? withFilter(state, 'level', level) : withoutFilter(state, 'level', level);
      runSearch();
    });
    label.append(box, level);
    els.levelBoxes.appendChild(label);
  }
  for (const field of TEXT_FIELDS) {
    const label = document.createElement('label');
    label.className = 'field';
    const name = document.createElement('span');
    name.textContent = field;
    const input = document.createElement('input');
    input.type = 'text';
    input.name = field;
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.placeholder = FIELD_HINTS[field];
    input.dataset.testid = `filter-input-${field}`;
    label.append(name, input);
    els.fieldInputs.appendChild(label);
  }
  const add = document.createElement('button');
  add.type = 'submit';
  add.textContent = 'Add filters';
  add.dataset.testid = 'filter-apply';
  els.filterForm.appendChild(add);
  // Side by side on a laptop, folded away on a phone until asked for.
  if (matchMedia('(max-width: 760px)').matches) els.filterPanel.open = false;
}

/** Moves what was typed into the filter inputs into the search; true if anything was added. */
function takeFilterInputs() {
  let changed = false;
  for (const input of els.fieldInputs.querySelectorAll('input')) {
    const value = input.value.trim();
    if (value === '') continue;
    state = withFilter(state, input.name, value);
    input.value = '';
    changed = true;
  }
  return changed;
}

els.filterForm.addEventListener('submit', (e) => {
  e.preventDefault();
  if (takeFilterInputs()) runSearch();
});

els.searchForm.addEventListener('submit', (e) => {
  e.preventDefault();
  takeFilterInputs();
  state = { ...state, q: els.query.value };
  runSearch();
});

// Filled on the click that opens the panel, before it shows: the toggle event comes a task later and
// would overwrite what a quick hand (or a test) already typed.
els.rangeLabel.addEventListener('click', () => {
  if (els.customRange.open) return;
  const { fromMs, toMs } = resolveRange(state, Date.now());
  els.rangeFrom.value = state.from === '' ? '' : toLocalInput(fromMs);
  els.rangeTo.value = state.to === '' ? '' : toLocalInput(toMs);
});
els.customRange.addEventListener('toggle', () => {
  if (els.customRange.open) els.rangeFrom.focus();
});
els.customRange.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || !els.customRange.open) return;
  e.stopPropagation();
  els.customRange.open = false;
  els.rangeLabel.focus();
});

els.rangeForm.addEventListener('submit', (e) => {
  e.preventDefault();
  // datetime-local values carry no zone: the browser reads them as local time, like the table shows.
  const from = els.rangeFrom.value === '' ? '' : isoMs(new Date(els.rangeFrom.value).getTime());
  const to = els.rangeTo.value === '' ? '' : isoMs(new Date(els.rangeTo.value).getTime());
  if (from !== '' && to !== '' && Date.parse(from) > Date.parse(to)) {
    showBanner('The start of the range is after its end.');
    return;
  }
  state = { ...state, from, to };
  els.customRange.open = false;
  runSearch();
});

function renderControls() {
  els.query.value = state.q;
  for (const b of els.presets.querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(state.to === '' && state.from === b.dataset.preset));
  }
  els.rangeLabel.textContent = isRelative(state.from) && state.to === '' && PRESETS.includes(state.from) ? 'Custom…' : describeRange(state);
  els.rangeLabel.title = describeRange(state);
  for (const box of els.levelBoxes.querySelectorAll('input')) box.checked = state.filters.level.includes(box.value);
  els.chips.replaceChildren();
  for (const field of FILTER_FIELDS) {
    for (const value of state.filters[field]) {
      const li = document.createElement('li');
      li.className = 'chip';
      li.dataset.testid = 'chip';
      li.dataset.field = field;
      li.dataset.value = value;
      const text = document.createElement('span');
      text.textContent = `${field}: ${value}`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = '×';
      remove.dataset.testid = 'chip-remove';
      remove.setAttribute('aria-label', `Remove filter ${field}: ${value}`);
      remove.addEventListener('click', () => {
        state = withoutFilter(state, field, value);
        runSearch();
        // Keep keyboard users in the chip row instead of dropping focus to <body>.
        els.query.focus();
      });
      li.append(text, remove);
      els.chips.appendChild(li);
    }
  }
  els.chips.hidden = els.chips.children.length === 0;
}

// ---------------------------------------------------------------- errors

function showBanner(message) {
  els.errorBanner.textContent = message;
  els.errorBanner.hidden = false;
}

function clearErrors() {
  els.errorBanner.hidden = true;
  els.queryError.hidden = true;
  els.paramError.hidden = true;
  els.query.removeAttribute('aria-invalid');
}

/**
 * The API's 400 lists each bad parameter in `error.items`, and for the query text the parser's position
 * and length (0-based UTF-16 offsets, which is what string indices in JS are).
 */
function paramErrors(body) {
  const items = body?.error?.items;
  return Array.isArray(items) ? items.filter((x) => x && typeof x.message === 'string') : [];
}

function showQueryError(err) {
  const text = state.q;
  const pos = Math.min(Math.max(0, err.position ?? 0), text.length);
  const len = Math.max(1, err.length ?? 1);
  els.queryError.replaceChildren();
  const msg = document.createElement('p');
  msg.dataset.testid = 'query-error-message';
  msg.textContent = `${err.message} (at character ${pos + 1})`;
  const code = document.createElement('code');
  code.className = 'query-echo';
  const mark = document.createElement('mark');
  mark.dataset.testid = 'query-error-mark';
  mark.dataset.position = String(pos);
  // Past the end (e.g. an unclosed quote) there is nothing to underline, so a visible blank is marked.
  mark.textContent = text.slice(pos, pos + len) || ' ';
  code.append(text.slice(0, pos), mark, text.slice(pos + len));
  els.queryError.append(msg, code);
  els.queryError.hidden = false;
  els.query.setAttribute('aria-invalid', 'true');
  els.query.focus();
  els.query.setSelectionRange(pos, Math.min(text.length, pos + len));
}

function showRequestError(err) {
  if (handleAuthError(err)) return;
  if (err?.name === 'AbortError') return;
  if (err instanceof ApiError && err.status === 400) {
    const errors = paramErrors(err.body);
    const other = [];
    for (const e of errors) {
      if (e.param === 'q' && !els.queryError.hidden) continue;
      if (e.param === 'q') showQueryError(e);
      else other.push(e.param ? `${e.param}: ${e.message}` : e.message);
    }
    if (other.length > 0) {
      els.paramError.textContent = other.join(' · ');
      els.paramError.hidden = false;
    }
    if (errors.length > 0) return;
  }
  showBanner(err instanceof ApiError ? `The query API answered ${err.status}: ${err.message}` : `Request failed: ${err.message}`);
}

// ---------------------------------------------------------------- search

/** @param {{ history?: 'push' | 'replace' | 'none' }} [options] */
function runSearch({ history = 'push' } = {}) {
  if (!api) return;
  const search = stateToSearch(state);
  if (history !== 'none' && search !== location.search) {
    const url = `${location.pathname}${search}`;
    if (history === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
  }
  renderControls();
  clearErrors();
  current.controller.abort();
  current = newResults();
  const results = current;
  // For tests and tools: which search is on screen and whether its first page has arrived.
  els.app.dataset.seq = String(++searchSeq);
  els.app.dataset.state = 'loading';
  els.rows.replaceChildren();
  els.empty.hidden = true;
  els.end.hidden = true;
  els.loadMore.hidden = true;
  document.title = state.q.trim() === '' ? 'logpipe' : `${state.q} · logpipe`;
  els.histogram.dataset.state = 'loading';
  fetchPage(results);
  fetchHistogram(results);
  renderStatus();
  if (tail.on) startTail();
}

async function fetchPage(results) {
  if (results.loading) return;
  results.loading = true;
  els.rows.setAttribute('aria-busy', 'true');
  const params = searchParams(state);
  params.set('limit', state.limit || String(PAGE_SIZE));
  if (results.cursor) params.set('cursor', results.cursor);
  try {
    const answer = await api.search(params, results.controller.signal);
    if (results !== current) return;
    results.answer = answer;
    results.cursor = answer.nextCursor ?? null;
    for (const event of answer.hits ?? []) {
      if (results.ids.has(event.id)) continue;
      results.ids.add(event.id);
      results.count++;
      els.rows.append(...renderEvent(event, false));
    }
    els.empty.hidden = results.count > 0;
    els.loadMore.hidden = !results.cursor;
    els.end.hidden = !!results.cursor || results.count === 0;
    els.app.dataset.state = 'done';
    renderStatus();
  } catch (err) {
    if (results === current) {
      // A later page failing keeps the rows already shown; the banner says what happened.
      if (results.count === 0) els.app.dataset.state = 'error';
      showRequestError(err);
    }
  } finally {
    results.loading = false;
    els.rows.removeAttribute('aria-busy');
    if (results === current) renderStatus();
  }
  // Short pages may leave the sentinel on screen, which the observer does not report twice.
  if (results === current && results.cursor && inView(els.loadMore)) fetchPage(results);
}

function inView(node) {
  if (node.hidden) return false;
  const box = node.getBoundingClientRect();
  return box.top < window.innerHeight + 400 && box.bottom > 0;
}

new IntersectionObserver(
  (entries) => {
    if (entries.some((e) => e.isIntersecting) && current.cursor && !current.loading) fetchPage(current);
  },
  { rootMargin: '400px' },
).observe(els.loadMore);
els.loadMore.addEventListener('click', () => {
  if (current.cursor) fetchPage(current);
});

const histogram = createHistogram(els.histogram, {
  onSelect(fromMs, toMs) {
    state = { ...state, from: isoMs(Math.floor(fromMs)), to: isoMs(Math.ceil(toMs)) };
    runSearch();
  },
});

async function fetchHistogram(results) {
  const range = resolveRange(state, Date.now());
  const params = searchParams(state);
  try {
    // {from, to, intervalMs, buckets: [{timestamp, count}]}: every bucket of the range, empty ones too,
    // starting at multiples of the interval, so the first and last reach past the range's ends.
    const body = await api.histogram(params, results.controller.signal);
    if (results !== current) return;
    const buckets = body.buckets.map((b) => {
      const startMs = Date.parse(b.timestamp);
      return { startMs, endMs: startMs + body.intervalMs, count: b.count };
    });
    histogram.update(buckets, { fromMs: Date.parse(body.from), toMs: Date.parse(body.to) });
    els.histogram.dataset.state = 'done';
  } catch (err) {
    if (results !== current) return;
    histogram.update([], range);
    els.histogram.dataset.state = 'error';
    // The search reports query errors already; a histogram failure on its own is worth a line.
    if (!(err instanceof ApiError && err.status === 400) && err?.name !== 'AbortError' && !handleAuthError(err)) {
      showBanner(`Histogram failed: ${err.message}`);
    }
  }
}

// ---------------------------------------------------------------- rows

function valueButton(field, value, text = value) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `value value-${field}`;
  b.textContent = text;
  b.dataset.field = field;
  b.dataset.value = value;
  b.dataset.testid = `value-${field}`;
  b.title = `Add filter ${field}: ${value}`;
  return b;
}

/** The main row and its (hidden until expanded) detail row. */
function renderEvent(event, live) {
  const ms = Date.parse(event.timestamp);
  const tr = document.createElement('tr');
  tr.className = live ? 'row live' : 'row';
  tr.tabIndex = 0;
  tr.dataset.testid = 'result-row';
  tr.dataset.id = event.id;
  tr.setAttribute('aria-expanded', 'false');

  const time = document.createElement('td');
  time.className = 'col-time';
  const t = document.createElement('time');
  t.dateTime = event.timestamp;
  t.title = event.timestamp;
  t.textContent = formatTime(ms);
  time.appendChild(t);

  const level = document.createElement('td');
  level.className = 'col-level';
  const lb = valueButton('level', event.level);
  lb.classList.add('badge', `lvl-${event.level}`);
  level.appendChild(lb);

  const resource = document.createElement('td');
  resource.className = 'col-resource';
  resource.appendChild(valueButton('resourceId', event.resourceId));

  const message = document.createElement('td');
  message.className = 'col-message';
  message.dataset.testid = 'row-message';
  message.textContent = event.message;

  tr.append(time, level, resource, message);

  const detail = document.createElement('tr');
  detail.className = 'detail';
  detail.hidden = true;
  detail.dataset.testid = 'result-detail';
  const cell = document.createElement('td');
  cell.colSpan = 4;
  detail.appendChild(cell);
  detail.dataset.json = JSON.stringify(event);
  return [tr, detail];
}

// Fields whose values become filters when clicked in the expanded JSON (message is left out: as a
// filter it is a phrase of all its words, which is rarely what a click means).
const JSON_FILTERS = { level: 'level', resourceId: 'resourceId', traceId: 'traceId', spanId: 'spanId', commit: 'commit' };

function jsonView(event) {
  const pre = document.createElement('pre');
  pre.className = 'json';
  pre.dataset.testid = 'event-json';
  const write = (obj, indent, path) => {
    const keys = Object.keys(obj);
    pre.append('{\n');
    keys.forEach((k, i) => {
      pre.append(`${indent}  ${JSON.stringify(k)}: `);
      const v = obj[k];
      if (v !== null && typeof v === 'object') write(v, `${indent}  `, k);
      else {
        const field = path === '' ? JSON_FILTERS[k] : path === 'metadata' && k === 'parentResourceId' ? 'parentResourceId' : undefined;
        if (field && typeof v === 'string') pre.append(valueButton(field, v, JSON.stringify(v)));
        else pre.append(JSON.stringify(v));
      }
      pre.append(i < keys.length - 1 ? ',\n' : '\n');
    });
    pre.append(`${indent}}`);
  };
  write(event, '', '');
  return pre;
}

function toggleRow(tr) {
  const detail = /** @type {HTMLTableRowElement} */ (tr.nextElementSibling);
  const open = detail.hidden;
  // Built on first open: most rows are never expanded, and a page of rows stays light.
  if (open && detail.firstElementChild?.childElementCount === 0) detail.firstElementChild.appendChild(jsonView(JSON.parse(detail.dataset.json)));
  detail.hidden = !open;
  tr.setAttribute('aria-expanded', String(open));
}

els.rows.addEventListener('click', (e) => {
  const target = /** @type {HTMLElement} */ (e.target);
  const value = target.closest('button.value');
  if (value) {
    state = withFilter(state, value.dataset.field, value.dataset.value);
    runSearch();
    return;
  }
  const tr = target.closest('tr.row');
  // Selecting text in a row is not a request to fold it.
  if (tr && !window.getSelection()?.toString()) toggleRow(tr);
});

els.rows.addEventListener('keydown', (e) => {
  const target = /** @type {HTMLElement} */ (e.target);
  const tr = target.closest('tr');
  if (!tr) return;
  const row = tr.classList.contains('row') ? tr : tr.previousElementSibling;
  if (target === tr && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    toggleRow(tr);
  } else if (e.key === 'ArrowDown' || e.key === 'j') {
    e.preventDefault();
    focusRow(row, 1);
  } else if (e.key === 'ArrowUp' || e.key === 'k') {
    e.preventDefault();
    focusRow(row, -1);
  }
});

function focusRow(from, step) {
  let next = from;
  do next = step > 0 ? next?.nextElementSibling : next?.previousElementSibling;
  while (next && !next.classList.contains('row'));
  if (next instanceof HTMLElement) next.focus();
  else if (step < 0) els.query.focus();
}

// ---------------------------------------------------------------- live tail

function stopTail() {
  tail.controller?.abort();
  tail.controller = null;
  tail.connected = false;
  tail.error = undefined;
}

function startTail() {
  stopTail();
  const controller = new AbortController();
  tail.controller = controller;
  // Only the filters: a tail shows what arrives from now on, so the range does not apply.
  const params = searchParams(state, { withRange: false });
  const results = current;
  const connect = async () => {
    while (!controller.signal.aborted) {
      try {
        await api.tail(params, (msg) => onTailMessage(msg, results), controller.signal);
      } catch (err) {
        if (controller.signal.aborted) return;
        if (handleAuthError(err)) return;
        if (err instanceof ApiError && err.status === 400) {
          showRequestError(err);
          setTail(false);
          return;
        }
        // Shown while it retries, e.g. 503 while the API's consumer joins Kafka.
        tail.error = err.message;
      }
      tail.connected = false;
      renderStatus();
      // The stream ended or failed (API restarted, network dropped): reconnect after a pause.
      await new Promise((r) => setTimeout(r, TAIL_RETRY_MS));
    }
  };
  connect();
}

function onTailMessage(msg, results) {
  if (results !== current) return;
  let data;
  try {
    data = JSON.parse(msg.data);
  } catch {
    return;
  }
  if (msg.event === 'ready') {
    tail.connected = true;
    tail.error = undefined;
    renderStatus();
    return;
  }
  if (msg.event === 'dropped') {
    // The server ended the stream (slow reader, shutdown); the loop reconnects, events in between are lost.
    showBanner(`Live tail interrupted: ${data?.reason ?? 'the server ended it'}`);
    return;
  }
  if (msg.event !== 'log') return;
  const event = data;
  if (results.ids.has(event.id)) return;
  results.ids.add(event.id);
  results.count++;
  tail.received++;
  const [row, detail] = renderEvent(event, true);
  els.rows.prepend(row, detail);
  results.liveRows.push(row);
  els.empty.hidden = true;
  if (results.liveRows.length > MAX_TAIL_ROWS) {
    const oldest = results.liveRows.shift();
    oldest.nextElementSibling?.remove();
    oldest.remove();
    results.count--;
  }
  renderStatus();
}

function setTail(on) {
  tail.on = on;
  els.tailToggle.setAttribute('aria-pressed', String(on));
  if (on) startTail();
  else stopTail();
  renderStatus();
}

els.tailToggle.addEventListener('click', () => setTail(!tail.on));

// ---------------------------------------------------------------- status line

async function refreshStats() {
  if (!api) return;
  try {
    stats = await api.stats();
  } catch (err) {
    if (handleAuthError(err)) return;
    stats = { error: err.message };
  }
  renderStatus();
}

function span(testid, text, className = '') {
  const s = document.createElement('span');
  s.dataset.testid = testid;
  s.textContent = text;
  if (className) s.className = className;
  return s;
}

function renderStatus() {
  const parts = [];
  const answer = current.answer;
  if (answer) {
    parts.push(span('status-count', `${current.count.toLocaleString()} events shown${current.cursor ? ', more below' : ''}`));
    for (const [name, src] of Object.entries(answer.sources ?? {})) {
      const s = span('status-source', src.ok ? `${name} ✓ ${src.tookMs ?? '?'} ms` : `${name} ✗ ${src.error ?? 'failed'}`, src.ok ? 'ok' : 'fail');
      s.dataset.source = name;
      s.dataset.ok = String(!!src.ok);
      parts.push(s);
    }
    if (answer.partial) {
      const failed = Object.entries(answer.sources ?? {})
        .filter(([, s]) => !s.ok)
        .map(([n]) => n);
      parts.push(span('status-partial', `PARTIAL: ${failed.join(', ') || 'a store'} did not answer; results may be incomplete`, 'partial'));
    }
    if (typeof answer.tookMs === 'number') parts.push(span('status-took', `${answer.tookMs} ms`));
  } else if (current.loading) {
    parts.push(span('status-count', 'Searching…'));
  }
  if (stats?.error) parts.push(span('status-stats-error', `stats: ${stats.error}`, 'fail'));
  else if (stats) {
    // /api/stats: {stores: {name: {ok, count, newest}}, lag: {group: {ok, lag, error}}}. Lag is what the
    // sink has not stored yet, i.e. how far behind the live stream a search can be.
    const storeNote = Object.entries(stats.stores ?? {})
      .map(([name, s]) => (s.ok ? `${name}: ${s.count?.toLocaleString()} events, newest ${s.newest?.timestamp ?? 'none'}` : `${name}: ${s.error}`))
      .join('\n');
    for (const [group, g] of Object.entries(stats.lag ?? {})) {
      const s = span('status-lag', g.ok ? `${group} lag ${g.lag?.toLocaleString()}` : `${group} lag ?`, !g.ok || (g.lag ?? 0) > 1000 ? 'warn' : '');
      s.dataset.sink = group;
      s.title = g.ok ? storeNote : (g.error ?? '');
      parts.push(s);
    }
  }
  if (tail.on) {
    const s = span('status-tail', tail.connected ? `live · ${tail.received} new` : `live · connecting…${tail.error ? ` (${tail.error})` : ''}`, tail.connected ? 'live' : 'warn');
    parts.push(s);
  }
  els.status.replaceChildren(...parts);
}

// ---------------------------------------------------------------- keyboard and history

document.addEventListener('keydown', (e) => {
  if (els.app.hidden || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = /** @type {HTMLElement} */ (e.target);
  const typing = target.matches('input, textarea, select');
  if (e.key === 'Escape' && typing) {
    target.blur();
    return;
  }
  if (typing) return;
  if (e.key === '/') {
    e.preventDefault();
    els.query.focus();
    els.query.select();
  } else if (e.key === 't') {
    setTail(!tail.on);
  } else if ((e.key === 'j' || e.key === 'ArrowDown') && !target.closest('tbody')) {
    const first = els.rows.querySelector('tr.row');
    if (first instanceof HTMLElement && e.key === 'j') {
      e.preventDefault();
      first.focus();
    }
  }
});

els.query.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown') {
    const first = els.rows.querySelector('tr.row');
    if (first instanceof HTMLElement) {
      e.preventDefault();
      first.focus();
    }
  }
});

window.addEventListener('popstate', () => {
  state = stateFromSearch(location.search);
  if (api) runSearch({ history: 'none' });
});

// ---------------------------------------------------------------- start

buildControls();
const savedKey = sessionStorage.getItem(KEY_STORAGE);
if (savedKey) enterApp(savedKey);
else showSignin();
