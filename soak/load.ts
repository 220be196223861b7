/** A bounded closed-loop HTTP load: `writers` loops, each sending one request at a time. */

export interface Outcome {
  /** ms since the load started. */
  readonly startedMs: number;
  readonly endedMs: number;
  /** HTTP status as a string, or 'timeout', or 'network:<code>'. */
  readonly kind: string;
  readonly problemJson: boolean;
  /** The created task's id, for an acknowledged write (201 with an id). */
  readonly id?: string;
}

export interface LoadOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly writers: number;
  /** Client-side bound on one request; a request still running then counts as 'timeout'. */
  readonly requestTimeoutMs: number;
  /** Hard bound on the whole load, whatever `stop()` does. */
  readonly maxDurationMs: number;
  /** Hard bound on requests per writer. */
  readonly maxRequestsPerWriter: number;
  /** Every `readEvery`-th request of a writer is GET /api/tasks instead of a POST. @default 0 (writes only) */
  readonly readEvery?: number;
}

export interface Load {
  readonly outcomes: Outcome[];
  /** ms since the load started. */
  now(): number;
  /** Stops the writers and waits for their last requests. */
  stop(): Promise<void>;
}

function kindOf(error: unknown): string {
  const name = (error as Error).name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const cause = (error as { cause?: { code?: string } }).cause;
  return `network:${cause?.code ?? (error as Error).message}`;
}

export function startLoad(options: LoadOptions): Load {
  const outcomes: Outcome[] = [];
  const origin = performance.now();
  const now = () => performance.now() - origin;
  let running = true;
  const writer = async (writerIndex: number) => {
    for (let i = 0; i < options.maxRequestsPerWriter && running && now() < options.maxDurationMs; i++) {
      const read = options.readEvery !== undefined && options.readEvery > 0 && i % options.readEvery === options.readEvery - 1;
      const startedMs = now();
      try {
        const reply = await fetch(read ? `${options.baseUrl}/api/tasks?limit=5` : `${options.baseUrl}/api/tasks`, {
          method: read ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${options.token}`, ...(read ? {} : { 'content-type': 'application/json' }) },
          ...(read ? {} : { body: JSON.stringify({ title: `load ${writerIndex}.${i}` }) }),
          signal: AbortSignal.timeout(options.requestTimeoutMs),
        });
        const text = await reply.text();
        const problemJson = (reply.headers.get('content-type') ?? '').startsWith('application/problem+json');
        const id = !read && reply.status === 201 ? (JSON.parse(text) as { id?: string }).id : undefined;
        outcomes.push({ startedMs, endedMs: now(), kind: String(reply.status), problemJson, ...(id ? { id } : {}) });
      } catch (error) {
        outcomes.push({ startedMs, endedMs: now(), kind: kindOf(error), problemJson: false });
      }
    }
  };
  const writers = Array.from({ length: options.writers }, (_, i) => writer(i));
  return {
    outcomes,
    now,
    async stop() {
      running = false;
      await Promise.all(writers);
    },
  };
}

/** Counts outcomes by kind, e.g. { '201': 940, '503': 12 }. */
export function countByKind(outcomes: readonly Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1;
  return counts;
}

export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([kind, n]) => `${kind}: ${n}`).join(', ');
}
