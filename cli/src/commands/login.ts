import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { maskKey, readStoredConfig, resolveConnection, writeStoredConfig, DEFAULT_API_URL, DEFAULT_INGEST_URL, type StoredConfig } from '../lib/config.js';
import { CliError, usageError } from '../lib/errors.js';
import { firstLineOfStdin, promptHidden } from '../lib/prompt.js';
import { QueryClient } from '../lib/query-client.js';

export interface LoginResult {
  configFile: string;
  apiUrl: string;
  ingestUrl: string;
  /** The stored key, masked; null when none is stored. */
  apiKey: string | null;
  /** Whether the query API accepted the key just now (false with --no-verify or without a key). */
  verified: boolean;
}

export default class Login extends BaseCommand {
  static override summary = 'Store the query API URL, the gateway URL and an API key for later commands.';

  static override description = `Writes them to config.json in the user's config folder (<%= config.configDir %>; LOGS_CONFIG_DIR moves it), readable by you only (mode 0600). A setting not given as a flag (or LOGS_API_URL, LOGS_INGEST_URL, LOGS_API_KEY) keeps its stored value. Before saving, the key is tried against the query API (--no-verify skips that).

Every command resolves each setting in this order: its flag (--api-url, --ingest-url, --api-key), then the environment (LOGS_API_URL, LOGS_INGEST_URL, LOGS_API_KEY), then this file, then the local stack's defaults (${DEFAULT_API_URL}, ${DEFAULT_INGEST_URL}).

Without --api-key and with no key stored yet, the key is asked for on the terminal, without echo; "--api-key -" reads it from stdin, which keeps it out of the shell history.`;

  static override examples = [
    { description: 'Log in to the local stack with the admin key it generated', command: '<%= config.bin %> <%= command.id %> --api-key - < .stack/secrets/admin-key' },
    { description: 'Point the CLI at other servers and store a key without trying it', command: '<%= config.bin %> <%= command.id %> --api-url http://127.0.0.1:3001 --ingest-url http://127.0.0.1:3000 --api-key "$LOGS_API_KEY" --no-verify --json' },
  ];

  static override flags = {
    'api-url': Flags.string({ description: `query API URL to store [env: LOGS_API_URL; default: ${DEFAULT_API_URL}]` }),
    'ingest-url': Flags.string({ description: `ingest gateway URL to store [env: LOGS_INGEST_URL; default: ${DEFAULT_INGEST_URL}]` }),
    'api-key': Flags.string({ description: 'API key to store; "-" reads it from stdin [env: LOGS_API_KEY]' }),
    verify: Flags.boolean({ description: 'try the key against the query API before saving', default: true, allowNo: true }),
  };

  async run(): Promise<LoginResult> {
    const { flags } = await this.parse(Login);
    let stored: StoredConfig = {};
    try {
      stored = await readStoredConfig(this.configFile);
    } catch (err) {
      // A broken file is what login is for: it is replaced.
      if (!(err instanceof CliError)) throw err;
      this.warnLine(`${this.configFile} is unreadable and will be replaced`);
    }
    // What to store resolves like every other command's settings: flag, environment, stored, default.
    const conn = resolveConnection(flags, this.env, stored);
    const { apiUrl, ingestUrl } = conn;
    let apiKey = conn.apiKey;
    if (apiKey === '-') apiKey = await firstLineOfStdin();
    else if (apiKey === undefined && process.stdin.isTTY) apiKey = await promptHidden('API key: ');
    if (apiKey !== undefined && (apiKey === '' || /\s/.test(apiKey))) throw usageError('the API key is empty or contains spaces; pass the key exactly as it was issued');

    let verified = false;
    if (flags.verify && apiKey !== undefined) {
      const client = new QueryClient(this.apiTarget({ apiUrl, ingestUrl, apiKey, sources: { apiUrl: 'flag', ingestUrl: 'flag', apiKey: 'flag' } }));
      try {
        await client.search({ limit: 1 });
      } catch (err) {
        if (err instanceof CliError && err.code === 'CLI_UNREACHABLE') {
          throw new CliError('CLI_UNREACHABLE', `${err.message}; or pass --no-verify to save the settings without trying the key`, { ...(err.details ? { details: err.details } : {}) });
        }
        if (err instanceof CliError && err.code === 'CLI_UNAUTHORIZED') {
          throw new CliError('CLI_UNAUTHORIZED', `the query API at ${apiUrl} refused this key (unknown or revoked); nothing was saved — check the key and run \`logs login\` again`);
        }
        throw err;
      }
      verified = true;
    }

    const config: StoredConfig = { apiUrl, ingestUrl, ...(apiKey === undefined ? {} : { apiKey }) };
    await writeStoredConfig(this.configFile, config);
    const result: LoginResult = { configFile: this.configFile, apiUrl, ingestUrl, apiKey: apiKey === undefined ? null : maskKey(apiKey), verified };
    this.log(`saved to ${result.configFile} (readable by you only)`);
    this.log(`  query API  ${apiUrl}`);
    this.log(`  gateway    ${ingestUrl}`);
    this.log(`  API key    ${result.apiKey ?? '(none)'}${verified ? ' (accepted by the query API)' : apiKey === undefined ? '' : ' (not tried)'}`);
    return result;
  }
}
