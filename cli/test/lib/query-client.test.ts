import t from 'tap';
import { queryParams } from '../../src/lib/query-client.js';

t.test('filters become the API parameters; repeated values repeat the parameter', async (t) => {
  const params = queryParams({
    q: 'level:error timeout',
    level: ['warn', 'error'],
    resourceId: ['a', 'b*'],
    traceId: ['t'],
    parentResourceId: ['p'],
    message: ['connection reset'],
    regex: ['time.?out'],
    from: '15m',
    to: '2024-05-01T00:00:00Z',
    limit: 1000,
    cursor: 'c1',
    order: 'asc',
    source: 'postgres',
  });
  t.same(params.getAll('level'), ['warn', 'error']);
  t.same(params.getAll('resourceId'), ['a', 'b*']);
  t.equal(params.get('q'), 'level:error timeout');
  t.equal(params.get('message'), 'connection reset');
  t.equal(params.get('regex'), 'time.?out');
  t.equal(params.get('from'), '15m');
  t.equal(params.get('limit'), '1000');
  t.equal(params.get('cursor'), 'c1');
  t.equal(params.get('order'), 'asc');
  t.equal(params.get('source'), 'postgres');
  t.equal(params.get('parentResourceId'), 'p');
});

t.test('unset and blank filters send nothing', async (t) => {
  t.equal(queryParams({ q: '  ', level: [] }).toString(), '');
  t.equal(queryParams({}).toString(), '');
});
