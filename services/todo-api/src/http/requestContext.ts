import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Takes X-Request-Id (when well-formed) or makes one, echoes it, and gives the request a child logger. */
export function requestContext(logger: Logger) {
  return async function requestContextMiddleware(ctx: Context, next: Next): Promise<void> {
    const incoming = ctx.get('X-Request-Id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ reqId: requestId });
    ctx.set('X-Request-Id', requestId);
    await next();
  };
}

/** One JSON line per request: method, path (no query string), status, duration. Never headers or bodies. */
export async function accessLog(ctx: Context, next: Next): Promise<void> {
  const started = performance.now();
  try {
    await next();
  } finally {
    const log: Logger = ctx.state.log;
    const fields = {
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      userId: ctx.state.userId,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (ctx.path === '/livez' || ctx.path === '/readyz' || ctx.path === '/metrics') log.debug(fields, 'request');
    else log.info(fields, 'request');
  }
}
