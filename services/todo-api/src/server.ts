import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { createApp } from './app.js';
import { createTokenService } from './auth/tokens.js';
import { loadConfig, type TodoApiConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { createDrainableServer } from './http/connectionDrain.js';
import { readPeerAddressOnConnect } from './http/peerAddress.js';
import { migrateToLatest } from './db/migrations.js';
import { ChangeFeed } from './events.js';
import { createLogger } from './logger.js';

export type { TodoApiConfig } from './config.js';

export interface TodoApiHandle {
  readonly url: string;
  readonly port: number;
  /** Turns /readyz to 503 at once; the server keeps serving until `close()`. */
  beginDrain(): void;
  /**
   * Stops accepting, answers every further request with `Connection: close`, closes connections
   * once idle for a second, ends streams, then closes the pool.
   */
  close(): Promise<void>;
}

/** Bound on how long close() waits for in-flight requests before cutting connections. */
const CLOSE_TIMEOUT_MS = 10_000;
/** A keep-alive connection quiet this long is closed by the server during close(); a busy one closes after its next answer. */
const IDLE_GRACE_MS = 1000;

/**
 * Starts the todo-api. Configuration comes from the environment (see config.ts) with
 * `overrides` on top; without DATA_DIR, DATABASE_URL or an override it uses an in-memory
 * embedded database, so programmatic use (tests) never shares `.data/`.
 */
export async function startTodoApi(
  overrides: Partial<TodoApiConfig> = {},
  options: { logDestination?: DestinationStream } = {},
): Promise<TodoApiHandle> {
  const config: TodoApiConfig = { ...loadConfig({ DATA_DIR: 'memory://', ...process.env }), ...overrides };
  const logger = createLogger(config.logLevel, options.logDestination);
  const database = await openDatabase({
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    dataDir: config.dataDir,
    poolMax: config.dbPoolMax,
    preparedStatements: config.dbPreparedStatements,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    logger,
  });
  let server: http.Server | undefined;
  let feed: ChangeFeed | undefined;
  try {
    const applied = await migrateToLatest(database.db);
    logger.info({ database: database.kind, applied }, 'migrations up to date');
    const tokens = await createTokenService({
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
      ttlSeconds: config.jwtTtlSeconds,
      clockSkewSeconds: config.jwtClockSkewSeconds,
      ...(config.jwtPrivateKeyPem ? { privateKeyPem: config.jwtPrivateKeyPem } : {}),
      verifyKeyPems: config.jwtVerifyKeyPems,
      dataDir: config.dataDir,
      sharedDatabase: database.kind === 'postgres',
      logger,
    });
    feed = new ChangeFeed(database, logger);
    await feed.start();
    const changes = feed;

    let draining = false;
    const { app, streams } = createApp({ config, database, tokens, feed, logger, isDraining: () => draining });
    const drainable = createDrainableServer(app.callback(), { idleGraceMs: IDLE_GRACE_MS, timeoutMs: CLOSE_TIMEOUT_MS });
    server = drainable.server;
    server.on('connection', readPeerAddressOnConnect);
    server.keepAliveTimeout = 65_000; // above typical load balancer idle timeouts (60 s)
    server.headersTimeout = 66_000;
    server.requestTimeout = 30_000;
    server.listen(config.port, config.host);
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    logger.info({ port, database: database.kind }, 'todo-api listening');

    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      beginDrain() {
        if (!draining) logger.info('draining: readiness now fails');
        draining = true;
      },
      close() {
        closing ??= (async () => {
          draining = true;
          streams.closeAll();
          await drainable.drain();
          await changes.stop();
          await database.close();
          logger.info('todo-api stopped');
        })();
        return closing;
      },
    };
  } catch (error) {
    server?.close();
    await feed?.stop();
    await database.close();
    throw error;
  }
}
