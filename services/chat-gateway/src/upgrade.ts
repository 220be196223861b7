import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { WebSocket, WebSocketServer } from 'ws';
import { CHAT_SUBPROTOCOL } from '../../shared/chat-protocol.js';
import { tokenFromProtocols, type TokenVerifier } from './auth.js';
import type { GatewayMetrics } from './metrics.js';
import { problemBody } from './problem.js';

/** The one answer to a missing or refused token, the todo-api's words: it tells an attacker nothing. */
const UNAUTHORIZED = 'Missing or invalid bearer token.';

/** Who opened a socket, as the upgrade established it. */
export interface SocketOwner {
  readonly userId: string;
  readonly token: string;
  /** When the token stops being valid (ms since epoch). */
  readonly expiresAt: number;
  readonly requestId: string;
}

export interface UpgradeDependencies {
  readonly wsPath: string;
  readonly allowedOrigins: readonly string[];
  readonly maxConnectionsPerUser: number;
  readonly verifier: TokenVerifier;
  readonly wss: WebSocketServer;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly isDraining: () => boolean;
  /** Sockets the user already has open on this gateway. */
  readonly connectionCount: (userId: string) => number;
  /** Called with each socket that opened. */
  readonly onOpen: (ws: WebSocket, owner: SocketOwner) => void;
}

/**
 * The WebSocket handshake: path, origin, subprotocol, the bearer token (verified against the
 * API's JWKS) and the per-user cap, in that order. A refused upgrade gets a plain HTTP error and
 * no socket.
 */
export function createUpgradeHandler(deps: UpgradeDependencies): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    const requestId = headerValue(req.headers['x-request-id']) ?? randomUUID();
    const refuse = (status: number, reason: string, detail: string, tokenError?: string) => {
      deps.metrics.upgradeRejections.inc({ reason });
      deps.logger.info({ requestId, status, reason, ...(tokenError ? { tokenError } : {}) }, 'websocket upgrade refused');
      refuseUpgrade(socket, status, detail);
    };
    if (deps.isDraining()) return refuse(503, 'draining', 'The gateway is shutting down.');
    if (new URL(req.url ?? '/', 'http://gateway').pathname !== deps.wsPath) return refuse(404, 'path', 'Nothing here.');
    const origin = headerValue(req.headers.origin);
    if (origin !== undefined && !deps.allowedOrigins.includes(origin)) return refuse(403, 'origin', 'This origin may not open the chat.');
    const { token, protocols } = tokenFromProtocols(headerValue(req.headers['sec-websocket-protocol']));
    if (!protocols.includes(CHAT_SUBPROTOCOL)) {
      return refuse(token ? 400 : 401, 'subprotocol', `Use the subprotocols ['${CHAT_SUBPROTOCOL}', 'bearer.<token>'].`);
    }
    if (!token) return refuse(401, 'no_token', UNAUTHORIZED);
    let user;
    try {
      user = await deps.verifier.verify(token);
    } catch (error) {
      // Why a token failed (expired, forged, unknown key…) is for our logs only, as the API does it.
      return refuse(401, 'bad_token', UNAUTHORIZED, (error as { code?: string }).code ?? (error as Error).name);
    }
    if (deps.isDraining()) return refuse(503, 'draining', 'The gateway is shutting down.');
    if (deps.connectionCount(user.userId) >= deps.maxConnectionsPerUser) {
      return refuse(429, 'too_many_connections', `At most ${deps.maxConnectionsPerUser} connections per user.`);
    }
    const owner: SocketOwner = { userId: user.userId, token, expiresAt: user.expiresAt, requestId };
    deps.wss.handleUpgrade(req, socket, head, (ws) => deps.onOpen(ws, owner));
  }

  return (req, socket, head) => void upgrade(req, socket, head);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Answers an upgrade with a plain HTTP error, so the client sees the status and no socket opens. */
function refuseUpgrade(socket: Duplex, status: number, detail: string): void {
  const body = problemBody(status, detail);
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
