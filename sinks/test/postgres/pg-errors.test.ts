import t from 'tap';
import { isNoPartitionError, isRowError, isTransientError, rowErrorCode, rowErrorReason } from '../../src/postgres/pg-errors.js';

const pg = (code: string, message = 'm', detail?: string) => ({ severity: 'ERROR', code, message, ...(detail ? { detail } : {}) });

t.test('row errors are data, integrity and limit classes from the server', async (t) => {
  for (const code of ['22P02', '22021', '22008', '23514', '23502', '54000']) t.ok(isRowError(pg(code)), code);
  for (const code of ['08006', '40P01', '53300', '57P01', '42P01', '42501', 'XX000']) t.notOk(isRowError(pg(code)), code);
  t.notOk(isRowError({ code: 'CONNECTION_CLOSED', message: 'x' }), 'client-side');
});

t.test('transient errors', async (t) => {
  for (const err of [{ code: 'ECONNREFUSED' }, pg('57P01'), pg('08006'), pg('40P01'), pg('53300')]) t.ok(isTransientError(err));
  for (const err of [pg('42501'), pg('3D000'), pg('42P07')]) t.notOk(isTransientError(err));
});

t.test('no partition, reason and code', async (t) => {
  t.ok(isNoPartitionError(pg('23514', 'no partition of relation "logs" found for row')));
  t.notOk(isNoPartitionError(pg('23514', 'new row violates check constraint')));
  t.equal(rowErrorReason(pg('22P02', 'invalid input syntax for type uuid: "x"')), 'PostgreSQL refused the row: invalid input syntax for type uuid: "x"');
  t.equal(rowErrorReason(pg('23514', 'no partition', 'Partition key of the failing row contains (ts).')), 'PostgreSQL refused the row: no partition (Partition key of the failing row contains (ts).)');
  t.equal(rowErrorCode(pg('22P05')), 'pg_22P05');
});
