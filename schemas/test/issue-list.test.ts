import t from 'tap';
import { IssueList, MAX_ISSUES_PER_EVENT } from '../src/issue-list.js';

const FIELDS = ['level', 'message', 'metadata'];

t.test('issues come out in field order: whole event, known fields, unknown fields', async (t) => {
  const list = new IssueList(FIELDS);
  list.add('/lvl', 'unknown');
  list.add('/metadata/b', 'b');
  list.add('/level', 'level');
  list.add('/metadata/a', 'a');
  list.add('', 'whole');
  t.strictSame(list.toArray().map((i) => i.path), ['', '/level', '/metadata/b', '/metadata/a', '/lvl']);
});

t.test('a fallback (schema) issue never restates a field a rule already reported', async (t) => {
  const list = new IssueList(FIELDS);
  list.add('/level', 'level must be one of …');
  list.addFallback('/level', 'level must not have more than 16 characters');
  list.addFallback('/message', 'message must not be empty');
  list.addFallback('/message', 'message is required');
  t.strictSame(list.toArray(), [
    { path: '/level', message: 'level must be one of …' },
    { path: '/message', message: 'message must not be empty' },
  ]);
});

t.test('rules may report two different problems of one field', async (t) => {
  const list = new IssueList(FIELDS);
  list.add('/metadata', 'too many keys');
  list.add('/metadata', 'too many bytes');
  t.equal(list.size, 2);
});

t.test('past the limit the list ends with a note instead of growing', async (t) => {
  const list = new IssueList(FIELDS);
  for (let i = 0; i < MAX_ISSUES_PER_EVENT + 50; i++) list.add(`/metadata/k${i}`, 'bad');
  const issues = list.toArray();
  t.equal(issues.length, MAX_ISSUES_PER_EVENT + 1);
  t.strictSame(issues.at(-1), { path: '', message: `the event has more problems; only the first ${MAX_ISSUES_PER_EVENT} are listed` });
});
