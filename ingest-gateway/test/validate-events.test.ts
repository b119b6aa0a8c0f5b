import t from 'tap';
import { LIMITS } from '@logpipe/schemas';
import { GatewayError } from '../src/errors.js';
import { validateEvents, type EventLimits } from '../src/validate-events.js';

const ctx = { now: () => new Date('2024-05-01T00:00:00Z'), newId: () => '0190a000-0000-7000-8000-000000000001' };
const schemaLimits: EventLimits = { maxMessageBytes: LIMITS.messageMaxBytes, maxMetadataKeys: LIMITS.metadataMaxKeys, maxMetadataBytes: LIMITS.metadataMaxBytes };
const good = { level: 'Err', message: 'm', resourceId: 'r', timestamp: '2024-05-01T01:00:00+01:00' };

t.test('valid items come back normalised, with id and receivedAt', async (t) => {
  const [event] = validateEvents({ items: [good] }, ctx, schemaLimits);
  t.match(event, { id: '0190a000-0000-7000-8000-000000000001', level: 'error', timestamp: '2024-05-01T00:00:00.000Z', receivedAt: '2024-05-01T00:00:00.000Z' });
});

t.test('one bad item fails the whole request, listing every problem with index and line', async (t) => {
  const err = t.throws(() => validateEvents({ items: [good, { ...good, level: 'nope' }, 7, good], lines: [1, 2, 5, 6] }, ctx, schemaLimits)) as GatewayError;
  t.equal(err.code, 'GW_INVALID_EVENTS');
  t.equal(err.message, '2 of 4 events are invalid; nothing was accepted');
  t.match(err.items, [
    { index: 1, line: 2, path: '/level' },
    { index: 2, line: 5, path: '' },
  ]);
});

t.test('stricter limits: only checked below the schema, named by path', async (t) => {
  const strict: EventLimits = { maxMessageBytes: 3, maxMetadataKeys: 1, maxMetadataBytes: 10 };
  const err = t.throws(() => validateEvents({ items: [{ ...good, message: 'héllo', metadata: { a: 1, b: 'xxxxxxxx' } }] }, ctx, strict)) as GatewayError;
  t.match(err.items, [
    { index: 0, path: '/message', message: /6 bytes.*at most 3/ },
    { index: 0, path: '/metadata', message: /2 keys.*at most 1/ },
    { index: 0, path: '/metadata', message: /bytes as JSON.*at most 10/ },
  ]);
  t.equal(validateEvents({ items: [{ ...good, metadata: { a: 1 } }] }, ctx, schemaLimits).length, 1, 'schema limits add nothing');
});
