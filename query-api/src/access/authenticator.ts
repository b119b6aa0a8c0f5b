// Who a bearer key belongs to. Every request asks PostgreSQL (one indexed lookup, about a millisecond), so
// a revocation — by this process or any other — takes effect on the next request: there is no cache to go
// stale. Only when PostgreSQL cannot answer (down, too slow) is the last answer it gave for the key used,
// so searches keep working from Elasticsearch during a PostgreSQL outage (design contract, section 6).
// That cannot resurrect a revoked key: revoking needs PostgreSQL, and an answer saying "revoked" or
// "unknown" removes the key from memory at once. The one window: a key revoked by another process after
// this one last looked it up, followed by an outage before its next lookup. Keys never used through this
// process are known during an outage only if they were active at start (warm()).
import type { Logger } from 'pino';
import { QueryApiError } from '../errors.js';
import type { KeyRecord } from './key-store.js';
import { hashKey, type Principal } from './keys.js';

export interface AuthenticatorOptions {
  lookup: (hash: Buffer) => Promise<KeyRecord | undefined>;
  timeoutMs: number;
  logger: Logger;
  /** LOGS_ADMIN_KEY: known as an admin before PostgreSQL was ever reached (it is made one at start). */
  configuredAdminKey?: string | undefined;
}

const principalOf = (record: KeyRecord): Principal => ({ keyId: record.id, name: record.name, role: record.role, resourcePatterns: record.resourcePatterns });

/** Log a failing key store at most this often: during an outage every request would otherwise log. */
const WARN_INTERVAL_MS = 10_000;

export class Authenticator {
  readonly #options: AuthenticatorOptions;
  /** Last answer PostgreSQL gave per key hash (hex), for active keys only. */
  readonly #known = new Map<string, Principal>();
  #warnedAt = 0;

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    if (options.configuredAdminKey !== undefined) {
      this.#known.set(hashKey(options.configuredAdminKey).toString('hex'), { keyId: 'LOGS_ADMIN_KEY', name: 'LOGS_ADMIN_KEY', role: 'admin', resourcePatterns: [] });
    }
  }

  /** The key's principal; QRY_INVALID_KEY when unknown or revoked, QRY_KEYS_UNAVAILABLE when nobody can tell. */
  async authenticate(key: string): Promise<Principal> {
    const hash = hashKey(key);
    const hex = hash.toString('hex');
    let record: KeyRecord | undefined;
    try {
      record = await this.#lookup(hash);
    } catch (err) {
      const known = this.#known.get(hex);
      if (Date.now() - this.#warnedAt > WARN_INTERVAL_MS) {
        this.#warnedAt = Date.now();
        this.#options.logger.warn({ err, code: 'QRY_KEYS_UNAVAILABLE' }, 'API keys could not be looked up in PostgreSQL; keys seen before are answered from memory');
      }
      if (known) return known;
      throw new QueryApiError('QRY_KEYS_UNAVAILABLE', { message: 'the key store (PostgreSQL) is not reachable and this key was not seen before', cause: err });
    }
    if (!record || record.revokedAt !== null) {
      this.#known.delete(hex);
      throw new QueryApiError('QRY_INVALID_KEY');
    }
    const principal = principalOf(record);
    this.#known.set(hex, principal);
    return principal;
  }

  /** Remembers the active keys (at start), for requests that arrive while PostgreSQL is unreachable. */
  warm(keys: readonly { hash: Buffer; record: KeyRecord }[]): void {
    for (const { hash, record } of keys) if (record.revokedAt === null) this.#known.set(hash.toString('hex'), principalOf(record));
  }

  /** Forgets a key this process just revoked. */
  forget(keyId: string): void {
    for (const [hex, principal] of this.#known) if (principal.keyId === keyId) this.#known.delete(hex);
  }

  async #lookup(hash: Buffer): Promise<KeyRecord | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.#options.timeoutMs} ms`)), this.#options.timeoutMs);
    });
    try {
      return await Promise.race([this.#options.lookup(hash), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
