import { Flags } from '@oclif/core';
import type { LogEvent } from '@logpipe/schemas';
import { BaseCommand, apiFlags } from '../base-command.js';
import { LANGUAGE_HELP, filterFlags, filtersFrom, outputFlag, queryArg, queryTextsOf } from '../filter-flags.js';
import { parseDuration } from '../lib/duration.js';
import { CliError, usageError } from '../lib/errors.js';
import type { OutputFormat } from '../lib/format.js';
import { EventPrinter, Output } from '../lib/output.js';
import { QueryClient } from '../lib/query-client.js';

export interface TailResult {
  received: number;
  /** The events, with --json only (otherwise they were printed as they came). */
  events: LogEvent[];
  /** Why the tail ended: Ctrl-C (or SIGTERM), --max reached, --for elapsed, or the server closed it. */
  endedBy: 'signal' | 'max' | 'duration' | 'server';
}

// Reconnecting after a lost stream (or a tail not ready yet): 1, 2, 4, 8 s, then give up, so a script
// does not hang forever.
const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000];

export default class Tail extends BaseCommand {
  static override summary = 'Follow new events live as they arrive, with the same filters as search.';

  static override description = `Streams events that match from the query API's live tail (Server-Sent Events fed from Kafka), as they arrive, until Ctrl-C (exit 0), --max events or --for a while. On a terminal they are a table with coloured levels; piped, NDJSON. A lost connection is retried a few times; events in the gap are not replayed (logs search --since fills it). With --json the command prints one document when it ends.

${LANGUAGE_HELP}`;

  static override examples = [
    { description: 'Every error as it happens, until Ctrl-C', command: '<%= config.bin %> <%= command.id %> level:error' },
    { description: 'One resource and its children, as NDJSON for another program', command: "<%= config.bin %> <%= command.id %> 'resourceId:checkout-* OR parentResourceId:checkout-1' -o ndjson" },
    { description: 'Wait at most 30 s for the first event that mentions "deployed", then stop', command: "<%= config.bin %> <%= command.id %> '\"deployed\"' --max 1 --for 30s --json" },
  ];

  static override args = queryArg;

  static override flags = {
    ...filterFlags,
    max: Flags.integer({ description: 'stop after this many events', min: 1 }),
    for: Flags.string({ description: 'stop after this long: 30s, 15m, 2h…' }),
    ...outputFlag,
    ...apiFlags,
  };

  async run(): Promise<TailResult> {
    const { args, flags } = await this.parse(Tail);
    const forMs = flags.for === undefined ? undefined : parseDuration(flags.for);
    if (flags.for !== undefined && forMs === undefined) throw usageError(`--for "${flags.for}" is not a duration; use a number and a unit, such as 30s, 15m or 2h`);
    const filters = filtersFrom(args.query, flags);
    this.queryTexts = queryTextsOf(filters);
    const conn = await this.connection(flags);
    const client = new QueryClient(this.apiTarget(conn));
    const terminal = this.terminal();
    const json = this.jsonEnabled();
    const format = (flags.output ?? (terminal.stdoutTty ? 'table' : 'ndjson')) as OutputFormat;
    const out = new Output(process.stdout);
    const printer = json ? undefined : new EventPrinter(out, { format, colour: terminal.colour, header: false });
    const result: TailResult = { received: 0, events: [], endedBy: 'server' };

    const stop = new AbortController();
    const end = (why: TailResult['endedBy']): void => {
      if (stop.signal.aborted) return;
      result.endedBy = why;
      stop.abort();
    };
    const onSignal = (): void => end('signal');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const timer = forMs === undefined ? undefined : setTimeout(() => end('duration'), forMs);
    try {
      // Consecutive failed attempts; reset once a stream is live again.
      let attempt = 0;
      let everLive = false;
      while (!stop.signal.aborted) {
        let why: string;
        try {
          const items = await client.tail(filters, stop.signal);
          for await (const item of items) {
            if (item.kind === 'notice') {
              if (item.event === 'ready') {
                this.note(everLive ? 'reconnected; events sent while disconnected are not shown (logs search --since fills the gap)' : `tailing ${conn.apiUrl}${args.query ? ` for ${args.query}` : ''} (Ctrl-C to stop)`);
                everLive = true;
                attempt = 0;
              } else this.notice(item.event, item.data);
              continue;
            }
            result.received++;
            if (printer === undefined) result.events.push(item.event);
            else await printer.print([item.event]);
            if (out.closed) end('signal');
            if (flags.max !== undefined && result.received >= flags.max) end('max');
          }
          why = 'the query API ended the stream';
        } catch (err) {
          if (stop.signal.aborted) break;
          if (!retryable(err, everLive)) throw err;
          why = err instanceof CliError ? err.message : `the stream broke (${(err as Error).message})`;
        }
        if (stop.signal.aborted) break;
        if (attempt >= RECONNECT_DELAYS_MS.length) throw lost(why);
        await this.waitBeforeRetry(RECONNECT_DELAYS_MS[attempt++] as number, stop.signal, why);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (timer !== undefined) clearTimeout(timer);
    }
    await printer?.end();
    return result;
  }

  private async waitBeforeRetry(delayMs: number, signal: AbortSignal, why: string): Promise<void> {
    this.warnLine(`${why}; reconnecting in ${delayMs / 1000} s`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Server notices that matter to the user: errors and dropped events. */
  private notice(event: string, data: string): void {
    if (event === 'dropped' || event === 'error') {
      let text = data;
      try {
        const parsed = JSON.parse(data) as { reason?: unknown; message?: unknown };
        const message = parsed.reason ?? parsed.message;
        if (typeof message === 'string') text = message;
      } catch {
        // not JSON: shown as sent
      }
      this.warnLine(`query API: ${text}`);
    }
  }
}

/**
 * Worth reconnecting: the API is up but its tail is not ready (503), or a stream that was live broke.
 * Not: a refused query or key, or a server that was never reached (it is not there; say so at once).
 */
function retryable(err: unknown, everLive: boolean): boolean {
  if (!(err instanceof CliError)) return everLive;
  if (err.code === 'CLI_SERVER_ERROR') return err.details?.status === 503 || everLive;
  return err.code === 'CLI_UNREACHABLE' && everLive;
}

function lost(why: string): CliError {
  return new CliError('CLI_STREAM_LOST', `lost the live tail (${why}) and could not get it back after ${RECONNECT_DELAYS_MS.length} tries; check \`logs stack status\` and run the command again`);
}
