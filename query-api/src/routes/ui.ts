// `/`: the web UI, static files from query-api/public. Open: a browser loads the page without a key and
// the page then calls /api/* with the key its user gives it.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export interface UiRouteOptions {
  root: string;
}

export async function uiRoutes(app: FastifyInstance, opts: UiRouteOptions): Promise<void> {
  await app.register(fastifyStatic, { root: opts.root, prefix: '/', index: ['index.html'], serveDotFiles: false });
}
