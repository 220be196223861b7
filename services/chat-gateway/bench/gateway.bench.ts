/**
 * chat-gateway benchmark: holds 10,000 authenticated WebSocket connections and measures the gateway's
 * RSS, then sends 200 "show my tasks" messages per second and measures the round trip (API call included).
 *
 *   ulimit -n 20000   # or more: 10,000 sockets in the load generator and as many in the gateway
 *   node --import tsx services/chat-gateway/bench/gateway.bench.ts
 *
 * The todo-api and the gateway each run in their own child process, so the RSS is the gateway's alone;
 * both run from their production bundles, the API with its image's node options, the gateway with its
 * image's environment (the Dockerfile's ENV: MALLOC_ARENA_MAX shapes its RSS). The API uses the PostgreSQL
 * server at BENCH_DATABASE_URL (a fresh database, dropped afterwards) when it answers, else PGlite.
 * Knobs (env): BENCH_USERS (100), BENCH_CONNECTIONS_PER_USER (100), BENCH_RATE (200/s), BENCH_SECONDS (20),
 * BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres; "none" forces PGlite),
 * BENCH_GATEWAY_NODE_ARGS (extra node flags for the gateway, e.g. "--trace-gc").
 * Ctrl-C / SIGTERM stops both services, drops the database and removes the temp and build folders.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import WebSocket from 'ws';
import { createBenchDatabase, removeAtCleanup, runBenchmark, stopAtCleanup } from '../../../bench/interrupt.js';
import { percentile, recordResults } from '../../../bench/results.js';
import { bundleTodoApi } from '../../todo-api/build.js';
import { imageEnvironment, imageNodeOptions } from '../../todo-api/image.js';
import { buildGateway } from '../build.js';

const USERS = Number(process.env.BENCH_USERS ?? 100);
const PER_USER = Number(process.env.BENCH_CONNECTIONS_PER_USER ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** A second, lighter run shows how latency depends on load. */
const LOW_RATE = Number(process.env.BENCH_LOW_RATE ?? 50);
const TASKS_PER_USER = 10;
const RSS_TARGET_MB = 300;
const P99_TARGET_MS = 50;
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY_DOCKERFILE = fileURLToPath(new URL('../Dockerfile', import.meta.url));
const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startService(args: string[], env: Record<string, string>): ChildProcess {
  return stopAtCleanup(
    spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', process.env.BENCH_GATEWAY_NODE_ARGS ? 'inherit' : 'ignore', 'inherit'],
    }),
  );
}

async function waitReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

async function inBatches<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON responses, read field by field
async function json(url: string, init: RequestInit & { token?: string; body?: string } = {}): Promise<any> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
  });
  if (response.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status} ${await response.text()}`);
  return response.json();
}

function open(wsUrl: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(wsUrl, ['todo-chat.v1', `bearer.${token}`], { origin: 'http://localhost:3000', perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('message', () => resolve(ws)); // the history message: the connection is fully set up
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/** process_cpu_seconds_total from a service's /metrics (both services expose prom-client defaults). */
async function cpuSeconds(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^process_cpu_seconds_total (\S+)/m.exec(text);
  return match ? Number(match[1]) : NaN;
}

/** Sums and counts of the gateway's reply and todo-api call histograms. */
async function gatewayTimes(url: string): Promise<{ replySum: number; replyCount: number; apiSum: number; apiCount: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const total = (pattern: RegExp) => [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
  return {
    replySum: total(/^chat_gateway_reply_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
    replyCount: total(/^chat_gateway_reply_duration_seconds_count\{[^}]*\} (\S+)$/gm),
    apiSum: total(/^chat_gateway_todo_api_request_duration_seconds_sum\{[^}]*\} (\S+)$/gm),
    apiCount: total(/^chat_gateway_todo_api_request_duration_seconds_count\{[^}]*\} (\S+)$/gm),
  };
}

/**
 * nodejs_eventloop_lag_max_seconds from a service's /metrics, in ms. prom-client resets the
 * underlying histogram on every scrape, so a read returns the longest stall since the last one.
 */
async function eventLoopStallMs(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^nodejs_eventloop_lag_max_seconds (\S+)/m.exec(text)?.[1]) * 1000;
}

async function gatewayRssBytes(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)![1]);
}

interface RoundTrips {
  readonly rate: number;
  /** The load generator's own longest event-loop stall during the run, in ms: its replies arrive late by as much. */
  readonly loadGeneratorStallMs: number;
  readonly sent: number;
  readonly received: number;
  readonly wrong: number;
  readonly achieved: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Sends `rate` "show my tasks" per second for `seconds`, spread over all sockets, and times each reply. */
async function measureRoundTrips(sockets: readonly WebSocket[], rate: number, seconds: number): Promise<RoundTrips> {
  const rtts: number[] = [];
  const pending = new Map<string, number>();
  let wrong = 0;
  const onMessage = (data: WebSocket.RawData) => {
    const message = JSON.parse(data.toString()) as { type: string; id?: string; text?: string };
    if (message.id === undefined || !pending.has(message.id)) return;
    if (message.type !== 'reply' || !message.text?.startsWith('Here are your tasks')) wrong++;
    rtts.push(performance.now() - pending.get(message.id)!);
    pending.delete(message.id);
  };
  for (const ws of sockets) ws.on('message', onMessage);
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  const total = rate * seconds;
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sent < due) {
        const id = `r${rate}-${sent}`;
        pending.set(id, performance.now());
        sockets[(sent * 7919) % sockets.length]!.send(JSON.stringify({ type: 'say', id, text: 'show my tasks' }));
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const deadline = Date.now() + 15_000;
  while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const elapsed = (performance.now() - started) / 1000;
  for (const ws of sockets) ws.off('message', onMessage);
  stalls.disable();
  const sorted = [...rtts].sort((a, b) => a - b);
  return {
    rate,
    loadGeneratorStallMs: stalls.max / 1e6,
    sent,
    received: rtts.length,
    wrong,
    achieved: rtts.length / elapsed,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

async function main(): Promise<void> {
  const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  const needed = USERS * PER_USER + 1000;
  if (fdLimit < needed) {
    throw new Error(
      `open-file limit is ${fdLimit}; ${USERS * PER_USER} connections need about ${needed}. Raise it first, e.g. \`ulimit -n 20000\`.`,
    );
  }

  // Cleanup runs in reverse: the services stop, then the database is dropped, then the folders go.
  const dataDir = removeAtCleanup(await mkdtemp(path.join(os.tmpdir(), 'chat-gateway-bench-')));
  const apiBuildDir = removeAtCleanup(fileURLToPath(new URL(`../../../build/${path.basename(dataDir)}-todo-api`, import.meta.url)));
  const databaseUrl = await createDatabase();
  const bundle = await buildGateway(path.join(dataDir, 'gateway'));
  // Under the repository, where the bundle's external packages resolve from node_modules/.
  const apiBundle = await bundleTodoApi(apiBuildDir);
  const [apiPort, gatewayPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  startService([...(await imageNodeOptions(path.dirname(apiBundle))), apiBundle], {
    DATABASE_URL: databaseUrl ?? '', // empty: PGlite, even if the environment sets DATABASE_URL
    PORT: String(apiPort),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SCRYPT_LOG_N: '10',
    // The set-up registers 10 users at once; the API's default queue (8 behind 1 hash) answers the
    // tenth 503 when they arrive together. The benchmark measures the gateway, not that limit.
    SCRYPT_MAX_QUEUE: '100',
    API_RATE_LIMIT_PER_MINUTE: '100000000',
    AUTH_IP_RATE_LIMIT: '1000000',
    LOGIN_RATE_LIMIT: '1000000',
    SHUTDOWN_DELAY_MS: '0',
  });
  await waitReady(apiUrl);
  const gateway = startService([...(process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean), bundle], {
    ...(await imageEnvironment(GATEWAY_DOCKERFILE)),
    PORT: String(gatewayPort),
    HOST: '127.0.0.1',
    TODO_API_URL: apiUrl,
    MAX_CONNECTIONS_PER_USER: String(PER_USER),
    SHUTDOWN_DELAY_MS: '0',
    SHUTDOWN_GRACE_MS: '5000',
  });
  await waitReady(gatewayUrl);

  const tokens = await inBatches(USERS, 10, async (i) => {
    const { token } = await json(`${apiUrl}/api/auth/register`, {
      method: 'POST',
      body: JSON.stringify({ email: `bench-${process.pid}-${i}@example.com`, password: 'correct horse battery staple' }),
    });
    for (let t = 0; t < TASKS_PER_USER; t++) {
      await json(`${apiUrl}/api/tasks`, { method: 'POST', token, body: JSON.stringify({ title: `Bench task ${t} of user ${i}` }) });
    }
    return token as string;
  });

  const rssIdle = await gatewayRssBytes(gatewayUrl);
  const connectStarted = performance.now();
  const sockets = await inBatches(USERS * PER_USER, 200, (i) => open(`${gatewayUrl.replace('http', 'ws')}/ws`, tokens[i % USERS]!));
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  await new Promise((r) => setTimeout(r, 3000)); // let the per-user change streams and GC settle
  const rssHeld = await gatewayRssBytes(gatewayUrl);
  const open_ = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;

  const cpuBefore = {
    gateway: await cpuSeconds(gatewayUrl),
    api: await cpuSeconds(apiUrl),
    self: process.cpuUsage(),
    at: performance.now(),
  };
  const timesBefore = await gatewayTimes(gatewayUrl);
  await Promise.all([eventLoopStallMs(gatewayUrl), eventLoopStallMs(apiUrl)]); // starts the stall window
  const high = await measureRoundTrips(sockets, RATE, SECONDS);
  const stallsHigh = {
    gateway: await eventLoopStallMs(gatewayUrl),
    api: await eventLoopStallMs(apiUrl),
    loadGenerator: high.loadGeneratorStallMs,
  };
  const elapsedHigh = (performance.now() - cpuBefore.at) / 1000;
  const cpuShare = {
    gateway: (await cpuSeconds(gatewayUrl)) - cpuBefore.gateway,
    api: (await cpuSeconds(apiUrl)) - cpuBefore.api,
    self: ((usage) => (usage.user + usage.system) / 1e6)(process.cpuUsage(cpuBefore.self)),
  };
  const timesAfter = await gatewayTimes(gatewayUrl);
  const meanReplyMs = ((timesAfter.replySum - timesBefore.replySum) / (timesAfter.replyCount - timesBefore.replyCount)) * 1000;
  const meanApiMs = ((timesAfter.apiSum - timesBefore.apiSum) / (timesAfter.apiCount - timesBefore.apiCount)) * 1000;
  await new Promise((r) => setTimeout(r, 5000)); // let any backlog of the first run clear
  const low = await measureRoundTrips(sockets, LOW_RATE, 10);
  const rssAfter = await gatewayRssBytes(gatewayUrl);
  const apiCapacity = await autocannon({
    url: `${apiUrl}/api/tasks?status=all&limit=100`,
    connections: 10,
    duration: 5,
    headers: { authorization: `Bearer ${tokens[0]}` },
  });

  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  const ms = (v: number) => v.toFixed(1);
  const cpu = os.cpus();
  console.log(`\n### chat-gateway benchmark\n`);
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      `The todo-api (${databaseUrl ? 'PostgreSQL server' : 'PGlite'}) and the gateway (production bundles) run as separate processes on the same machine as the load generator.\n`,
  );
  console.log('| measure | target | figure | verdict |');
  console.log('|---|---|---|---|');
  console.log(
    `| concurrent authenticated connections held | 10,000 | ${open_.toLocaleString('en-US')} (${USERS} users × ${PER_USER}), opened in ${connectSeconds.toFixed(1)} s | ${open_ >= 10_000 ? 'pass' : 'FAIL'} |`,
  );
  console.log(
    `| gateway RSS holding them | < ${RSS_TARGET_MB} MB | ${mb(rssHeld)} MB (idle before: ${mb(rssIdle)} MB; after the load: ${mb(rssAfter)} MB) | ${rssHeld < RSS_TARGET_MB * 1024 * 1024 ? 'pass' : 'FAIL'} |`,
  );
  for (const run of [high, low]) {
    const target = run.rate === RATE ? `< ${P99_TARGET_MS} ms` : '(context)';
    const verdict = run.rate === RATE ? (run.p99 < P99_TARGET_MS && run.received === run.sent && run.wrong === 0 ? 'pass' : 'FAIL') : '—';
    console.log(
      `| "show my tasks" round trip p99 at ${run.rate} msg/s (API call included) | ${target} | ${ms(run.p99)} ms (p50 ${ms(run.p50)}, p95 ${ms(run.p95)}, max ${ms(run.max)}); ${run.received}/${run.sent} replies, ${run.wrong} wrong, ${run.achieved.toFixed(0)} msg/s achieved | ${verdict} |`,
    );
  }
  console.log(
    `| context: CPU used during the ${RATE} msg/s run (cores, of ${cpu.length}) | — | gateway ${(cpuShare.gateway / elapsedHigh).toFixed(2)}, todo-api ${(cpuShare.api / elapsedHigh).toFixed(2)}, load generator ${(cpuShare.self / elapsedHigh).toFixed(2)} | — |`,
  );
  console.log(
    `| context: where a reply's time went during the ${RATE} msg/s run (gateway metrics) | — | mean reply ${meanReplyMs.toFixed(1)} ms inside the gateway; mean todo-api call ${meanApiMs.toFixed(1)} ms (list + record per message) | — |`,
  );
  console.log(
    `| context: longest event-loop stall during the ${RATE} msg/s run | — | gateway ${ms(stallsHigh.gateway)} ms, todo-api ${ms(stallsHigh.api)} ms, load generator ${ms(stallsHigh.loadGenerator)} ms (a reply in flight waits as long) | — |`,
  );
  console.log(
    `| context: the todo-api alone, GET /api/tasks, 10 connections | — | ${apiCapacity.requests.average.toFixed(0)} req/s, p99 ${apiCapacity.latency.p99} ms (each chat message costs 2 API calls: list + record) | — |`,
  );
  console.log(
    `| context: machine load average (1/5/15 min) at the end | — | ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} | — |`,
  );
  recordResults([
    {
      area: 'chat-gateway',
      what: 'authenticated WebSocket connections held',
      target: '10,000',
      figure: `${open_.toLocaleString('en-US')} (opened in ${connectSeconds.toFixed(1)} s)`,
      pass: open_ >= 10_000,
    },
    {
      area: 'chat-gateway',
      what: 'gateway RSS holding them',
      target: `< ${RSS_TARGET_MB} MB`,
      figure: `${mb(rssHeld)} MB (idle ${mb(rssIdle)} MB)`,
      pass: rssHeld < RSS_TARGET_MB * 1024 * 1024,
    },
    {
      area: 'chat-gateway',
      what: `"show my tasks" round trip p99 at ${RATE} msg/s, API call included`,
      target: `< ${P99_TARGET_MS} ms, every reply`,
      figure: `${ms(high.p99)} ms (p50 ${ms(high.p50)}); ${high.received}/${high.sent} replies, ${high.wrong} wrong; longest event-loop stalls: gateway ${ms(stallsHigh.gateway)}, todo-api ${ms(stallsHigh.api)}, load generator ${ms(stallsHigh.loadGenerator)} ms`,
      pass: high.p99 < P99_TARGET_MS && high.received === high.sent && high.wrong === 0,
    },
    {
      area: 'chat-gateway',
      what: `same at ${LOW_RATE} msg/s (context)`,
      target: '-',
      figure: `${ms(low.p99)} ms (p50 ${ms(low.p50)})`,
      pass: null,
    },
  ]);
  for (const ws of sockets) ws.terminate();
  gateway.kill('SIGTERM');
}

/** A fresh database on the PostgreSQL server (dropped at cleanup), or undefined when none answers (the API then uses PGlite). */
async function createDatabase(): Promise<string | undefined> {
  if (ADMIN_DATABASE_URL === 'none') return undefined;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  await admin.end();
  return createBenchDatabase(ADMIN_DATABASE_URL, `chat_gateway_bench_${process.pid}_${Date.now()}`);
}

await runBenchmark(main);
// The load generator's sockets and agents would keep the event loop alive.
process.exit(process.exitCode ?? 0);
