// The search the page shows, and its one serialised form: the page's URL query string uses the same
// parameter names as GET /api/search, so a shared link, a reload and the API request all say the same.
// Pure (no DOM), so node can import it too.

/** Field parameters of the API (DESIGN section 6); each may repeat, and repeated values are OR-ed. */
export const FILTER_FIELDS = ['level', 'resourceId', 'traceId', 'spanId', 'commit', 'parentResourceId', 'message', 'regex'];
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
export const PRESETS = ['15m', '1h', '24h', '7d'];
export const DEFAULT_FROM = '24h';

const RELATIVE = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** @typedef {{ q: string, filters: Record<string, string[]>, from: string, to: string, limit: string }} SearchState */

/** @returns {SearchState} */
export function emptyState() {
  return { q: '', filters: Object.fromEntries(FILTER_FIELDS.map((f) => [f, []])), from: DEFAULT_FROM, to: '', limit: '' };
}

/** @param {string} search location.search (with or without "?") @returns {SearchState} */
export function stateFromSearch(search) {
  const params = new URLSearchParams(search);
  const state = emptyState();
  state.q = params.get('q') ?? '';
  for (const field of FILTER_FIELDS) {
    // A value twice in the URL is one filter: the UI shows each value once.
    state.filters[field] = [...new Set(params.getAll(field).filter((v) => v !== ''))];
  }
  // An explicit empty `from` means "no lower bound"; a missing one means the default range.
  state.from = params.has('from') ? (params.get('from') ?? '') : DEFAULT_FROM;
  state.to = params.get('to') ?? '';
  // Rows per page (the API's limit, 1..1000); '' is the page's default.
  const limit = Number(params.get('limit'));
  state.limit = Number.isInteger(limit) && limit >= 1 && limit <= 1000 ? String(limit) : '';
  return state;
}

/** The search as the API's query parameters (paging is added by the caller). Open bounds are left out. */
export function searchParams(state, { withRange = true } = {}) {
  const params = new URLSearchParams();
  if (state.q.trim() !== '') params.set('q', state.q);
  for (const field of FILTER_FIELDS) for (const value of state.filters[field] ?? []) params.append(field, value);
  if (withRange) {
    if (state.from !== '') params.set('from', state.from);
    if (state.to !== '') params.set('to', state.to);
  }
  return params;
}

/** The page URL's query string: the API's parameters, and `from=` for "no lower bound" (none means the default). */
export function stateToSearch(state) {
  const params = searchParams(state);
  if (state.from === '') params.set('from', '');
  if (state.limit !== '') params.set('limit', state.limit);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function isRelative(value) {
  return RELATIVE.test(value);
}

/** A range bound as epoch ms: relative values count back from `now`; '' is open (undefined). */
export function boundMs(value, now) {
  if (value === '') return undefined;
  const rel = RELATIVE.exec(value);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]];
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The range as ms, with open ends closed to something drawable (now, or a week back). */
export function resolveRange(state, now) {
  const toMs = boundMs(state.to, now) ?? now;
  const fromMs = boundMs(state.from, now) ?? toMs - UNIT_MS.w;
  return { fromMs, toMs };
}

/** Adds a filter value (no duplicates); returns a new state. */
export function withFilter(state, field, value) {
  if (!FILTER_FIELDS.includes(field) || value === '') return state;
  const values = state.filters[field] ?? [];
  if (values.includes(value)) return state;
  return { ...state, filters: { ...state.filters, [field]: [...values, value] } };
}

export function withoutFilter(state, field, value) {
  return { ...state, filters: { ...state.filters, [field]: (state.filters[field] ?? []).filter((v) => v !== value) } };
}

/** Absolute bounds, as the API takes them (RFC 3339, ms precision, UTC). */
export function isoMs(ms) {
  return new Date(Math.round(ms)).toISOString();
}

/** A short human description of the range for the range button. */
export function describeRange(state) {
  if (isRelative(state.from) && state.to === '') return `Last ${state.from}`;
  const show = (v) => (v === '' ? '…' : isRelative(v) ? `${v} ago` : formatTime(Date.parse(v)).replace(/\.000$/, ''));
  return `${show(state.from)} → ${state.to === '' ? 'now' : show(state.to)}`;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** Local time with milliseconds: logs are read in the reader's timezone; the full UTC value is in the row's JSON. */
export function formatTime(ms) {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Value for <input type="datetime-local" step="1"> in local time. */
export function toLocalInput(ms) {
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
