import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { RateLimiterRes, type RateLimiterPostgres } from 'rate-limiter-flexible';
import { retryAfterSeconds, sharedLimiter, tooManyRequests } from '../http/rateLimit.js';

export interface LoginThrottleOptions {
  /** Consecutive failed logins of one account before it is locked. */
  readonly failuresBeforeLockout: number;
  /** First lockout; each further failure doubles it. */
  readonly lockoutBaseSeconds: number;
  readonly lockoutMaxSeconds: number;
}

/** Unsuccessful attempts are forgotten a day after the first of a run. */
const ATTEMPT_MEMORY_MS = 86_400_000;
/** While a locked-out account's one allowed attempt is being verified, others wait at most this long. */
const IN_FLIGHT_GUARD_S = 30;

const locked = (waitMs: number) => {
  const wait = retryAfterSeconds(waitMs);
  return tooManyRequests(wait, `Too many failed logins for this account; retry in ${wait} s.`);
};

/** One login attempt let through by the throttle; report how it ended. */
export interface LoginAttempt {
  failed(): Promise<void>;
  succeeded(): Promise<void>;
  abandoned(): Promise<void>;
}

/**
 * Per-account backoff against password guessing from many addresses, which per-IP limits miss:
 * after N consecutive failures the account's logins are refused for base·2^(failures−N) seconds,
 * up to the maximum, then one attempt is let through; a successful login clears it. Attempts are
 * counted before the password is checked, so a burst of concurrent guesses gets N (+1) through,
 * not all. Keyed by the normalized email, known or not, so a lockout tells nothing about which
 * accounts exist. State is in the shared database.
 */
export class LoginThrottle {
  /** Unsuccessful attempts in a row (an attempt counts from its start until it succeeds). */
  private readonly attempts: RateLimiterPostgres;
  /** Closed (2 points) during a lockout; 1 point while the one attempt after a lockout runs. */
  private readonly gate: RateLimiterPostgres;

  constructor(
    db: Kysely<DB>,
    private readonly options: LoginThrottleOptions,
  ) {
    this.attempts = sharedLimiter(db, 'login-attempts', Number.MAX_SAFE_INTEGER, ATTEMPT_MEMORY_MS);
    // Not blocked in memory: a lockout set after a failure on another replica must be seen at once.
    this.gate = sharedLimiter(db, 'login-lockout', 1, IN_FLIGHT_GUARD_S * 1000, { blockInMemory: false });
  }

  /**
   * Call before checking the password; throws 429 with Retry-After while the account is locked.
   * Report the outcome on the returned attempt: failed, succeeded, or abandoned (the check itself
   * failed, e.g. 503: then it does not count against the account).
   */
  async begin(email: string): Promise<LoginAttempt> {
    const lock = await this.gate.get(email);
    if (lock && lock.consumedPoints > this.gate.points) throw locked(lock.msBeforeNext);
    const { consumedPoints: attempt } = await this.attempts.penalty(email);
    const heldGate = attempt > this.options.failuresBeforeLockout;
    if (heldGate) {
      try {
        await this.gate.consume(email); // only one attempt at a time past the free ones
      } catch (error) {
        await this.attempts.reward(email); // refused, so not an attempt
        if (error instanceof RateLimiterRes) throw locked(error.msBeforeNext);
        throw error;
      }
    }
    return {
      failed: () => this.failed(email),
      succeeded: async () => {
        await Promise.all([this.attempts.delete(email), this.gate.delete(email)]);
      },
      abandoned: async () => {
        await Promise.all([this.attempts.reward(email), heldGate ? this.gate.delete(email) : undefined]);
      },
    };
  }

  private async failed(email: string): Promise<void> {
    const failures = (await this.attempts.get(email))?.consumedPoints ?? 0;
    const over = failures - this.options.failuresBeforeLockout;
    if (over < 0) return;
    await this.gate.block(email, Math.min(this.options.lockoutBaseSeconds * 2 ** Math.min(over, 30), this.options.lockoutMaxSeconds));
  }
}
