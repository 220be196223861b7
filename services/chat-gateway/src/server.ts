import { createServer } from 'node:http';
import { pino, type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { CHAT_SUBPROTOCOL } from '../../shared/chat-protocol.js';
import { traceLogFields } from '../../shared/trace-context.js';
import { ApiReadiness } from './api-readiness.js';
import { TokenVerifier } from './auth.js';
import { DEFAULT_CONFIG, validateConfig, type GatewayConfig } from './config.js';
import { Heartbeat } from './heartbeat.js';
import { createHttpHandler } from './http-routes.js';
import type { IntentEngine } from './intent/engine.js';
import { LlmIntentEngine } from './intent/llm-engine.js';
import { RuleBasedIntentEngine } from './intent/rule-based-engine.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { UserBuckets } from './rate-budget.js';
import { SessionRegistry } from './session-registry.js';
import { Session } from './session.js';
import { UserChangeStreams } from './task-events.js';
import { createUpgradeHandler } from './upgrade.js';

export { CLOSE_TOKEN_EXPIRED } from './session.js';
export const SUBPROTOCOL = CHAT_SUBPROTOCOL;
export const WS_PATH = '/ws';

export interface GatewayDependencies {
  /** Understands sentences. @default an LlmIntentEngine over the rules when config.llmBaseUrl is set, else a RuleBasedIntentEngine */
  readonly engine?: IntentEngine;
  /** @default pino JSON logs on stdout at config.logLevel */
  readonly logger?: Logger;
}

export interface ChatGateway {
  readonly url: string;
  readonly port: number;
  /**
   * Fails readiness for shutdownDelayMs and refuses upgrades; then answers the messages already
   * accepted (up to shutdownDrainMs, refusing new ones); then closes every socket with 1001, waits
   * up to shutdownGraceMs, and releases everything.
   */
  close(): Promise<void>;
}

/**
 * Starts the gateway: the parts below, wired together. Each has one job —
 * http-routes.ts (probes and metrics), upgrade.ts (handshake and authentication), session.ts
 * (one socket's messages), session-registry.ts (the open sockets), task-events.ts (the users'
 * change streams), api-readiness.ts (the todo-api's health).
 */
export async function startChatGateway(overrides: Partial<GatewayConfig> = {}, deps: GatewayDependencies = {}): Promise<ChatGateway> {
  const config = validateConfig({ ...DEFAULT_CONFIG, ...overrides });
  const logger =
    deps.logger ??
    pino({
      level: config.logLevel,
      base: { service: 'chat-gateway' },
      mixin: traceLogFields,
      redact: ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]'],
    });
  const metrics = createMetrics();
  const engine = deps.engine ?? defaultEngine(config, metrics, logger);
  const streams = new UserChangeStreams({
    todoApiUrl: config.todoApiUrl,
    connectTimeoutMs: config.apiTimeoutMs,
    retryMinMs: config.eventsRetryMinMs,
    retryMaxMs: config.eventsRetryMaxMs,
    logger,
    onConnectedCount: (count) => metrics.eventStreams.set(count),
  });
  const heartbeat = new Heartbeat<Session>(config.heartbeatIntervalMs);
  const sessions = new SessionRegistry(heartbeat, metrics);
  const readiness = new ApiReadiness(config, metrics, logger);
  // A user's sockets share one message budget: opening more of them does not buy more messages.
  const userBuckets = new UserBuckets(
    config.userRateLimitBurst ?? 3 * config.rateLimitBurst,
    config.userRateLimitPerSecond ?? 3 * config.rateLimitPerSecond,
  );
  let draining = false;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxPayloadBytes,
    perMessageDeflate: false, // compression costs memory per socket; replies are small
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(CHAT_SUBPROTOCOL) ? CHAT_SUBPROTOCOL : false),
  });

  // Clients get 10 s to send their headers (an upgrade included), checked every 2 s, so sockets
  // stalled mid-request are dropped well before they add up; Node's defaults are 60 s and 30 s.
  const server = createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000 },
    createHttpHandler({
      metrics,
      logger,
      wsPath: WS_PATH,
      notReadyReason: () => (draining ? 'The gateway is shutting down.' : readiness.up ? undefined : 'The todo-api is not reachable.'),
    }),
  );
  server.on(
    'upgrade',
    createUpgradeHandler({
      wsPath: WS_PATH,
      allowedOrigins: config.allowedOrigins,
      maxConnectionsPerUser: config.maxConnectionsPerUser,
      verifier: new TokenVerifier(config.todoApiUrl, config.jwtIssuer, config.jwtAudience, config.apiTimeoutMs),
      wss,
      metrics,
      logger,
      isDraining: () => draining,
      connectionCount: (userId) => sessions.countFor(userId),
      onOpen: (ws, owner) => sessions.add(owner.userId, new Session(ws, owner, { config, engine, metrics, streams, userBuckets, logger })),
    }),
  );

  await readiness.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, todoApiUrl: config.todoApiUrl }, 'chat-gateway listening');

  async function shutdown(): Promise<void> {
    draining = true;
    logger.info({ delayMs: config.shutdownDelayMs, sockets: sessions.size }, 'draining: readiness fails, upgrades refused');
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    heartbeat.stop();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Replies still being worked on are sent before the sockets close: the action they report may already be applied.
    const drained = await sessions.drain(config.shutdownDrainMs);
    if (!drained) logger.warn({ limitMs: config.shutdownDrainMs }, 'closing with replies still being worked on');
    await sessions.closeAll(config.shutdownGraceMs);
    streams.closeAll();
    readiness.stop();
    server.closeAllConnections();
    await serverClosed;
    logger.info('chat-gateway stopped');
  }

  let closing: Promise<void> | undefined;
  return { url: `http://127.0.0.1:${port}`, port, close: () => (closing ??= shutdown()) };
}

/** The rules, with a model in front of them when one is configured. */
function defaultEngine(config: GatewayConfig, metrics: GatewayMetrics, logger: Logger): IntentEngine {
  const rules = new RuleBasedIntentEngine();
  if (config.llmBaseUrl === undefined || config.llmModel === undefined) return rules;
  logger.info(
    { llmHost: new URL(config.llmBaseUrl).host, llmModel: config.llmModel, llmTimeoutMs: config.llmTimeoutMs },
    'LLM engine on, rules as fallback',
  );
  return new LlmIntentEngine({
    baseUrl: config.llmBaseUrl,
    model: config.llmModel,
    ...(config.llmApiKey !== undefined ? { apiKey: config.llmApiKey } : {}),
    timeoutMs: config.llmTimeoutMs,
    fallback: rules,
    observer: {
      request: (outcome, seconds) => metrics.llmRequestDuration.observe({ outcome }, seconds),
      fallback: (reason, detail) => {
        metrics.llmFallbacks.inc({ reason });
        logger.warn({ reason, detail }, 'LLM engine fell back to the rules');
      },
    },
  });
}
