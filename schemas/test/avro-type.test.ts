import type { schema } from 'avsc';
import t from 'tap';
import { LOG_EVENT_AVRO_SCHEMA } from '../src/avro.js';
import { createAvroType } from '../src/avro-type.js';

const METADATA: schema.MapType = { type: 'map', values: ['string', 'double', 'boolean'] };
const zigzag = (n: number): number[] => {
  // Avro long: zig-zag, then base-128 varint; floats because counts here exceed 2^31.
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const bytes: number[] = [];
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  bytes.push(z);
  return bytes;
};

t.test('unions are unwrapped: ["null","string"] reads as string or null', async (t) => {
  const type = createAvroType({ type: 'record', name: 'R', fields: [{ name: 'a', type: ['null', 'string'], default: null }] });
  t.strictSame({ ...type.fromBuffer(type.toBuffer({ a: 'x' })) }, { a: 'x' });
  t.strictSame({ ...type.fromBuffer(type.toBuffer({})) }, { a: null });
});

t.test('a map claiming 2^60 entries is refused at once instead of spinning', async (t) => {
  const type = createAvroType(METADATA);
  const corrupt = Buffer.from([...zigzag(2 ** 60), 0x00]);
  const started = performance.now();
  t.throws(() => type.fromBuffer(corrupt), /corrupt Avro block: \d+ entries cannot fit in the 1 bytes left/);
  t.ok(performance.now() - started < 1000, 'fails fast');
});

t.test('a negative block byte size is refused (it would move the cursor backwards)', async (t) => {
  const type = createAvroType(METADATA);
  t.throws(() => type.fromBuffer(Buffer.from([...zigzag(-1), ...zigzag(-5), 0x02, 0x61, 0x00, 0x02, 0x78, 0x00])), /negative block size/);
});

t.test('a map written in sized blocks (negative count, as other Avro writers do) decodes', async (t) => {
  const type = createAvroType(METADATA);
  const entry = [0x02, 0x61, 0x00, 0x02, 0x78]; // "a" -> branch 0 (string) "x"
  const blocked = Buffer.from([...zigzag(-1), ...zigzag(entry.length), ...entry, 0x00]);
  t.strictSame(type.fromBuffer(blocked), { a: 'x' });
});

t.test('a huge map in a field the reader skips is refused too', async (t) => {
  const writer = createAvroType({ type: 'record', name: 'R', fields: [{ name: 'extra', type: METADATA }, { name: 'b', type: 'string' }] });
  const reader = createAvroType({ type: 'record', name: 'R', fields: [{ name: 'b', type: 'string' }] });
  const resolver = reader.createResolver(writer);
  t.strictSame({ ...reader.fromBuffer(writer.toBuffer({ extra: { k: 1 }, b: 'ok' }), resolver) }, { b: 'ok' }, 'valid bytes skip fine');
  t.throws(() => reader.fromBuffer(Buffer.from([...zigzag(2 ** 60), 0x00]), resolver), /corrupt Avro block/);
});

t.test('a "__proto__" map key is refused rather than setting the prototype', async (t) => {
  const type = createAvroType(METADATA);
  const key = Buffer.from('__proto__');
  const bytes = Buffer.from([...zigzag(1), ...zigzag(key.length), ...key, 0x00, 0x02, 0x78, 0x00]);
  t.throws(() => type.fromBuffer(bytes), /key "__proto__" is not allowed/);
});

t.test('decoded maps keep every number exactly', async (t) => {
  const type = createAvroType(METADATA);
  const values = { int: 42, negative: -7, zero: 0, float: 0.1 + 0.2, tiny: 5e-324, big: Number.MAX_SAFE_INTEGER, huge: 1e308, yes: true, no: false, text: 'é😀' };
  const decoded = type.fromBuffer(type.toBuffer(values)) as Record<string, unknown>;
  t.strictSame(decoded, values);
  t.ok(Object.is(decoded.negative, -7) && Number.isInteger(decoded.int), 'integers stay integers');
});

t.test('schemas with arrays are refused: their reads are not bounded', async (t) => {
  t.throws(() => createAvroType({ type: 'array', items: 'string' }), /must not contain arrays/);
  t.doesNotThrow(() => createAvroType(LOG_EVENT_AVRO_SCHEMA));
});
