// Turns a JSON.parse failure into a message that says where the text broke, without echoing the text.
// V8 gives a position for most errors but not for "Unexpected token" ones, whose message instead
// quotes the input; for those a small scanner (error path only) finds the offset.

export interface JsonErrorLocation {
  /** The parser's complaint, without any quoted input. */
  reason: string;
  /** 0-based character offset into the text, when known. */
  position?: number;
  /** 1-based line and column of position. */
  line?: number;
  column?: number;
}

// Deeper documents are not worth scanning for a position (the scanner recurses).
const MAX_SCAN_DEPTH = 512;

export function locateJsonError(err: unknown, text: string): JsonErrorLocation {
  const raw = err instanceof Error ? err.message : String(err);
  const quoted = /^(Unexpected token .+?), ".*" is not valid JSON$/s.exec(raw);
  const reason = (quoted ? quoted[1]! : raw.replace(/ in JSON at position \d+.*$/s, '')).slice(0, 200);
  const given = /at position (\d+)/.exec(raw);
  let position: number | undefined = given ? Number(given[1]) : undefined;
  if (position === undefined) position = scanForError(text);
  if (position === undefined) return { reason };
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { reason, position, line, column: position - lineStart + 1 };
}

/** The reason and where; `oneLine` for text that is a single NDJSON line (its line is said elsewhere). */
export function describeJsonError(loc: JsonErrorLocation, oneLine = false): string {
  if (loc.position === undefined) return loc.reason;
  return oneLine ? `${loc.reason} at column ${loc.column}` : `${loc.reason} at line ${loc.line}, column ${loc.column} (position ${loc.position})`;
}

/** Offset of the first JSON syntax error in text, or undefined if none is found or it is too deep to say. */
function scanForError(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  const skipWs = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return false;
    return true;
  };
  const string = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return false;
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') return false;
    i += m[0].length;
    return true;
  };
  const value = (depth: number): boolean | undefined => {
    if (depth > MAX_SCAN_DEPTH) return undefined;
    skipWs();
    const c = text[i];
    if (c === '{') {
      i++;
      skipWs();
      if (text[i] === '}') {
        i++;
        return true;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"' || !string()) return false;
        skipWs();
        if (text[i] !== ':') return false;
        i++;
        const ok = value(depth + 1);
        if (ok !== true) return ok;
        skipWs();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return true;
        } else return false;
      }
    }
    if (c === '[') {
      i++;
      skipWs();
      if (text[i] === ']') {
        i++;
        return true;
      }
      for (;;) {
        const ok = value(depth + 1);
        if (ok !== true) return ok;
        skipWs();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return true;
        } else return false;
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  const ok = value(0);
  if (ok === undefined) return undefined;
  if (ok) {
    skipWs();
    if (i >= n) return undefined;
  }
  return Math.min(i, n);
}
