// Cost of the shared rate limit on each authenticated request: sequential consume() round trips
// against the UNLOGGED rate_limits table, beside the same layout as a logged table.
// Usage: npx tsx services/todo-api/bench/rateLimit.bench.ts   (DATABASE_URL defaults to the local server)
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { rateLimitStore, sharedLimiter } from '../src/http/rateLimit.js';

const BASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const USERS = 100;

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const name = `rate_limit_bench_${randomBytes(4).toString('hex')}`;
await admin(`create database ${name}`);
const url = new URL(BASE_URL);
url.pathname = `/${name}`;
const database = await openDatabase({
  databaseUrl: url.toString(),
  dataDir: 'memory://',
  poolMax: 10,
  preparedStatements: true,
  connectTimeoutMs: 3000,
  statementTimeoutMs: 5000,
  logger: pino({ level: 'silent' }),
});
try {
  await migrateToLatest(database.db);
  await sql`create table rate_limits_logged (like rate_limits including all)`.execute(database.db);
  const unlogged = sharedLimiter(database.db, 'api', 1_000_000_000, 60_000);
  const logged = new RateLimiterPostgres({
    storeClient: rateLimitStore(database.db),
    storeType: 'client',
    tableName: 'rate_limits_logged',
    tableCreated: true,
    keyPrefix: 'api',
    points: 1_000_000_000,
    duration: 60,
  });
  for (const [label, limiter] of [
    ['unlogged', unlogged],
    ['logged', logged],
    ['unlogged', unlogged],
    ['logged', logged],
  ] as const) {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      await limiter.consume(`user-${i % USERS}`);
      times.push(performance.now() - started);
    }
    times.sort((x, y) => x - y);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(3);
    console.log(
      `${label}: ${REQUESTS} sequential consume() — mean ${(times.reduce((s, t) => s + t, 0) / times.length).toFixed(3)} ms, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
    );
  }
} finally {
  await database.close();
  await admin(`drop database if exists ${name} with (force)`);
}
