// Builds avsc types the way every logpipe process must read and write events.
import avro from 'avsc';
import type { Schema, Type } from 'avsc';

/** The part of avsc's internal Tap (a cursor over the buffer) that block reading uses. */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  readString(): string;
  skipString(): void;
}

interface ValuesReader {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}

/**
 * Reads a map/array block header. Security: avsc trusts the item count it reads, so a few
 * corrupt bytes claiming 2^60 entries keep a sink spinning on one message forever (reads past
 * the end yield zeros, which decode as empty entries). Every map entry takes at least one byte
 * (its key length), so a count larger than the bytes left is corrupt, and is refused here.
 */
function readBlockCount(tap: Tap, minEntryBytes: number): number {
  let count = tap.readLong();
  let size = -1;
  if (count < 0) {
    count = -count;
    size = tap.readLong();
    if (size < 0) throw new Error('corrupt Avro block: negative block size');
  }
  const left = tap.buf.length - tap.pos;
  if (count * minEntryBytes > left || size > left) {
    throw new Error(`corrupt Avro block: ${count} entries cannot fit in the ${left} bytes left`);
  }
  return count;
}

/** avsc's MapType with the block guard on both paths: reading it and skipping it (resolution). */
class BoundedMapType extends avro.types.MapType {
  _read(this: { valuesType: ValuesReader }, tap: Tap): Record<string, unknown> {
    const values = this.valuesType;
    const map: Record<string, unknown> = {};
    let count: number;
    while ((count = readBlockCount(tap, 1)) !== 0) {
      while (count-- > 0) {
        const key = tap.readString();
        const value = values._read(tap);
        // Security: assigning "__proto__" would set the prototype, not add a key. No logpipe
        // writer produces it (normalizeEvent refuses it), so such bytes are corrupt or hostile.
        if (key === '__proto__') throw new Error('corrupt Avro map: key "__proto__" is not allowed');
        map[key] = value;
      }
    }
    return map;
  }

  _skip(this: { valuesType: ValuesReader }, tap: Tap): void {
    const values = this.valuesType;
    let count: number;
    while ((count = readBlockCount(tap, 1)) !== 0) {
      while (count-- > 0) {
        tap.skipString();
        values._skip(tap);
      }
    }
  }
}

/**
 * The avsc Type for a schema. Unions are unwrapped (`["null","string"]` reads as `string | null`,
 * not `{string: …}`), which is the shape LogEvent has; avsc refuses a union it cannot unwrap.
 * Arrays are refused: none of our schemas has one, and their reads are not bounded here.
 */
export function createAvroType(schema: Schema): Type {
  return avro.Type.forSchema(schema, {
    wrapUnions: 'never',
    typeHook: (s, opts) => {
      if (typeof s !== 'object' || s === null || Array.isArray(s)) return undefined;
      const { type } = s as { type?: unknown };
      if (type === 'map') return new BoundedMapType(s, opts);
      if (type === 'array') throw new Error('logpipe Avro schemas must not contain arrays (their reads are not bounded)');
      return undefined;
    },
  });
}

/** Hex SHA-256 of the schema's Parsing Canonical Form, the identity that travels in the header. */
export function avroFingerprint(type: Type): string {
  // avsc's schema() with no options is the Parsing Canonical Form (full names, no doc/default/
  // logicalType, canonical key order); fingerprint() hashes exactly that string.
  return type.fingerprint('sha256').toString('hex');
}
