// The numeric form of event ids must order them exactly as their text does: both stores sort by
// (timestamp, id), and pages merge and continue from a cursor on that order.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { idOrderKeys } from '../src/id-order.js';

const compareKeys = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
};
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

t.test('keys sort ids as their text sorts, including ids that differ only in their last or middle digits', async (t) => {
  const ids: string[] = Array.from({ length: 2000 }, () => randomUUID());
  const hex = randomUUID().replaceAll('-', '');
  const dashed = (h: string): string => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  // Neighbours that differ in one digit at the edges of the three parts (digits 0-11, 12-23, 24-31).
  for (const at of [0, 11, 12, 23, 24, 31]) for (const d of '08f') ids.push(dashed(`${hex.slice(0, at)}${d}${hex.slice(at + 1)}`));
  ids.push('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff');
  const valid = [...new Set(ids)].filter((id) => idOrderKeys(id) !== undefined);
  t.ok(valid.length >= 2000);
  const textOrder = [...valid].sort(byText);
  const keyOrder = [...valid].sort((a, b) => compareKeys(idOrderKeys(a) ?? [], idOrderKeys(b) ?? []));
  t.same(keyOrder, textOrder);
});

t.test('keys are exact numbers (below 2^53), and only lower-case UUIDs have them', async (t) => {
  t.same(idOrderKeys('ffffffff-ffff-ffff-ffff-ffffffffffff'), [2 ** 48 - 1, 2 ** 48 - 1, 2 ** 32 - 1]);
  t.same(idOrderKeys('00000000-0000-0000-0000-000000000001'), [0, 0, 1]);
  t.same(idOrderKeys('0123abcd-4567-89ef-0123-456789abcdef'), [0x0123abcd4567, 0x89ef01234567, 0x89abcdef]);
  for (const bad of ['', 'x', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '0123abcd456789ef0123456789abcdef', '0123abcd-4567-89ef-0123-456789abcdef0']) t.equal(idOrderKeys(bad), undefined, JSON.stringify(bad));
});
