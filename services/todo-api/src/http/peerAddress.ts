import type { Socket } from 'node:net';

/**
 * `connection` listener: asks for the client's address once, as the connection opens.
 *
 * Node caches that address on the socket (`_peername`) the first time anything reads it: Koa's
 * `ctx.ip` in the login throttle, or the server span of a sampled request. Read mid-connection,
 * and by some requests only, it joins different sockets at different points of their lives, so
 * the server's sockets take several hidden classes, and the property reads in Node's own HTTP
 * code that every response runs through (`OutgoingMessage.end`, `resOnFinish`, the stream
 * internals) turn megamorphic: slower for every request, not only those that asked. V8's IC log
 * (`--log-ic`) showed those sites megamorphic only in API processes with sampled requests; read
 * here, first, it is part of every socket's shape from the start.
 */
export function readPeerAddressOnConnect(socket: Socket): void {
  void socket.remoteAddress;
}
