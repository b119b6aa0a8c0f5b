import t from 'tap';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from '../../src/lib/errors.js';
import { DEFAULT_API_URL, DEFAULT_INGEST_URL, maskKey, readEnv, readStoredConfig, resolveConnection, writeStoredConfig } from '../../src/lib/config.js';

const noEnv = readEnv({});

t.test('a flag beats the environment, which beats the file, which beats the defaults', async (t) => {
  const env = readEnv({ LOGS_API_URL: 'http://env:1', LOGS_INGEST_URL: 'http://env:2', LOGS_API_KEY: 'env-key' });
  const file = { apiUrl: 'http://file:1', ingestUrl: 'http://file:2', apiKey: 'file-key' };
  const flags = { 'api-url': 'http://flag:1/', 'ingest-url': 'http://flag:2', 'api-key': 'flag-key' };
  t.match(resolveConnection(flags, env, file), { apiUrl: 'http://flag:1', ingestUrl: 'http://flag:2', apiKey: 'flag-key', sources: { apiUrl: 'flag', ingestUrl: 'flag', apiKey: 'flag' } });
  t.match(resolveConnection({}, env, file), { apiUrl: 'http://env:1', ingestUrl: 'http://env:2', apiKey: 'env-key', sources: { apiKey: 'env' } });
  t.match(resolveConnection({}, noEnv, file), { apiUrl: 'http://file:1', ingestUrl: 'http://file:2', apiKey: 'file-key', sources: { apiKey: 'file' } });
  t.match(resolveConnection({}, noEnv, {}), { apiUrl: DEFAULT_API_URL, ingestUrl: DEFAULT_INGEST_URL, apiKey: undefined, sources: { apiUrl: 'default', apiKey: undefined } });
});

t.test('blank environment variables count as unset', async (t) => {
  const env = readEnv({ LOGS_API_URL: '  ', LOGS_API_KEY: '' });
  t.equal(resolveConnection({}, env, { apiUrl: 'http://file:1' }).apiUrl, 'http://file:1');
  t.equal(resolveConnection({}, env, {}).apiKey, undefined);
});

t.test('a bad URL is a usage error naming where it came from', async (t) => {
  t.throws(() => resolveConnection({ 'api-url': 'nope' }, noEnv, {}), { code: 'CLI_USAGE', exitCode: 2, message: /--api-url is "nope"/ });
  t.throws(() => resolveConnection({}, readEnv({ LOGS_INGEST_URL: 'ftp://x' }), {}), { code: 'CLI_USAGE', message: /LOGS_INGEST_URL is "ftp:\/\/x"; only http/ });
  t.throws(() => resolveConnection({}, noEnv, { apiUrl: 'x' }), { message: /config file written by `logs login`/ });
});

t.test('colour and debug switches', async (t) => {
  t.equal(readEnv({ NO_COLOR: '1' }).noColor, true);
  t.equal(readEnv({ NO_COLOR: '' }).noColor, false);
  t.equal(readEnv({ FORCE_COLOR: '0' }).forceColor, false);
  t.equal(readEnv({ FORCE_COLOR: '1' }).forceColor, true);
  t.equal(readEnv({}).forceColor, undefined);
  t.equal(readEnv({ LOGS_DEBUG: '1' }).debug, true);
  t.equal(readEnv({ LOGS_DEBUG: '0' }).debug, false);
});

t.test('the stored file: written 0600 in a 0700 folder, read back; a broken one says how to fix it', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'logs-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'nested', 'config.json');
  t.same(await readStoredConfig(file), {}, 'no file: empty settings');
  const old = process.umask(0o000);
  try {
    await writeStoredConfig(file, { apiUrl: 'http://a:1', apiKey: 'secret' });
  } finally {
    process.umask(old);
  }
  t.equal(statSync(file).mode & 0o777, 0o600);
  t.equal(statSync(path.dirname(file)).mode & 0o777, 0o700);
  t.same(await readStoredConfig(file), { apiUrl: 'http://a:1', apiKey: 'secret' });

  // An existing world-readable file is replaced by a private one, not rewritten in place.
  chmodSync(file, 0o644);
  await writeStoredConfig(file, { apiKey: 'other' });
  t.equal(statSync(file).mode & 0o777, 0o600);
  t.same(JSON.parse(readFileSync(file, 'utf8')), { apiKey: 'other' });

  writeFileSync(file, '{not json');
  await t.rejects(readStoredConfig(file), new CliError('CLI_CONFIG_INVALID', `${file} is not valid JSON; fix it or delete it and run \`logs login\` again`));
  writeFileSync(file, '{"apiKey": 5}');
  await t.rejects(readStoredConfig(file), { code: 'CLI_CONFIG_INVALID', message: /"apiKey" must be a string/ });
  writeFileSync(file, '[]');
  await t.rejects(readStoredConfig(file), { code: 'CLI_CONFIG_INVALID' });
});

t.test('a masked key shows its ends only', async (t) => {
  t.equal(maskKey('lpk_abcdefghijklmnop'), 'lpk_…mnop');
  t.equal(maskKey('short'), '*****');
});
