import { randomUUID } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { TokenVerifier, tokenFromProtocols } from './auth.js';
import { DEFAULT_CONFIG, validateConfig, type GatewayConfig } from './config.js';
import { Conversation } from './conversation.js';
import { Heartbeat } from './heartbeat.js';
import { isValidTimeZone } from './intent/dates.js';
import type { IntentEngine } from './intent/engine.js';
import { RuleBasedIntentEngine } from './intent/rule-based-engine.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { UserChangeStreams } from './task-events.js';
import { TodoApiClient } from './todo-api-client.js';

export const SUBPROTOCOL = 'todo-chat.v1';
export const WS_PATH = '/ws';
/** Close code for an expired token (4000–4999 are the application's). */
export const CLOSE_TOKEN_EXPIRED = 4001;
/** Largest text the API stores per chat message. */
const MAX_TEXT = 4000;

export interface GatewayDependencies {
  /** Understands sentences. @default a RuleBasedIntentEngine */
  readonly engine?: IntentEngine;
  /** @default pino JSON logs on stdout at config.logLevel */
  readonly logger?: Logger;
}

export interface ChatGateway {
  readonly url: string;
  readonly port: number;
  /** Fails readiness for shutdownDelayMs, stops accepting, closes every socket with 1001, waits up to the grace period, then releases everything. */
  close(): Promise<void>;
}

export async function startChatGateway(overrides: Partial<GatewayConfig> = {}, deps: GatewayDependencies = {}): Promise<ChatGateway> {
  const config = validateConfig({ ...DEFAULT_CONFIG, ...overrides });
  const logger =
    deps.logger ??
    pino({ level: config.logLevel, base: { service: 'chat-gateway' }, redact: ['req.headers.authorization', 'req.headers["sec-websocket-protocol"]'] });
  const engine = deps.engine ?? new RuleBasedIntentEngine();
  const metrics = createMetrics();
  const verifier = new TokenVerifier(config.todoApiUrl, config.jwtIssuer, config.jwtAudience, config.apiTimeoutMs);
  const streams = new UserChangeStreams({
    todoApiUrl: config.todoApiUrl,
    connectTimeoutMs: config.apiTimeoutMs,
    retryMinMs: config.eventsRetryMinMs,
    retryMaxMs: config.eventsRetryMaxMs,
    logger,
    onConnectedCount: (count) => metrics.eventStreams.set(count),
  });
  const observeApiCall = (method: string, outcome: string, seconds: number) =>
    metrics.apiRequestDuration.observe({ method, outcome }, seconds);
  const sessionsByUser = new Map<string, Set<Session>>();
  const allSessions = new Set<Session>();
  const heartbeat = new Heartbeat<Session>(config.heartbeatIntervalMs);
  let draining = false;
  const readiness = new ApiReadiness(config, metrics, logger);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxPayloadBytes,
    perMessageDeflate: false, // compression costs memory per socket; replies are small
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  // Clients get 10 s to send their headers (an upgrade included), checked every 2 s, so sockets
  // stalled mid-request are dropped well before they add up; Node's defaults are 60 s and 30 s.
  const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000 }, (req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'http request failed');
      if (!res.headersSent) problem(res, 500, 'Something went wrong on our side.');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void handleUpgrade(req, socket, head));

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'Only GET is served here.');
    if (path === '/livez') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      if (draining) return problem(res, 503, 'The gateway is shutting down.');
      if (!readiness.up) return problem(res, 503, 'The todo-api is not reachable.');
      return json(res, 200, { status: 'ready' });
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    if (path === WS_PATH) return problem(res, 426, 'This endpoint speaks WebSocket only.');
    problem(res, 404, 'Nothing here.');
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const requestId = headerValue(req.headers['x-request-id']) ?? randomUUID();
    const refuse = (status: number, reason: string, detail: string) => {
      metrics.upgradeRejections.inc({ reason });
      logger.info({ requestId, status, reason }, 'websocket upgrade refused');
      refuseUpgrade(socket, status, detail);
    };
    if (draining) return refuse(503, 'draining', 'The gateway is shutting down.');
    if (new URL(req.url ?? '/', 'http://gateway').pathname !== WS_PATH) return refuse(404, 'path', 'Nothing here.');
    const origin = headerValue(req.headers.origin);
    if (origin !== undefined && !config.allowedOrigins.includes(origin)) return refuse(403, 'origin', 'This origin may not open the chat.');
    const { token, protocols } = tokenFromProtocols(headerValue(req.headers['sec-websocket-protocol']));
    if (!protocols.includes(SUBPROTOCOL)) return refuse(token ? 400 : 401, 'subprotocol', `Use the subprotocols ['${SUBPROTOCOL}', 'bearer.<token>'].`);
    if (!token) return refuse(401, 'no_token', 'Missing bearer token.');
    let user;
    try {
      user = await verifier.verify(token);
    } catch (error) {
      return refuse(401, 'bad_token', `The token was refused: ${(error as Error).name}`);
    }
    if (draining) return refuse(503, 'draining', 'The gateway is shutting down.');
    if ((sessionsByUser.get(user.userId)?.size ?? 0) >= config.maxConnectionsPerUser) {
      return refuse(429, 'too_many_connections', `At most ${config.maxConnectionsPerUser} connections per user.`);
    }
    const userId = user.userId;
    const expiresAt = user.expiresAt;
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(ws, userId, token, expiresAt, requestId);
      allSessions.add(session);
      heartbeat.add(session);
      let set = sessionsByUser.get(userId);
      if (!set) sessionsByUser.set(userId, (set = new Set()));
      set.add(session);
      metrics.openConnections.inc();
      ws.once('close', () => {
        allSessions.delete(session);
        heartbeat.delete(session);
        set.delete(session);
        if (set.size === 0) sessionsByUser.delete(userId);
        metrics.openConnections.dec();
      });
    });
  }

  /** One open socket: its conversation, rate limit, heartbeat state and change subscription. */
  class Session {
    alive = true;
    private readonly conversation: Conversation;
    private readonly api: TodoApiClient;
    private readonly bucket = new TokenBucket(config.rateLimitBurst, config.rateLimitPerSecond);
    private strikes = 0;
    /** Closed for abuse: whatever the peer still sends is ignored, not parsed and counted again. */
    private refusing = false;
    /** Messages are handled one at a time, in order, so "add x" then "complete 1" mean what they say. */
    private queue: Promise<void> = Promise.resolve();
    private readonly unsubscribe: () => void;
    private readonly expiryTimer: NodeJS.Timeout;
    private readonly log: Logger;

    constructor(private readonly ws: WebSocket, userId: string, token: string, expiresAt: number, requestId: string) {
      this.log = logger.child({ userId, requestId });
      this.api = new TodoApiClient(config.todoApiUrl, token, config.apiTimeoutMs, observeApiCall);
      this.conversation = new Conversation(engine, this.api);
      this.unsubscribe = streams.subscribe(userId, token, () => this.send({ type: 'tasks-changed' }));
      this.expiryTimer = setTimeout(() => ws.close(CLOSE_TOKEN_EXPIRED, 'token expired'), Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1));
      this.expiryTimer.unref();
      ws.on('pong', () => (this.alive = true));
      ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
      ws.on('error', (error) => {
        // ws closes the socket itself (1009 for an oversize frame, 1002 for a protocol error).
        const reason = (error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'oversize' : 'protocol_error';
        metrics.disconnects.inc({ reason });
        this.log.info({ reason }, 'socket error');
      });
      ws.once('close', (code) => {
        this.unsubscribe();
        clearTimeout(this.expiryTimer);
        this.log.info({ code }, 'websocket closed');
      });
      this.log.info('websocket opened');
      this.enqueue(() => this.sendHistory());
    }

    send(message: object): void {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.ws.send(JSON.stringify(message));
      if (this.ws.bufferedAmount > config.maxBufferedBytes) {
        metrics.disconnects.inc({ reason: 'slow_consumer' });
        this.log.warn({ bufferedAmount: this.ws.bufferedAmount }, 'client is not reading; terminating');
        this.ws.terminate();
      }
    }

    onceClosed(callback: () => void): void {
      if (this.ws.readyState === WebSocket.CLOSED) callback();
      else this.ws.once('close', callback);
    }

    closeForShutdown(): void {
      this.ws.close(1001, 'server shutting down');
    }

    terminate(reason: string): void {
      metrics.disconnects.inc({ reason });
      this.ws.terminate();
    }

    ping(): void {
      this.alive = false;
      this.ws.ping();
    }

    private error(code: string, message: string, id?: string): void {
      metrics.protocolErrors.inc({ code });
      this.send({ type: 'error', ...(id !== undefined ? { id } : {}), code, message });
    }

    private onMessage(data: RawData, isBinary: boolean): void {
      if (this.refusing) return;
      if (!this.bucket.take()) {
        this.strikes += 1;
        if (this.strikes >= config.rateLimitStrikes) {
          metrics.disconnects.inc({ reason: 'rate_limit' });
          this.log.warn({ strikes: this.strikes }, 'message flood; closing');
          this.refusing = true;
          this.ws.close(1008, 'rate limit exceeded');
        } else {
          this.error('rate_limited', 'You are sending messages too fast; this one was dropped.');
        }
        return;
      }
      this.strikes = 0;
      if (isBinary) return this.error('bad_message', 'Messages must be JSON text.');
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return this.error('bad_json', 'Messages must be JSON, like {"type":"say","id":"1","text":"show my tasks"}.');
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        return this.error('bad_message', 'A message must be a JSON object with a type.');
      }
      const { type, id, text, timeZone } = message as Record<string, unknown>;
      const replyId = typeof id === 'string' ? id : undefined;
      if (type !== 'say') return this.error('unknown_type', `Unknown message type ${JSON.stringify(type)}; the only type is "say".`, replyId);
      if (typeof id !== 'string' || id.length === 0 || id.length > 100) {
        return this.error('bad_message', 'A say message needs an "id" string of 1 to 100 characters.', replyId);
      }
      if (typeof text !== 'string' || text.trim().length === 0 || text.length > MAX_TEXT) {
        return this.error('bad_message', `A say message needs a "text" of 1 to ${MAX_TEXT} characters.`, id);
      }
      if (timeZone !== undefined && (typeof timeZone !== 'string' || !isValidTimeZone(timeZone))) {
        return this.error('bad_message', '"timeZone" must be an IANA time zone such as "Europe/Paris".', id);
      }
      this.enqueue(() => this.say(id, text, (timeZone as string | undefined) ?? config.defaultTimeZone));
    }

    private enqueue(work: () => Promise<void>): void {
      this.queue = this.queue.then(work).catch((error: unknown) => this.log.error({ err: error }, 'message handling failed'));
    }

    private async sendHistory(): Promise<void> {
      try {
        this.send({ type: 'history', messages: await this.api.chatHistory(config.historyLimit) });
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, 'history unavailable');
        this.send({ type: 'history', messages: [] });
        this.error('history_unavailable', "I can't reach your conversation history right now.");
      }
    }

    private async say(id: string, text: string, timeZone: string): Promise<void> {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      const started = performance.now();
      let outcome;
      try {
        outcome = await this.conversation.handle(text, timeZone);
      } catch (error) {
        this.log.error({ err: error }, 'reply failed');
        return this.error('internal', 'Something went wrong on our side; please try again.', id);
      }
      this.send({ type: 'reply', id, text: outcome.text, ...(outcome.tasks ? { tasks: outcome.tasks } : {}) });
      metrics.messages.inc({ intent: outcome.intent });
      metrics.replyDuration.observe({ intent: outcome.intent }, (performance.now() - started) / 1000);
      this.log.info({ intent: outcome.intent, ms: Math.round(performance.now() - started) }, 'replied');
      this.log.debug({ text, reply: outcome.text }, 'exchange');
      if (outcome.record) {
        const messages = [
          { role: 'user' as const, text },
          { role: 'assistant' as const, text: outcome.text.slice(0, MAX_TEXT) },
        ];
        // Recording must not delay the reply; a lost line of history is logged, not shown.
        this.api.appendChat(messages).catch((error: Error) => this.log.warn({ err: error.message }, 'could not record the exchange'));
      }
    }
  }

  await readiness.start();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ port, todoApiUrl: config.todoApiUrl }, 'chat-gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        logger.info({ delayMs: config.shutdownDelayMs, sockets: allSessions.size }, 'draining: readiness fails, upgrades refused');
        await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
        heartbeat.stop();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const socketsClosed = Promise.all(
          [...allSessions].map((s) => new Promise<void>((resolve) => {
            s.onceClosed(resolve);
            s.closeForShutdown();
          })),
        );
        const grace = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref());
        await Promise.race([socketsClosed, grace]);
        for (const session of allSessions) session.terminate('shutdown');
        streams.closeAll();
        readiness.stop();
        server.closeAllConnections();
        await serverClosed;
        logger.info('chat-gateway stopped');
      })()),
  };
}

/** Keeps /readyz in step with the todo-api's own readiness, checked in the background. */
class ApiReadiness {
  up = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly config: GatewayConfig, private readonly metrics: GatewayMetrics, private readonly logger: Logger) {}

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.config.readinessIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    let up = false;
    try {
      const response = await fetch(new URL('/readyz', this.config.todoApiUrl), { signal: AbortSignal.timeout(this.config.apiTimeoutMs) });
      await response.body?.cancel();
      up = response.status === 200;
    } catch {
      up = false;
    }
    if (up !== this.up) this.logger.info({ todoApiUp: up }, up ? 'todo-api reachable' : 'todo-api unreachable');
    this.up = up;
    this.metrics.todoApiUp.set(up ? 1 : 0);
  }
}

/** Allows `burst` messages at once and `perSecond` on average. */
class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly burst: number, private readonly perSecond: number) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, detail: string): void {
  res.writeHead(status, { 'content-type': 'application/problem+json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status, detail }));
}

/** Answers an upgrade with a plain HTTP error, so the client sees the status and no socket opens. */
function refuseUpgrade(socket: Duplex, status: number, detail: string): void {
  const body = JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status, detail });
  // Destroyed once the answer is written: a client that never reads or closes must not pin a
  // descriptor (the server allows half-open sockets, so end() alone would wait for the client).
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
    () => socket.destroy(),
  );
}
