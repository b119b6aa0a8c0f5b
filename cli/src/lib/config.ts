// Where the CLI finds the query API, the gateway and the API key: a flag beats an environment variable,
// which beats the file `logs login` writes, which beats the local stack's defaults (design contract,
// section 3). This is the only module that reads process.env.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, usageError } from './errors.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:3001';
export const DEFAULT_INGEST_URL = 'http://127.0.0.1:3000';
export const CONFIG_FILE_NAME = 'config.json';

type Env = Readonly<Record<string, string | undefined>>;

/** What the environment says, read once. */
export interface CliEnv {
  apiUrl: string | undefined;
  ingestUrl: string | undefined;
  apiKey: string | undefined;
  /** https://no-color.org: any non-empty NO_COLOR turns colour off. */
  noColor: boolean;
  /** FORCE_COLOR=1 (or any value but 0/false) turns colour on even when piped; FORCE_COLOR=0 off. */
  forceColor: boolean | undefined;
  /** LOGS_DEBUG=1 prints the stack of an unexpected error. */
  debug: boolean;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value.trim() === '' ? undefined : value.trim());

export function readEnv(env: Env = process.env): CliEnv {
  const force = nonEmpty(env.FORCE_COLOR);
  return {
    apiUrl: nonEmpty(env.LOGS_API_URL),
    ingestUrl: nonEmpty(env.LOGS_INGEST_URL),
    apiKey: nonEmpty(env.LOGS_API_KEY),
    noColor: nonEmpty(env.NO_COLOR) !== undefined,
    forceColor: force === undefined ? undefined : !['0', 'false'].includes(force.toLowerCase()),
    debug: !['', '0', 'false'].includes((env.LOGS_DEBUG ?? '').trim().toLowerCase()),
  };
}

/** The file `logs login` writes: readable by its owner only, since it holds an API key. */
export interface StoredConfig {
  apiUrl?: string;
  ingestUrl?: string;
  apiKey?: string;
}

export const configFilePath = (configDir: string): string => path.join(configDir, CONFIG_FILE_NAME);

/** Reads the stored settings; a missing file is an empty config, a broken one an error saying how to fix it. */
export async function readStoredConfig(file: string): Promise<StoredConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('CLI_CONFIG_INVALID', `cannot read ${file} (${(err as Error).message}); fix its permissions or run \`logs login\` again`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError('CLI_CONFIG_INVALID', `${file} is not valid JSON; fix it or delete it and run \`logs login\` again`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliError('CLI_CONFIG_INVALID', `${file} must hold a JSON object; delete it and run \`logs login\` again`);
  }
  const stored: StoredConfig = {};
  for (const key of ['apiUrl', 'ingestUrl', 'apiKey'] as const) {
    const field = (value as Record<string, unknown>)[key];
    if (field === undefined) continue;
    if (typeof field !== 'string') throw new CliError('CLI_CONFIG_INVALID', `${file}: "${key}" must be a string; fix it or run \`logs login\` again`);
    stored[key] = field;
  }
  return stored;
}

/**
 * Writes the settings so that no other user can read the key at any moment: the folder is 0700, the
 * file is created 0600 under a temporary name and renamed over the old one (an existing file with
 * looser permissions is replaced, not rewritten in place).
 */
export async function writeStoredConfig(file: string, config: StoredConfig): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFile is filtered by the umask; 0600 is what we promise, whatever the umask.
  await chmod(temporary, 0o600);
  await rename(temporary, file);
}

export type SettingSource = 'flag' | 'env' | 'file' | 'default';

export interface ConnectionConfig {
  apiUrl: string;
  ingestUrl: string;
  apiKey: string | undefined;
  /** Where each setting came from, so an error can name the place to fix. */
  sources: { apiUrl: SettingSource; ingestUrl: SettingSource; apiKey: SettingSource | undefined };
}

export interface ConnectionFlags {
  'api-url'?: string | undefined;
  'ingest-url'?: string | undefined;
  'api-key'?: string | undefined;
}

function pick(flag: string | undefined, env: string | undefined, file: string | undefined): [string, SettingSource] | undefined {
  if (flag !== undefined && flag !== '') return [flag, 'flag'];
  if (env !== undefined) return [env, 'env'];
  if (file !== undefined && file !== '') return [file, 'file'];
  return undefined;
}

const WHERE: Record<SettingSource, (flag: string, variable: string) => string> = {
  flag: (flag) => `--${flag}`,
  env: (_flag, variable) => variable,
  file: () => 'the config file written by `logs login`',
  default: () => 'the default',
};

/** An http(s) URL without a trailing slash, or a usage error naming where the bad value came from. */
export function normalizeUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(`${where} is "${value}", which is not a URL; give one like http://127.0.0.1:3001`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`${where} is "${value}"; only http:// and https:// URLs are supported`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Flags > environment > stored config > defaults, validated. */
export function resolveConnection(flags: ConnectionFlags, env: CliEnv, stored: StoredConfig): ConnectionConfig {
  const api = pick(flags['api-url'], env.apiUrl, stored.apiUrl) ?? [DEFAULT_API_URL, 'default'];
  const ingest = pick(flags['ingest-url'], env.ingestUrl, stored.ingestUrl) ?? [DEFAULT_INGEST_URL, 'default'];
  const key = pick(flags['api-key'], env.apiKey, stored.apiKey);
  return {
    apiUrl: normalizeUrl(api[0], WHERE[api[1]]('api-url', 'LOGS_API_URL')),
    ingestUrl: normalizeUrl(ingest[0], WHERE[ingest[1]]('ingest-url', 'LOGS_INGEST_URL')),
    apiKey: key?.[0],
    sources: { apiUrl: api[1], ingestUrl: ingest[1], apiKey: key?.[1] },
  };
}

/** A key shown on screen: enough to recognise it, not enough to use it. */
export function maskKey(key: string): string {
  return key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 4)}…${key.slice(-4)}`;
}
