import http from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';

export interface DrainOptions {
  /** A connection with no request for this long is closed; a busy keep-alive one is told to close instead. */
  readonly idleGraceMs: number;
  /** After this, whatever is still open is cut. */
  readonly timeoutMs: number;
}

export interface DrainableServer {
  readonly server: http.Server;
  /**
   * Stops accepting, answers every further request (errors included) with `Connection: close`,
   * closes connections only once they have been idle for `idleGraceMs`, and resolves when none is left.
   */
  drain(): Promise<void>;
}

interface ConnectionState {
  inFlight: number;
  idleSince: number;
}

/** How often idle connections are looked for while draining. */
const SWEEP_MS = 50;

/**
 * An HTTP server whose shutdown does not reset keep-alive clients. Node's own `server.close()`
 * destroys every connection with no request in progress, including one whose next request is
 * already on the wire but not yet read: the client sees ECONNRESET (a 502 behind a proxy) for a
 * request it cannot know whether to retry. Here a connection in use is told to close with its next
 * answer, and only a connection quiet for `idleGraceMs` is closed by the server.
 */
export function createDrainableServer(handler: http.RequestListener, options: DrainOptions): DrainableServer {
  const connections = new Map<Socket, ConnectionState>();
  let draining = false;

  const server = http.createServer((req, res) => {
    const state = connections.get(req.socket);
    if (state) {
      state.inFlight += 1;
      res.once('close', () => {
        state.inFlight -= 1;
        state.idleSince = Date.now();
      });
    }
    // Set before the application runs, so every answer carries it however it ends.
    if (draining) res.setHeader('Connection', 'close');
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { inFlight: 0, idleSince: Date.now() });
    socket.once('close', () => connections.delete(socket));
  });

  const closeQuietConnections = () => {
    const quietSince = Date.now() - options.idleGraceMs;
    for (const [socket, state] of connections) if (state.inFlight === 0 && state.idleSince <= quietSince) socket.destroy();
  };

  let drained: Promise<void> | undefined;
  const drain = () => {
    drained ??= new Promise<void>((resolve) => {
      draining = true;
      // net.Server's close, not http.Server's: that one would also destroy every connection
      // without a request in progress at this instant (see above). Resolves once all have ended.
      // (http's unref'd timeout checker keeps running; with no connection left it has nothing to do.)
      net.Server.prototype.close.call(server, () => {
        clearInterval(sweep);
        clearTimeout(cut);
        resolve();
      });
      // The sweep runs in the check phase, right after a poll phase has read whatever arrived while
      // the event loop was busy: a request that came in meanwhile is in flight, not idle, by then.
      const sweep = setInterval(() => setImmediate(closeQuietConnections), SWEEP_MS);
      const cut = setTimeout(() => {
        for (const socket of connections.keys()) socket.destroy();
      }, options.timeoutMs);
    });
    return drained;
  };
  return { server, drain };
}
