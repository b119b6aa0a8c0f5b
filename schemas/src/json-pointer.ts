// Issue paths are JSON Pointers (RFC 6901) so a client can locate the field mechanically,
// and a dotted label so a person can read it in a message.

/** The pointer for a path of property names: `pointer('metadata', 'a/b')` is `/metadata/a~1b`; no names is `''`. */
export function pointer(...segments: readonly string[]): string {
  let out = '';
  for (const segment of segments) out += '/' + segment.replaceAll('~', '~0').replaceAll('/', '~1');
  return out;
}

/** The property names of a pointer; `''` is the whole document (no names). */
export function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** How a message names the field at `path`: `metadata.user`, or `metadata["a.b"]` when the key is not a plain word. */
export function fieldLabel(path: string): string {
  const segments = pointerSegments(path);
  if (segments.length === 0) return 'the event';
  let label = '';
  for (const segment of segments) {
    if (label === '') label = segment;
    else label += PLAIN_KEY.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
  }
  return label;
}
