import type { Context, Next } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PoolStats } from '../db/database.js';

export interface HttpMetrics {
  readonly registry: Registry;
  middleware(ctx: Context, next: Next): Promise<void>;
}

/** A registry per app instance, so several servers in one process (tests) do not collide. */
export function createMetrics(poolStats: () => PoolStats): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    // 0.2 is the latency objective's threshold (p95 < 200 ms): the SLO counts the requests in that bucket.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  for (const [key, help] of [
    ['total', 'open'],
    ['idle', 'idle'],
    ['waiting', 'requests waiting for a'],
  ] as const) {
    new Gauge({
      name: `db_pool_${key}_connections`,
      help: `Database pool: ${help} connections`,
      registers: [registry],
      collect() {
        this.set(poolStats()[key]);
      },
    });
  }
  return {
    registry,
    async middleware(ctx, next) {
      const end = duration.startTimer();
      try {
        await next();
      } finally {
        // The route template, never the raw path, keeps label cardinality bounded.
        const labels = {
          method: ctx.method,
          route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched',
          status: String(ctx.status),
        };
        end(labels);
        requests.inc(labels);
      }
    },
  };
}
