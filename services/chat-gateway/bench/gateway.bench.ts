/**
 * chat-gateway benchmark: holds 10,000 authenticated WebSocket connections and measures the gateway's
 * RSS, then sends 200 "show my tasks" messages per second and measures the round trip (API call included).
 *
 *   ulimit -n 65536   # 10,000 sockets in the load generator and as many in the gateway
 *   npx tsx services/chat-gateway/bench/gateway.bench.ts
 *
 * The todo-api and the gateway each run in their own child process, so the RSS is the gateway's alone;
 * the gateway runs from its production bundle (build.ts), as in the image. The API uses the PostgreSQL
 * server at BENCH_DATABASE_URL (a fresh database, dropped afterwards) when it answers, else PGlite.
 * Knobs (env): BENCH_USERS (100), BENCH_CONNECTIONS_PER_USER (100), BENCH_RATE (200/s), BENCH_SECONDS (20),
 * BENCH_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres; "none" forces PGlite).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import WebSocket from 'ws';
import { buildGateway } from '../build.js';

const USERS = Number(process.env.BENCH_USERS ?? 100);
const PER_USER = Number(process.env.BENCH_CONNECTIONS_PER_USER ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TASKS_PER_USER = 10;
const RSS_TARGET_MB = 300;
const P99_TARGET_MS = 50;
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startService(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

async function waitReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

async function inBatches<T>(count: number, concurrency: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  }));
  return results;
}

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

async function gatewayRssBytes(gatewayUrl: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(text)![1]);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  const needed = USERS * PER_USER + 1000;
  if (fdLimit < needed) {
    throw new Error(`open-file limit is ${fdLimit}; ${USERS * PER_USER} connections need about ${needed}. Run \`ulimit -n 65536\` first.`);
  }

  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'chat-gateway-bench-'));
  const database = await createDatabase();
  try {
    const bundle = await buildGateway(path.join(dataDir, 'gateway'));
    const [apiPort, gatewayPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    startService(['--import', 'tsx', 'services/todo-api/src/main.ts'], {
      ...(database ? { DATABASE_URL: database.url } : {}),
      PORT: String(apiPort), HOST: '127.0.0.1', DATA_DIR: dataDir, SCRYPT_LOG_N: '10',
      API_RATE_LIMIT_PER_MINUTE: '100000000', AUTH_IP_RATE_LIMIT: '1000000', LOGIN_RATE_LIMIT: '1000000', SHUTDOWN_DELAY_MS: '0',
    });
    await waitReady(apiUrl);
    const gateway = startService([bundle], {
      PORT: String(gatewayPort), HOST: '127.0.0.1', TODO_API_URL: apiUrl,
      MAX_CONNECTIONS_PER_USER: String(PER_USER), SHUTDOWN_DELAY_MS: '0', SHUTDOWN_GRACE_MS: '5000',
    });
    await waitReady(gatewayUrl);

    const tokens = await inBatches(USERS, 10, async (i) => {
      const { token } = await json(`${apiUrl}/api/auth/register`, {
        method: 'POST', body: JSON.stringify({ email: `bench-${process.pid}-${i}@example.com`, password: 'correct horse battery staple' }),
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

    // Request/reply at a fixed rate, spread over all connections.
    const rtts: number[] = [];
    const pending = new Map<string, number>();
    let failures = 0;
    for (const ws of sockets) {
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { type: string; id?: string; text?: string };
        if (message.id === undefined || !pending.has(message.id)) return;
        if (message.type !== 'reply' || !message.text?.startsWith('Here are your tasks')) failures++;
        rtts.push(performance.now() - pending.get(message.id)!);
        pending.delete(message.id);
      });
    }
    const total = RATE * SECONDS;
    let sent = 0;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
        while (sent < due) {
          const id = `b${sent}`;
          pending.set(id, performance.now());
          sockets[(sent * 7919) % sockets.length]!.send(JSON.stringify({ type: 'say', id, text: 'show my tasks' }));
          sent++;
        }
        if (sent < total) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    const drainDeadline = Date.now() + 10_000;
    while (pending.size > 0 && Date.now() < drainDeadline) await new Promise((r) => setTimeout(r, 50));
    const rssAfter = await gatewayRssBytes(gatewayUrl);
    const sorted = [...rtts].sort((a, b) => a - b);
    const achievedRate = rtts.length / ((performance.now() - started) / 1000);

    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    const ms = (v: number) => v.toFixed(1);
    const cpu = os.cpus();
    console.log(`\n### chat-gateway benchmark\n`);
    console.log(`Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}. ` +
      `The todo-api (${database ? 'PostgreSQL server' : 'PGlite'}) and the gateway (production bundle) run as separate processes on the same machine as the load generator.\n`);
    console.log('| measure | target | figure | verdict |');
    console.log('|---|---|---|---|');
    console.log(`| concurrent authenticated connections held | 10,000 | ${open_.toLocaleString('en-US')} (${USERS} users × ${PER_USER}), opened in ${connectSeconds.toFixed(1)} s | ${open_ >= 10_000 ? 'pass' : 'FAIL'} |`);
    console.log(`| gateway RSS holding them | < ${RSS_TARGET_MB} MB | ${mb(rssHeld)} MB (idle before: ${mb(rssIdle)} MB; after the load: ${mb(rssAfter)} MB) | ${rssHeld < RSS_TARGET_MB * 1024 * 1024 ? 'pass' : 'FAIL'} |`);
    console.log(`| "show my tasks" round trip p99 at ${RATE} msg/s (API call included) | < ${P99_TARGET_MS} ms | ${ms(percentile(sorted, 99))} ms (p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, max ${ms(sorted[sorted.length - 1]!)}) | ${percentile(sorted, 99) < P99_TARGET_MS ? 'pass' : 'FAIL'} |`);
    console.log(`| replies received / sent, wrong replies | all, 0 | ${rtts.length} / ${total}, ${failures} wrong; ${achievedRate.toFixed(0)} msg/s achieved over ${SECONDS} s | ${rtts.length === total && failures === 0 ? 'pass' : 'FAIL'} |`);

    if (process.env.BENCH_DEBUG) console.log((await (await fetch(`${gatewayUrl}/metrics`)).text()).split("\n").filter((l) => l.startsWith("chat_gateway_reply_duration") || l.startsWith("process_cpu")).join("\n"));
    for (const ws of sockets) ws.terminate();
    gateway.kill('SIGTERM');
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A fresh database on the PostgreSQL server, or undefined when none answers (the API then uses PGlite). */
async function createDatabase(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (ADMIN_DATABASE_URL === 'none') return undefined;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `chat_gateway_bench_${process.pid}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  },
);
