// What the query API adds to Fastify's types: each route says who may call it, and an authenticated
// request carries the key's principal (access/).
import type { Access, Principal } from './access/keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Absent: `read` under /api, `public` elsewhere (the web UI's files). */
    access?: Access;
    /**
     * The key lookup may run while the route works (access/authenticator.ts, recall()); such a route
     * awaits keyConfirmed(request) before it answers.
     */
    overlapKeyCheck?: boolean;
  }
  interface FastifyRequest {
    /** Set by the access hook on every route that is not public. */
    principal: Principal | null;
    /** Set instead of awaiting the key lookup on an overlapKeyCheck route: settles when the lookup has. */
    keyCheck: Promise<void> | null;
  }
}

export {};
