import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { loadConfig } from '../src/config.js';
import { RateBudget, TokenBucket, UserBuckets } from '../src/rate-budget.js';

describe('rate budget', () => {
  it('accepts the burst, then drops while strikes last, then closes — accepted messages give no strike back', () => {
    const budget = new RateBudget({ burst: 2, perSecond: 0.001, strikes: 3, strikeWindowMs: 3_600_000 }, new TokenBucket(100, 100));
    expect(Array.from({ length: 6 }, () => budget.spend())).to.deep.equal(['accept', 'accept', 'drop', 'drop', 'drop', 'close']);
  });

  it('drops what the user’s shared bucket cannot pay for, even when the socket’s could', () => {
    const user = new TokenBucket(1, 0.001);
    const [a, b] = [1, 2].map(() => new RateBudget({ burst: 5, perSecond: 0.001, strikes: 5, strikeWindowMs: 60_000 }, user));
    expect([a!.spend(), b!.spend()]).to.deep.equal(['accept', 'drop']);
  });

  it('keeps a user’s bucket while sockets hold it and until it would be full again, then forgets it', async () => {
    const users = new UserBuckets(2, 20); // full again 100 ms after the last socket closes
    const first = users.acquire('u');
    const second = users.acquire('u');
    expect(second.bucket).to.equal(first.bucket);
    first.release();
    second.release();
    second.release(); // a second release of the same socket changes nothing
    expect(users.acquire('u').bucket, 'reconnecting within the refill time').to.equal(first.bucket);
    expect(users.size).to.equal(1);
    const last = users.acquire('v');
    last.release();
    await sleep(150);
    expect(users.size).to.equal(1); // 'u' is still held by the reconnected socket; 'v' is forgotten
  });
});

describe('rate budget and drain configuration', () => {
  it('reads the per-user budget, the strike window and the drain time; the per-user budget is unset by default', () => {
    expect(loadConfig({})).to.not.have.any.keys('userRateLimitBurst', 'userRateLimitPerSecond');
    expect(loadConfig({})).to.include({ rateLimitStrikeWindowMs: 60_000, shutdownDrainMs: 5000 });
    expect(
      loadConfig({
        USER_RATE_LIMIT_BURST: '30',
        USER_RATE_LIMIT_PER_SECOND: '5',
        RATE_LIMIT_STRIKE_WINDOW_MS: '30000',
        SHUTDOWN_DRAIN_MS: '3000',
      }),
    ).to.include({
      userRateLimitBurst: 30,
      userRateLimitPerSecond: 5,
      rateLimitStrikeWindowMs: 30_000,
      shutdownDrainMs: 3000,
    });
  });
  for (const [env, message] of [
    [{ USER_RATE_LIMIT_BURST: '0' }, 'USER_RATE_LIMIT_BURST must be an integer in [1, 1000000], got "0"'],
    [{ RATE_LIMIT_STRIKE_WINDOW_MS: 'soon' }, 'RATE_LIMIT_STRIKE_WINDOW_MS must be an integer in [100, 3600000], got "soon"'],
    [{ SHUTDOWN_DRAIN_MS: '-1' }, 'SHUTDOWN_DRAIN_MS must be an integer in [1, 600000], got "-1"'],
  ] as const) {
    it(`refuses ${JSON.stringify(env)} naming the variable`, () => {
      expect(() => loadConfig(env)).to.throw(message);
    });
  }
});
