// Relative durations as the query API takes them in `from`/`to` (design contract, section 6): a whole
// number and a unit, `30s`, `15m`, `24h`, `7d`, `2w`.
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export const DURATION_PATTERN = /^(\d{1,9})(s|m|h|d|w)$/;

/** Milliseconds of a duration like `15m`, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}
