import t from 'tap';
import { PassThrough } from 'node:stream';
import { ProgressLine, renderProgress } from '../../src/lib/progress.js';

const state = { doneBytes: 500, totalBytes: 1000, accepted: 4990, rejected: 10, elapsedMs: 2000 };

t.test('with a known size: a bar, the percentage, counts and rate', async (t) => {
  t.equal(renderProgress('ingest', state, 120), `ingest ${'█'.repeat(12)}${'░'.repeat(12)}  50%  4,990 accepted  10 rejected  2,495/s`);
});

t.test('from stdin (size unknown): counts only', async (t) => {
  t.equal(renderProgress('ingest', { ...state, totalBytes: undefined }, 120), 'ingest  4,990 accepted  10 rejected  2,495/s');
});

t.test('never wider than the terminal, so \\r can redraw it', async (t) => {
  t.ok(renderProgress('ingest', state, 30).length < 30);
});

t.test('redraws at most ten times a second, and clears its line', async (t) => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  let now = 0;
  const line = new ProgressLine(stream, 'ingest', () => now);
  line.update(state);
  now = 50;
  line.update(state);
  now = 150;
  line.update(state);
  line.clear();
  t.equal(text.split('\r').filter((s) => s.startsWith('ingest')).length, 2);
  t.ok(text.endsWith('\r\x1b[K'));
});
