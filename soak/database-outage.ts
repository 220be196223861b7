// Database outage soak: the API's PostgreSQL path (through a TCP relay) is broken repeatedly
// under load: backends terminated, port refused, port blackholed. Usage: npx tsx soak/database-outage.ts
// Env: DATABASE_URL (default the local server), SOAK_REPEAT (2), SOAK_OUTAGE_MS (10000), SOAK_WRITERS (8).
import { runDatabaseOutage, type FaultKind } from './databaseOutage.js';
import { report } from './harness.js';
import { formatCounts } from './load.js';

const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const repeat = Number(process.env.SOAK_REPEAT || 2);
const outageMs = Number(process.env.SOAK_OUTAGE_MS || 10_000);
const writers = Number(process.env.SOAK_WRITERS || 8);
const READY_TARGET_MS = 5000;
// The API's own defaults: connect 3 s, statement 5 s, readiness 1 s. A request must be answered
// within connect + statement + 2 s of slack, or it counts as a hang.
const REQUEST_BOUND_MS = 3000 + 5000 + 2000;
const faults: FaultKind[] = Array.from({ length: repeat }, () => ['terminate-backends', 'port-refused', 'port-blackholed'] as const).flat();

const result = await runDatabaseOutage({
  serverUrl,
  writers,
  faults,
  outageMs,
  settleMs: 3000,
  requestTimeoutMs: REQUEST_BOUND_MS,
  maxDurationMs: 15 * 60_000,
  apiEnv: { DB_CONNECT_TIMEOUT_MS: '3000', DB_STATEMENT_TIMEOUT_MS: '5000', READY_TIMEOUT_MS: '1000' },
});

const allowed = new Set(['200', '201', '503']);
const badKinds = Object.entries(result.all).filter(([kind]) => !allowed.has(kind));
const rows = [
  { measure: 'answers by kind, whole run', target: 'only 200/201/503', figure: formatCounts(result.all), met: badKinds.length === 0 },
  { measure: '503 answers not problem+json', target: '0', figure: String(result.non503Problem), met: result.non503Problem === 0 },
  { measure: 'acknowledged writes lost', target: '0', figure: `${result.lost} of ${result.acknowledged}`, met: result.lost === 0 },
  {
    measure: 'server faults in logs (500, crash)',
    target: '0',
    figure: String(result.faultLogs.length),
    met: result.faultLogs.length === 0,
  },
  ...result.faults.flatMap((fault, index) => {
    const cut = fault.fault !== 'terminate-backends';
    const onlyUnavailable = Object.keys(fault.duringOutage).every((k) => k === '503');
    return [
      {
        measure: `#${index + 1} ${fault.fault}: time to /readyz 200 after the database is back`,
        target: `< ${READY_TARGET_MS} ms`,
        figure: `${fault.msToReady.toFixed(0)} ms`,
        met: fault.msToReady < READY_TARGET_MS,
      },
      ...(cut
        ? [
            {
              measure: `#${index + 1} ${fault.fault}: answers during the ${outageMs / 1000} s outage`,
              target: 'only 503',
              figure: formatCounts(fault.duringOutage),
              met: onlyUnavailable && Object.keys(fault.duringOutage).length > 0,
            },
            {
              measure: `#${index + 1} ${fault.fault}: slowest answer during the outage`,
              target: `< ${REQUEST_BOUND_MS} ms`,
              figure: `${fault.maxLatencyMs.toFixed(0)} ms`,
              met: fault.maxLatencyMs < REQUEST_BOUND_MS,
            },
            {
              measure: `#${index + 1} ${fault.fault}: /readyz during the outage`,
              target: '503',
              figure: String(fault.readyDuringOutage),
              met: fault.readyDuringOutage === 503,
            },
          ]
        : [
            {
              measure: `#${index + 1} ${fault.fault}: answers from the kill to steady again`,
              target: 'only 200/201/503',
              figure: formatCounts(fault.aroundOutage),
              met: Object.keys(fault.aroundOutage).every((k) => allowed.has(k)),
            },
          ]),
    ];
  }),
];
const met = report(
  'soak: database outage',
  `Database outage under load: ${writers} clients, ${repeat}× each fault, ${outageMs / 1000} s cuts, API default timeouts`,
  rows,
);
if (result.faultLogs.length > 0) console.log(result.faultLogs.slice(0, 5).join('\n'));
process.exit(met ? 0 : 1);
