// Measuring and quoting values for issue messages.

const QUOTED_MAX_CHARS = 40;

/** Length in Unicode code points, the way JSON Schema (and TypeBox) count `maxLength`. */
export function codePointLength(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogatePairs++;
        i++;
      }
    }
  }
  return text.length - surrogatePairs;
}

/** A short rendering of what the client sent, for the `got …` part of a message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    if (codePointLength(value) <= QUOTED_MAX_CHARS) return JSON.stringify(value);
    // Slice before spreading: a rejected message can be megabytes long.
    const head = [...value.slice(0, QUOTED_MAX_CHARS * 2)].slice(0, QUOTED_MAX_CHARS).join('');
    return `${JSON.stringify(head)}…`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
