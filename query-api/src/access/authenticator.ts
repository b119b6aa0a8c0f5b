// Who a bearer key belongs to. Every request asks PostgreSQL (one indexed lookup, about a millisecond), so
// a revocation — by this process or any other — takes effect on the next request: there is no cache to go
// stale. Only when PostgreSQL cannot answer (down, too slow) is the last answer it gave for the key used,
// so searches keep working from Elasticsearch during a PostgreSQL outage (design contract, section 6).
// That cannot resurrect a revoked key: revoking needs PostgreSQL, and an answer saying "revoked" or
// "unknown" removes the key from memory at once. The one window: a key revoked by another process after
// this one last looked it up, followed by an outage before its next lookup. Keys never used through this
// process are known during an outage only if they were active at start (warm()).
//
// The lookup may overlap a route's store work (recall()): that saves a PostgreSQL round trip per search,
// a tenth of a fast one. Only for keys this process has seen active, so an unknown key still costs the
// stores nothing, and the route answers only once the lookup has confirmed the key.
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
  authenticate(key: string): Promise<Principal> {
    return this.#authenticate(hashKey(key));
  }

  /**
   * For a key seen active before: its principal now, and the lookup confirming it still is (which rejects
   * as authenticate() does). Keys cannot change, only be revoked, so a confirmed key has this principal.
   * Undefined for a key not seen yet.
   */
  recall(key: string): { principal: Principal; confirmed: Promise<void> } | undefined {
    const hash = hashKey(key);
    const principal = this.#known.get(hash.toString('hex'));
    if (!principal) return undefined;
    const confirmed = this.#authenticate(hash).then((current) => {
      // Unreachable while keys are immutable; if that ever changes, a changed scope must not be answered.
      if (current.role !== principal.role || current.resourcePatterns.join('\n') !== principal.resourcePatterns.join('\n')) {
        throw new QueryApiError('QRY_KEYS_UNAVAILABLE', { message: 'the API key changed during the request; send it again' });
      }
    });
    return { principal, confirmed };
  }

  async #authenticate(hash: Buffer): Promise<Principal> {
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
