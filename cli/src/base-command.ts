// What every `logs` command shares: `--json`, the connection flags and how they resolve, terminal
// detection, and errors printed as one line (or one JSON document with --json) with the exit code of
// the catalogue: 2 for a mistake in the command line, 1 for a failure.
import { Command, Flags, Errors } from '@oclif/core';
import { CliError } from './lib/errors.js';
import { caretLines, paint } from './lib/format.js';
import { configFilePath, readEnv, readStoredConfig, resolveConnection, type CliEnv, type ConnectionConfig, type ConnectionFlags } from './lib/config.js';
import type { ServerTarget } from './lib/http.js';

const CONNECTION = 'CONNECTION';

export const apiFlags = {
  'api-url': Flags.string({ description: 'query API URL [env: LOGS_API_URL; default http://127.0.0.1:3001]', helpGroup: CONNECTION }),
  'api-key': Flags.string({ description: 'API key sent as a Bearer token [env: LOGS_API_KEY]', helpGroup: CONNECTION }),
};

export const ingestFlags = {
  'ingest-url': Flags.string({ description: 'ingest gateway URL [env: LOGS_INGEST_URL; default http://127.0.0.1:3000]', helpGroup: CONNECTION }),
  'api-key': apiFlags['api-key'],
};

export interface Terminal {
  stdoutTty: boolean;
  stderrTty: boolean;
  /** Colour on stdout: a TTY without NO_COLOR, or FORCE_COLOR. */
  colour: boolean;
  stderrColour: boolean;
}

/** Turns oclif's own parse errors (exit 2, several lines) into one-line usage errors. */
function fromParseError(err: Errors.CLIError, commandId: string): CliError {
  const lines = err.message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^See more help with --help$/i.test(l));
  let message = lines.join('; ');
  if (commandId === 'search' || commandId === 'tail') {
    if (/^Unexpected argument/i.test(message)) message += `; quote the whole query, as in: logs ${commandId} 'level:error timeout'`;
  }
  return new CliError('CLI_USAGE', `${message}; see \`logs ${commandId} --help\``);
}

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  private cachedEnv: CliEnv | undefined;
  /** Texts of the query parameters, so a positioned query error can be shown under its text. */
  protected queryTexts: Record<string, string> = {};

  protected get env(): CliEnv {
    this.cachedEnv ??= readEnv();
    return this.cachedEnv;
  }

  protected get configFile(): string {
    return configFilePath(this.config.configDir);
  }

  protected terminal(): Terminal {
    const env = this.env;
    const decide = (tty: boolean): boolean => env.forceColor ?? (!env.noColor && tty);
    const stdoutTty = process.stdout.isTTY === true;
    const stderrTty = process.stderr.isTTY === true;
    return { stdoutTty, stderrTty, colour: decide(stdoutTty), stderrColour: decide(stderrTty) };
  }

  protected async connection(flags: ConnectionFlags): Promise<ConnectionConfig> {
    return resolveConnection(flags, this.env, await readStoredConfig(this.configFile));
  }

  private userAgent(): string {
    return `logs-cli/${this.config.version} node/${process.versions.node}`;
  }

  protected apiTarget(conn: ConnectionConfig): ServerTarget {
    return { name: 'query API', baseUrl: conn.apiUrl, urlFlag: '--api-url', urlVariable: 'LOGS_API_URL', apiKey: conn.apiKey, apiKeySource: conn.sources.apiKey, userAgent: this.userAgent() };
  }

  protected gatewayTarget(conn: ConnectionConfig): ServerTarget {
    return { name: 'gateway', baseUrl: conn.ingestUrl, urlFlag: '--ingest-url', urlVariable: 'LOGS_INGEST_URL', apiKey: conn.apiKey, apiKeySource: conn.sources.apiKey, userAgent: this.userAgent() };
  }

  /** A note for the person at the terminal; stderr, so it never mixes with results (and not with --json). */
  protected note(text: string): void {
    if (!this.jsonEnabled()) process.stderr.write(`${text}\n`);
  }

  protected warnLine(text: string): void {
    this.note(`${paint('warning:', '33', this.terminal().stderrColour)} ${text}`);
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    // Help and version requests, and this.exit(), travel as errors too: leave them to oclif.
    if (err instanceof Errors.ExitError) throw err;
    // A parse error leaves this unset, and oclif would then warn that the command never parsed.
    this.parsed = true;
    let error: CliError;
    if (err instanceof CliError) error = err;
    else if (err instanceof Errors.CLIError && err.oclif?.exit === 2) error = fromParseError(err, this.id ?? '');
    else {
      error = new CliError('CLI_INTERNAL', `unexpected error: ${err.message}; this is a bug in logs, please report it (LOGS_DEBUG=1 shows the stack)`, { cause: err });
      if (this.env.debug) process.stderr.write(`${err.stack ?? err.message}\n`);
    }
    process.exitCode = error.exitCode;
    if (this.jsonEnabled()) {
      process.stdout.write(`${JSON.stringify(error.toJson(), null, 2)}\n`);
      return undefined;
    }
    const terminal = this.terminal();
    process.stderr.write(`${paint('error:', '31', terminal.stderrColour)} ${error.message} [${error.code}]\n`);
    // On a terminal, point at the mistake in the query; a script gets the one line (and positions in --json).
    if (terminal.stderrTty) {
      for (const p of error.positions ?? []) {
        const text = this.queryTexts[p.param];
        if (text !== undefined && p.position !== undefined) process.stderr.write(`${caretLines(text, p.position, p.length).join('\n')}\n`);
      }
    }
    return undefined;
  }
}
