import t from 'tap';
import { SCHEMA_ERROR_CODES, SchemaDecodeError, SchemaEncodeError, SchemaError, SchemaIncompatibleError, UnknownSchemaError } from '../src/errors.js';

const errors: SchemaError[] = [
  new UnknownSchemaError('ab'.repeat(32), ['cd'.repeat(32)], 'logpipe-schema'),
  new SchemaDecodeError('ab'.repeat(32), new Error('truncated buffer')),
  new SchemaEncodeError(new Error('invalid "long": NaN')),
  new SchemaIncompatibleError('ab'.repeat(32), new Error('no alias found')),
];

t.test('every error this package throws has a documented, SCHEMA_-prefixed code', async (t) => {
  for (const error of errors) {
    t.ok(Object.hasOwn(SCHEMA_ERROR_CODES, error.code), `${error.name}: ${error.code} is in the catalogue`);
    t.match(error.code, /^SCHEMA_/);
    t.ok(error instanceof Error, `${error.name} is an Error`);
    t.equal(error.isRetryable(), false, `${error.name} is not retryable`);
  }
  t.strictSame(new Set(errors.map((e) => e.code)), new Set(Object.keys(SCHEMA_ERROR_CODES)), 'and every catalogued code is used');
});

t.test('messages and causes carry what an operator needs', async (t) => {
  const [unknown, decode] = errors;
  t.match(unknown?.message, /Unknown Avro writer schema fingerprint abab.*this consumer knows cdcd.*upgrade this consumer/);
  t.match(decode?.message, /truncated buffer/);
  t.match(decode?.cause, { message: 'truncated buffer' });
});
