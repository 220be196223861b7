import { adminQuery, call } from '../services/todo-api/test/helpers.js';
import {
  createScratchDatabase,
  serverFaultLines,
  killChild,
  sharedSigningKeyPem,
  sleep,
  spawnTodoApi,
  until,
  type ApiChild,
} from './harness.js';
import { countByKind, startLoad, type Outcome } from './load.js';
import { RoundRobinProxy, type ProxyStats } from './proxy.js';

export interface RollingUpdateOptions {
  /** PostgreSQL server (maintenance database URL); a scratch database is created and dropped. */
  readonly serverUrl: string;
  /** Concurrent client loops writing through the proxy. */
  readonly writers: number;
  /** How many times both instances are replaced (one after the other). */
  readonly rounds: number;
  /** SHUTDOWN_DELAY_MS of the instances: how long they serve while unready. */
  readonly shutdownDelayMs: number;
  /** Steady load before the first SIGTERM and after each restart. */
  readonly settleMs: number;
  /** Proxy readiness probe interval; must be well below shutdownDelayMs. */
  readonly probeIntervalMs: number;
  /** Hard bound on the whole run. */
  readonly maxDurationMs: number;
  /** How instances are stopped. @default 'SIGTERM' (a rollout); 'SIGKILL' is the control that shows failures are counted */
  readonly stopSignal?: 'SIGTERM' | 'SIGKILL';
}

export interface RollingUpdateResult {
  readonly outcomes: readonly Outcome[];
  /** Requests that did not get a 201 (kind → count). */
  readonly failures: Record<string, number>;
  readonly acknowledged: number;
  /** Acknowledged ids missing from the database. */
  readonly lost: number;
  /** Rows in the database that were never acknowledged (a request that failed after committing). */
  readonly unacknowledgedStored: number;
  readonly exitCodes: readonly (number | null)[];
  readonly restarts: number;
  readonly proxy: ProxyStats;
  readonly durationMs: number;
  /** Log lines of every instance that show a server fault (a 500 or a crash). */
  readonly faultLogs: readonly string[];
}

/**
 * Two todo-api instances (child processes, one PostgreSQL database) behind a round-robin proxy
 * with readiness probing, under a steady write load; each instance in turn gets SIGTERM, and a
 * replacement is started and waited for before the next one goes.
 */
export async function runRollingUpdate(options: RollingUpdateOptions): Promise<RollingUpdateResult> {
  const database = await createScratchDatabase(options.serverUrl, 'rolling');
  const env = {
    DATABASE_URL: database.url,
    JWT_PRIVATE_KEY: sharedSigningKeyPem(),
    SHUTDOWN_DELAY_MS: String(options.shutdownDelayMs),
  };
  const proxy = new RoundRobinProxy({ probeIntervalMs: options.probeIntervalMs });
  const everyChild: ApiChild[] = [];
  const spawnOne = async () => {
    const child = await spawnTodoApi(env);
    everyChild.push(child);
    return child;
  };
  try {
    const instances = await Promise.all([spawnOne(), spawnOne()]);
    const proxyUrl = await proxy.listen();
    for (const instance of instances) proxy.add(instance.url);
    await until(async () => proxy.readyCount() === 2, 10_000, 50, 'both instances ready');
    const registered = await call(proxyUrl, 'POST', '/api/auth/register', {
      json: { email: 'rolling@example.com', password: 'rolling update password' },
    });
    if (registered.status !== 201) throw new Error(`register through the proxy failed: ${registered.status}`);

    const started = performance.now();
    const load = startLoad({
      baseUrl: proxyUrl,
      token: registered.body.token,
      writers: options.writers,
      requestTimeoutMs: 10_000,
      maxDurationMs: options.maxDurationMs,
      maxRequestsPerWriter: 1_000_000,
    });
    const exitCodes: (number | null)[] = [];
    let restarts = 0;
    try {
      await sleep(options.settleMs);
      for (let round = 0; round < options.rounds; round++) {
        for (let index = 0; index < instances.length; index++) {
          const old = instances[index]!;
          old.process.kill(options.stopSignal ?? 'SIGTERM');
          const code = await Promise.race([old.exited, sleep(options.shutdownDelayMs + 20_000).then(() => 'hung' as const)]);
          if (code === 'hung') throw new Error(`instance ${old.pid} did not exit after ${options.stopSignal ?? 'SIGTERM'}`);
          exitCodes.push(code);
          proxy.remove(old.url);
          const fresh = await spawnOne();
          proxy.add(fresh.url);
          await until(async () => proxy.isReady(fresh.url), 10_000, 50, 'replacement ready');
          instances[index] = fresh;
          restarts++;
          await sleep(options.settleMs);
        }
      }
    } finally {
      await load.stop();
    }
    const durationMs = performance.now() - started;

    const acknowledgedIds = load.outcomes.flatMap((o) => (o.id ? [o.id] : []));
    const stored = new Set((await adminQuery('select id from tasks', [], database.url)).rows.map((r: { id: string }) => r.id));
    const acknowledgedSet = new Set(acknowledgedIds);
    return {
      outcomes: load.outcomes,
      failures: countByKind(load.outcomes.filter((o) => o.kind !== '201' || !o.id)),
      acknowledged: acknowledgedIds.length,
      lost: acknowledgedIds.filter((id) => !stored.has(id)).length,
      unacknowledgedStored: [...stored].filter((id) => !acknowledgedSet.has(id)).length,
      exitCodes,
      restarts,
      proxy: { ...proxy.stats },
      durationMs,
      faultLogs: everyChild.flatMap(serverFaultLines),
    };
  } finally {
    await proxy.close();
    await Promise.all(everyChild.map(killChild));
    await database.drop();
  }
}
