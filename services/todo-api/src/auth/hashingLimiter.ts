import { HttpProblem } from '../http/problem.js';

export interface HashingLimits {
  /** Password hashes computed at once; each scrypt at the default cost holds 128 MiB. */
  readonly concurrency: number;
  /** Requests allowed to wait for a free slot; one more is refused at once. */
  readonly maxQueue: number;
  /** Longest a request waits for a slot before it is refused. */
  readonly maxWaitMs: number;
}

/** 503 for a request that found every hashing slot and the queue taken. */
function hashingBusy(retryAfterSeconds: number): HttpProblem {
  return new HttpProblem(503, 'Service Unavailable', 'Too many logins and registrations at once; retry shortly.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });
}

/**
 * A semaphore with a bounded wait queue around password hashing. scrypt's memory is allocated
 * outside the V8 heap, per call, and libuv runs up to four at once: unbounded, a burst of logins
 * multiplies the process's memory and the pod is OOM-killed. Waiting requests cost almost nothing.
 */
export class HashingLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly retryAfterSeconds: number;

  constructor(private readonly limits: HashingLimits) {
    this.retryAfterSeconds = Math.max(1, Math.ceil(limits.maxWaitMs / 1000));
  }

  /** Runs `hash` once a slot is free; throws a 503 problem when the queue is full or the wait too long. */
  async run<T>(hash: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await hash();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.limits.maxQueue) return Promise.reject(hashingBusy(this.retryAfterSeconds));
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(grant), 1);
        reject(hashingBusy(this.retryAfterSeconds));
      }, this.limits.maxWaitMs);
      this.waiting.push(grant);
    });
  }

  /** Hands the slot straight to the oldest waiter, so `running` never dips and lets a newcomer jump the queue. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
