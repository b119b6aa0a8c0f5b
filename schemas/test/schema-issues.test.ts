import t from 'tap';
import { Compile } from 'typebox/compile';
import { IncomingEvent } from '../src/event.js';
import { schemaIssues } from '../src/schema-issues.js';

const validator = Compile(IncomingEvent);
const FIELDS = Object.keys(IncomingEvent.properties);
const issuesFor = (input: unknown) => schemaIssues(validator.Errors(input), input, FIELDS);

t.test('one missing-properties error becomes one issue per missing field', async (t) => {
  t.strictSame(issuesFor({ level: 'info' }), [
    { path: '/message', message: 'message is required' },
    { path: '/resourceId', message: 'resourceId is required' },
    { path: '/timestamp', message: 'timestamp is required' },
  ]);
});

t.test('anyOf branch errors collapse into one message listing the accepted types', async (t) => {
  const input = { level: 'info', message: 'm', resourceId: 'r', timestamp: 't', metadata: { user: { id: 1 } } };
  t.strictSame(issuesFor(input), [{ path: '/metadata/user', message: 'metadata.user must be a string, number or boolean; got an object' }]);
});

t.test('unknown fields are named with the fields that are allowed', async (t) => {
  const issues = issuesFor({ level: 'info', message: 'm', resourceId: 'r', timestamp: 't', lvl: 1 });
  t.ok(issues.length > 0 && issues.every((i) => i.path === '/lvl'));
  t.equal(issues[0]?.message, 'unknown field "lvl"; allowed fields are id, level, message, resourceId, timestamp, traceId, spanId, commit, metadata');
});

t.test('lengths are reported in characters with the limit', async (t) => {
  t.strictSame(issuesFor({ level: 'info', message: 'm', resourceId: '😀'.repeat(257), timestamp: 't' }), [
    { path: '/resourceId', message: 'resourceId is 257 characters; the limit is 256 characters' },
  ]);
});

t.test('a format failure names the field and the value', async (t) => {
  t.strictSame(issuesFor({ level: 'info', message: 'm', resourceId: 'r', timestamp: 't', id: 'x' }), [
    { path: '/id', message: 'id must be a valid uuid; got "x"' },
  ]);
});
