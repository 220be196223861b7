import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { LoginThrottle } from '../auth/loginThrottle.js';
import type { HashingLimiter } from '../auth/hashingLimiter.js';
import { dummyHash, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { TokenService } from '../auth/tokens.js';
import type { Database } from '../db/database.js';
import { requireUser } from '../http/auth.js';
import { HttpProblem, unauthorized } from '../http/problem.js';
import { clientAddress } from '../http/peerAddress.js';
import { consumeOrRefuse, rateLimit } from '../http/rateLimit.js';
import { validateBody } from '../schemas.js';

interface Credentials {
  email: string;
  password: string;
}

export interface AccountRoutesOptions {
  readonly database: Database;
  readonly tokens: TokenService;
  readonly scryptLogN: number;
  /** Every scrypt call goes through it, so a burst of logins cannot exhaust the pod's memory. */
  readonly hashing: HashingLimiter;
  readonly authIpLimiter: RateLimiterPostgres;
  readonly loginLimiter: RateLimiterPostgres;
  readonly loginThrottle: LoginThrottle;
}

/** One account per address however it is typed: trimmed, NFKC, lower-cased. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** Normalizes the email first, so ' Ann@Example.com' validates and matches like 'ann@example.com'. */
function readCredentials(body: unknown): Credentials {
  const input = body as Partial<Record<string, unknown>> | undefined;
  const normalized =
    input && typeof input === 'object' && !Array.isArray(input) && typeof input.email === 'string'
      ? { ...input, email: normalizeEmail(input.email) }
      : body;
  return validateBody<Credentials>('Credentials', normalized);
}

const UNIQUE_VIOLATION = '23505';

export function accountRoutes(options: AccountRoutesOptions): Router {
  const {
    database: { db },
    tokens,
    scryptLogN,
    hashing,
  } = options;
  const router = new Router();
  // Made on the first login for an unknown email, through the limiter like every other hash.
  let unknownUserHash: Promise<string> | undefined;
  const hashForUnknownUser = () =>
    (unknownUserHash ??= hashing
      .run(() => dummyHash(scryptLogN))
      .catch((error: unknown) => {
        unknownUserHash = undefined;
        throw error;
      }));
  const limitByIp = rateLimit(options.authIpLimiter, clientAddress);

  router.post('/api/auth/register', limitByIp, async (ctx: Context) => {
    const { email, password } = readCredentials(ctx.request.body);
    const passwordHash = await hashing.run(() => hashPassword(password, scryptLogN));
    try {
      const user = await db.insertInto('users').values({ email, password_hash: passwordHash }).returning('id').executeTakeFirstOrThrow();
      ctx.status = 201;
      ctx.body = { token: await tokens.sign(user.id) };
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new HttpProblem(409, 'Conflict', 'An account with this email already exists.', [
          { field: '/email', message: 'is already registered' },
        ]);
      }
      throw error;
    }
  });

  router.post('/api/auth/login', limitByIp, async (ctx: Context) => {
    const { email, password } = readCredentials(ctx.request.body);
    // Guessing passwords for one account is limited per account and client, on top of the IP limit,
    // and per account whatever the address, with a lockout that grows with each failure.
    await consumeOrRefuse(options.loginLimiter, `${clientAddress(ctx)}|${email}`);
    const attempt = await options.loginThrottle.begin(email);
    let user: { id: string; password_hash: string } | undefined;
    let valid: boolean;
    try {
      user = await db.selectFrom('users').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst();
      const encoded = user?.password_hash ?? (await hashForUnknownUser());
      valid = await hashing.run(() => verifyPassword(password, encoded));
    } catch (error) {
      // The check failed (database down, overload), not the password; the original error is the answer.
      await attempt.abandoned().catch(() => undefined);
      throw error;
    }
    if (!user || !valid) {
      await attempt.failed();
      throw unauthorized('Email or password is wrong.');
    }
    await attempt.succeeded();
    ctx.body = { token: await tokens.sign(user.id) };
  });

  router.get('/api/me', requireUser(tokens), async (ctx: Context) => {
    const user = await db.selectFrom('users').select(['id', 'email', 'created_at']).where('id', '=', ctx.state.userId).executeTakeFirst();
    if (!user) throw unauthorized('The account no longer exists.');
    ctx.body = { id: user.id, email: user.email, createdAt: user.created_at };
  });

  router.get('/.well-known/jwks.json', (ctx: Context) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = tokens.jwks;
  });

  return router;
}
