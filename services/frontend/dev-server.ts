/**
 * Local web server for the app: builds it, serves it with the exact headers of
 * nginx/default.conf (CSP included), falls back to index.html for client routes, and proxies
 * /api and /.well-known to the todo-api and /ws (WebSocket upgrade) to the chat-gateway, so the
 * browser sees one origin as it does behind the Ingress.
 *
 *   npm run web   # env: PORT=3000 TODO_API_URL=http://127.0.0.1:8080 CHAT_GATEWAY_URL=http://127.0.0.1:8081 FRONTEND_OUT_DIR=build/frontend
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFrontend, DEFAULT_OUT_DIR, watchFrontend } from './build.js';
import { readNginxSite, responseHeaders, type NginxSite } from './nginx-config.js';

export interface DevServerOptions {
  /**
   * Port to listen on; 0 picks a free one (tests).
   * @default 3000, the origin the services allow by default
   */
  readonly port?: number;
  /**
   * Interface to bind.
   * @default 127.0.0.1 — a dev server is not for the LAN
   */
  readonly host?: string;
  /**
   * Where the todo-api listens (/api and /.well-known go there).
   * @default http://127.0.0.1:8080 (IPv4: the services bind 0.0.0.0)
   */
  readonly apiUrl?: string;
  /**
   * Where the chat-gateway listens (/ws goes there).
   * @default http://127.0.0.1:8081
   */
  readonly gatewayUrl?: string;
  /**
   * Build output folder (emptied and rebuilt at start).
   * @default build/frontend
   */
  readonly outDir?: string;
  /**
   * Rebuild when a source file changes (reload the page to see it).
   * @default false — tests and one-off runs need a single build
   */
  readonly watch?: boolean;
  /**
   * One-line log sink.
   * @default console.log
   */
  readonly log?: (line: string) => void;
}

export interface DevServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const PROXIED_PREFIXES = ['/api/', '/api', '/.well-known/'];
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function isProxied(pathname: string): boolean {
  return PROXIED_PREFIXES.some((p) => (p.endsWith('/') ? pathname.startsWith(p) : pathname === p));
}

/** Host header → nginx's `$host`: lower case, no port. */
export function hostWithoutPort(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? '';
}

function forwardHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  return headers;
}

function sendProblem(res: http.ServerResponse, status: number, title: string, detail: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

/** Serves one static file (or the SPA fallback) with the nginx headers. */
async function serveStatic(
  site: NginxSite,
  root: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  pathname: string,
): Promise<void> {
  const host = hostWithoutPort(req.headers.host);
  const send = (status: number, uri: string, type: string, body?: string): void => {
    res.writeHead(status, { ...responseHeaders(site, { uri, host, status }), 'content-type': type });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, pathname, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
  if (pathname === '/livez' || pathname === '/readyz') return send(200, pathname, 'text/plain', 'ok\n');
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return send(400, pathname, 'text/plain; charset=utf-8', 'Bad Request\n');
  }
  const candidate = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  const inside = candidate === root || candidate.startsWith(root + path.sep);
  const file = inside ? await stat(candidate).catch(() => null) : null;
  let uri = decoded;
  let filePath = candidate;
  if (!file?.isFile()) {
    // Same rules as default.conf: a missing hashed asset is a 404; any other path is a client route.
    if (decoded.startsWith('/assets/')) return send(404, decoded, 'text/plain; charset=utf-8', 'Not Found\n');
    uri = '/index.html';
    filePath = path.join(root, 'index.html');
  }
  const type = CONTENT_TYPES[path.extname(filePath)] ?? 'application/octet-stream';
  res.writeHead(200, { ...responseHeaders(site, { uri, host, status: 200 }), 'content-type': type });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(filePath)
    .on('error', () => res.destroy())
    .pipe(res);
}

function proxyHttp(target: URL, req: http.IncomingMessage, res: http.ServerResponse, name: string): void {
  const upstream = http.request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req),
    },
    (upstreamRes) => {
      const headers = { ...upstreamRes.headers };
      for (const h of HOP_BY_HOP) delete headers[h];
      res.writeHead(upstreamRes.statusCode ?? 502, headers);
      upstreamRes.pipe(res);
      res.on('close', () => upstreamRes.destroy()); // client went away (e.g. an event stream closed)
    },
  );
  upstream.on('error', (error) =>
    sendProblem(res, 502, 'Bad Gateway', `The ${name} at ${target.origin} is not reachable (${error.message}).`),
  );
  req.pipe(upstream);
}

/** Raw response on a socket that never became a WebSocket. */
function rejectUpgrade(socket: Socket, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

function proxyUpgrade(target: URL, req: http.IncomingMessage, socket: Socket, head: Buffer): void {
  const headers = forwardHeaders(req);
  headers['connection'] = 'Upgrade';
  headers['upgrade'] = req.headers.upgrade ?? 'websocket';
  const upstream = http.request({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port,
    method: 'GET',
    path: req.url,
    headers,
  });
  upstream.on('upgrade', (upstreamRes, upstreamSocket, upstreamHead) => {
    const lines = [`HTTP/1.1 ${upstreamRes.statusCode} ${upstreamRes.statusMessage}`];
    for (let i = 0; i < upstreamRes.rawHeaders.length; i += 2) lines.push(`${upstreamRes.rawHeaders[i]}: ${upstreamRes.rawHeaders[i + 1]}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    const closeBoth = (): void => {
      socket.destroy();
      upstreamSocket.destroy();
    };
    socket.on('error', closeBoth).on('close', closeBoth);
    upstreamSocket.on('error', closeBoth).on('close', closeBoth);
  });
  upstream.on('response', (upstreamRes) => {
    // The gateway refused the upgrade (e.g. 401 for a bad token): pass its status through.
    const status = upstreamRes.statusCode ?? 502;
    upstreamRes.resume();
    rejectUpgrade(socket, status, upstreamRes.statusMessage ?? '');
  });
  upstream.on('error', () => rejectUpgrade(socket, 502, 'Bad Gateway'));
  socket.on('error', () => upstream.destroy());
  upstream.end();
}

/** Builds the app and starts serving it. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const apiUrl = new URL(options.apiUrl ?? 'http://127.0.0.1:8080');
  const gatewayUrl = new URL(options.gatewayUrl ?? 'http://127.0.0.1:8081');
  const site = readNginxSite();
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const watcher = options.watch
    ? await watchFrontend({
        outDir,
        onRebuild: (result) =>
          log(result instanceof Error ? `rebuild failed: ${result.message}` : `rebuilt ${result.script} (reload the page)`),
      })
    : null;
  const built = watcher ? watcher.first : await buildFrontend({ outDir });
  const root = built.outDir;
  const total = built.files.reduce((sum, f) => sum + f.bytes, 0);
  log(`built ${built.files.length} files (${(total / 1024).toFixed(1)} KiB) into ${root}${watcher ? '; watching src/ for changes' : ''}`);

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (isProxied(pathname)) return proxyHttp(apiUrl, req, res, 'todo-api');
    if (pathname === '/ws') return sendProblem(res, 426, 'Upgrade Required', 'The chat endpoint speaks WebSocket only.');
    serveStatic(site, root, req, res, pathname).catch((error: Error) => sendProblem(res, 500, 'Internal Server Error', error.message));
  });
  const upgraded = new Set<Socket>(); // WebSockets leave the server's bookkeeping; close them ourselves
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === '/ws') proxyUpgrade(gatewayUrl, req, socket, head);
    else rejectUpgrade(socket, 404, 'Not Found');
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  log(`serving ${url} (/api, /.well-known → ${apiUrl.origin}; /ws → ${gatewayUrl.origin})`);
  return {
    url,
    port,
    close: async () => {
      await watcher?.dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      });
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startDevServer({
    port: Number(process.env['PORT'] ?? 3000),
    apiUrl: process.env['TODO_API_URL'] ?? 'http://127.0.0.1:8080',
    gatewayUrl: process.env['CHAT_GATEWAY_URL'] ?? 'http://127.0.0.1:8081',
    ...(process.env['FRONTEND_OUT_DIR'] ? { outDir: process.env['FRONTEND_OUT_DIR'] } : {}),
    watch: process.env['WATCH'] !== '0',
  });
  const shutdown = (): void => void server.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
