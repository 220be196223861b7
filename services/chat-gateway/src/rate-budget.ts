/** Allows `burst` at once and `perSecond` on average. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly burst: number, private readonly perSecond: number) {
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
 * One socket's message budget. Over the message rate a message is dropped and costs a strike;
 * strikes come back only slowly (`strikes` per `strikeWindowMs`), whatever is accepted meanwhile,
 * so a client that keeps sending faster than allowed runs out of them and is closed — also when
 * it paces itself to get a message through now and then.
 */
export class RateBudget {
  private readonly messages: TokenBucket;
  private readonly strikes: TokenBucket;

  constructor(limits: RateBudgetLimits) {
    this.messages = new TokenBucket(limits.burst, limits.perSecond);
    this.strikes = new TokenBucket(limits.strikes, limits.strikes / (limits.strikeWindowMs / 1000));
  }

  /** 'accept' the message, 'drop' it (tell the client), or 'close' the socket: the budget is spent. */
  spend(): 'accept' | 'drop' | 'close' {
    if (this.messages.take()) return 'accept';
    return this.strikes.take() ? 'drop' : 'close';
  }
}
