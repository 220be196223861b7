import type { Socket } from 'node:net';
import type { Context } from 'koa';

/**
 * `connection` listener: asks for the client's address once, as the connection opens.
 *
 * Node caches that address on the socket (`_peername`) the first time anything reads it: the
 * login throttle, or the server span of a sampled request. Read mid-connection,
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

/**
 * The client's address, as Koa's `ctx.ip` gives it (the first `X-Forwarded-For` entry when the app
 * trusts its proxy, else the peer's address), without `ctx.ip`'s cache: that stores the address
 * on Koa's request object, so the requests that read it (logins, sampled requests) and those that
 * don't take different hidden classes, and every request getter of Koa, the router and the app's
 * middleware turns polymorphic for all requests (V8's IC log showed `get method`, `get path`,
 * `get query` and the router's `params` store at twice the maps in API processes with sampled
 * requests). Use this, never `ctx.ip` (an ESLint rule says so).
 */
export function clientAddress(ctx: Context): string {
  return ctx.request.ips[0] || ctx.socket.remoteAddress || '';
}
