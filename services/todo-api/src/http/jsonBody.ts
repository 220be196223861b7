import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { badRequest, HttpProblem } from './problem.js';

export const BODY_LIMIT = '64kb';

/** Bodies must be application/json: anything else is a 415 before a byte is parsed. */
export async function requireJsonContentType(ctx: Context, next: Next): Promise<void> {
  const hasBody = ctx.request.length > 0 || ctx.get('Transfer-Encoding') !== '';
  if (['POST', 'PUT', 'PATCH'].includes(ctx.method) && hasBody && !ctx.is('application/json')) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'Send the body as application/json.');
  }
  await next();
}

/** Parses JSON up to 64 KiB; malformed JSON → 400, oversized → 413, both as problems. */
export const parseJsonBody = bodyParser({
  enableTypes: ['json'],
  jsonLimit: BODY_LIMIT,
  jsonStrict: true,
  onError(error: Error & { status?: number; code?: string }) {
    if (error.code?.startsWith('HPE_')) throw badRequest('The request is not well-formed HTTP.');
    if (error.status === 413) throw new HttpProblem(413, 'Content Too Large', `The body exceeds ${BODY_LIMIT}.`);
    if (error.status === 415) throw new HttpProblem(415, 'Unsupported Media Type', error.message);
    throw badRequest('The body is not valid JSON.', [{ field: '/', message: 'must be a JSON object' }]);
  },
});
