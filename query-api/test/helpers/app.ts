// The query API under test: the real app and services (stores, key table, tail consumer), configured like
// the process through loadConfig, pointed at the test's own schema, alias and topic.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import { loadConfig, type QueryApiConfig } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { createServices, type Services } from '../../src/services.js';
import { brokers, databaseUrl, esUrl, eventually, uniqueName } from './services.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: QueryApiConfig;
  /** LOGS_ADMIN_KEY of this app: an admin key. */
  adminKey: string;
  /** http://127.0.0.1:<port> when started with listen: true. */
  url: string;
}

export interface TestAppOptions {
  schema: string;
  alias: string;
  /** Environment variables on top of the test defaults (the same names the process reads). */
  env?: Record<string, string>;
  listen?: boolean;
  /** Wait until the live tail consumes (needs the topic to exist). */
  waitForTail?: boolean;
  now?: () => number;
}

export async function startApp(t: Teardown, options: TestAppOptions): Promise<TestApp> {
  const adminKey = `lpk_test_admin_${uniqueName('k')}`;
  const config = loadConfig({
    QUERY_API_PORT: '0',
    ELASTICSEARCH_URL: esUrl,
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    PG_SCHEMA: options.schema,
    ELASTICSEARCH_ALIAS: options.alias,
    LOGS_ADMIN_KEY: adminKey,
    QUERY_TAIL_GROUP_PREFIX: 'test-query-api-tail',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  const services = createServices({ config, logger, metrics: createMetrics(), retryDelayMs: 200, ...(options.now ? { now: options.now } : {}) });
  const app = buildApp(services.deps);
  t.teardown(async () => {
    await app.close();
    await services.close();
  });
  let url = '';
  if (options.listen) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  } else {
    await app.ready();
  }
  if (options.waitForTail) await eventually('the live tail consumes', () => services.deps.tail.consuming, 30_000);
  return { app, services, config, adminKey, url };
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
}

/** GET through inject with a bearer key (none when key is undefined); query values may repeat. */
export async function get<T = Record<string, unknown>>(app: FastifyInstance, path: string, key: string | undefined, query: Record<string, string | string[] | number> = {}): Promise<Answer<T>> {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const v of Array.isArray(value) ? value : [value]) search.append(name, String(v));
  const qs = search.toString();
  const res = await app.inject({ method: 'GET', url: qs === '' ? path : `${path}?${qs}`, headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  return { status: res.statusCode, body: parseBody<T>(res.body, res.headers['content-type']), headers: res.headers };
}

function parseBody<T>(body: string, contentType: unknown): T {
  return (typeof contentType === 'string' && contentType.includes('json') && body !== '' ? JSON.parse(body) : { text: body }) as T;
}

export async function send<T = Record<string, unknown>>(app: FastifyInstance, method: 'POST' | 'DELETE', path: string, key: string | undefined, payload?: unknown): Promise<Answer<T>> {
  const res = await app.inject({
    method,
    url: path,
    headers: { ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  return { status: res.statusCode, body: parseBody<T>(res.body, res.headers['content-type']), headers: res.headers };
}

/** Creates a key through the API with the admin key; returns the new key. */
export async function createKey(app: TestApp, role: 'admin' | 'reader' | 'ingester', resourcePatterns?: string[]): Promise<{ id: string; key: string }> {
  const res = await send<{ id: string; key: string }>(app.app, 'POST', '/api/keys', app.adminKey, { name: `test ${role}`, role, ...(resourcePatterns ? { resourcePatterns } : {}) });
  if (res.status !== 201) throw new Error(`creating a key answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
