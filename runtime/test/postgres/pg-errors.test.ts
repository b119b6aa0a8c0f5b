import t from 'tap';
import { isPostgresJsClosedSocketWrite, sqlState } from '../../src/postgres/pg-errors.js';

t.test('the SQLSTATE of server errors only', async (t) => {
  t.equal(sqlState({ severity: 'ERROR', code: '57P01', message: 'terminating connection' }), '57P01');
  t.equal(sqlState({ code: 'ECONNREFUSED' }), undefined, 'client-side');
  t.equal(sqlState({ severity: 'ERROR', code: 'CONNECT_TIMEOUT' }), undefined, "postgres.js's own code");
  t.equal(sqlState(null), undefined);
  t.equal(sqlState('57P01'), undefined);
});

t.test("postgres.js's closed-socket write is recognised, nothing else", async (t) => {
  const bug = new TypeError("Cannot read properties of null (reading 'write')");
  bug.stack = `TypeError: Cannot read properties of null (reading 'write')\n    at Immediate.nextWrite (file:///x/node_modules/postgres/src/connection.js:255:22)`;
  t.ok(isPostgresJsClosedSocketWrite(bug));
  const elsewhere = new TypeError("Cannot read properties of null (reading 'write')");
  elsewhere.stack = `TypeError: ...\n    at f (file:///x/sinks/src/main.js:1:1)`;
  t.notOk(isPostgresJsClosedSocketWrite(elsewhere));
  t.notOk(isPostgresJsClosedSocketWrite(new Error("reading 'write'")));
});
