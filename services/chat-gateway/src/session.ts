import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { MAX_SAY_TEXT, parseClientMessage, type ErrorCode, type ServerMessage } from '../../shared/chat-protocol.js';
import type { GatewayConfig } from './config.js';
import { Conversation } from './conversation.js';
import { isValidTimeZone } from './intent/dates.js';
import type { IntentEngine } from './intent/engine.js';
import type { GatewayMetrics } from './metrics.js';
import { RateBudget, type UserBuckets } from './rate-budget.js';
import type { UserChangeStreams } from './task-events.js';
import { TodoApiClient } from './todo-api-client.js';
import { traceSay } from './chat-tracing.js';
import type { SocketOwner } from './upgrade.js';

/** Close code for an expired token (4000–4999 are the application's). */
export const CLOSE_TOKEN_EXPIRED = 4001;
/**
 * How long a peer that broke the protocol keeps its (no longer read) connection after the close
 * frame was sent: on loopback or a LAN the frame arrives in well under a millisecond; 250 ms leaves
 * room for a slow link while holding the descriptor only briefly.
 */
const CLOSE_FRAME_GRACE_MS = 250;

export interface SessionDependencies {
  readonly config: GatewayConfig;
  readonly engine: IntentEngine;
  readonly metrics: GatewayMetrics;
  readonly streams: UserChangeStreams;
  readonly userBuckets: UserBuckets;
  readonly logger: Logger;
}

/**
 * One open socket: parses what the client sends, answers each say message in order through its
 * own conversation, and forwards the user's task changes. Also what the heartbeat pings.
 */
export class Session {
  alive = true;
  private readonly conversation: Conversation;
  private readonly api: TodoApiClient;
  private readonly budget: RateBudget;
  /** Shutting down: messages already accepted are answered, new ones are refused. */
  private draining = false;
  /** Exchanges still being recorded in the history; shutdown waits for them too. */
  private readonly recording = new Set<Promise<void>>();
  /** Closed for abuse: whatever the peer still sends is ignored, not parsed and counted again. */
  private refusing = false;
  /** Messages are handled one at a time, in order, so "add x" then "complete 1" mean what they say. */
  private queue: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly log: Logger;

  constructor(
    private readonly ws: WebSocket,
    owner: SocketOwner,
    private readonly deps: SessionDependencies,
  ) {
    const { config, metrics } = deps;
    this.log = deps.logger.child({ userId: owner.userId, requestId: owner.requestId });
    const userBudget = deps.userBuckets.acquire(owner.userId);
    this.budget = new RateBudget(
      {
        burst: config.rateLimitBurst,
        perSecond: config.rateLimitPerSecond,
        strikes: config.rateLimitStrikes,
        strikeWindowMs: config.rateLimitStrikeWindowMs,
      },
      userBudget.bucket,
    );
    this.api = new TodoApiClient(config.todoApiUrl, owner.token, config.apiTimeoutMs, (method, outcome, seconds) =>
      metrics.apiRequestDuration.observe({ method, outcome }, seconds),
    );
    this.conversation = new Conversation(deps.engine, this.api);
    this.unsubscribe = deps.streams.subscribe(owner.userId, owner.token, () => this.send({ type: 'tasks-changed' }));
    const untilExpiry = Math.min(Math.max(owner.expiresAt - Date.now(), 0), 2 ** 31 - 1);
    this.expiryTimer = setTimeout(() => ws.close(CLOSE_TOKEN_EXPIRED, 'token expired'), untilExpiry);
    this.expiryTimer.unref();
    ws.on('pong', () => (this.alive = true));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('error', (error) => {
      // ws has sent the close frame (1009 for an oversize frame, 1002 for a protocol error) and, waiting
      // for the peer's, reads and discards everything the peer still sends, for up to 30 s: 20 peers
      // each sending a 4 MiB frame made it read 80 MiB in 64 KiB buffers, and glibc kept tens of MiB
      // of them as RSS (more on Node 26, where the main arena stayed fragmented). So stop reading
      // (after ws's own resume on the next tick), which lets TCP flow control stop the peer, and drop
      // the connection once the close frame had time to arrive: the peer still sees 1009/1002.
      const reason = (error as { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'oversize' : 'protocol_error';
      metrics.disconnects.inc({ reason });
      this.log.info({ reason }, 'socket error');
      process.nextTick(() => ws.pause());
      setTimeout(() => ws.terminate(), CLOSE_FRAME_GRACE_MS).unref();
    });
    ws.once('close', (code) => {
      userBudget.release();
      this.unsubscribe();
      clearTimeout(this.expiryTimer);
      this.log.info({ code }, 'websocket closed');
    });
    this.log.info('websocket opened');
    this.enqueue(() => this.sendHistory());
  }

  send(message: ServerMessage): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(message));
    if (this.ws.bufferedAmount > this.deps.config.maxBufferedBytes) {
      this.deps.metrics.disconnects.inc({ reason: 'slow_consumer' });
      this.log.warn({ bufferedAmount: this.ws.bufferedAmount }, 'client is not reading; terminating');
      this.ws.terminate();
    }
  }

  onceClosed(callback: () => void): void {
    if (this.ws.readyState === WebSocket.CLOSED) callback();
    else this.ws.once('close', callback);
  }

  /** Stops taking new messages; resolves once every accepted one is answered and recorded. */
  async drain(): Promise<void> {
    this.draining = true;
    await this.queue;
    await Promise.all(this.recording);
  }

  closeForShutdown(): void {
    this.ws.close(1001, 'server shutting down');
  }

  terminate(reason: string): void {
    this.deps.metrics.disconnects.inc({ reason });
    this.ws.terminate();
  }

  ping(): void {
    this.alive = false;
    this.ws.ping();
  }

  private error(code: ErrorCode, message: string, id?: string): void {
    this.deps.metrics.protocolErrors.inc({ code });
    this.send({ type: 'error', ...(id !== undefined ? { id } : {}), code, message });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.refusing) return;
    const spent = this.budget.spend();
    if (spent === 'close') {
      this.deps.metrics.disconnects.inc({ reason: 'rate_limit' });
      this.log.warn('message flood; closing');
      this.refusing = true;
      this.ws.close(1008, 'rate limit exceeded');
      return;
    }
    if (spent === 'drop') return this.error('rate_limited', 'You are sending messages too fast; this one was dropped.');
    if (isBinary) return this.error('bad_message', 'Messages must be JSON text.');
    const parsed = parseClientMessage(data.toString(), isValidTimeZone);
    if (!parsed.ok) return this.error(parsed.error.code, parsed.error.message, parsed.error.id);
    const { id, text, timeZone } = parsed.message;
    if (this.draining) return this.error('shutting_down', 'The assistant is restarting; please send that again in a moment.', id);
    this.enqueue(() => traceSay(parsed.message, () => this.say(id, text, timeZone ?? this.deps.config.defaultTimeZone)));
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => this.log.error({ err: error }, 'message handling failed'));
  }

  private async sendHistory(): Promise<void> {
    try {
      this.send({ type: 'history', messages: await this.api.chatHistory(this.deps.config.historyLimit) });
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'history unavailable');
      this.send({ type: 'history', messages: [] });
      this.error('history_unavailable', "I can't reach your conversation history right now.");
    }
  }

  private async say(id: string, text: string, timeZone: string): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const { metrics } = this.deps;
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
        { role: 'assistant' as const, text: outcome.text.slice(0, MAX_SAY_TEXT) },
      ];
      // Recording must not delay the reply; a lost line of history is logged, not shown.
      const recorded = this.api
        .appendChat(messages)
        .catch((error: Error) => this.log.warn({ err: error.message }, 'could not record the exchange'))
        .finally(() => this.recording.delete(recorded));
      this.recording.add(recorded);
    }
  }
}
