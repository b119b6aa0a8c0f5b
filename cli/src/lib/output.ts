// Writing results to stdout as they arrive: waits for the pipe to drain (so 10,000 events piped into a
// slow reader do not pile up in memory), and notices when the reader went away (`| head`), so the
// command stops fetching and ends quietly instead of failing on EPIPE.
import type { Writable } from 'node:stream';
import type { LogEvent } from '@logpipe/schemas';
import { eventLine, resourceWidthFor, tableHeader, tableLine, type OutputFormat, type TableStyle } from './format.js';

export class Output {
  private closedByReader = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closedByReader = true;
    });
  }

  /** True once the reader closed the pipe; callers stop producing. */
  get closed(): boolean {
    return this.closedByReader || this.stream.destroyed;
  }

  async write(text: string): Promise<void> {
    if (this.closed) return;
    if (this.stream.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
  }
}

export interface PrinterOptions {
  format: OutputFormat;
  colour: boolean;
  /** A header row above the first table line (search does, tail does not). */
  header: boolean;
}

/** Prints events in the chosen format, batch after batch, as one continuous document. */
export class EventPrinter {
  private printed = 0;
  private style: TableStyle;

  constructor(
    private readonly out: Output,
    private readonly options: PrinterOptions,
  ) {
    this.style = { colour: options.colour, resourceWidth: 8 };
  }

  get count(): number {
    return this.printed;
  }

  async print(events: readonly LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { format } = this.options;
    let text = '';
    if (format === 'table') {
      // Widths settle on the first batch so the columns of later pages line up with the header.
      if (this.printed === 0) {
        this.style = { ...this.style, resourceWidth: resourceWidthFor(events) };
        if (this.options.header) text += `${tableHeader(this.style)}\n`;
      }
      for (const e of events) text += `${tableLine(e, this.style)}\n`;
    } else if (format === 'json') {
      // A JSON array written as it streams: "[" before the first event, "]" in end().
      for (const e of events) text += `${this.printed === 0 && text === '' ? '[\n' : ',\n'}${JSON.stringify(e)}`;
    } else {
      for (const e of events) text += `${eventLine(e, format)}\n`;
    }
    this.printed += events.length;
    await this.out.write(text);
  }

  async end(): Promise<void> {
    if (this.options.format === 'json') await this.out.write(this.printed === 0 ? '[]\n' : '\n]\n');
  }
}
