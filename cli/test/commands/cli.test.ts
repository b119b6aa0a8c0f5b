// What every command shares, seen from outside: where settings come from, one-line errors with exit
// code 2 for command-line mistakes and 1 for failures, --json errors, help.
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseEnv, closedPort, runLogs, tempDir } from '../helpers/cli.js';
import { adminKey, requireQueryApi } from '../helpers/system.js';

t.test('a flag beats LOGS_API_URL, which beats the config file, which beats the default', async (t) => {
  const [flagPort, envPort, filePort] = [await closedPort(), await closedPort(), await closedPort()];
  const configDir = tempDir(t);
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ apiUrl: `http://127.0.0.1:${filePort}` }));
  const where = async (args: string[], extra: Record<string, string> = {}): Promise<string | undefined> => {
    const r = await runLogs(['search', ...args], baseEnv(configDir, extra));
    return /cannot reach the query API at (\S+)/.exec(r.stderr)?.[1];
  };
  t.equal(await where(['--api-url', `http://127.0.0.1:${flagPort}`], { LOGS_API_URL: `http://127.0.0.1:${envPort}` }), `http://127.0.0.1:${flagPort}`);
  t.equal(await where([], { LOGS_API_URL: `http://127.0.0.1:${envPort}` }), `http://127.0.0.1:${envPort}`);
  t.equal(await where([]), `http://127.0.0.1:${filePort}`);
});

t.test('the default is the local stack, and the key from the file is used', async (t) => {
  if (!(await requireQueryApi(t))) return;
  const configDir = tempDir(t);
  const env = baseEnv(configDir);
  const none = await runLogs(['search', '--limit', '1'], env);
  t.equal(none.code, 1);
  t.equal(none.stderr, 'error: the query API needs an API key to search; run `logs login --api-key <key>` or set LOGS_API_KEY [CLI_UNAUTHORIZED]\n');
  const login = await runLogs(['login', '--api-key', '-'], env, { input: `${adminKey()}\n` });
  t.equal(login.code, 0, login.stderr);
  const stored = await runLogs(['search', '--limit', '1', '--json'], env);
  t.equal(stored.code, 0, 'the stored key works');
  const wrong = await runLogs(['login', '--api-key', 'lpk_wrong'], env);
  t.equal(wrong.code, 1);
  t.match(wrong.stderr, /refused this key \(unknown or revoked\); nothing was saved/);
  t.equal((await runLogs(['search', '--limit', '1'], env)).code, 0, 'a refused login keeps the previous key');
});

t.test('command-line mistakes: exit 2, one line that names the fix', async (t) => {
  const env = baseEnv(tempDir(t));
  const cases: [string[], RegExp][] = [
    [['search', 'level:error', 'timeout'], /^error: Unexpected argument: timeout; quote the whole query, as in: logs search 'level:error timeout'; see `logs search --help` \[CLI_USAGE\]\n$/],
    [['search', '--nope'], /^error: Nonexistent flag: --nope; see `logs search --help` \[CLI_USAGE\]\n$/],
    [['search', '-o', 'yaml'], /^error: Expected --output=yaml to be one of: table, json, ndjson, raw; see `logs search --help` \[CLI_USAGE\]\n$/],
    [['search', '--all', '--limit', '5'], /cannot also be provided when using .*\[CLI_USAGE\]\n$/],
    [['search', '--since', '1h', '--from', '2h'], /cannot also be provided when using .*\[CLI_USAGE\]\n$/],
    [['tail', '--for', 'ever'], /^error: --for "ever" is not a duration; .*\[CLI_USAGE\]\n$/],
    [['search', '--api-url', 'localhost:3001'], /^error: --api-url is "localhost:3001"; only http:\/\/ and https:\/\/ URLs are supported \[CLI_USAGE\]\n$/],
    [['keys', 'revoke'], /Missing 1 required arg.*\[CLI_USAGE\]\n$/],
    [['keys', 'create', '--role', 'root', '--name', 'x'], /Expected --role=root to be one of: reader, admin, ingester.*\[CLI_USAGE\]\n$/],
  ];
  for (const [args, expected] of cases) {
    const r = await runLogs(args, env);
    t.equal(r.code, 2, `logs ${args.join(' ')} exits 2`);
    t.match(r.stderr, expected);
    t.equal(r.stderr.trimEnd().split('\n').length, 1, 'one line');
    t.equal(r.stdout, '');
  }
  const unknown = await runLogs(['serach'], env);
  t.equal(unknown.code, 2, 'an unknown command exits 2');
});

t.test('failures: exit 1; with --json the error is a JSON document on stdout', async (t) => {
  const port = await closedPort();
  const env = baseEnv(tempDir(t), { LOGS_API_URL: `http://127.0.0.1:${port}` });
  for (const args of [['search'], ['tail'], ['keys', 'list'], ['keys', 'create', '--name', 'x'], ['keys', 'revoke', 'x'], ['login', '--api-key', 'k']]) {
    const r = await runLogs([...args, '--json'], env);
    t.equal(r.code, 1, `logs ${args.join(' ')}`);
    t.match(JSON.parse(r.stdout), { error: { code: 'CLI_UNREACHABLE', exitCode: 1, message: new RegExp(`cannot reach the query API at http://127.0.0.1:${port} \\(connection refused\\)`) } });
    t.equal(r.stderr, '');
  }
  const brokenConfig = tempDir(t);
  writeFileSync(path.join(brokenConfig, 'config.json'), '{');
  const r = await runLogs(['search'], baseEnv(brokenConfig));
  t.equal(r.code, 1);
  t.match(r.stderr, /config\.json is not valid JSON; fix it or delete it and run `logs login` again \[CLI_CONFIG_INVALID\]/);
});

t.test('every command has a summary and examples in its help', async (t) => {
  const env = baseEnv(tempDir(t));
  const root = await runLogs(['--help'], env);
  t.equal(root.code, 0);
  for (const id of ['search', 'tail', 'ingest', 'login', 'keys create', 'keys list', 'keys revoke', 'stack up', 'stack down', 'stack status']) {
    const r = await runLogs([...id.split(' '), '--help'], env);
    t.equal(r.code, 0);
    t.match(r.stdout, /\nEXAMPLES\n/, `logs ${id} --help has examples`);
    t.match(r.stdout, /--json/, `logs ${id} takes --json`);
  }
});
