import type { Context, Middleware, Next } from 'koa';
import compose from 'koa-compose';
import type { TokenService } from '../auth/tokens.js';
import { unauthorized } from './problem.js';

/** Requires `Authorization: Bearer <jwt>`; puts the verified user id in ctx.state.userId. */
export function requireUser(tokens: TokenService) {
  return async function requireUserMiddleware(ctx: Context, next: Next): Promise<void> {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(ctx.get('Authorization'));
    if (!match) throw unauthorized('A bearer token is required.');
    let userId: string;
    try {
      userId = await tokens.verify(match[1]!);
    } catch {
      // Do not say why (expired, forged, wrong audience): that only helps an attacker.
      throw unauthorized('The bearer token is invalid or expired.');
    }
    ctx.state.userId = userId;
    await next();
  };
}

/**
 * Wraps a route's handler in the checks every user route passes first (authentication, rate
 * limit), so the checks are listed once, in app.ts, and no route can be registered without them.
 */
export type Guard = (handler: Middleware) => Middleware;

/** A Guard that runs `checks` in order, then the handler. */
export function guardWith(...checks: Middleware[]): Guard {
  return (handler) => compose([...checks, handler]);
}
