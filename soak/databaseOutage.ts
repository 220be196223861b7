import { adminQuery, call } from '../services/todo-api/test/helpers.js';
import { createScratchDatabase, killChild, serverFaultLines, sleep, spawnTodoApi, until, type ApiChild } from './harness.js';
import { countByKind, startLoad, type Outcome } from './load.js';
import { TcpRelay } from './relay.js';

/** How a fault is made. */
export type FaultKind = 'terminate-backends' | 'port-refused' | 'port-blackholed';

export interface DatabaseOutageOptions {
  readonly serverUrl: string;
  readonly writers: number;
  /** Faults in order; each is followed by recovery and `settleMs` of steady load. */
  readonly faults: readonly FaultKind[];
  /** How long the port stays cut (terminate-backends is instantaneous). */
  readonly outageMs: number;
  readonly settleMs: number;
  /** Client bound on one request: a request still unanswered then is a 'timeout' (a hang). */
  readonly requestTimeoutMs: number;
  /** Child settings: DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS, READY_TIMEOUT_MS, ... */
  readonly apiEnv: Readonly<Record<string, string>>;
  readonly maxDurationMs: number;
}

export interface FaultResult {
  readonly fault: FaultKind;
  /** Outcomes of requests that started after the fault was in place and ended before it was lifted. */
  readonly duringOutage: Record<string, number>;
  /** Outcomes of every request from the fault to recovery + settle. */
  readonly aroundOutage: Record<string, number>;
  /** /readyz status sampled in the middle of the outage (undefined for terminate-backends). */
  readonly readyDuringOutage?: number;
  /** From the database being reachable again to the first /readyz 200. */
  readonly msToReady: number;
  /** Longest request in the outage window. */
  readonly maxLatencyMs: number;
}

export interface DatabaseOutageResult {
  readonly faults: readonly FaultResult[];
  readonly all: Record<string, number>;
  /** 503 answers that were not application/problem+json. */
  readonly non503Problem: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly faultLogs: readonly string[];
}

/**
 * One todo-api child whose PostgreSQL connection goes through a TCP relay, under a steady
 * read/write load; the database path is broken in several ways, each lifted again, and the
 * answers are classified by kind.
 */
export async function runDatabaseOutage(options: DatabaseOutageOptions): Promise<DatabaseOutageResult> {
  const database = await createScratchDatabase(options.serverUrl, 'outage');
  const target = new URL(options.serverUrl);
  const relay = new TcpRelay(target.hostname, Number(target.port || 5432));
  let child: ApiChild | undefined;
  const terminateBackends = () =>
    adminQuery(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database.name],
      options.serverUrl,
    );
  try {
    const relayed = new URL(database.url);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(await relay.start());
    child = await spawnTodoApi({ ...options.apiEnv, DATABASE_URL: relayed.toString() });
    const api = child.url;
    const registered = await call(api, 'POST', '/api/auth/register', {
      json: { email: 'outage@example.com', password: 'database outage password' },
    });
    if (registered.status !== 201) throw new Error(`register failed: ${registered.status}`);
    const ready = async () => (await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200;

    const load = startLoad({
      baseUrl: api,
      token: registered.body.token,
      writers: options.writers,
      requestTimeoutMs: options.requestTimeoutMs,
      maxDurationMs: options.maxDurationMs,
      maxRequestsPerWriter: 1_000_000,
      readEvery: 3,
    });
    const results: FaultResult[] = [];
    try {
      await sleep(options.settleMs);
      for (const fault of options.faults) {
        const faultAt = load.now();
        let inPlaceAt = faultAt;
        let liftedAt: number;
        let readyDuringOutage: number | undefined;
        if (fault === 'terminate-backends') {
          await terminateBackends();
          liftedAt = load.now();
        } else {
          await relay.cut(fault === 'port-refused' ? 'refuse' : 'blackhole');
          await terminateBackends();
          inPlaceAt = load.now();
          await sleep(options.outageMs / 2);
          readyDuringOutage = (await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(options.requestTimeoutMs) })).status;
          await sleep(options.outageMs / 2);
          await relay.restore();
          liftedAt = load.now();
        }
        const msToReady = await until(ready, 30_000, 25, 'ready after the database returned');
        await sleep(options.settleMs);
        const windowEnd = load.now();
        const inWindow = (o: Outcome) => o.startedMs >= inPlaceAt && o.endedMs <= liftedAt;
        const during = load.outcomes.filter(inWindow);
        results.push({
          fault,
          duringOutage: countByKind(during),
          aroundOutage: countByKind(load.outcomes.filter((o) => o.endedMs >= faultAt && o.startedMs <= windowEnd)),
          ...(readyDuringOutage !== undefined ? { readyDuringOutage } : {}),
          msToReady,
          maxLatencyMs: Math.max(0, ...during.map((o) => o.endedMs - o.startedMs)),
        });
      }
    } finally {
      await load.stop();
    }
    const acknowledgedIds = load.outcomes.flatMap((o) => (o.id ? [o.id] : []));
    const stored = new Set((await adminQuery('select id from tasks', [], database.url)).rows.map((r: { id: string }) => r.id));
    return {
      faults: results,
      all: countByKind(load.outcomes),
      non503Problem: load.outcomes.filter((o) => o.kind === '503' && !o.problemJson).length,
      acknowledged: acknowledgedIds.length,
      lost: acknowledgedIds.filter((id) => !stored.has(id)).length,
      faultLogs: serverFaultLines(child),
    };
  } finally {
    await killChild(child);
    await relay.close();
    await database.drop();
  }
}
