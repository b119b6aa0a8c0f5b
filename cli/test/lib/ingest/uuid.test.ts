import t from 'tap';
import { uuidv7 } from '../../../src/lib/ingest/uuid.js';

t.test('a version 7, variant 10 UUID carrying the millisecond timestamp', async (t) => {
  const now = Date.UTC(2024, 4, 1, 12, 0, 0, 123);
  const id = uuidv7(now);
  t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now);
});

t.test('ids of later milliseconds sort later; ids are unique', async (t) => {
  const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
  t.same([...ids].sort(), ids);
  t.equal(new Set(Array.from({ length: 10_000 }, () => uuidv7(1))).size, 10_000);
});
