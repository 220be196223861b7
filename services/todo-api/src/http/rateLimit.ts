import type { Context, Next } from 'koa';
import { HttpProblem } from './problem.js';

/**
 * Fixed-window counters in memory. Per replica: with N replicas the effective limit is N×,
 * which is acceptable for abuse protection (the Ingress can add a global limit).
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  /** Counts one hit; returns seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    if (this.windows.size > 100_000) this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window.count > this.limit ? Math.max(1, Math.ceil((window.resetAt - now) / 1000)) : 0;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

export function tooManyRequests(retryAfterSeconds: number): HttpProblem {
  return new HttpProblem(429, 'Too Many Requests', `Too many requests; retry in ${retryAfterSeconds} s.`, undefined,
    { 'Retry-After': String(retryAfterSeconds) });
}

/** Limits a route by a key derived from the request (user id, client IP, ...). */
export function rateLimit(limiter: FixedWindowLimiter, keyOf: (ctx: Context) => string) {
  return async function rateLimitMiddleware(ctx: Context, next: Next): Promise<void> {
    const wait = limiter.hit(keyOf(ctx));
    if (wait > 0) throw tooManyRequests(wait);
    await next();
  };
}
