// A Server-Sent Events parser (WHATWG HTML, "event stream interpretation"): pure, fed text chunks as
// they arrive, so a message split across TCP packets, CRLF line ends and multi-line data all work.

export interface SseMessage {
  /** The `event:` field, or "message" when absent (as in the browser's EventSource). */
  event: string;
  data: string;
  id: string | undefined;
}

export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private lastEventId: string | undefined;

  /** Feeds decoded text; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const messages: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (match === null) break;
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message !== undefined) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // a comment, used as a heartbeat
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
        break; // `retry` (the tail has its own back-off) and unknown fields are ignored
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    if (this.id !== undefined) this.lastEventId = this.id;
    this.id = undefined;
    const event = this.event || 'message';
    this.event = '';
    if (this.data.length === 0) return undefined;
    const data = this.data.join('\n');
    this.data = [];
    return { event, data, id: this.lastEventId };
  }
}
