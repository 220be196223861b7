import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small round-robin HTTP proxy standing in for a Service with readiness probes:
 * - it probes each upstream's /readyz every `probeIntervalMs` and routes only to ready ones
 *   (what the endpoints controller does with a failing readiness probe), with a failure threshold;
 * - a request that could not CONNECT (refused, reset before connecting) is retried on the next
 *   ready upstream, as kube-proxy never routes to a removed endpoint; once the request has
 *   been sent it is never retried (a POST may have been applied), the failure goes to the client;
 * - upstream connections are not kept alive, so a draining instance's idle sockets are never
 *   reused after it closes them (the race every keep-alive proxy has, which is not the API's).
 */
export interface ProxyOptions {
  /** How often /readyz is probed. @default 100 ms (Kubernetes probes every 10 s; the drain delay is scaled down to match) */
  readonly probeIntervalMs?: number;
  /** Probe timeout. @default 500 ms */
  readonly probeTimeoutMs?: number;
  /** Consecutive failed probes before an endpoint stops receiving traffic. @default 2 (one slow probe on a busy machine is not an outage; Kubernetes' default is 3) */
  readonly failureThreshold?: number;
}

interface Upstream {
  readonly url: URL;
  ready: boolean;
  failures: number;
  timer: NodeJS.Timeout;
}

export interface ProxyStats {
  /** Requests forwarded to an upstream. */
  forwarded: number;
  /** Connect failures retried on another upstream. */
  connectRetries: number;
  /** Requests answered 502/503 by the proxy itself (no ready upstream, or failed after sending). */
  proxyErrors: number;
}

export class RoundRobinProxy {
  readonly stats: ProxyStats = { forwarded: 0, connectRetries: 0, proxyErrors: 0 };
  private readonly upstreams: Upstream[] = [];
  private next = 0;
  private server?: http.Server;
  private readonly probeIntervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly failureThreshold: number;

  constructor(options: ProxyOptions = {}) {
    this.probeIntervalMs = options.probeIntervalMs ?? 100;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 500;
    this.failureThreshold = options.failureThreshold ?? 2;
  }

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adds an endpoint; it receives traffic once its first readiness probe passes. */
  add(url: string): void {
    const upstream: Upstream = {
      url: new URL(url),
      ready: false,
      failures: 0,
      timer: setInterval(() => void this.probe(upstream), this.probeIntervalMs),
    };
    this.upstreams.push(upstream);
    void this.probe(upstream);
  }

  /** Removes an endpoint (its pod is gone). */
  remove(url: string): void {
    const index = this.upstreams.findIndex((u) => u.url.href === new URL(url).href);
    if (index >= 0) clearInterval(this.upstreams.splice(index, 1)[0]!.timer);
  }

  isReady(url: string): boolean {
    return this.upstreams.some((u) => u.url.href === new URL(url).href && u.ready);
  }

  readyCount(): number {
    return this.upstreams.filter((u) => u.ready).length;
  }

  async close(): Promise<void> {
    for (const upstream of this.upstreams.splice(0)) clearInterval(upstream.timer);
    if (!this.server) return;
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async probe(upstream: Upstream): Promise<void> {
    let passed: boolean;
    try {
      const reply = await fetch(new URL('/readyz', upstream.url), { signal: AbortSignal.timeout(this.probeTimeoutMs) });
      await reply.arrayBuffer();
      passed = reply.status === 200;
    } catch {
      passed = false;
    }
    // Like a kubelet probe: one success makes it ready, `failureThreshold` failures in a row unready.
    upstream.failures = passed ? 0 : upstream.failures + 1;
    if (passed) upstream.ready = true;
    else if (upstream.failures >= this.failureThreshold) upstream.ready = false;
  }

  private pick(exclude: ReadonlySet<Upstream>): Upstream | undefined {
    const candidates = this.upstreams.filter((u) => u.ready && !exclude.has(u));
    if (candidates.length === 0) return undefined;
    return candidates[this.next++ % candidates.length];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Bodies are small (the API caps them at 64 KiB); buffering makes a connect retry possible.
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const tried = new Set<Upstream>();
    for (;;) {
      const upstream = this.pick(tried);
      if (!upstream) {
        this.fail(res, 503, 'no ready upstream');
        return;
      }
      tried.add(upstream);
      const outcome = await this.forward(upstream, req, body, res);
      if (outcome !== 'not-connected') return;
      this.stats.connectRetries++;
    }
  }

  private forward(
    upstream: Upstream,
    req: http.IncomingMessage,
    body: Buffer,
    res: http.ServerResponse,
  ): Promise<'done' | 'not-connected'> {
    return new Promise((resolve) => {
      let connected = false;
      const outgoing = http.request({
        host: upstream.url.hostname,
        port: upstream.url.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.url.host, connection: 'close' },
        agent: false,
      });
      outgoing.on('socket', (socket) =>
        socket.once('connect', () => {
          connected = true;
        }),
      );
      outgoing.on('response', (reply) => {
        this.stats.forwarded++;
        res.writeHead(reply.statusCode!, reply.headers);
        reply.pipe(res);
        reply.on('end', () => resolve('done'));
        reply.on('error', () => {
          res.destroy();
          resolve('done');
        });
      });
      outgoing.on('error', () => {
        if (!connected) {
          resolve('not-connected');
          return;
        }
        this.fail(res, 502, 'upstream failed after the request was sent');
        resolve('done');
      });
      outgoing.end(body);
    });
  }

  private fail(res: http.ServerResponse, status: number, detail: string): void {
    this.stats.proxyErrors++;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/problem+json' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'proxy', status, detail }));
  }
}
