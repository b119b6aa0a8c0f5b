// The replaceable postgres.js pool is @logpipe/runtime's, shared with the PostgreSQL sink; this module
// keeps the path the stores import it from.
export type { PgPool } from '@logpipe/runtime';
