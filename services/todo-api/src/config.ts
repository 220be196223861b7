import path from 'node:path';
import type { HashingLimits } from './auth/hashingLimiter.js';
import type { LoginThrottleOptions } from './auth/loginThrottle.js';
import { boolFrom, ConfigError, intFrom, readSecret } from '../../shared/env.js';

/** Everything the todo-api needs to run; `loadConfig` builds it from the environment. */
export interface TodoApiConfig {
  /** TCP port to listen on; 0 picks an ephemeral port. @default 8080 (design.md port plan) */
  readonly port: number;
  /** Interface to bind. @default '0.0.0.0' so the kubelet and Service can reach the pod */
  readonly host: string;
  /** PostgreSQL connection string; unset selects the embedded PGlite database. @default undefined */
  readonly databaseUrl?: string;
  /** Directory for the embedded database and the generated local signing key; `memory://` keeps both in memory. @default '.data' */
  readonly dataDir: string;
  /** Origins allowed by CORS. @default the local stack's origins (design.md) */
  readonly allowedOrigins: readonly string[];
  /** pino level. @default 'info' */
  readonly logLevel: string;
  /** JWT `iss`. @default 'todo-api' */
  readonly jwtIssuer: string;
  /** JWT `aud`. @default 'todo-platform' */
  readonly jwtAudience: string;
  /** Token lifetime in seconds. @default 3600 (one hour, short enough that a leaked token ages out) */
  readonly jwtTtlSeconds: number;
  /** Clock difference tolerated between replicas when checking `iat` and `exp`. @default 30 s */
  readonly jwtClockSkewSeconds: number;
  /** PKCS#8 PEM of the signing key (Ed25519 or P-256); unset → a local key kept in dataDir. @default undefined */
  readonly jwtPrivateKeyPem?: string;
  /** PEM public (or private) keys accepted for verification only, for key rotation. @default [] */
  readonly jwtVerifyKeyPems: readonly string[];
  /** log2 of the scrypt cost N. @default 17 (OWASP: N=2^17, r=8, p=1); tests lower it with SCRYPT_LOG_N */
  readonly scryptLogN: number;
  /**
   * Bound on password hashing: SCRYPT_CONCURRENCY, _MAX_QUEUE, _MAX_WAIT_MS. @default 1 at once
   * (each holds 128 MiB; see the README's figures), 8 waiting, 5000 ms; beyond that 503 + Retry-After
   */
  readonly passwordHashing: HashingLimits;
  /** Max pooled PostgreSQL connections per replica. @default 10 */
  readonly dbPoolMax: number;
  /**
   * Name the API's parameterized statements so each pooled connection parses and plans them once.
   * @default true: it takes about 40 % off PostgreSQL's CPU per GET; turn it off only behind a
   * PgBouncer older than 1.21 (or with `max_prepared_statements = 0`) in transaction mode
   */
  readonly dbPreparedStatements: boolean;
  /** How long to wait for a new PostgreSQL connection. @default 3000 ms, so a dead DB answers 503 quickly */
  readonly dbConnectTimeoutMs: number;
  /** Server-side statement_timeout. @default 5000 ms, bounds a slow database */
  readonly dbStatementTimeoutMs: number;
  /** Timeout of the /readyz database check. @default 1000 ms */
  readonly readyTimeoutMs: number;
  /** Login attempts allowed per client IP + email in `authWindowMs`. @default 10 */
  readonly loginRateLimit: number;
  /** Registrations and logins allowed per client IP in `authWindowMs`. @default 60 */
  readonly authIpRateLimit: number;
  /** Window of the auth limits. @default 60000 ms */
  readonly authWindowMs: number;
  /**
   * Per-account lockout against guessing from many addresses: after `failuresBeforeLockout` (5)
   * consecutive failures, `lockoutBaseSeconds` (30) doubling per further failure, at most
   * `lockoutMaxSeconds` (900): a guesser gets about 100 tries a day, the owner waits 15 min at worst.
   */
  readonly loginLockout: LoginThrottleOptions;
  /** Authenticated API requests per user per minute. @default 6000 (100/s) */
  readonly apiRateLimitPerMinute: number;
  /**
   * Proxies in front of the API that append to X-Forwarded-For: the client IP is the entry this
   * many hops from the right (entries left of it are whatever the client sent). @default 0 = ignore XFF
   */
  readonly trustProxyHops: number;
  /** After SIGTERM, keep serving this long with /readyz=503 so load balancers stop routing here. @default 5000 ms */
  readonly shutdownDelayMs: number;
  /** Interval of SSE `: ping` comments. @default 15000 ms (contract) */
  readonly ssePingMs: number;
  /** Event streams one user may hold open on one replica. @default 10 (browser tabs + a chat-gateway stream) */
  readonly sseMaxStreamsPerUser: number;
}

/** Splits a PEM bundle into its individual blocks. */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TodoApiConfig {
  // Its `true` trusted the client-controlled left-most entry; refuse it rather than ignore it.
  if (env.TRUST_PROXY !== undefined) {
    throw new ConfigError(
      `TRUST_PROXY is no longer read: unset it and set TRUST_PROXY_HOPS to the number of proxies in front of the API (1 behind the Ingress), got TRUST_PROXY=${JSON.stringify(env.TRUST_PROXY)}`,
    );
  }
  const verifyBundle = readSecret(env, 'JWT_VERIFY_KEYS');
  const databaseUrl = readSecret(env, 'DATABASE_URL');
  const jwtPrivateKeyPem = readSecret(env, 'JWT_PRIVATE_KEY');
  const dataDir = env.DATA_DIR || '.data';
  return {
    port: intFrom(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    ...(databaseUrl ? { databaseUrl } : {}),
    dataDir: dataDir.startsWith('memory://') ? dataDir : path.resolve(dataDir),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? 'http://localhost:3000,http://127.0.0.1:3000')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: env.LOG_LEVEL || 'info',
    jwtIssuer: env.JWT_ISSUER || 'todo-api',
    jwtAudience: env.JWT_AUDIENCE || 'todo-platform',
    jwtTtlSeconds: intFrom(env, 'JWT_TTL_SECONDS', 3600, 60, 86400 * 30),
    jwtClockSkewSeconds: intFrom(env, 'JWT_CLOCK_SKEW_SECONDS', 30, 0, 300),
    ...(jwtPrivateKeyPem ? { jwtPrivateKeyPem } : {}),
    jwtVerifyKeyPems: verifyBundle ? splitPem(verifyBundle) : [],
    scryptLogN: intFrom(env, 'SCRYPT_LOG_N', 17, 10, 20),
    passwordHashing: {
      concurrency: intFrom(env, 'SCRYPT_CONCURRENCY', 1, 1, 64),
      maxQueue: intFrom(env, 'SCRYPT_MAX_QUEUE', 8, 0, 10_000),
      maxWaitMs: intFrom(env, 'SCRYPT_MAX_WAIT_MS', 5000, 100, 120_000),
    },
    dbPoolMax: intFrom(env, 'DB_POOL_MAX', 10, 1, 200),
    dbPreparedStatements: boolFrom(env, 'DB_PREPARED_STATEMENTS', true),
    dbConnectTimeoutMs: intFrom(env, 'DB_CONNECT_TIMEOUT_MS', 3000, 100, 60000),
    dbStatementTimeoutMs: intFrom(env, 'DB_STATEMENT_TIMEOUT_MS', 5000, 100, 600000),
    readyTimeoutMs: intFrom(env, 'READY_TIMEOUT_MS', 1000, 50, 30000),
    loginRateLimit: intFrom(env, 'LOGIN_RATE_LIMIT', 10, 1, 1_000_000),
    authIpRateLimit: intFrom(env, 'AUTH_IP_RATE_LIMIT', 60, 1, 1_000_000),
    authWindowMs: intFrom(env, 'AUTH_RATE_WINDOW_MS', 60_000, 100, 86_400_000),
    loginLockout: {
      failuresBeforeLockout: intFrom(env, 'LOGIN_LOCKOUT_AFTER_FAILURES', 5, 1, 1000),
      lockoutBaseSeconds: intFrom(env, 'LOGIN_LOCKOUT_BASE_SECONDS', 30, 1, 86_400),
      lockoutMaxSeconds: intFrom(env, 'LOGIN_LOCKOUT_MAX_SECONDS', 900, 1, 86_400),
    },
    apiRateLimitPerMinute: intFrom(env, 'API_RATE_LIMIT_PER_MINUTE', 6000, 1, 100_000_000),
    trustProxyHops: intFrom(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    shutdownDelayMs: intFrom(env, 'SHUTDOWN_DELAY_MS', 5000, 0, 120_000),
    ssePingMs: intFrom(env, 'SSE_PING_MS', 15_000, 100, 600_000),
    sseMaxStreamsPerUser: intFrom(env, 'SSE_MAX_STREAMS_PER_USER', 10, 1, 1000),
  };
}
