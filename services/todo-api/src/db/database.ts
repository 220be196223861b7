import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DB } from './schema.js';
import { preparingPool } from './preparedStatements.js';
import { timestamptzToIso } from './timestamps.js';

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** The database behind the API: a PostgreSQL server through a pg pool, or embedded PGlite. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: 'postgres' | 'pglite';
  /** Resolves when `select 1` answers within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>;
  /** Subscribes to a NOTIFY channel; survives connection loss on the server path. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  poolStats(): PoolStats;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly poolMax: number;
  /** Name parameterized statements (server path only; see preparingPool). */
  readonly preparedStatements: boolean;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly logger: Logger;
}

/** Codes and messages that mean "the database is unreachable or too slow" → 503, not 500. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '53300',
  '3D000',
  '55P03',
  '55000', // "database is not currently accepting connections"
]);
const UNAVAILABLE_MESSAGE = /timeout|terminat|Connection ended|not queryable|connection error|closed/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  // pg's own client-side failures carry no SQLSTATE.
  return code === undefined && UNAVAILABLE_MESSAGE.test(error.message);
}

export class DatabaseTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(`database did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

/** pg's type parsers, but timestamptz arrives as the API's ISO string rather than a Date. */
const apiTypes = new pg.TypeOverrides();
apiTypes.setTypeParser(pg.types.builtins.TIMESTAMPTZ, timestamptzToIso);

function openPostgres(databaseUrl: string, options: DatabaseOptions): Database {
  const log = options.logger.child({ component: 'db' });
  const poolConfig: pg.PoolConfig = {
    connectionString: databaseUrl,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // Client-side bound too, for a server that stops answering without closing the socket.
    query_timeout: options.statementTimeoutMs + 1000,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'todo-api',
    // UTC sessions print timestamptz in the shape timestamptzToIso turns into the API's strings cheaply.
    options: '-c TimeZone=UTC',
    types: apiTypes,
  };
  const pool = new pg.Pool(poolConfig);
  // An idle client losing its server (restart, pg_terminate_backend) must not crash the process;
  // the pool drops it and the next query opens a new connection.
  pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
  // pg-pool drops its listener while a client is checked out; a FATAL arriving between two
  // queries (pg_terminate_backend) would then be an unhandled 'error' event and kill the
  // process. The broken client is not queryable any more, so the pool discards it on release.
  pool.on('connect', (client) => {
    client.on('error', (error) => log.warn({ err: error }, 'database connection lost while in use'));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: options.preparedStatements ? preparingPool(pool) : pool }) });

  return {
    db,
    kind: 'postgres',
    ping: async (timeoutMs) => {
      await withTimeout(sql`select 1`.execute(db), timeoutMs);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async listen(channel, onPayload) {
      let client: pg.Client | undefined;
      let stopped = false;
      let retryTimer: NodeJS.Timeout | undefined;
      const connect = async (delayMs: number): Promise<void> => {
        if (stopped) return;
        const next = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: options.connectTimeoutMs, keepAlive: true });
        const retry = (error: unknown) => {
          if (stopped || client !== next) return; // error and end both fire; handle once
          log.warn({ err: error, channel }, 'LISTEN connection lost; reconnecting');
          client = undefined;
          next.removeAllListeners();
          next.on('error', () => {});
          next.end().catch(() => {});
          retryTimer = setTimeout(() => void connect(Math.min(delayMs * 2, 5000)), delayMs);
        };
        next.on('error', retry);
        next.on('end', () => retry(new Error('connection ended')));
        next.on('notification', (message) => {
          if (message.payload) onPayload(message.payload);
        });
        client = next;
        try {
          await next.connect();
          await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
          if (delayMs > 250) log.info({ channel }, 'LISTEN connection restored');
        } catch (error) {
          retry(error);
        }
      };
      await connect(250);
      return async () => {
        stopped = true;
        clearTimeout(retryTimer);
        const current = client;
        client = undefined;
        if (current) {
          current.removeAllListeners();
          current.on('error', () => {});
          await current.end().catch(() => {});
        }
      };
    },
    async close() {
      await db.destroy();
    },
  };
}

const lockedHere = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no postmaster lock: two processes on one data directory would corrupt it. A pid
 * file guards it. A lock naming our own pid but not held here is stale (a restarted container
 * keeps /tmp and may get the same pid).
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'pglite.lock');
  if (lockedHere.has(file)) throw new Error(`DATA_DIR ${dir} is already open in this process`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      lockedHere.add(file);
      return async () => {
        lockedHere.delete(file);
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new Error(`DATA_DIR ${dir} is in use by process ${owner} (${file}); stop it or choose another DATA_DIR`);
    }
    await rm(file, { force: true });
  }
  throw new Error(`could not lock DATA_DIR ${dir}`);
}

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const inMemory = options.dataDir.startsWith('memory://');
  let dataDir = 'memory://';
  let unlock = async () => {};
  if (!inMemory) {
    dataDir = path.join(options.dataDir, 'pgdata');
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(options.dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(dataDir, { parsers: { [pg.types.builtins.TIMESTAMPTZ]: timestamptzToIso } });
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  let closed = false;
  return {
    db,
    kind: 'pglite',
    ping: async (timeoutMs) => {
      if (closed) throw new Error('database closed');
      await withTimeout(sql`select 1`.execute(db), timeoutMs);
    },
    // One in-process connection, serialised by the dialect.
    poolStats: () => ({ total: closed ? 0 : 1, idle: closed ? 0 : 1, waiting: 0 }),
    async listen(channel, onPayload) {
      const unsubscribe = await pglite.listen(channel, onPayload);
      return async () => {
        if (!closed) await unsubscribe();
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await unlock();
    },
  };
}
