// Keep-alive request loops against one API process, the way a proxy's upstream connections
// hit a pod while it shuts down. Used by keepAliveShutdown.test.ts (3 short runs) and by
// soak/keep-alive-shutdown.ts (many long ones).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { spawnBundle } from './childProcess.js';
import { adminQuery, call } from './helpers.js';

/** What one loop sends, and the status it expects while the API serves normally. */
export interface LoopRequest {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** Built per request, so each write is distinguishable. */
  readonly body?: (sequence: number) => string;
}

export interface LoopResult {
  readonly name: string;
  /** Ids from the bodies of 201 answers: writes the API acknowledged. */
  readonly acknowledged: string[];
  /** Status counts. */
  readonly statuses: Record<number, number>;
  /** Requests whose connection was reset or cut after it was sent: a 502 behind a proxy. */
  readonly resets: string[];
  /** Every answer: when its request was sent and it came (performance.now()), its status, whether it said `Connection: close`. */
  readonly answers: { sentAt: number; answeredAt: number; status: number; closed: boolean }[];
}

interface Answer {
  status: number;
  body: string;
  connection: string | undefined;
}

function send(agent: http.Agent, base: URL, request: LoopRequest, sequence: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = request.body?.(sequence);
    const req = http.request(
      new URL(request.path, base),
      {
        agent,
        method: request.method,
        headers: { ...request.headers, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body: text, connection: res.headers.connection }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Runs one loop per request description, each on its own keep-alive connection of a shared
 * agent, until the API refuses connections (it has stopped listening: a proxy would pick another
 * pod, and nothing was sent) or `until` resolves. `results` fill in as the loops run.
 */
export function runKeepAliveLoops(
  baseUrl: string,
  requests: readonly LoopRequest[],
  until: Promise<unknown>,
): { results: LoopResult[]; done: Promise<void> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: requests.length });
  const base = new URL(baseUrl);
  let stopped = false;
  void until.then(() => {
    stopped = true;
  });
  const results = requests.map((request): LoopResult => ({ name: request.name, acknowledged: [], statuses: {}, resets: [], answers: [] }));
  const loop = async (request: LoopRequest, result: LoopResult): Promise<void> => {
    for (let sequence = 1; !stopped; sequence++) {
      const sentAt = performance.now();
      try {
        const answer = await send(agent, base, request, sequence);
        result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
        result.answers.push({ sentAt, answeredAt: performance.now(), status: answer.status, closed: answer.connection === 'close' });
        if (answer.status === 201) result.acknowledged.push((JSON.parse(answer.body) as { id: string }).id);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ECONNREFUSED') break;
        result.resets.push(`${request.name} #${sequence}: ${code ?? ''} ${(error as Error).message}`);
      }
    }
  };
  const done = Promise.all(requests.map((request, i) => loop(request, results[i]!))).then(() => agent.destroy());
  return { results, done };
}

/** Twenty loops as in the issue: sixteen writers and one each answered 400, 401, 415 and (while draining) 503. */
export function shutdownLoops(token: string, label: string): LoopRequest[] {
  const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  const writers = Array.from({ length: 16 }, (_, i): LoopRequest => ({
    name: `writer ${i + 1}`,
    method: 'POST',
    path: '/api/tasks',
    headers: json,
    body: (n) => JSON.stringify({ title: `${label} writer ${i + 1} #${n}` }),
  }));
  return [
    ...writers,
    { name: 'invalid body (400)', method: 'POST', path: '/api/tasks', headers: json, body: () => JSON.stringify({ title: '' }) },
    {
      name: 'no token (401)',
      method: 'POST',
      path: '/api/tasks',
      headers: { 'content-type': 'application/json' },
      body: () => '{"title":"x"}',
    },
    { name: 'not JSON (415)', method: 'POST', path: '/api/tasks', headers: { ...json, 'content-type': 'text/plain' }, body: () => 'title' },
    { name: 'readiness (503 while draining)', method: 'GET', path: '/readyz' },
  ];
}

/** Writes the loops must have had acknowledged before SIGTERM, so the signal lands in steady load. */
export const MIN_WRITES_BEFORE_SIGNAL = 20;

export interface ShutdownRun {
  readonly results: LoopResult[];
  readonly resets: string[];
  readonly acknowledged: string[];
  /** Acknowledged before SIGTERM, for the report. */
  readonly acknowledgedBeforeSignal: number;
  /** Acknowledged ids the database does not have afterwards: lost writes. */
  readonly missing: string[];
  /**
   * Answers to requests sent after the first `Connection: close` reached a client: the drain had
   * begun when they arrived, so each must say `Connection: close` too.
   */
  readonly drainAnswers: { status: number; closed: boolean }[];
  readonly exitCode: number | null;
  readonly output: string;
}

export interface ShutdownScenario {
  /** Where the API keeps its data: a server database URL, or a PGlite directory. */
  readonly store: { databaseUrl: string } | { dataDir: string };
  /** How long the loops run before SIGTERM. */
  readonly loadMs: number;
  readonly shutdownDelayMs: number;
  readonly label: string;
}

/** The ids of every task in the store; PGlite's directory is opened once the API has exited. */
async function storedTaskIds(store: ShutdownScenario['store']): Promise<Set<string>> {
  if ('databaseUrl' in store)
    return new Set((await adminQuery('select id from tasks', [], store.databaseUrl)).rows.map((r) => r.id as string));
  const db = await PGlite.create(`${store.dataDir}/pgdata`);
  try {
    return new Set((await db.query<{ id: string }>('select id from tasks')).rows.map((r) => r.id));
  } finally {
    await db.close();
  }
}

/**
 * The production bundle under the twenty keep-alive loops, SIGTERM after `loadMs`; the loops run
 * on through the drain until the API refuses connections. Counts resets and lost writes.
 */
export async function shutdownUnderKeepAlive(scenario: ShutdownScenario): Promise<ShutdownRun> {
  const api = await spawnBundle({
    SCRYPT_LOG_N: '10',
    SHUTDOWN_DELAY_MS: String(scenario.shutdownDelayMs),
    ...('databaseUrl' in scenario.store
      ? { DATABASE_URL: scenario.store.databaseUrl, DATA_DIR: 'memory://' }
      : { DATA_DIR: scenario.store.dataDir }),
  });
  const exited = once(api.process, 'exit') as Promise<[number | null]>;
  const registered = await call(api.url, 'POST', '/api/auth/register', {
    json: { email: `${scenario.label}.${randomBytes(3).toString('hex')}@example.com`, password: 'a long enough password' },
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status}`);
  // A bound in case the API never exits: the loops stop a little after the grace a kubelet would give.
  const giveUp = new Promise((r) => setTimeout(r, scenario.shutdownDelayMs + 15_000).unref());
  const { results, done } = runKeepAliveLoops(
    api.url,
    shutdownLoops(registered.body.token as string, scenario.label),
    Promise.race([exited, giveUp]),
  );
  // At least loadMs, and until the loops have some writes behind them (a slow embedded database starts slowly).
  const loadStarted = Date.now();
  const acknowledgedSoFar = () => results.reduce((sum, r) => sum + r.acknowledged.length, 0);
  while (
    Date.now() - loadStarted < scenario.loadMs ||
    (acknowledgedSoFar() < MIN_WRITES_BEFORE_SIGNAL && Date.now() - loadStarted < 15_000)
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const acknowledgedBeforeSignal = acknowledgedSoFar();
  api.process.kill('SIGTERM');
  await done;
  const [exitCode] = await Promise.race([exited, giveUp.then(() => [null] as [null])]);
  if (exitCode === null) api.process.kill('SIGKILL');
  const acknowledged = results.flatMap((r) => r.acknowledged);
  const stored = await storedTaskIds(scenario.store);
  const answers = results.flatMap((r) => r.answers);
  const drainSeen = answers.filter((a) => a.closed).reduce((first, a) => Math.min(first, a.answeredAt), Infinity);
  return {
    drainAnswers: answers.filter((a) => a.sentAt > drainSeen).map(({ status, closed }) => ({ status, closed })),
    results,
    acknowledged,
    acknowledgedBeforeSignal,
    exitCode,
    output: api.output(),
    resets: results.flatMap((r) => r.resets),
    missing: acknowledged.filter((id) => !stored.has(id)),
  };
}
