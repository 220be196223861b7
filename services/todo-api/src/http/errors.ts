import type { Context, Next } from 'koa';
import { isDatabaseUnavailable } from '../db/database.js';
import { HttpProblem } from './problem.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isDatabaseUnavailable(error)) {
    return new HttpProblem(503, TITLES[503]!, 'The database is unavailable; retry shortly.', undefined, { 'Retry-After': '2' });
  }
  // Safety net for values the schemas let through but PostgreSQL cannot store (class 22: data exception).
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) {
    return new HttpProblem(400, TITLES[400]!, 'A value cannot be stored (out of range or invalid characters).');
  }
  // Errors thrown by koa, the router and the body parser carry a client status and a safe message.
  const status = (error as { status?: unknown }).status;
  const expose = (error as { expose?: unknown }).expose;
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    return new HttpProblem(status, TITLES[status] ?? 'Client Error', (error as Error).message);
  }
  return new HttpProblem(500, TITLES[500]!, 'An unexpected error occurred.');
}

/** Renders every failure — thrown or an unmatched route — as application/problem+json. */
export async function problemJson(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      throw new HttpProblem(404, 'Not Found', `No route for ${ctx.method} ${ctx.path}.`);
    }
  } catch (error) {
    const problem = toProblem(error);
    // Only the unexpected is an error worth a stack trace; a deliberate 503 (draining, database down)
    // is the service working as designed and would otherwise page on every rollout.
    if (problem.status === 500) ctx.state.log?.error({ err: error }, 'request failed');
    else if (problem.status > 500) ctx.state.log?.warn({ status: problem.status, detail: problem.detail }, 'request refused');
    else if (!(error instanceof HttpProblem) && problem.status !== 404)
      ctx.state.log?.info({ err: { message: (error as Error).message } }, 'client error');
    ctx.set(problem.headers);
    ctx.status = problem.status;
    ctx.type = 'application/problem+json';
    ctx.body = {
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(problem.errors ? { errors: problem.errors } : {}),
    };
  }
}
