import { PassThrough } from 'node:stream';
import { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { ChangeFeed } from '../events.js';

export interface EventStreams {
  readonly router: Router;
  /** Ends every open stream (SIGTERM); clients reconnect to another replica. */
  closeAll(): void;
  readonly openCount: () => number;
}

/** GET /api/events: Server-Sent Events of the caller's task changes, with a keep-alive ping. */
export function eventRoutes(feed: ChangeFeed, pingMs: number, guard: readonly Middleware[]): EventStreams {
  const router = new Router();
  const open = new Set<() => void>();

  router.get('/api/events', ...guard, (ctx: Context) => {
    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.req.socket.setKeepAlive(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set({ 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    ctx.body = stream;
    stream.write('retry: 3000\n\n');

    const unsubscribe = feed.subscribe(ctx.state.userId, (change) => {
      stream.write(`event: tasks-changed\ndata: ${JSON.stringify(change)}\n\n`);
    });
    const ping = setInterval(() => stream.write(': ping\n\n'), pingMs);
    const close = () => {
      if (!open.delete(close)) return;
      clearInterval(ping);
      unsubscribe();
      stream.end();
    };
    open.add(close);
    ctx.req.on('close', close);
    stream.on('error', close);
  });

  return {
    router,
    closeAll: () => { for (const close of [...open]) close(); },
    openCount: () => open.size,
  };
}
