import t from 'tap';
import { fieldLabel, pointer, pointerSegments } from '../src/json-pointer.js';

t.test('pointers escape ~ and / (RFC 6901) and round-trip', async (t) => {
  t.equal(pointer(), '');
  t.equal(pointer('level'), '/level');
  t.equal(pointer('metadata', 'a/b~c'), '/metadata/a~1b~0c');
  t.equal(pointer('metadata', ''), '/metadata/');
  t.equal(pointer('metadata', '~1'), '/metadata/~01', 'a literal "~1" stays a literal');
  for (const segments of [[], ['level'], ['metadata', 'a/b~c'], ['metadata', ''], ['metadata', '~1'], ['metadata', '😀 x']]) {
    t.strictSame(pointerSegments(pointer(...segments)), segments, JSON.stringify(segments));
  }
});

t.test('labels read like the field a user wrote', async (t) => {
  t.equal(fieldLabel(''), 'the event');
  t.equal(fieldLabel('/level'), 'level');
  t.equal(fieldLabel('/metadata/user'), 'metadata.user');
  t.equal(fieldLabel('/metadata/user_id-2'), 'metadata.user_id-2');
  t.equal(fieldLabel('/metadata/user.id'), 'metadata["user.id"]', 'a dotted key is not mistaken for nesting');
  t.equal(fieldLabel('/metadata/a~1b'), 'metadata["a/b"]');
  t.equal(fieldLabel('/metadata/'), 'metadata[""]');
});
