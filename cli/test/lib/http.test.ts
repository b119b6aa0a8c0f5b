import t from 'tap';
import { createServer } from 'node:net';
import { parseServerError, send, statusError, type ServerTarget } from '../../src/lib/http.js';
import { closedPort } from '../helpers/cli.js';

const target = (baseUrl: string, apiKey?: string): ServerTarget => ({
  name: 'query API',
  baseUrl,
  urlFlag: '--api-url',
  urlVariable: 'LOGS_API_URL',
  apiKey,
  apiKeySource: apiKey === undefined ? undefined : 'env',
  userAgent: 'test',
});

t.test('error bodies of both services, Fastify defaults and plain text', async (t) => {
  t.match(parseServerError('{"error":{"code":"QRY_INVALID_KEY","message":"the API key is unknown or revoked"}}'), { code: 'QRY_INVALID_KEY', message: 'the API key is unknown or revoked' });
  t.match(parseServerError('{"statusCode":404,"error":"Not Found","message":"Route GET:/x not found"}'), { code: undefined, message: 'Route GET:/x not found' });
  t.match(parseServerError('Bad Gateway'), { code: undefined, message: 'Bad Gateway', body: undefined });
  t.match(parseServerError(''), { message: undefined });
});

t.test('a port nobody listens on: one error that names the server and what to do', async (t) => {
  const port = await closedPort();
  await t.rejects(send(target(`http://127.0.0.1:${port}`), '/api/search'), {
    code: 'CLI_UNREACHABLE',
    exitCode: 1,
    message: `cannot reach the query API at http://127.0.0.1:${port} (connection refused); start the stack with \`logs stack up\`, or point --api-url or LOGS_API_URL at a running query API`,
  });
});

t.test('a server that never answers: a timeout error', async (t) => {
  const server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };
  await t.rejects(send(target(`http://127.0.0.1:${port}`), '/x', { timeoutMs: 200 }), { code: 'CLI_TIMEOUT', message: /did not answer within 0 s/ });
});

t.test('statuses become errors that say what to do', async (t) => {
  const none = { code: undefined, message: undefined, body: undefined };
  t.match(statusError(target('http://a'), 401, none, 'search'), { code: 'CLI_UNAUTHORIZED', message: /needs an API key to search; run `logs login --api-key <key>` or set LOGS_API_KEY/ });
  t.match(statusError(target('http://a', 'k'), 401, { ...none, message: 'the API key is unknown or revoked' }, 'search'), { code: 'CLI_UNAUTHORIZED', message: /refused the API key from LOGS_API_KEY \(unknown or revoked\)/ });
  t.match(statusError(target('http://a', 'k'), 403, none, 'create API keys'), { code: 'CLI_FORBIDDEN', message: /may not create API keys; use a key with the admin role/ });
  t.match(statusError(target('http://a', 'k'), 503, { code: 'QRY_STORES_UNAVAILABLE', message: 'no store answered', body: {} }, 'search'), { code: 'CLI_SERVER_ERROR', message: /HTTP 503 QRY_STORES_UNAVAILABLE\): no store answered; try again/ });
});
