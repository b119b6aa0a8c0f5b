import { Flags } from '@oclif/core';
import type { LogEvent } from '@logpipe/schemas';
import { BaseCommand, apiFlags } from '../base-command.js';
import { LANGUAGE_HELP, filterFlags, filtersFrom, outputFlag, queryArg, queryTextsOf } from '../filter-flags.js';
import { DURATION_PATTERN } from '../lib/duration.js';
import { usageError } from '../lib/errors.js';
import type { OutputFormat } from '../lib/format.js';
import { EventPrinter, Output } from '../lib/output.js';
import { MAX_PAGE_SIZE, QueryClient, type SearchOrder, type SearchPage, type SearchSource, type SourceStatus } from '../lib/query-client.js';

export interface SearchResult {
  hits: LogEvent[];
  /** Where the next page starts (pass it to --cursor), or null at the end. */
  nextCursor: string | null;
  /** True when a store failed on any page: some matching events may be missing. */
  partial: boolean;
  /** Each store's status on the last page. */
  sources: Record<string, SourceStatus>;
  pages: number;
  tookMs: number;
}

export default class Search extends BaseCommand {
  static override summary = 'Search stored events with the query language and field filters.';

  static override description = `Searches both stores (Elasticsearch and PostgreSQL) through the query API, newest first. On a terminal the hits are a table with coloured levels; piped, they are NDJSON, one event per line. --limit caps the hits (fetched in pages of up to ${MAX_PAGE_SIZE}); --all follows the cursor to the end, printing each page as it arrives. When a store fails, the other's hits are printed and a warning says the result is partial.

${LANGUAGE_HELP}`;

  static override examples = [
    { description: 'Errors of the last hour that mention "timeout"', command: "<%= config.bin %> <%= command.id %> 'level:error timeout' --since 1h" },
    { description: 'Warnings and errors of one resource, oldest first', command: '<%= config.bin %> <%= command.id %> --level warn,error --resource-id checkout-1 --order asc' },
    { description: 'Every event of a trace, as NDJSON, following the cursor to the end', command: '<%= config.bin %> <%= command.id %> --trace-id 4bf92f3577b34da6 --all -o ndjson' },
    { description: 'A regular expression on the message, between two instants', command: "<%= config.bin %> <%= command.id %> 'message:/time.?out/' --from 2024-05-01T00:00:00Z --to 2024-05-02T00:00:00Z" },
    { description: 'The result for a script: hits, next cursor, partial flag and store statuses', command: "<%= config.bin %> <%= command.id %> 'resourceId:web-*' --limit 5 --json" },
    { description: 'Only the messages, from PostgreSQL alone', command: '<%= config.bin %> <%= command.id %> --since 15m --source postgres -o raw' },
  ];

  static override args = queryArg;

  static override flags = {
    ...filterFlags,
    from: Flags.string({ description: 'earliest timestamp, inclusive: RFC 3339 or relative (15m, 24h, 7d)', exclusive: ['since'] }),
    to: Flags.string({ description: 'latest timestamp, inclusive: RFC 3339 or relative (15m, 24h, 7d)' }),
    since: Flags.string({ char: 's', description: 'only events of the last 30s, 15m, 24h, 7d, 2w… (same as --from 15m)', exclusive: ['from'] }),
    limit: Flags.integer({ char: 'n', description: 'most hits to print', min: 1, default: 100, exclusive: ['all'] }),
    all: Flags.boolean({ char: 'a', description: 'follow the cursor until every matching event is printed', exclusive: ['limit'] }),
    cursor: Flags.string({ description: 'continue after a previous result (its nextCursor)' }),
    order: Flags.string({ description: 'newest (desc) or oldest (asc) first', options: ['desc', 'asc'], default: 'desc' }),
    source: Flags.string({ description: 'which stores to ask', options: ['both', 'elasticsearch', 'postgres'], default: 'both' }),
    ...outputFlag,
    ...apiFlags,
  };

  async run(): Promise<SearchResult> {
    const { args, flags } = await this.parse(Search);
    if (flags.since !== undefined && !DURATION_PATTERN.test(flags.since)) {
      throw usageError(`--since "${flags.since}" is not a duration; use a number and a unit, such as 30s, 15m, 24h, 7d or 2w`);
    }
    const filters = filtersFrom(args.query, flags);
    this.queryTexts = queryTextsOf(filters);
    const client = new QueryClient(this.apiTarget(await this.connection(flags)));
    const terminal = this.terminal();
    const json = this.jsonEnabled();
    const format = (flags.output ?? (terminal.stdoutTty ? 'table' : 'ndjson')) as OutputFormat;
    const out = new Output(process.stdout);
    const printer = json ? undefined : new EventPrinter(out, { format, colour: terminal.colour, header: true });

    const maxHits = flags.all ? Number.POSITIVE_INFINITY : flags.limit;
    const pageSize = flags.all ? MAX_PAGE_SIZE : Math.min(flags.limit, MAX_PAGE_SIZE);
    const result: SearchResult = { hits: [], nextCursor: null, partial: false, sources: {}, pages: 0, tookMs: 0 };
    const warned = new Set<string>();
    const pages = client.pages(
      {
        ...filters,
        from: flags.since ?? flags.from,
        to: flags.to,
        cursor: flags.cursor,
        order: flags.order as SearchOrder,
        source: flags.source as SearchSource,
      },
      pageSize,
      maxHits,
    );
    for await (const page of pages) {
      result.pages++;
      result.tookMs += page.tookMs;
      result.nextCursor = page.nextCursor;
      result.sources = page.sources;
      if (page.partial) {
        result.partial = true;
        this.warnPartial(page, warned);
      }
      if (printer === undefined) result.hits.push(...page.hits);
      else await printer.print(page.hits);
      // The reader closed the pipe (`| head`): nothing more to print, so nothing more to fetch.
      if (out.closed) break;
    }
    await printer?.end();
    if (!json && terminal.stderrTty && !out.closed) {
      if (printer?.count === 0) this.note('no events match');
      else if (result.nextCursor !== null) this.note(`more events match: add --all, or --cursor ${result.nextCursor} for the next page`);
    }
    return result;
  }

  private warnPartial(page: SearchPage, warned: Set<string>): void {
    const failed = Object.entries(page.sources).filter(([, s]) => !s.ok);
    const answered = Object.entries(page.sources).filter(([, s]) => s.ok).map(([name]) => name);
    for (const [name, status] of failed) {
      if (warned.has(name)) continue;
      warned.add(name);
      this.warnLine(`partial result: ${name} did not answer (${status.error ?? 'failed'}); hits come from ${answered.join(' and ') || 'no store'} only`);
    }
    if (failed.length === 0 && !warned.has('')) {
      warned.add('');
      this.warnLine('partial result: a store did not answer; some matching events may be missing');
    }
  }
}
