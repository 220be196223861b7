import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import { HttpProblem } from '../http/problem.js';
import { openApiDocument } from '../schemas.js';

export interface HealthRoutesOptions {
  readonly database: Database;
  readonly registry: Registry;
  readonly readyTimeoutMs: number;
  /** True once SIGTERM arrived: readiness fails at once so traffic moves elsewhere. */
  readonly isDraining: () => boolean;
}

export function healthRoutes(options: HealthRoutesOptions): Router {
  const router = new Router();
  const openApi = openApiDocument();

  router.get('/livez', (ctx: Context) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx: Context) => {
    if (options.isDraining()) throw new HttpProblem(503, 'Service Unavailable', 'Shutting down.');
    try {
      await options.database.ping(options.readyTimeoutMs);
    } catch (error) {
      ctx.state.log.warn({ err: { message: (error as Error).message } }, 'readiness check failed');
      throw new HttpProblem(503, 'Service Unavailable', 'The database is unreachable.');
    }
    ctx.body = { status: 'ok', database: options.database.kind };
  });

  router.get('/metrics', async (ctx: Context) => {
    ctx.type = options.registry.contentType;
    ctx.body = await options.registry.metrics();
  });

  router.get('/api/openapi.json', (ctx: Context) => {
    ctx.body = openApi;
  });
  return router;
}
