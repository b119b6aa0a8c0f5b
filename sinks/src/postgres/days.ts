// UTC days and the names of their `logs` partitions. Pure.
// A partition holds one UTC day: [day 00:00Z, next day 00:00Z). Its name is `logs_pYYYYMMDD`, which
// sorts by day and lets retention find a partition's day without parsing its bound expression.

const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` (UTC) of an ISO timestamp, or undefined when it names no day a partition can hold. */
export function dayOf(timestamp: string): string | undefined {
  // The codec yields `YYYY-MM-DDTHH:mm:ss.sssZ` (UTC); its first ten characters are the day.
  // Year 0000 is valid ISO but not a PostgreSQL date; it takes the slow path, which refuses it.
  if (timestamp.length === 24 && timestamp.charCodeAt(10) === 84 /* T */ && timestamp.endsWith('Z') && !timestamp.startsWith('0000')) {
    return timestamp.slice(0, 10);
  }
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return undefined;
  return formatDay(ms);
}

/** `YYYY-MM-DD` of a time in ms, or undefined outside years 1..9999 (PostgreSQL has no year 0). */
export function formatDay(ms: number): string | undefined {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= 1 && year <= 9999)) return undefined;
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string | undefined {
  return formatDay(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
}

export function partitionName(day: string): string {
  return `logs_p${day.replaceAll('-', '')}`;
}

/** The day a partition name stands for, or undefined for a table that is not one of ours. */
export function dayOfPartition(name: string): string | undefined {
  const m = /^logs_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

/** The day whose partition holds this timestamp, or undefined when no partition can (see dayOf). */
export function partitionDay(timestamp: string): string | undefined {
  const day = dayOf(timestamp);
  return day !== undefined && day !== '9999-12-31' ? day : undefined;
}
