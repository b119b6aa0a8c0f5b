import t from 'tap';
import { DEAD_LETTER_HEADERS, toDeadLetterMessage } from '../src/dead-letter.js';

t.test('a dead letter keeps bytes, key and headers, and says why and where from', async (t) => {
  const msg = toDeadLetterMessage(
    { topic: 'logs.v1', partition: 2, offset: '99', key: 'svc', value: Buffer.from('raw'), headers: { 'logpipe-schema': Buffer.from('fp'), gone: undefined }, reason: 'r'.repeat(5000), code: 'pg_22P05' },
    'postgres',
  );
  t.equal(msg.key, 'svc');
  t.same(msg.value, Buffer.from('raw'));
  const h = msg.headers as Record<string, string | Buffer>;
  t.same(h['logpipe-schema'], Buffer.from('fp'));
  t.notOk('gone' in h);
  t.equal(h[DEAD_LETTER_HEADERS.code], 'pg_22P05');
  t.equal(h[DEAD_LETTER_HEADERS.sourceTopic], 'logs.v1');
  t.equal(h[DEAD_LETTER_HEADERS.sourcePartition], '2');
  t.equal(h[DEAD_LETTER_HEADERS.sourceOffset], '99');
  t.equal(h[DEAD_LETTER_HEADERS.sink], 'postgres');
  t.equal((h[DEAD_LETTER_HEADERS.reason] as string).length, 4097, 'long reasons are cut');
});
