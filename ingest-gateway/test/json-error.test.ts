import t from 'tap';
import { describeJsonError, locateJsonError } from '../src/json-error.js';

function locate(text: string) {
  try {
    JSON.parse(text);
  } catch (err) {
    return locateJsonError(err, text);
  }
  throw new Error(`${text} parsed`);
}

t.test('positions come from the parser or, when it quotes input instead, from the scanner', async (t) => {
  t.match(locate('{"a":1,}'), { position: 7, line: 1, column: 8 });
  t.match(locate('{"a": tru}'), { position: 9, reason: "Unexpected token '}'" }, 'scanner finds the bad literal');
  t.match(locate('{\n  "level": "info"\n  "message": "x"\n}'), { line: 3, column: 3 }, 'missing comma reported where the next key starts');
  t.match(locate('[1,2'), { position: 4 });
  t.match(locate('{"a": x}'), { position: 6 });
});

t.test('the message never quotes the input', async (t) => {
  const secret = 'hunter2-secret-token';
  const loc = locate(`{"password": ${secret}}`);
  t.notMatch(describeJsonError(loc), secret);
  t.match(describeJsonError(loc), /line 1, column 14/);
});

t.test('very deep documents get a reason without a position rather than a stack overflow', async (t) => {
  const text = `${'['.repeat(100_000)}x`;
  const loc = locate(text);
  t.type(loc.reason, 'string');
});
