// Talks to the query API with the signed-in key. The live tail is read with fetch and a stream reader
// rather than EventSource, because EventSource cannot send an Authorization header and the key must not
// travel in the URL (it would end up in access logs and browser history).

export class ApiError extends Error {
  /** @param {number} status @param {any} body */
  constructor(status, body) {
    // The API answers errors as {"error": {code, message, items?}} (query-api/src/errors.ts).
    super(body?.error?.message ?? body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.body = body;
  }
}

/** @param {{ key: string, base?: string }} options */
export function createApi({ key, base = '' }) {
  const headers = { authorization: `Bearer ${key}`, accept: 'application/json' };

  async function get(path, params, signal) {
    const query = params && params.toString() !== '' ? `?${params}` : '';
    const res = await fetch(`${base}${path}${query}`, { headers, signal });
    const text = await res.text();
    let body;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = { message: text.slice(0, 200) };
    }
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }

  return {
    search: (params, signal) => get('/api/search', params, signal),
    histogram: (params, signal) => get('/api/histogram', params, signal),
    stats: (signal) => get('/api/stats', undefined, signal),

    /**
     * Streams /api/tail until `signal` aborts. Resolves when the stream ends; rejects with ApiError
     * when the API refuses the request. The API sends `ready` once subscribed, `log` per matching
     * event and `dropped` last when it ends the stream itself.
     * @param {URLSearchParams} params @param {(msg: {event: string, data: string}) => void} onMessage
     */
    async tail(params, onMessage, signal) {
      const query = params.toString() === '' ? '' : `?${params}`;
      const res = await fetch(`${base}/api/tail${query}`, { headers: { ...headers, accept: 'text/event-stream' }, signal });
      if (!res.ok || !res.body) {
        let body;
        try {
          body = await res.json();
        } catch {
          body = undefined;
        }
        throw new ApiError(res.status, body);
      }
      const parser = createSseParser(onMessage);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        parser.push(value);
      }
    },
  };
}

/**
 * The text/event-stream format (HTML standard, "Parsing an event stream"): lines end in CRLF, LF or CR;
 * a blank line dispatches the event; `data:` lines join with "\n"; lines starting with ":" are comments
 * (keep-alives). Chunks may split anywhere, including between the CR and LF of one line end.
 * @param {(msg: {event: string, data: string, id: string}) => void} onMessage
 */
export function createSseParser(onMessage) {
  let buffer = '';
  let data = [];
  let event = '';
  let lastId = '';

  function line(text) {
    if (text === '') {
      if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n'), id: lastId });
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id') lastId = value;
  }

  return {
    push(chunk) {
      buffer += chunk;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== '\n' && c !== '\r') continue;
        // A CR at the very end may be the first half of CRLF: wait for the next chunk to know.
        if (c === '\r' && i === buffer.length - 1) break;
        line(buffer.slice(start, i));
        if (c === '\r' && buffer[i + 1] === '\n') i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
