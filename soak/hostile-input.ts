// Hostile input soak: the corpus of soak/hostileCorpus.ts sent ROUNDS times to one todo-api
// child, RSS read from its /metrics after every round. Usage: npx tsx soak/hostile-input.ts
// Env: DATABASE_URL (unset → embedded PGlite in a temp dir), SOAK_HOSTILE_ROUNDS (20).
import { call } from '../services/todo-api/test/helpers.js';
import { report, residentBytes, serverFaultLines, sleep, spawnOnScratchStore } from './harness.js';
import { runCorpus, slowBodies } from './hostileCorpus.js';

const rounds = Number(process.env.SOAK_HOSTILE_ROUNDS || 20);
/** See test/reliability/hostile-input.test.ts for why RSS may sit this far above a quiet baseline. */
const RSS_TOLERANCE_MIB = 48;
const mib = (bytes: number) => bytes / 2 ** 20;
/** Longest idle wait for RSS to come back down after the load. */
const IDLE_MS = 30_000;

const stored = await spawnOnScratchStore('hostilesoak');
try {
  const url = stored.child.url;
  const registered = await call(url, 'POST', '/api/auth/register', {
    json: { email: 'hostile.soak@example.com', password: 'hostile soak password' },
  });
  const token: string = registered.body.token;
  const taskId: string = (await call(url, 'POST', '/api/tasks', { token, json: { title: 'target' } })).body.id;
  for (let i = 0; i < 150; i++) {
    await call(url, 'POST', '/api/tasks', { token, json: { title: `warm ${i}` } });
    await call(url, 'GET', '/api/tasks?limit=50', { token });
  }
  const baseline = await residentBytes(url);
  const afterRounds: number[] = [];
  let requests = 0;
  const fiveHundreds: string[] = [];
  const noAnswer: string[] = [];
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const pass = await runCorpus(url, token, taskId);
    requests += pass.requests;
    fiveHundreds.push(...pass.fiveHundreds);
    noAnswer.push(...pass.noAnswer);
    afterRounds.push(await residentBytes(url));
  }
  const slow = await slowBodies(url, token, 200, 5000);
  // V8 returns memory lazily: its memory reducer runs major GCs a few seconds after the
  // allocation rate drops. Idle up to IDLE_MS and take the lowest RSS seen.
  let final = Number.POSITIVE_INFINITY;
  for (let waited = 0; waited < IDLE_MS && mib(final - baseline) >= RSS_TOLERANCE_MIB / 2; waited += 1000) {
    final = Math.min(final, await residentBytes(url));
    await sleep(1000);
  }
  const alive = stored.child.process.exitCode === null && (await call(url, 'GET', '/livez')).status === 200;
  const faults = serverFaultLines(stored.child);
  const rows = [
    { measure: 'requests answered 5xx', target: '0', figure: `${fiveHundreds.length} of ${requests}`, met: fiveHundreds.length === 0 },
    { measure: 'requests with no answer', target: '0', figure: String(noAnswer.length), met: noAnswer.length === 0 },
    {
      measure: 'process alive, /livez 200, no fault in logs',
      target: 'yes',
      figure: `${alive ? 'yes' : 'NO'}, ${faults.length} fault lines`,
      met: alive && faults.length === 0,
    },
    {
      measure: 'RSS after idling (≤ 30 s) vs warmed-up baseline',
      target: `< +${RSS_TOLERANCE_MIB} MiB`,
      figure: `${mib(baseline).toFixed(1)} → ${mib(final).toFixed(1)} MiB (${final >= baseline ? '+' : ''}${mib(final - baseline).toFixed(1)})`,
      met: mib(final - baseline) < RSS_TOLERANCE_MIB,
    },
    {
      measure: 'RSS after each round, MiB (informational: V8 grows the heap, then shrinks it)',
      target: '—',
      figure: afterRounds.map((b) => mib(b).toFixed(0)).join(' '),
      met: true,
    },
    {
      measure: '/livez latency while 200 connections trickle bodies',
      target: '< 1000 ms',
      figure: `max ${Math.max(...slow.livezMs).toFixed(0)} ms`,
      met: Math.max(...slow.livezMs) < 1000,
    },
    {
      measure: 'corpus rate (informational)',
      target: '—',
      figure: `${(requests / ((performance.now() - started) / 1000)).toFixed(0)} req/s, one at a time`,
      met: true,
    },
  ];
  const met = report(
    'soak: hostile input',
    `Hostile input: ${requests} malformed requests (${rounds} rounds of the corpus), one todo-api process`,
    rows,
  );
  if (fiveHundreds.length + noAnswer.length + faults.length > 0)
    console.log([...fiveHundreds, ...noAnswer, ...faults].slice(0, 10).join('\n'));
  process.exitCode = met ? 0 : 1;
} finally {
  await stored.stop();
}
