import { PassThrough } from 'node:stream';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Guard } from '../http/auth.js';
import type { ChangeFeed } from '../events.js';
import { HttpProblem } from '../http/problem.js';

export interface EventStreams {
  readonly router: Router;
  /** Ends every open stream (SIGTERM); clients reconnect to another replica. */
  closeAll(): void;
  readonly openCount: () => number;
}

/** Seconds a client refused for too many streams is asked to wait. */
const STREAM_LIMIT_RETRY_AFTER_S = 10;

/**
 * GET /api/events: Server-Sent Events of the caller's task changes, with a keep-alive ping.
 * Each user may hold `maxPerUser` open streams on this replica; a closed stream frees its slot.
 */
export function eventRoutes(feed: ChangeFeed, pingMs: number, maxPerUser: number, guard: Guard): EventStreams {
  const router = new Router();
  const open = new Set<() => void>();
  const openPerUser = new Map<string, number>();

  router.get(
    '/api/events',
    guard((ctx: Context) => {
      const userId: string = ctx.state.userId;
      const held = openPerUser.get(userId) ?? 0;
      if (held >= maxPerUser) {
        throw new HttpProblem(
          429,
          'Too Many Requests',
          `At most ${maxPerUser} event streams per user are open at once; close one first.`,
          undefined,
          { 'Retry-After': String(STREAM_LIMIT_RETRY_AFTER_S) },
        );
      }
      openPerUser.set(userId, held + 1);
      const stream = new PassThrough();
      ctx.req.socket.setTimeout(0);
      ctx.req.socket.setNoDelay(true);
      ctx.req.socket.setKeepAlive(true);
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set({ 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
      ctx.body = stream;
      stream.write('retry: 3000\n\n');

      const unsubscribe = feed.subscribe(userId, (change) => {
        stream.write(`event: tasks-changed\ndata: ${JSON.stringify(change)}\n\n`);
      });
      const ping = setInterval(() => stream.write(': ping\n\n'), pingMs);
      const close = () => {
        if (!open.delete(close)) return;
        const left = openPerUser.get(userId)! - 1;
        if (left === 0) openPerUser.delete(userId);
        else openPerUser.set(userId, left);
        clearInterval(ping);
        unsubscribe();
        stream.end();
      };
      open.add(close);
      ctx.req.on('close', close);
      stream.on('error', close);
    }),
  );

  return {
    router,
    closeAll: () => {
      for (const close of [...open]) close();
    },
    openCount: () => open.size,
  };
}
