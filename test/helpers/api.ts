// The query API of the running stack (`npm run up`), for tests of the CLI, the web UI and the pipeline:
// its base URL and the stack's admin key (made once by the stack in <stack dir>/secrets/admin-key).
import { readFileSync } from 'node:fs';
import { adminKeyFile } from '../../stack/lib/paths.mjs';

export const API_URL = process.env.QUERY_API_URL ?? `http://${process.env.QUERY_API_HOST?.trim() || '127.0.0.1'}:${process.env.QUERY_API_PORT?.trim() || '3001'}`;

/** The admin key the stack's query API runs with: LOGS_ADMIN_KEY when the caller set one, else the stack's file. */
export function adminKey(): string {
  const configured = process.env.LOGS_ADMIN_KEY?.trim();
  if (configured) return configured;
  try {
    return readFileSync(adminKeyFile, 'utf8').trim();
  } catch (err) {
    throw new Error(`no admin key at ${adminKeyFile}: start the stack with \`npm run up\` (it creates one)`, { cause: err });
  }
}
