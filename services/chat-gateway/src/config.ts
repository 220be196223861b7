import { intFrom, readSecret } from '../../shared/env.js';
import { isValidTimeZone } from './intent/dates.js';

/** Everything the chat-gateway needs to run; `loadConfig` builds it from the environment. */
export interface GatewayConfig {
  /** TCP port; 0 picks an ephemeral port. @default 8081 (design.md port plan) */
  readonly port: number;
  /** Interface to bind. @default '0.0.0.0' so the kubelet and Service can reach the pod */
  readonly host: string;
  /** Base URL of the todo-api. @default 'http://localhost:8080' (the local stack) */
  readonly todoApiUrl: string;
  /** Browser origins allowed to open the socket; requests without Origin (non-browser clients) pass. @default the local stack's origins (design.md) */
  readonly allowedOrigins: readonly string[];
  /** pino level. @default 'info' */
  readonly logLevel: string;
  /** Expected JWT `iss`. @default 'todo-api' (the API's default) */
  readonly jwtIssuer: string;
  /** Expected JWT `aud`. @default 'todo-platform' (the API's default) */
  readonly jwtAudience: string;
  /** Time zone for dates when the client does not send one. @default 'UTC' */
  readonly defaultTimeZone: string;
  /** Largest accepted frame; bigger ones close the socket with 1009. @default 16384 (16 KiB: a sentence, with room) */
  readonly maxPayloadBytes: number;
  /** Open sockets allowed per user; more are refused with HTTP 429. @default 10 (a few tabs and devices) */
  readonly maxConnectionsPerUser: number;
  /** Messages a socket may send in a burst. @default 10 */
  readonly rateLimitBurst: number;
  /** Sustained messages per second per socket. @default 2 (people type slower than that) */
  readonly rateLimitPerSecond: number;
  /** Messages all of a user's sockets on this gateway may send in a burst, together. @default 3 × rateLimitBurst */
  readonly userRateLimitBurst?: number;
  /** Sustained messages per second of all of a user's sockets together. @default 3 × rateLimitPerSecond */
  readonly userRateLimitPerSecond?: number;
  /** Dropped (over-rate) messages a socket may send per strike window; one more closes it with 1008. @default 20 */
  readonly rateLimitStrikes: number;
  /** The window over which strikes come back (refilled evenly, whatever is accepted meanwhile). @default 60000 ms */
  readonly rateLimitStrikeWindowMs: number;
  /** A socket whose unsent bytes exceed this is terminated: the client is not reading. @default 1048576 (1 MiB) */
  readonly maxBufferedBytes: number;
  /** Ping interval; a peer that missed the previous pong is terminated. @default 30000 ms */
  readonly heartbeatIntervalMs: number;
  /** Timeout of each call to the todo-api. @default 3000 ms, so a user waits a bounded time */
  readonly apiTimeoutMs: number;
  /** How often /readyz re-checks the todo-api. @default 5000 ms */
  readonly readinessIntervalMs: number;
  /** First and largest delay between reconnects of a user's change stream. @default 500 and 30000 ms */
  readonly eventsRetryMinMs: number;
  readonly eventsRetryMaxMs: number;
  /** History messages sent on connect. @default 50 (the API's default page) */
  readonly historyLimit: number;
  /** After SIGTERM, how long /readyz fails (and upgrades are refused) before sockets are closed, so load balancers stop sending clients here first. @default 2000 ms */
  readonly shutdownDelayMs: number;
  /** Then, how long replies still being worked on get to be sent; new messages meanwhile get a `shutting_down` error. @default 5000 ms */
  readonly shutdownDrainMs: number;
  /** Then, how long sockets get to close with 1001 before they are terminated. @default 10000 ms (delay + drain + grace stay inside the pod's 30 s grace period) */
  readonly shutdownGraceMs: number;
  /** An OpenAI-compatible chat-completions API root (e.g. https://api.openai.com/v1); unset, the rule engine alone understands sentences. */
  readonly llmBaseUrl?: string;
  /** The model to ask; required with llmBaseUrl. */
  readonly llmModel?: string;
  /** Bearer key for llmBaseUrl (from LLM_API_KEY_FILE); never logged. */
  readonly llmApiKey?: string;
  /** Bound on one model call; past it the rule engine answers. @default 4000 ms */
  readonly llmTimeoutMs: number;
}

export const DEFAULT_ALLOWED_ORIGINS = ['http://localhost:3000', 'http://127.0.0.1:3000'];

export const DEFAULT_CONFIG: GatewayConfig = {
  port: 8081,
  host: '0.0.0.0',
  todoApiUrl: 'http://localhost:8080',
  allowedOrigins: DEFAULT_ALLOWED_ORIGINS,
  logLevel: 'info',
  jwtIssuer: 'todo-api',
  jwtAudience: 'todo-platform',
  defaultTimeZone: 'UTC',
  maxPayloadBytes: 16 * 1024,
  maxConnectionsPerUser: 10,
  rateLimitBurst: 10,
  rateLimitPerSecond: 2,
  rateLimitStrikes: 20,
  rateLimitStrikeWindowMs: 60_000,
  maxBufferedBytes: 1024 * 1024,
  heartbeatIntervalMs: 30_000,
  apiTimeoutMs: 3000,
  readinessIntervalMs: 5000,
  eventsRetryMinMs: 500,
  eventsRetryMaxMs: 30_000,
  historyLimit: 50,
  shutdownDelayMs: 2000,
  shutdownDrainMs: 5000,
  shutdownGraceMs: 10_000,
  llmTimeoutMs: 4000,
};

/** Throws naming the field and value when a config (from env or overrides) cannot work. */
export function validateConfig(config: GatewayConfig): GatewayConfig {
  let apiUrl: URL;
  try {
    apiUrl = new URL(config.todoApiUrl);
  } catch {
    throw new Error(`todoApiUrl must be an http(s) URL, got ${JSON.stringify(config.todoApiUrl)}`);
  }
  if (apiUrl.protocol !== 'http:' && apiUrl.protocol !== 'https:') {
    throw new Error(`todoApiUrl must be an http(s) URL, got ${JSON.stringify(config.todoApiUrl)}`);
  }
  if (config.llmBaseUrl !== undefined) {
    if (!/^https?:\/\/\S+$/.test(config.llmBaseUrl) || !URL.canParse(config.llmBaseUrl)) {
      throw new Error(`llmBaseUrl must be an http(s) URL, got ${JSON.stringify(config.llmBaseUrl)}`);
    }
    if (!config.llmModel) throw new Error('llmModel (LLM_MODEL) must be set when llmBaseUrl (LLM_BASE_URL) is');
  }
  if (!isValidTimeZone(config.defaultTimeZone)) {
    throw new Error(`defaultTimeZone must be an IANA time zone, got ${JSON.stringify(config.defaultTimeZone)}`);
  }
  for (const origin of config.allowedOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      throw new Error(`allowedOrigins entries must look like https://host[:port], got ${JSON.stringify(origin)}`);
  }
  const positive: (keyof GatewayConfig)[] = [
    'maxPayloadBytes',
    'maxConnectionsPerUser',
    'rateLimitBurst',
    'rateLimitPerSecond',
    'rateLimitStrikes',
    'rateLimitStrikeWindowMs',
    'maxBufferedBytes',
    'heartbeatIntervalMs',
    'apiTimeoutMs',
    'readinessIntervalMs',
    'eventsRetryMinMs',
    'eventsRetryMaxMs',
    'historyLimit',
    'shutdownDrainMs',
    'shutdownGraceMs',
    'llmTimeoutMs',
  ];
  if (!(config.shutdownDelayMs >= 0)) throw new Error(`shutdownDelayMs must be >= 0, got ${JSON.stringify(config.shutdownDelayMs)}`);
  for (const key of ['userRateLimitBurst', 'userRateLimitPerSecond'] as const) {
    const value = config[key];
    if (value !== undefined && !(typeof value === 'number' && value > 0))
      throw new Error(`${key} must be a positive number, got ${JSON.stringify(value)}`);
  }
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !(value > 0)) throw new Error(`${key} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return config;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const d = DEFAULT_CONFIG;
  return validateConfig({
    port: intFrom(env, 'PORT', d.port, 0, 65535),
    host: env.HOST || d.host,
    todoApiUrl: env.TODO_API_URL || d.todoApiUrl,
    allowedOrigins: env.ALLOWED_ORIGINS
      ? env.ALLOWED_ORIGINS.split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : d.allowedOrigins,
    logLevel: env.LOG_LEVEL || d.logLevel,
    jwtIssuer: env.JWT_ISSUER || d.jwtIssuer,
    jwtAudience: env.JWT_AUDIENCE || d.jwtAudience,
    defaultTimeZone: env.DEFAULT_TIME_ZONE || d.defaultTimeZone,
    maxPayloadBytes: intFrom(env, 'MAX_PAYLOAD_BYTES', d.maxPayloadBytes, 256, 1024 * 1024),
    maxConnectionsPerUser: intFrom(env, 'MAX_CONNECTIONS_PER_USER', d.maxConnectionsPerUser, 1, 100_000),
    rateLimitBurst: intFrom(env, 'RATE_LIMIT_BURST', d.rateLimitBurst, 1, 100_000),
    rateLimitPerSecond: intFrom(env, 'RATE_LIMIT_PER_SECOND', d.rateLimitPerSecond, 1, 100_000),
    ...optional('userRateLimitBurst', env.USER_RATE_LIMIT_BURST ? intFrom(env, 'USER_RATE_LIMIT_BURST', 0, 1, 1_000_000) : undefined),
    ...optional(
      'userRateLimitPerSecond',
      env.USER_RATE_LIMIT_PER_SECOND ? intFrom(env, 'USER_RATE_LIMIT_PER_SECOND', 0, 1, 1_000_000) : undefined,
    ),
    rateLimitStrikes: intFrom(env, 'RATE_LIMIT_STRIKES', d.rateLimitStrikes, 1, 100_000),
    rateLimitStrikeWindowMs: intFrom(env, 'RATE_LIMIT_STRIKE_WINDOW_MS', d.rateLimitStrikeWindowMs, 100, 3_600_000),
    maxBufferedBytes: intFrom(env, 'MAX_BUFFERED_BYTES', d.maxBufferedBytes, 1024, 1024 ** 3),
    heartbeatIntervalMs: intFrom(env, 'HEARTBEAT_INTERVAL_MS', d.heartbeatIntervalMs, 100, 3_600_000),
    apiTimeoutMs: intFrom(env, 'API_TIMEOUT_MS', d.apiTimeoutMs, 50, 60_000),
    readinessIntervalMs: intFrom(env, 'READINESS_INTERVAL_MS', d.readinessIntervalMs, 100, 600_000),
    eventsRetryMinMs: intFrom(env, 'EVENTS_RETRY_MIN_MS', d.eventsRetryMinMs, 10, 600_000),
    eventsRetryMaxMs: intFrom(env, 'EVENTS_RETRY_MAX_MS', d.eventsRetryMaxMs, 10, 3_600_000),
    historyLimit: intFrom(env, 'HISTORY_LIMIT', d.historyLimit, 1, 200),
    shutdownDelayMs: intFrom(env, 'SHUTDOWN_DELAY_MS', d.shutdownDelayMs, 0, 600_000),
    shutdownDrainMs: intFrom(env, 'SHUTDOWN_DRAIN_MS', d.shutdownDrainMs, 1, 600_000),
    shutdownGraceMs: intFrom(env, 'SHUTDOWN_GRACE_MS', d.shutdownGraceMs, 1, 600_000),
    llmTimeoutMs: intFrom(env, 'LLM_TIMEOUT_MS', d.llmTimeoutMs, 100, 120_000),
    ...optional('llmBaseUrl', env.LLM_BASE_URL || undefined),
    ...optional('llmModel', env.LLM_MODEL || undefined),
    ...optional('llmApiKey', readSecret(env, 'LLM_API_KEY')),
  });
}

/** `{ key: value }`, or nothing when value is undefined: unset settings stay absent, not undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
