import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Args, Flags } from '@oclif/core';
import { BaseCommand, ingestFlags } from '../base-command.js';
import { CliError, usageError } from '../lib/errors.js';
import { count } from '../lib/format.js';
import { GatewayClient } from '../lib/gateway-client.js';
import type { Rejection } from '../lib/ingest/deliver.js';
import { IngestStopped, ingest, type IngestSummary } from '../lib/ingest/ingest.js';
import { readItems, type InputFormat } from '../lib/ingest/input.js';
import { ProgressLine } from '../lib/progress.js';

export interface IngestResult extends IngestSummary {
  /** The file read, or "-" for stdin. */
  source: string;
}

// Rejections listed in the text summary; --json lists every one.
const LISTED_REJECTIONS = 50;
// Well under the gateway's default body limit (8 MiB), so a batch of long lines is not refused whole.
const BATCH_BYTES = 4 * 1024 * 1024;

export default class Ingest extends BaseCommand {
  static override summary = 'Send events from a JSON or NDJSON file (or stdin) to the ingest gateway.';

  static override description = `Reads NDJSON (one event per line), a JSON array of events, or one JSON event, from FILE or from stdin ("-"), and sends it to the gateway's POST /logs in batches, a few at a time, with a progress bar on stderr when that is a terminal. It ends with a summary: events accepted, and each rejected event with its line number (or array position) and the gateway's reasons; the exit code is 1 if any event was rejected.

A gateway request is all-or-nothing, so a batch refused for some bad events is sent again without them: every good event gets in. Events without an "id" get a UUIDv7 before they are sent, so a batch retried after a lost connection or a 503 is stored once.

Each event: {"level", "message", "resourceId", "timestamp" (RFC 3339), and optionally "traceId", "spanId", "commit", "metadata"}.`;

  static override examples = [
    { description: 'Send an NDJSON file', command: '<%= config.bin %> <%= command.id %> app.ndjson' },
    { description: 'From stdin, to another gateway', command: 'cat app.ndjson | <%= config.bin %> <%= command.id %> - --ingest-url http://127.0.0.1:3000' },
    { description: 'A JSON array; the summary as JSON (exit code 1 if any event was rejected)', command: '<%= config.bin %> <%= command.id %> events.json --json' },
    { description: 'Smaller batches, one at a time', command: '<%= config.bin %> <%= command.id %> app.ndjson --batch-size 100 --concurrency 1' },
  ];

  static override args = {
    // ignoreStdin: stdin is the events, which oclif would otherwise take for the file name.
    file: Args.string({ description: 'file to read; "-" or nothing reads stdin', required: false, ignoreStdin: true }),
  };

  static override flags = {
    format: Flags.string({ description: 'input format; auto: "[" starts a JSON array, otherwise NDJSON (or one JSON event)', options: ['auto', 'json', 'ndjson'], default: 'auto' }),
    'batch-size': Flags.integer({ description: 'most events per request', min: 1, max: 10_000, default: 1000 }),
    concurrency: Flags.integer({ description: 'requests in flight at once', min: 1, max: 32, default: 4 }),
    ...ingestFlags,
  };

  async run(): Promise<IngestResult> {
    const { args, flags } = await this.parse(Ingest);
    const source = args.file ?? '-';
    const fromStdin = source === '-';
    if (fromStdin && process.stdin.isTTY) throw usageError('no input: give a file, or pipe events in, as in: cat app.ndjson | logs ingest -');
    const totalBytes = fromStdin ? undefined : await fileSize(source);
    const gateway = new GatewayClient(this.gatewayTarget(await this.connection(flags)));
    const terminal = this.terminal();
    const json = this.jsonEnabled();
    const name = fromStdin ? 'stdin' : source;

    const started = Date.now();
    let answered = false;
    const progress = terminal.stderrTty && !json ? new ProgressLine(process.stderr, 'ingest') : undefined;
    let latest = { accepted: 0, rejected: 0, doneBytes: 0 };
    const draw = (force = false): void => progress?.update({ totalBytes, ...latest, elapsedMs: Date.now() - started }, force);

    const input = fromStdin ? process.stdin : createReadStream(source, { highWaterMark: 1024 * 1024 });
    let summary: IngestSummary;
    try {
      summary = await ingest({
        items: readItems(input, flags.format as InputFormat, name),
        post: async (body) => {
          const answer = await gateway.post(body);
          answered = true;
          return answer;
        },
        batchEvents: flags['batch-size'],
        batchBytes: BATCH_BYTES,
        concurrency: flags.concurrency,
        maxAttempts: 5,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        retryNetworkErrors: () => answered,
        fatal: (status, body) => gateway.fatal(status, body),
        now: Date.now,
        onBatch: (p) => {
          latest = p;
          draw();
        },
      });
    } catch (err) {
      progress?.clear();
      if (!(err instanceof IngestStopped)) throw err;
      const cause = err.error instanceof CliError ? err.error : new CliError('CLI_INTERNAL', (err.error as Error).message);
      const { accepted, rejected, read } = err.summary;
      throw new CliError(cause.code, `${cause.message} (stopped after ${count(read)} events: ${count(accepted)} accepted, ${count(rejected)} rejected)`, {
        details: { ...cause.details, accepted, rejected, read, rejections: err.summary.rejections },
      });
    } finally {
      if (!fromStdin) (input as ReturnType<typeof createReadStream>).destroy();
    }
    progress?.clear();

    const result: IngestResult = { source, ...summary };
    if (json) {
      if (result.rejected > 0) process.exitCode = 1;
      return result;
    }
    process.stdout.write(summaryText(result));
    if (result.rejected > 0) {
      throw new CliError('CLI_REJECTED', `${count(result.rejected)} of ${count(result.read)} events were rejected (listed above); fix them and send just those again`, {
        details: { accepted: result.accepted, rejected: result.rejected },
      });
    }
    return result;
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw usageError(`${file} is a folder; give a JSON or NDJSON file, or "-" for stdin`);
    return info.size;
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new CliError('CLI_INPUT_UNREADABLE', `cannot read ${file} (${why}); give an existing JSON or NDJSON file, or "-" for stdin`);
  }
}

function where(r: Rejection): string {
  return r.line !== undefined ? `line ${count(r.line)}` : r.index !== undefined ? `item [${r.index}]` : 'event';
}

function summaryText(r: IngestResult): string {
  const seconds = r.durationMs / 1000;
  const rate = seconds > 0 ? ` (${count(Math.round(r.accepted / seconds))}/s)` : '';
  let text = `accepted ${count(r.accepted)} of ${count(r.read)} events from ${r.source === '-' ? 'stdin' : r.source} in ${seconds.toFixed(1)} s${rate}\n`;
  if (r.rejected > 0) {
    text += `rejected ${count(r.rejected)}:\n`;
    for (const rejection of r.rejections.slice(0, LISTED_REJECTIONS)) {
      const reasons = rejection.issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
      text += `  ${where(rejection)}: ${reasons}\n`;
    }
    if (r.rejections.length > LISTED_REJECTIONS) text += `  … and ${count(r.rejections.length - LISTED_REJECTIONS)} more (--json lists every one)\n`;
  }
  return text;
}
