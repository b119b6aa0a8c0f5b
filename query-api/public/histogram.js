// Counts over time as an SVG bar chart. Dragging across it (mouse, pen or touch) selects a time span;
// a click or Enter on a bar selects that bucket. Either narrows the search's range through onSelect.
import { formatTime } from './state.js';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 120;
const PAD = { top: 8, right: 8, bottom: 20, left: 40 };

function el(name, attrs = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

/** Round axis steps so tick labels read well: 1, 2, 5 × 10^n, and whole numbers (these are counts). */
function niceStep(max) {
  if (max <= 3) return 1;
  const raw = max / 3;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
}

function tickLabel(ms, spanMs) {
  const text = formatTime(ms);
  // Within a day the date is noise; over days, the time of day is.
  return spanMs <= 86_400_000 ? text.slice(11, 16) : text.slice(5, 16);
}

/**
 * @param {HTMLElement} container
 * @param {{ onSelect: (fromMs: number, toMs: number) => void }} options
 */
export function createHistogram(container, { onSelect }) {
  let buckets = [];
  let range = { fromMs: 0, toMs: 1 };
  let width = 600;

  const svg = el('svg', { role: 'img', 'data-testid': 'histogram-svg', class: 'histogram-svg' });
  container.appendChild(svg);
  const caption = document.createElement('p');
  caption.className = 'histogram-caption';
  caption.dataset.testid = 'histogram-caption';
  container.appendChild(caption);

  const x = (ms) => PAD.left + ((ms - range.fromMs) / Math.max(1, range.toMs - range.fromMs)) * (width - PAD.left - PAD.right);
  const msAt = (px) => range.fromMs + ((px - PAD.left) / Math.max(1, width - PAD.left - PAD.right)) * (range.toMs - range.fromMs);

  function draw() {
    width = Math.max(240, container.clientWidth || 600);
    svg.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(HEIGHT));
    svg.replaceChildren();
    const max = Math.max(0, ...buckets.map((b) => b.count));
    const total = buckets.reduce((n, b) => n + b.count, 0);
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const y = (count) => PAD.top + plotH - (max === 0 ? 0 : (count / max) * plotH);
    svg.setAttribute('aria-label', `Histogram: ${total} events from ${formatTime(range.fromMs)} to ${formatTime(range.toMs)}`);

    const step = niceStep(max);
    for (let v = 0; v <= max; v += step) {
      el('line', { x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v), class: 'grid' }, svg);
      el('text', { x: PAD.left - 4, y: y(v) + 3, class: 'axis', 'text-anchor': 'end' }, svg).textContent = String(v);
    }
    const span = range.toMs - range.fromMs;
    const ticks = Math.max(2, Math.floor(width / 110));
    for (let i = 0; i <= ticks; i++) {
      const ms = range.fromMs + (span * i) / ticks;
      const anchor = i === 0 ? 'start' : i === ticks ? 'end' : 'middle';
      el('text', { x: x(ms), y: HEIGHT - 5, class: 'axis', 'text-anchor': anchor }, svg).textContent = tickLabel(ms, span);
    }

    for (const b of buckets) {
      const left = Math.max(PAD.left, x(b.startMs));
      const right = Math.min(width - PAD.right, x(b.endMs));
      if (right <= left) continue;
      const bar = el(
        'rect',
        {
          x: left + 0.5,
          y: y(b.count),
          width: Math.max(1, right - left - 1),
          height: PAD.top + plotH - y(b.count),
          class: 'bar',
          tabindex: b.count > 0 ? 0 : -1,
          role: 'button',
          'data-testid': 'histogram-bar',
          'data-count': b.count,
          'aria-label': `${b.count} events from ${formatTime(b.startMs)} to ${formatTime(b.endMs)}`,
        },
        svg,
      );
      el('title', {}, bar).textContent = `${b.count} · ${formatTime(b.startMs)} – ${formatTime(b.endMs)}`;
      bar.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onSelect(b.startMs, b.endMs);
        }
      });
      bar.dataset.start = String(b.startMs);
      bar.dataset.end = String(b.endMs);
    }
    caption.textContent = buckets.length === 0 ? '' : `${total.toLocaleString()} events · drag across the chart to zoom in`;
  }

  // Drag selection. Pointer capture keeps the drag ours when the pointer leaves the chart.
  let dragFrom = null;
  let band = null;
  const localX = (e) => {
    const box = svg.getBoundingClientRect();
    return Math.min(width - PAD.right, Math.max(PAD.left, ((e.clientX - box.left) / box.width) * width));
  };
  svg.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    dragFrom = localX(e);
    svg.setPointerCapture(e.pointerId);
    band = el('rect', { x: dragFrom, y: PAD.top, width: 0, height: HEIGHT - PAD.top - PAD.bottom, class: 'band', 'data-testid': 'histogram-band' }, svg);
  });
  svg.addEventListener('pointermove', (e) => {
    if (dragFrom === null || !band) return;
    const to = localX(e);
    band.setAttribute('x', String(Math.min(dragFrom, to)));
    band.setAttribute('width', String(Math.abs(to - dragFrom)));
  });
  const finish = (e) => {
    if (dragFrom === null) return;
    const from = dragFrom;
    const to = localX(e);
    dragFrom = null;
    band?.remove();
    band = null;
    if (Math.abs(to - from) >= 4) {
      onSelect(msAt(Math.min(from, to)), msAt(Math.max(from, to)));
      return;
    }
    // A click, not a drag: the bucket under the pointer, if it has events. (Pointer capture retargets
    // the event to the chart, so the bucket is found by position, not by e.target.)
    const ms = msAt(to);
    const hit = buckets.find((b) => b.startMs <= ms && ms < b.endMs);
    if (hit && hit.count > 0) onSelect(hit.startMs, hit.endMs);
  };
  svg.addEventListener('pointerup', finish);
  svg.addEventListener('pointercancel', () => {
    dragFrom = null;
    band?.remove();
    band = null;
  });

  new ResizeObserver(() => draw()).observe(container);

  return {
    /** @param {{startMs: number, endMs: number, count: number}[]} next */
    update(next, nextRange) {
      buckets = next;
      range = nextRange;
      draw();
    },
  };
}
