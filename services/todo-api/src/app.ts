import cors from '@koa/cors';
import Koa from 'koa';
import type { Logger } from 'pino';
import { HashingLimiter } from './auth/hashingLimiter.js';
import { LoginThrottle } from './auth/loginThrottle.js';
import type { TokenService } from './auth/tokens.js';
import type { TodoApiConfig } from './config.js';
import type { Database } from './db/database.js';
import type { ChangeFeed } from './events.js';
import { guardWith, requireUser } from './http/auth.js';
import { problemJson } from './http/errors.js';
import { HttpProblem } from './http/problem.js';
import { parseJsonBody, requireJsonContentType } from './http/jsonBody.js';
import { createMetrics } from './http/metrics.js';
import { rateLimit, sharedLimiter } from './http/rateLimit.js';
import { serverSpan } from './http/serverSpan.js';
import { accessLog, requestContext } from './http/requestContext.js';
import { securityHeaders } from './http/securityHeaders.js';
import { accountRoutes } from './routes/accounts.js';
import { chatRoutes } from './routes/chat.js';
import { eventRoutes, type EventStreams } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { taskRoutes } from './routes/tasks.js';

export interface AppDependencies {
  readonly config: TodoApiConfig;
  readonly database: Database;
  readonly tokens: TokenService;
  readonly feed: ChangeFeed;
  readonly logger: Logger;
  readonly isDraining: () => boolean;
}

export interface TodoApiApp {
  readonly app: Koa;
  readonly streams: EventStreams;
}

/** Error codes of a client that left mid-request (a closed event stream, a body cut short): not our failure. */
const CLIENT_WENT_AWAY = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'ECONNABORTED', 'HPE_INVALID_EOF_STATE']);

/** Composes the middleware and routes; the one place that decides their order. */
export function createApp(deps: AppDependencies): TodoApiApp {
  const { config, database, tokens, feed, logger } = deps;
  const app = new Koa({ proxy: config.trustProxyHops > 0, maxIpsCount: config.trustProxyHops });
  const metrics = createMetrics(() => database.poolStats());
  const allowedOrigins = new Set(config.allowedOrigins);

  const health = healthRoutes({ database, registry: metrics.registry, readyTimeoutMs: config.readyTimeoutMs, isDraining: deps.isDraining });
  const accounts = accountRoutes({
    database,
    tokens,
    scryptLogN: config.scryptLogN,
    hashing: new HashingLimiter(config.passwordHashing),
    authIpLimiter: sharedLimiter(database.db, 'auth-ip', config.authIpRateLimit, config.authWindowMs),
    loginLimiter: sharedLimiter(database.db, 'login', config.loginRateLimit, config.authWindowMs),
    loginThrottle: new LoginThrottle(database.db, config.loginLockout),
  });
  // Guards are part of each route (not router.use), so metrics label 401s and 429s by route.
  const guard = guardWith(
    requireUser(tokens),
    rateLimit(sharedLimiter(database.db, 'api', config.apiRateLimitPerMinute, 60_000), (ctx) => ctx.state.userId),
  );
  const streams = eventRoutes(feed, config.ssePingMs, config.sseMaxStreamsPerUser, guard);

  // Koa reports errors that happen after the response started (a client leaving an event
  // stream) here; without a listener it would print them to stderr.
  app.on('error', (error: Error & { code?: string; reason?: string }) => {
    if (error.code !== undefined && CLIENT_WENT_AWAY.has(error.code)) logger.debug({ err: error }, 'client went away');
    // Node's HTTP parser failed on the client's bytes: a client error, logged by its short reason only.
    else if (error.code?.startsWith('HPE_')) logger.info({ code: error.code, reason: error.reason }, 'malformed HTTP request');
    else logger.error({ err: error }, 'unhandled application error');
  });
  // Outermost: the request's trace span holds everything below it (log lines, SQL statement spans).
  app.use(serverSpan);
  app.use(requestContext(logger));
  app.use(accessLog);
  app.use(metrics.middleware);
  app.use(problemJson);
  app.use(securityHeaders);
  app.use(
    cors({
      origin: (ctx) => (allowedOrigins.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
      allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'traceparent', 'tracestate'],
      exposeHeaders: ['X-Request-Id', 'Location', 'Retry-After'],
      maxAge: 600,
    }),
  );
  app.use(health.routes());
  app.use(requireJsonContentType);
  app.use(parseJsonBody);
  for (const router of [accounts, taskRoutes(database, guard), chatRoutes(database, guard), streams.router]) {
    app.use(router.routes());
    app.use(
      router.allowedMethods({
        throw: true,
        // The router's own 501 is not exposed to clients, which problemJson would turn into a 500.
        notImplemented: () => new HttpProblem(501, 'Not Implemented', 'This method is not implemented by the API.'),
      }),
    );
  }
  return { app, streams };
}
