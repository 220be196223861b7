// Rolling update soak: two todo-api instances behind a readiness-probing proxy, steady writes,
// each instance replaced ROUNDS times. Usage: npx tsx soak/rolling-update.ts
// Env: DATABASE_URL (default the local server), SOAK_ROUNDS (3), SOAK_WRITERS (8).
import { percentile } from '../bench/results.js';
import { report } from './harness.js';
import { formatCounts } from './load.js';
import { runRollingUpdate } from './rollingUpdate.js';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const rounds = Number(process.env.SOAK_ROUNDS || 3);
const writers = Number(process.env.SOAK_WRITERS || 8);
// The production drain delay (SHUTDOWN_DELAY_MS default) against a 1 s probe period.
const SHUTDOWN_DELAY_MS = 5000;

const result = await runRollingUpdate({
  serverUrl,
  writers,
  rounds,
  shutdownDelayMs: SHUTDOWN_DELAY_MS,
  settleMs: 5000,
  probeIntervalMs: 1000,
  maxDurationMs: 15 * 60_000,
});
const failed = result.outcomes.length - result.acknowledged;
const latencies = result.outcomes.map((o) => o.endedMs - o.startedMs);
const rows = [
  {
    measure: 'failed client requests',
    target: '0',
    figure: `${failed} of ${result.outcomes.length} (${formatCounts(result.failures)})`,
    met: failed === 0,
  },
  { measure: 'acknowledged writes lost', target: '0', figure: `${result.lost} of ${result.acknowledged}`, met: result.lost === 0 },
  {
    measure: 'stored but unacknowledged writes',
    target: '0',
    figure: String(result.unacknowledgedStored),
    met: result.unacknowledgedStored === 0,
  },
  {
    measure: 'instance exits after SIGTERM',
    target: `${rounds * 2} × exit 0`,
    figure: result.exitCodes.join(', '),
    met: result.exitCodes.length === rounds * 2 && result.exitCodes.every((c) => c === 0),
  },
  {
    measure: 'server faults in logs (500, crash)',
    target: '0',
    figure: String(result.faultLogs.length),
    met: result.faultLogs.length === 0,
  },
  { measure: 'proxy connect retries (informational)', target: '—', figure: String(result.proxy.connectRetries), met: true },
  {
    measure: 'write latency p50 / p99 / max (informational)',
    target: '—',
    figure: `${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 99).toFixed(0)} / ${Math.max(...latencies).toFixed(0)} ms`,
    met: true,
  },
  {
    measure: 'throughput (informational)',
    target: '—',
    figure: `${(result.outcomes.length / (result.durationMs / 1000)).toFixed(0)} writes/s over ${(result.durationMs / 1000).toFixed(0)} s, ${writers} writers`,
    met: true,
  },
];
const met = report(
  'soak: rolling update',
  `Rolling update: 2 instances, ${rounds} rounds, SHUTDOWN_DELAY_MS=${SHUTDOWN_DELAY_MS}, probe every 1 s, unready after 2 failures`,
  rows,
);
if (result.faultLogs.length > 0) console.log(result.faultLogs.slice(0, 5).join('\n'));
process.exit(met ? 0 : 1);
