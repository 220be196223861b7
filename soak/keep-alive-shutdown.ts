// Keep-alive shutdown soak: the production bundle under twenty keep-alive request loops (sixteen
// writers, one each answered 400, 401, 415 and 503 while draining), SIGTERM mid-load, SOAK_RUNS
// times with the production drain delay. Counts connection resets (a 502 behind ingress-nginx) and
// acknowledged writes missing from the database. Usage: npx tsx soak/keep-alive-shutdown.ts
// Env: DATABASE_URL (default the local server), SOAK_RUNS (10), SOAK_LOAD_MS (3000).
import { shutdownUnderKeepAlive } from '../services/todo-api/test/keepAliveLoops.js';
import { createScratchDatabase, report } from './harness.js';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const runs = Number(process.env.SOAK_RUNS || 10);
const loadMs = Number(process.env.SOAK_LOAD_MS || 3000);
/** SHUTDOWN_DELAY_MS's production default. */
const SHUTDOWN_DELAY_MS = 5000;

const database = await createScratchDatabase(serverUrl, 'keepalive');
const perRun: { resets: number; lost: number; acknowledged: number; exitCode: number | null; unclosed: number }[] = [];
try {
  for (let run = 1; run <= runs; run++) {
    const outcome = await shutdownUnderKeepAlive({
      store: { databaseUrl: database.url },
      loadMs,
      shutdownDelayMs: SHUTDOWN_DELAY_MS,
      label: `soak${run}`,
    });
    perRun.push({
      resets: outcome.resets.length,
      lost: outcome.missing.length,
      acknowledged: outcome.acknowledged.length,
      exitCode: outcome.exitCode,
      unclosed: outcome.drainAnswers.filter((a) => !a.closed).length,
    });
    console.log(`run ${run}: ${JSON.stringify(perRun.at(-1))}${outcome.resets.length ? ` ${outcome.resets.slice(0, 3).join('; ')}` : ''}`);
  }
} finally {
  await database.drop();
}
const sum = (key: 'resets' | 'lost' | 'acknowledged' | 'unclosed') => perRun.reduce((total, r) => total + r[key], 0);
const met = report(
  'soak: keep-alive shutdown',
  `Keep-alive shutdown: 20 loops, ${runs} runs, ${loadMs} ms load, SHUTDOWN_DELAY_MS=${SHUTDOWN_DELAY_MS}`,
  [
    {
      measure: 'connection resets',
      target: '0',
      figure: `${sum('resets')} (per run: ${perRun.map((r) => r.resets).join(', ')})`,
      met: sum('resets') === 0,
    },
    { measure: 'acknowledged writes lost', target: '0', figure: `${sum('lost')} of ${sum('acknowledged')}`, met: sum('lost') === 0 },
    {
      measure: 'answers while closing without Connection: close',
      target: '0',
      figure: String(sum('unclosed')),
      met: sum('unclosed') === 0,
    },
    {
      measure: 'exits after SIGTERM',
      target: `${runs} × exit 0`,
      figure: perRun.map((r) => r.exitCode).join(', '),
      met: perRun.every((r) => r.exitCode === 0),
    },
  ],
);
process.exit(met ? 0 : 1);
