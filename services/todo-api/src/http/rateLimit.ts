import { CompiledQuery, type Kysely } from 'kysely';
import type { Context, Next } from 'koa';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { RATE_LIMITS_TABLE, type DB } from '../db/schema.js';
import { HttpProblem } from './problem.js';

/**
 * rate-limiter-flexible's PostgreSQL store, run through the API's own kysely instance: the same
 * pool (or embedded PGlite) and the same named statements as every other query, so the counters
 * live in the database the replicas share and outlive restarts.
 */
export function rateLimitStore(db: Kysely<DB>) {
  return {
    async query({ text, values = [] }: { text: string; values?: unknown[] }) {
      const result = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, values));
      // `expire` is a bigint column: pg returns it as a string, PGlite as a bigint; the library does arithmetic on it.
      const rows = result.rows.map((row) => ('expire' in row && row.expire !== null ? { ...row, expire: Number(row.expire) } : row));
      return { rows, rowCount: result.numAffectedRows === undefined ? rows.length : Number(result.numAffectedRows) };
    },
  };
}

/** A limiter of `points` per `durationMs` per key, counted in the shared `rate_limits` table (migration 0002). */
export function sharedLimiter(
  db: Kysely<DB>,
  keyPrefix: string,
  points: number,
  durationMs: number,
  { blockInMemory = true } = {},
): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: rateLimitStore(db),
    storeType: 'client',
    tableName: RATE_LIMITS_TABLE,
    tableCreated: true,
    keyPrefix,
    points,
    duration: durationMs / 1000,
    // A key over its limit is refused from memory until its window ends, sparing the database a flood.
    ...(blockInMemory ? { inMemoryBlockOnConsumed: points + 1 } : {}),
  });
}

export function tooManyRequests(retryAfterSeconds: number, detail = `Too many requests; retry in ${retryAfterSeconds} s.`): HttpProblem {
  return new HttpProblem(429, 'Too Many Requests', detail, undefined, { 'Retry-After': String(retryAfterSeconds) });
}

/** Whole seconds to wait, at least 1, for a Retry-After header. */
export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Counts one request against `key`; throws 429 with Retry-After when over the limit, the store's error when it fails. */
export async function consumeOrRefuse(limiter: RateLimiterPostgres, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw tooManyRequests(retryAfterSeconds(error.msBeforeNext));
    throw error;
  }
}

/** Limits a route by a key derived from the request (user id, client IP, ...). */
export function rateLimit(limiter: RateLimiterPostgres, keyOf: (ctx: Context) => string) {
  return async function rateLimitMiddleware(ctx: Context, next: Next): Promise<void> {
    await consumeOrRefuse(limiter, keyOf(ctx));
    await next();
  };
}
