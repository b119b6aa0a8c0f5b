// POST/GET/DELETE /api/keys (design contract, section 7): admins create, list and revoke keys. A new key
// is in the 201 answer and nowhere else, ever; listings show its prefix only. A revocation takes effect
// on the very next request of that key, in every process (access/authenticator.ts).
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { Authenticator } from '../access/authenticator.js';
import type { KeyStore } from '../access/key-store.js';
import { patternProblems, ROLES } from '../access/keys.js';
import { isQueryApiError, QueryApiError } from '../errors.js';
import { CreatedKey, KeyList, KeyRecord } from './response-schemas.js';

export interface KeysRouteOptions {
  keys: KeyStore;
  authenticator: Authenticator;
}

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.Enum(ROLES),
    resourcePatterns: Type.Optional(Type.Array(Type.String(), { maxItems: 100 })),
  },
  { additionalProperties: false },
);
type CreateBody = Static<typeof CreateBody>;

const KeyParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
type KeyParams = Static<typeof KeyParams>;

/** PostgreSQL failures of key management as a 503; the key store is PostgreSQL alone. */
async function keyStoreCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isQueryApiError(err)) throw err;
    throw new QueryApiError('QRY_KEYS_UNAVAILABLE', { cause: err });
  }
}

export async function keysRoutes(app: FastifyInstance, opts: KeysRouteOptions): Promise<void> {
  const { keys, authenticator } = opts;

  app.post<{ Body: CreateBody }>('/api/keys', { schema: { body: CreateBody, response: { 201: CreatedKey } }, config: { access: 'admin' } }, async (request, reply) => {
    const { name, role } = request.body;
    const resourcePatterns = request.body.resourcePatterns ?? [];
    const problems = patternProblems(role, resourcePatterns);
    if (problems.length > 0) {
      throw new QueryApiError('QRY_INVALID_PARAMS', { message: problems.join('; '), items: problems.map((message) => ({ param: 'resourcePatterns', message })) });
    }
    const { record, key } = await keyStoreCall(() => keys.create({ name, role, resourcePatterns }));
    request.log.info({ keyId: record.id, role, scoped: resourcePatterns.length > 0, by: request.principal?.keyId }, 'API key created');
    return reply.code(201).send({ ...record, key });
  });

  app.get('/api/keys', { schema: { response: { 200: KeyList } }, config: { access: 'admin' } }, async () => ({ keys: await keyStoreCall(() => keys.list()) }));

  app.delete<{ Params: KeyParams }>('/api/keys/:id', { schema: { params: KeyParams, response: { 200: KeyRecord } }, config: { access: 'admin' } }, async (request) => {
    const result = await keyStoreCall(() => keys.revoke(request.params.id));
    if (!result.ok) throw new QueryApiError(result.reason === 'not-found' ? 'QRY_KEY_NOT_FOUND' : 'QRY_LAST_ADMIN');
    authenticator.forget(result.record.id);
    request.log.info({ keyId: result.record.id, by: request.principal?.keyId }, 'API key revoked');
    return result.record;
  });
}
