import type { Kysely } from 'kysely';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import { retryAfterSeconds, sharedLimiter, tooManyRequests } from '../http/rateLimit.js';

export interface LoginThrottleOptions {
  /** Consecutive failed logins of one account before it is locked. */
  readonly failuresBeforeLockout: number;
  /** First lockout; each further failure doubles it. */
  readonly lockoutBaseSeconds: number;
  readonly lockoutMaxSeconds: number;
}

/** Failures are forgotten a day after the first of a run. */
const FAILURE_MEMORY_MS = 86_400_000;

/**
 * Per-account backoff against password guessing from many addresses, which per-IP limits miss:
 * after N consecutive failures the account's logins are refused for base·2^(failures−N) seconds,
 * up to the maximum; a successful login clears it. Keyed by the normalized email, known or not,
 * so a lockout tells nothing about which accounts exist. State is in the shared database.
 */
export class LoginThrottle {
  private readonly failures: RateLimiterPostgres;
  private readonly lockouts: RateLimiterPostgres;

  constructor(db: Kysely<any>, private readonly options: LoginThrottleOptions) {
    this.failures = sharedLimiter(db, 'login-failures', Number.MAX_SAFE_INTEGER, FAILURE_MEMORY_MS);
    this.lockouts = sharedLimiter(db, 'login-lockout', 1, options.lockoutMaxSeconds * 1000);
  }

  /** Throws 429 with Retry-After while the account is locked. */
  async check(email: string): Promise<void> {
    const lock = await this.lockouts.get(email);
    if (lock && lock.consumedPoints > this.lockouts.points) {
      const wait = retryAfterSeconds(lock.msBeforeNext);
      throw tooManyRequests(wait, `Too many failed logins for this account; retry in ${wait} s.`);
    }
  }

  async failed(email: string): Promise<void> {
    const { consumedPoints: failures } = await this.failures.penalty(email);
    const over = failures - this.options.failuresBeforeLockout;
    if (over < 0) return;
    const seconds = Math.min(this.options.lockoutBaseSeconds * 2 ** Math.min(over, 30), this.options.lockoutMaxSeconds);
    await this.lockouts.block(email, seconds);
  }

  async succeeded(email: string): Promise<void> {
    await Promise.all([this.failures.delete(email), this.lockouts.delete(email)]);
  }
}
