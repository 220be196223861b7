import { expect } from 'chai';
import { HashingLimiter } from '../src/auth/hashingLimiter.js';
import { loadConfig } from '../src/config.js';
import { HttpProblem } from '../src/http/problem.js';

/** A hash that finishes when the test says so, and records how many ran at once. */
function controllableHashes() {
  let running = 0;
  let peak = 0;
  const finishers: (() => void)[] = [];
  const hash = (value: string) => async () => {
    running += 1;
    peak = Math.max(peak, running);
    await new Promise<void>((resolve) => finishers.push(resolve));
    running -= 1;
    return value;
  };
  const finishOne = async () => {
    await new Promise((r) => setImmediate(r));
    finishers.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { hash, finishOne, peak: () => peak, started: () => finishers.length };
}

async function rejection(promise: Promise<unknown>): Promise<HttpProblem> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(HttpProblem);
  return error as HttpProblem;
}

describe('todo-api HashingLimiter', () => {
  it('runs at most `concurrency` hashes, in arrival order, and refuses past the queue with 503 + Retry-After', async () => {
    const limiter = new HashingLimiter({ concurrency: 2, maxQueue: 2, maxWaitMs: 3000 });
    const { hash, finishOne, peak, started } = controllableHashes();
    const accepted = ['a', 'b', 'c', 'd'].map((v) => limiter.run(hash(v)));
    const refused = await rejection(limiter.run(hash('e')));
    expect(refused).to.include({ status: 503, title: 'Service Unavailable' });
    expect(refused.headers).to.deep.equal({ 'Retry-After': '3' });
    expect(started()).to.equal(2);
    for (let i = 0; i < 4; i++) await finishOne();
    expect(await Promise.all(accepted)).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(peak()).to.equal(2);
    // Every slot is free again.
    const again = [limiter.run(hash('f')), limiter.run(hash('g'))];
    expect(started()).to.equal(0);
    await new Promise((r) => setImmediate(r));
    expect(started()).to.equal(2);
    await finishOne();
    await finishOne();
    expect(await Promise.all(again)).to.deep.equal(['f', 'g']);
  });

  it('refuses a request that waited longer than maxWaitMs and forgets it', async () => {
    const limiter = new HashingLimiter({ concurrency: 1, maxQueue: 1, maxWaitMs: 100 });
    const { hash, finishOne, peak } = controllableHashes();
    const first = limiter.run(hash('a'));
    const waited = Date.now();
    expect((await rejection(limiter.run(hash('late')))).status).to.equal(503);
    expect(Date.now() - waited).to.be.within(90, 1000);
    const next = limiter.run(hash('b')); // the queue has room again
    await finishOne();
    await finishOne();
    expect([await first, await next]).to.deep.equal(['a', 'b']);
    expect(peak()).to.equal(1);
  });

  it('frees the slot when a hash fails', async () => {
    const limiter = new HashingLimiter({ concurrency: 1, maxQueue: 0, maxWaitMs: 100 });
    const failure = await limiter.run(() => Promise.reject(new Error('bad hash'))).catch((e: Error) => e.message);
    expect(failure).to.equal('bad hash');
    expect(await limiter.run(async () => 'ok')).to.equal('ok');
  });

  it('is configured by SCRYPT_CONCURRENCY, _MAX_QUEUE and _MAX_WAIT_MS, default 1 / 8 / 5000', () => {
    expect(loadConfig({}).passwordHashing).to.deep.equal({ concurrency: 1, maxQueue: 8, maxWaitMs: 5000 });
    expect(loadConfig({ SCRYPT_CONCURRENCY: '2', SCRYPT_MAX_QUEUE: '0', SCRYPT_MAX_WAIT_MS: '250' }).passwordHashing).to.deep.equal({
      concurrency: 2,
      maxQueue: 0,
      maxWaitMs: 250,
    });
    expect(() => loadConfig({ SCRYPT_CONCURRENCY: '0' })).to.throw(/SCRYPT_CONCURRENCY must be an integer in \[1, 64\], got "0"/);
    expect(() => loadConfig({ SCRYPT_MAX_WAIT_MS: 'soon' })).to.throw(/SCRYPT_MAX_WAIT_MS/);
  });
});
