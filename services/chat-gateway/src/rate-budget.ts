/** Allows `burst` at once and `perSecond` on average. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface RateBudgetLimits {
  /** Messages at once. */
  readonly burst: number;
  /** Messages per second on average. */
  readonly perSecond: number;
  /** Dropped messages allowed per `strikeWindowMs` before the socket is closed. */
  readonly strikes: number;
  readonly strikeWindowMs: number;
}

/**
 * One socket's message budget, within its user's (`userMessages`, shared by the user's sockets).
 * Over either rate a message is dropped and costs the socket a strike; strikes come back only
 * slowly (`strikes` per `strikeWindowMs`), whatever is accepted meanwhile, so a client that keeps
 * sending faster than allowed runs out of them and is closed — also when it paces itself to get
 * a message through now and then.
 */
export class RateBudget {
  private readonly messages: TokenBucket;
  private readonly strikes: TokenBucket;

  constructor(
    limits: RateBudgetLimits,
    private readonly userMessages: TokenBucket,
  ) {
    this.messages = new TokenBucket(limits.burst, limits.perSecond);
    this.strikes = new TokenBucket(limits.strikes, limits.strikes / (limits.strikeWindowMs / 1000));
  }

  /** 'accept' the message, 'drop' it (tell the client), or 'close' the socket: the budget is spent. */
  spend(): 'accept' | 'drop' | 'close' {
    if (this.messages.take() && this.userMessages.take()) return 'accept';
    return this.strikes.take() ? 'drop' : 'close';
  }
}

/**
 * The message buckets of the users with sockets on this gateway, one per user, shared by all their
 * sockets (more sockets do not mean more messages). A bucket outlives its user's last socket until
 * it would be full again, so reconnecting does not refill it.
 */
export class UserBuckets {
  private readonly users = new Map<string, { bucket: TokenBucket; sockets: number; forget?: NodeJS.Timeout }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {}

  /** The user's bucket for a socket that opens; `release` when it closes. */
  acquire(userId: string): { bucket: TokenBucket; release: () => void } {
    let entry = this.users.get(userId);
    if (!entry) this.users.set(userId, (entry = { bucket: new TokenBucket(this.burst, this.perSecond), sockets: 0 }));
    clearTimeout(entry.forget);
    entry.sockets += 1;
    const held = entry;
    let released = false;
    return {
      bucket: held.bucket,
      release: () => {
        if (released) return;
        released = true;
        held.sockets -= 1;
        if (held.sockets > 0) return;
        held.forget = setTimeout(() => this.users.delete(userId), (this.burst / this.perSecond) * 1000);
        held.forget.unref();
      },
    };
  }

  /** Users whose bucket is kept (for tests and metrics). */
  get size(): number {
    return this.users.size;
  }
}
