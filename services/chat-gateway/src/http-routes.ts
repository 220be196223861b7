import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayMetrics } from './metrics.js';
import { sendJson, sendProblem } from './problem.js';

export interface HttpRoutesDependencies {
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  /** The WebSocket path: plain HTTP there gets 426. */
  readonly wsPath: string;
  /** Why the gateway is not ready (draining, API down), or undefined when it is. */
  readonly notReadyReason: () => string | undefined;
}

/** The plain-HTTP side of the gateway: /livez, /readyz, /metrics; everything else is a problem+json. */
export function createHttpHandler(deps: HttpRoutesDependencies): (req: IncomingMessage, res: ServerResponse) => void {
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendProblem(res, 405, 'Only GET is served here.');
    if (path === '/livez') return sendJson(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      const reason = deps.notReadyReason();
      return reason === undefined ? sendJson(res, 200, { status: 'ready' }) : sendProblem(res, 503, reason);
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
      res.end(await deps.metrics.registry.metrics());
      return;
    }
    if (path === deps.wsPath) return sendProblem(res, 426, 'This endpoint speaks WebSocket only.');
    sendProblem(res, 404, 'Nothing here.');
  }

  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'http request failed');
      if (!res.headersSent) sendProblem(res, 500, 'Something went wrong on our side.');
      else res.destroy();
    });
  };
}
