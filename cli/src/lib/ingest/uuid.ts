// UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. `logs ingest` gives each event
// without an id one before sending, so a batch retried after a lost connection or a 503 is stored
// once (each store writes by id), and ids stay time-ordered like the gateway's own.
import { randomFillSync } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomFillSync(new Uint8Array(16));
  // 48-bit big-endian timestamp; split because bitwise operators work on 32 bits.
  const high = Math.floor(nowMs / 2 ** 32);
  const low = nowMs >>> 0;
  b[0] = (high >>> 8) & 0xff;
  b[1] = high & 0xff;
  b[2] = (low >>> 24) & 0xff;
  b[3] = (low >>> 16) & 0xff;
  b[4] = (low >>> 8) & 0xff;
  b[5] = low & 0xff;
  b[6] = ((b[6] as number) & 0x0f) | 0x70; // version 7
  b[8] = ((b[8] as number) & 0x3f) | 0x80; // variant 10
  const h = Array.from(b, (byte) => HEX[byte] as string);
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}
