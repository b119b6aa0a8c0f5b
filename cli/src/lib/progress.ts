// A one-line progress display on stderr, redrawn in place at most ten times a second, for a terminal
// only (the caller checks). Rendering is pure so it can be tested without a terminal.
import type { Writable } from 'node:stream';
import { count } from './format.js';

export interface ProgressState {
  /** Input bytes of the events sent so far, and the total when known (a file; not stdin). */
  doneBytes: number;
  totalBytes: number | undefined;
  accepted: number;
  rejected: number;
  elapsedMs: number;
}

const BAR_WIDTH = 24;

export function renderProgress(label: string, s: ProgressState, columns = 80): string {
  const rate = s.elapsedMs > 0 ? Math.round((s.accepted * 1000) / s.elapsedMs) : 0;
  const counts = `${count(s.accepted)} accepted  ${count(s.rejected)} rejected  ${count(rate)}/s`;
  let bar = '';
  if (s.totalBytes !== undefined && s.totalBytes > 0) {
    const ratio = Math.min(1, s.doneBytes / s.totalBytes);
    const filled = Math.round(ratio * BAR_WIDTH);
    bar = ` ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${String(Math.floor(ratio * 100)).padStart(3)}%`;
  }
  const line = `${label}${bar}  ${counts}`;
  // Never wrap: a wrapped line cannot be redrawn with \r.
  return line.length >= columns ? line.slice(0, Math.max(0, columns - 1)) : line;
}

export class ProgressLine {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly stream: Writable & { columns?: number },
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {}

  update(state: ProgressState, force = false): void {
    const t = this.now();
    if (!force && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.drawn = true;
    this.stream.write(`\r${renderProgress(this.label, state, this.stream.columns || 80)}\x1b[K`);
  }

  /** Removes the line, so the summary starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
