import t from 'tap';
import { sliceBySize } from '../src/slice.js';

t.test('slices by count and by bytes, in order, never empty', async (t) => {
  const items = [1, 2, 3, 4, 5, 6, 7];
  t.same(sliceBySize(items, () => 1, { maxRecords: 3, maxBytes: 1000 }), [[1, 2, 3], [4, 5, 6], [7]]);
  t.same(sliceBySize(items, (n) => n, { maxRecords: 100, maxBytes: 6 }), [[1, 2, 3], [4], [5], [6], [7]]);
  t.same(sliceBySize([], () => 1, { maxRecords: 3, maxBytes: 10 }), []);
});

t.test('an item larger than maxBytes gets a slice of its own', async (t) => {
  t.same(sliceBySize([1, 50, 2], (n) => n, { maxRecords: 10, maxBytes: 10 }), [[1], [50], [2]]);
});
