import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, jwtVerify, SignJWT, decodeProtectedHeader } from 'jose';
import type { TodoApiHandle } from '../src/server.js';
import { schemas } from '../src/schemas.js';
import { backends, call, openEvents, registerUser, startOn, type Reply } from './helpers.js';

const ISSUER = 'todo-api-test';
const AUDIENCE = 'todo-test';

function expectProblem(reply: Reply, status: number): void {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(status);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
  expect(reply.body).to.include({ status, type: 'about:blank' });
  expect(reply.body.title).to.be.a('string').and.not.equal('');
}

function fieldsOf(reply: Reply): string[] {
  return (reply.body.errors ?? []).map((e: { field: string }) => e.field);
}

async function kidOf(key: KeyObject): Promise<string> {
  return calculateJwkThumbprint(await exportJWK(key));
}

for (const backend of backends()) {
  describe(`todo-api HTTP on ${backend.name}`, function () {
    this.timeout(30_000);
    const current = generateKeyPairSync('ed25519');
    const previous = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let api: TodoApiHandle;
    let base: string;

    before(async () => {
      api = await startOn(backend, {
        jwtIssuer: ISSUER,
        jwtAudience: AUDIENCE,
        jwtPrivateKeyPem: current.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        jwtVerifyKeyPems: [previous.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
        allowedOrigins: ['https://todo.example.com'],
      });
      base = api.url;
    });
    after(async () => {
      await api?.close();
      await backend.cleanup();
    });

    describe('operations endpoints', () => {
      it('/livez and /readyz answer 200 with the database kind', async () => {
        expect((await call(base, 'GET', '/livez')).body).to.deep.equal({ status: 'ok' });
        const ready = await call(base, 'GET', '/readyz');
        expect(ready.status).to.equal(200);
        expect(ready.body).to.deep.equal({ status: 'ok', database: backend.name });
      });

      it('/metrics has default metrics, request histogram and count by route and status, pool gauges', async () => {
        await call(base, 'GET', '/api/tasks');
        const metrics = await call(base, 'GET', '/metrics');
        expect(metrics.status).to.equal(200);
        expect(metrics.body).to.include('process_cpu_user_seconds_total');
        expect(metrics.body).to.include('nodejs_eventloop_lag_seconds');
        expect(metrics.body).to.match(
          /^http_request_duration_seconds_bucket\{(?=[^}]*le="\+Inf")(?=[^}]*route="\/api\/tasks")(?=[^}]*status="401")[^}]*\} [1-9]/m,
        );
        expect(metrics.body).to.match(/http_requests_total\{method="GET",route="\/api\/tasks",status="401"\} [1-9]/);
        expect(metrics.body).to.match(/^db_pool_total_connections \d+$/m);
        expect(metrics.body).to.match(/^db_pool_idle_connections \d+$/m);
        expect(metrics.body).to.match(/^db_pool_waiting_connections \d+$/m);
      });

      it('/api/openapi.json is OpenAPI 3.1 built from the validation schemas', async () => {
        const doc = await call(base, 'GET', '/api/openapi.json');
        expect(doc.body.openapi).to.equal('3.1.0');
        expect(doc.body.components.schemas).to.deep.equal(JSON.parse(JSON.stringify(schemas)));
        expect(Object.keys(doc.body.paths)).to.include.members([
          '/api/auth/register',
          '/api/auth/login',
          '/api/me',
          '/api/tasks',
          '/api/tasks/{id}',
          '/api/chat/messages',
          '/api/events',
        ]);
        expect(doc.body.paths['/api/tasks'].post.requestBody.content['application/json'].schema).to.deep.equal({
          $ref: '#/components/schemas/TaskCreate',
        });
      });

      it('echoes a well-formed X-Request-Id, replaces a hostile one, and makes one when absent', async () => {
        expect((await call(base, 'GET', '/livez', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).to.equal(
          'abc-123',
        );
        const hostile = (await call(base, 'GET', '/livez', { headers: { 'x-request-id': 'a b <script>' } })).headers.get('x-request-id');
        expect(hostile).to.match(/^[0-9a-f-]{36}$/);
        expect((await call(base, 'GET', '/livez')).headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      });

      it('sets security headers on every response, errors included', async () => {
        for (const reply of [await call(base, 'GET', '/livez'), await call(base, 'GET', '/nowhere')]) {
          expect(reply.headers.get('x-content-type-options')).to.equal('nosniff');
          expect(reply.headers.get('x-frame-options')).to.equal('DENY');
          expect(reply.headers.get('content-security-policy')).to.equal("default-src 'none'; frame-ancestors 'none'");
          expect(reply.headers.get('referrer-policy')).to.equal('no-referrer');
          expect(reply.headers.get('strict-transport-security')).to.match(/max-age=31536000/);
        }
      });

      it('allows CORS only for configured origins', async () => {
        const allowed = await call(base, 'OPTIONS', '/api/tasks', {
          headers: {
            origin: 'https://todo.example.com',
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
        expect(allowed.status).to.equal(204);
        expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://todo.example.com');
        expect(allowed.headers.get('access-control-allow-headers')).to.include('Authorization');
        const denied = await call(base, 'OPTIONS', '/api/tasks', {
          headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
        });
        expect(denied.headers.get('access-control-allow-origin')).to.equal(null);
        const simple = await call(base, 'GET', '/livez', { headers: { origin: 'https://evil.example' } });
        expect(simple.headers.get('access-control-allow-origin')).to.equal(null);
      });

      it('answers unknown routes 404 and wrong methods 405, as problem+json', async () => {
        const missing = await call(base, 'GET', '/api/nothing-here');
        expectProblem(missing, 404);
        expect(missing.body.detail).to.equal('No route for GET /api/nothing-here.');
        expectProblem(await call(base, 'PUT', '/api/tasks', { json: {} }), 405);
      });
    });

    describe('accounts and tokens', () => {
      it('registers, normalizes the email, and refuses the same address in another spelling', async () => {
        const first = await call(base, 'POST', '/api/auth/register', {
          json: { email: '  Mixed.Case@Example.COM ', password: 'long enough pw' },
        });
        expect(first.status).to.equal(201);
        const me = await call(base, 'GET', '/api/me', { token: first.body.token });
        expect(me.status).to.equal(200);
        expect(me.body.email).to.equal('mixed.case@example.com');
        expect(me.body.id).to.match(/^[0-9a-f-]{36}$/);
        expect(new Date(me.body.createdAt).toISOString()).to.equal(me.body.createdAt);
        const again = await call(base, 'POST', '/api/auth/register', {
          json: { email: 'mixed.case@example.com', password: 'another password' },
        });
        expectProblem(again, 409);
        const login = await call(base, 'POST', '/api/auth/login', {
          json: { email: 'MIXED.case@example.com', password: 'long enough pw' },
        });
        expect(login.status).to.equal(200);
        expect((await call(base, 'GET', '/api/me', { token: login.body.token })).body.id).to.equal(me.body.id);
      });

      it('refuses a wrong password and an unknown account with the same 401', async () => {
        const { email } = await registerUser(base);
        const wrong = await call(base, 'POST', '/api/auth/login', { json: { email, password: 'not the password' } });
        const unknown = await call(base, 'POST', '/api/auth/login', {
          json: { email: 'nobody@example.com', password: 'not the password' },
        });
        expectProblem(wrong, 401);
        expectProblem(unknown, 401);
        expect(wrong.body.detail).to.equal(unknown.body.detail);
      });

      it('validates credentials: bad email, short password, unknown fields', async () => {
        const reply = await call(base, 'POST', '/api/auth/register', { json: { email: 'not-an-email', password: 'short', admin: true } });
        expectProblem(reply, 400);
        expect(fieldsOf(reply)).to.have.members(['/email', '/password', '/admin']);
      });

      it('issues EdDSA JWTs with iss, aud, exp and kid that verify against the published JWKS', async () => {
        const { token } = await registerUser(base);
        const jwks = await call(base, 'GET', '/.well-known/jwks.json');
        expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).to.have.members([
          await kidOf(current.publicKey),
          await kidOf(previous.publicKey),
        ]);
        expect(JSON.stringify(jwks.body)).not.to.match(/"d":/);
        const header = decodeProtectedHeader(token);
        expect(header).to.include({ alg: 'EdDSA', kid: await kidOf(current.publicKey) });
        const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), { issuer: ISSUER, audience: AUDIENCE });
        expect(payload.sub).to.match(/^[0-9a-f-]{36}$/);
        expect(payload.exp! - payload.iat!).to.equal(3600);
      });

      describe('401 for every unacceptable token', () => {
        let userId: string;
        before(async () => {
          const { token } = await registerUser(base);
          userId = (await call(base, 'GET', '/api/me', { token })).body.id;
        });
        const sign = (
          key: KeyObject,
          alg: 'EdDSA' | 'ES256',
          kid: string,
          claims: { iss?: string; aud?: string; exp?: number | string; iat?: number },
        ) => {
          let jwt = new SignJWT({}).setProtectedHeader({ alg, kid }).setSubject(userId).setIssuedAt(claims.iat);
          if (claims.iss) jwt = jwt.setIssuer(claims.iss);
          if (claims.aud) jwt = jwt.setAudience(claims.aud);
          if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
          return jwt.sign(key);
        };

        it('accepts a token from the verify-only previous key (rotation)', async () => {
          const token = await sign(previous.privateKey, 'ES256', await kidOf(previous.publicKey), {
            iss: ISSUER,
            aud: AUDIENCE,
            exp: '5m',
          });
          expect((await call(base, 'GET', '/api/me', { token })).status).to.equal(200);
        });

        const now = () => Math.floor(Date.now() / 1000);
        const real = async (iat: number, exp: number) =>
          sign(current.privateKey, 'EdDSA', await kidOf(current.publicKey), { iss: ISSUER, aud: AUDIENCE, iat, exp });

        it('accepts a token issued within the clock skew (30 s) ahead, with the configured lifetime', async () => {
          const token = await real(now() + 20, now() + 20 + 3600);
          expect((await call(base, 'GET', '/api/me', { token })).status).to.equal(200);
        });

        const cases: [string, () => Promise<string | undefined>][] = [
          ['real-key token issued a day ahead and valid for a century', () => real(now() + 86_400, now() + 100 * 365 * 86_400)],
          ['real-key token issued now and valid for a century', () => real(now(), now() + 100 * 365 * 86_400)],
          ['real-key token issued 2 minutes ahead (beyond the clock skew)', () => real(now() + 120, now() + 120 + 3600)],
          ['real-key token older than the lifetime (issued 2 h ago, exp ahead)', () => real(now() - 7200, now() + 300)],
          ['missing', async () => undefined],
          ['garbage', async () => 'not.a.jwt'],
          [
            'expired',
            async () =>
              sign(current.privateKey, 'EdDSA', await kidOf(current.publicKey), {
                iss: ISSUER,
                aud: AUDIENCE,
                exp: Math.floor(Date.now() / 1000) - 10,
              }),
          ],
          ['without exp', async () => sign(current.privateKey, 'EdDSA', await kidOf(current.publicKey), { iss: ISSUER, aud: AUDIENCE })],
          [
            'for another audience',
            async () => sign(current.privateKey, 'EdDSA', await kidOf(current.publicKey), { iss: ISSUER, aud: 'someone-else', exp: '5m' }),
          ],
          [
            'from another issuer',
            async () => sign(current.privateKey, 'EdDSA', await kidOf(current.publicKey), { iss: 'evil', aud: AUDIENCE, exp: '5m' }),
          ],
          [
            'forged with another key under our kid',
            async () =>
              sign(generateKeyPairSync('ed25519').privateKey, 'EdDSA', await kidOf(current.publicKey), {
                iss: ISSUER,
                aud: AUDIENCE,
                exp: '5m',
              }),
          ],
          [
            'alg none',
            async () => {
              const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
              return `${part({ alg: 'none', typ: 'JWT', kid: await kidOf(current.publicKey) })}.${part({ sub: userId, iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`;
            },
          ],
        ];
        for (const [name, make] of cases) {
          it(`rejects a ${name} token`, async () => {
            const token = await make();
            const reply = await call(base, 'GET', '/api/tasks', token === undefined ? {} : { token });
            expectProblem(reply, 401);
            expect(reply.headers.get('www-authenticate')).to.equal('Bearer');
          });
        }
      });
    });

    describe('tasks', () => {
      let token: string;
      before(async () => {
        ({ token } = await registerUser(base));
      });

      it('creates with defaults, reads, patches partially and deletes', async () => {
        const created = await call(base, 'POST', '/api/tasks', { token, json: { title: 'Buy milk' } });
        expect(created.status).to.equal(201);
        expect(created.headers.get('location')).to.equal(`/api/tasks/${created.body.id}`);
        expect(created.body).to.deep.include({
          title: 'Buy milk',
          description: '',
          completed: false,
          dueAt: null,
          priority: 'medium',
          tags: [],
        });
        expect(created.body.createdAt).to.equal(created.body.updatedAt);
        const id = created.body.id;
        expect((await call(base, 'GET', `/api/tasks/${id}`, { token })).body).to.deep.equal(created.body);

        const patched = await call(base, 'PATCH', `/api/tasks/${id}`, {
          token,
          json: { completed: true, priority: 'high', tags: ['home', 'food'], dueAt: '2030-05-01T17:00:00+02:00' },
        });
        expect(patched.status).to.equal(200);
        expect(patched.body).to.deep.include({
          title: 'Buy milk',
          completed: true,
          priority: 'high',
          tags: ['home', 'food'],
          dueAt: '2030-05-01T15:00:00.000Z',
        });
        expect(Date.parse(patched.body.updatedAt)).to.be.at.least(Date.parse(created.body.updatedAt));
        const cleared = await call(base, 'PATCH', `/api/tasks/${id}`, { token, json: { dueAt: null, description: 'semi-skimmed' } });
        expect(cleared.body).to.deep.include({ dueAt: null, description: 'semi-skimmed', completed: true });

        expect((await call(base, 'DELETE', `/api/tasks/${id}`, { token })).status).to.equal(204);
        expectProblem(await call(base, 'GET', `/api/tasks/${id}`, { token }), 404);
        expectProblem(await call(base, 'DELETE', `/api/tasks/${id}`, { token }), 404);
      });

      it('filters by status and searches text literally (wildcards escaped)', async () => {
        const { token: own } = await registerUser(base);
        const make = (json: object) => call(base, 'POST', '/api/tasks', { token: own, json });
        const done = await make({ title: 'Pay 100% of rent' });
        await call(base, 'PATCH', `/api/tasks/${done.body.id}`, { token: own, json: { completed: true } });
        await make({ title: 'Water plants', description: 'the RENT-free cactus too' });
        await make({ title: 'Call mum' });
        const titles = async (query: string) =>
          (await call(base, 'GET', `/api/tasks${query}`, { token: own })).body.items.map((t: { title: string }) => t.title);
        expect(await titles('')).to.deep.equal(['Pay 100% of rent', 'Water plants', 'Call mum']);
        expect(await titles('?status=all')).to.have.length(3);
        expect(await titles('?status=completed')).to.deep.equal(['Pay 100% of rent']);
        expect(await titles('?status=pending')).to.deep.equal(['Water plants', 'Call mum']);
        expect(await titles('?q=rent')).to.deep.equal(['Pay 100% of rent', 'Water plants']);
        expect(await titles('?q=100%25')).to.deep.equal(['Pay 100% of rent']);
        expect(await titles('?q=%25')).to.deep.equal(['Pay 100% of rent']);
        expect(await titles('?q=_')).to.deep.equal([]);
        expect(await titles('?q=rent&status=pending')).to.deep.equal(['Water plants']);
      });

      it('paginates with a stable opaque cursor: every task once, in order, even with inserts between pages', async () => {
        const { token: own } = await registerUser(base);
        for (let i = 1; i <= 7; i++) await call(base, 'POST', '/api/tasks', { token: own, json: { title: `t${i}` } });
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page: Reply = await call(base, 'GET', `/api/tasks?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
            token: own,
          });
          expect(page.status).to.equal(200);
          seen.push(...page.body.items.map((t: { title: string }) => t.title));
          cursor = page.body.nextCursor;
          if (pages++ === 0) await call(base, 'POST', '/api/tasks', { token: own, json: { title: 't8' } });
        } while (cursor);
        expect(seen).to.deep.equal(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
        expect(pages).to.equal(3);
      });

      it('limits: default 50, maximum 100, minimum 1', async () => {
        const { token: own } = await registerUser(base);
        await Promise.all(
          Array.from({ length: 55 }, (_, i) => call(base, 'POST', '/api/tasks', { token: own, json: { title: `bulk ${i}` } })),
        );
        const page = await call(base, 'GET', '/api/tasks', { token: own });
        expect(page.body.items).to.have.length(50);
        expect(page.body.nextCursor).to.be.a('string');
        expect((await call(base, 'GET', '/api/tasks?limit=100', { token: own })).body.items).to.have.length(55);
        for (const limit of ['0', '101', 'abc', '1.5']) {
          const bad = await call(base, 'GET', `/api/tasks?limit=${limit}`, { token: own });
          expectProblem(bad, 400);
          expect(fieldsOf(bad)).to.deep.equal(['query/limit']);
        }
      });

      it('rejects bad query parameters and bad cursors with 400', async () => {
        const bad = await call(base, 'GET', '/api/tasks?status=done&sort=asc', { token });
        expectProblem(bad, 400);
        expect(fieldsOf(bad)).to.have.members(['query/status', 'query/sort']);
        const forged = Buffer.from(JSON.stringify({ v: 1, after: '1; drop table tasks' })).toString('base64url');
        for (const cursor of ['garbage', forged, Buffer.from('[]').toString('base64url')]) {
          const reply = await call(base, 'GET', `/api/tasks?cursor=${cursor}`, { token });
          expectProblem(reply, 400);
          expect(fieldsOf(reply)).to.deep.equal(['query/cursor']);
        }
      });

      it('counts title length in code points: 200 emoji (400 UTF-16 units) fit, invisible characters beside text are kept', async () => {
        for (const title of ['😀'.repeat(200), 'a\u200bb', 'e\u0301', '👩\u200d💻']) {
          const reply = await call(base, 'POST', '/api/tasks', { token, json: { title } });
          expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
          expect(reply.body.title).to.equal(title);
        }
      });

      it('rejects bad bodies with field errors', async () => {
        const cases: [unknown, string[]][] = [
          [{}, ['/title']],
          [{ title: '' }, ['/title']],
          [{ title: '   ' }, ['/title']],
          [{ title: '\u200b\u200b' }, ['/title']], // zero-width spaces
          [{ title: ' \u200d\u200c\u2060\ufeff ' }, ['/title']], // joiners, word joiner, BOM
          [{ title: '\u00ad\u200e\u202e\u3164\ufe0f\u2800\t' }, ['/title']], // soft hyphen, bidi, Hangul filler, variation selector, braille blank
          [{ title: 'x'.repeat(201) }, ['/title']],
          [{ title: '😀'.repeat(201) }, ['/title']], // 201 code points
          [{ title: 42 }, ['/title']],
          [{ title: 'ok', description: 'd'.repeat(2001) }, ['/description']],
          [{ title: 'ok', priority: 'urgent' }, ['/priority']],
          [{ title: 'ok', dueAt: 'tomorrow' }, ['/dueAt']],
          [{ title: 'ok', tags: 'home' }, ['/tags']],
          [{ title: 'ok', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, ['/tags']],
          [{ title: 'ok', tags: ['a', 'a'] }, ['/tags']],
          [{ title: 'ok', completed: true }, ['/completed']],
          [{ title: 'ok', userId: 'someone' }, ['/userId']],
          [[{ title: 'array' }], ['/']],
        ];
        for (const [json, fields] of cases) {
          const reply = await call(base, 'POST', '/api/tasks', { token, json });
          expectProblem(reply, 400);
          expect(fieldsOf(reply), JSON.stringify(json)).to.include.members(fields);
        }
        const { body: task } = await call(base, 'POST', '/api/tasks', { token, json: { title: 'valid' } });
        expectProblem(await call(base, 'PATCH', `/api/tasks/${task.id}`, { token, json: {} }), 400);
        expect(fieldsOf(await call(base, 'PATCH', `/api/tasks/${task.id}`, { token, json: { title: '\u200b\u200b' } }))).to.deep.equal([
          '/title',
        ]);
        const patch = await call(base, 'PATCH', `/api/tasks/${task.id}`, { token, json: { completed: 'yes', id: 'x' } });
        expect(fieldsOf(patch)).to.have.members(['/completed', '/id']);
      });

      it('rejects malformed JSON (400), wrong content type (415) and bodies over 64 KiB (413)', async () => {
        const malformed = await call(base, 'POST', '/api/tasks', {
          token,
          raw: '{"title": "x",',
          headers: { 'content-type': 'application/json' },
        });
        expectProblem(malformed, 400);
        expect(malformed.body.detail).to.equal('The body is not valid JSON.');
        expectProblem(
          await call(base, 'POST', '/api/tasks', {
            token,
            raw: 'title=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
          415,
        );
        expectProblem(
          await call(base, 'POST', '/api/tasks', { token, raw: '{"title":"x"}', headers: { 'content-type': 'text/plain' } }),
          415,
        );
        expectProblem(await call(base, 'POST', '/api/tasks', { token, raw: '{"title":"x"}', headers: { 'content-type': '' } }), 415);
        const huge = await call(base, 'POST', '/api/tasks', { token, json: { title: 'x', description: 'y'.repeat(70 * 1024) } });
        expectProblem(huge, 413);
      });

      it('rejects NUL characters, malformed percent-encoding and out-of-range dates with 400', async () => {
        expect(fieldsOf(await call(base, 'POST', '/api/tasks', { token, json: { title: 'a\u0000b' } }))).to.deep.equal(['/title']);
        expect(fieldsOf(await call(base, 'POST', '/api/tasks', { token, json: { title: 'ok', tags: ['\u0000'] } }))).to.deep.equal([
          '/tags/0',
        ]);
        expectProblem(await call(base, 'GET', '/api/tasks?q=%00', { token }), 400);
        expect((await call(base, 'GET', '/api/tasks/%E0%A4%A', { token })).status).to.equal(400);
        expect((await call(base, 'GET', '/api/tasks?q=%E0%A4%A', { token })).status).to.equal(200);
        expectProblem(await call(base, 'POST', '/api/tasks', { token, json: { title: 'ok', dueAt: '0000-01-01T00:00:00Z' } }), 400);
      });

      it('rejects ids that are not UUIDs for every verb', async () => {
        for (const [method, json] of [
          ['GET', undefined],
          ['PATCH', { title: 'x' }],
          ['DELETE', undefined],
        ] as const) {
          const reply = await call(base, method, '/api/tasks/not-a-uuid', { token, ...(json ? { json } : {}) });
          expectProblem(reply, 400);
          expect(fieldsOf(reply)).to.deep.equal(['path/id']);
        }
      });

      it("isolates users: another user's task is 404 for every verb, and stays untouched", async () => {
        const owner = await registerUser(base);
        const intruder = await registerUser(base);
        const { body: task } = await call(base, 'POST', '/api/tasks', { token: owner.token, json: { title: 'private', tags: ['secret'] } });
        expectProblem(await call(base, 'GET', `/api/tasks/${task.id}`, { token: intruder.token }), 404);
        expectProblem(
          await call(base, 'PATCH', `/api/tasks/${task.id}`, { token: intruder.token, json: { title: 'pwned', completed: true } }),
          404,
        );
        expectProblem(await call(base, 'DELETE', `/api/tasks/${task.id}`, { token: intruder.token }), 404);
        const list = await call(base, 'GET', '/api/tasks?q=private', { token: intruder.token });
        expect(list.body).to.deep.equal({ items: [], nextCursor: null });
        const unknown = await call(base, 'GET', `/api/tasks/00000000-0000-4000-8000-000000000000`, { token: owner.token });
        expectProblem(unknown, 404);
        expect((await call(base, 'GET', `/api/tasks/${task.id}`, { token: owner.token })).body).to.deep.equal(task);
      });
    });

    describe('chat history', () => {
      it('appends batches and returns the last N oldest first, per user', async () => {
        const alice = await registerUser(base);
        const bob = await registerUser(base);
        const first = await call(base, 'POST', '/api/chat/messages', {
          token: alice.token,
          json: {
            messages: [
              { role: 'user', text: 'add milk' },
              { role: 'assistant', text: 'Added "milk".' },
            ],
          },
        });
        expect(first.status).to.equal(201);
        expect(first.body.messages.map((m: { role: string; text: string }) => [m.role, m.text])).to.deep.equal([
          ['user', 'add milk'],
          ['assistant', 'Added "milk".'],
        ]);
        expect(first.body.messages[0].id).to.match(/^[0-9a-f-]{36}$/);
        await call(base, 'POST', '/api/chat/messages', { token: alice.token, json: { messages: [{ role: 'user', text: 'list' }] } });
        await call(base, 'POST', '/api/chat/messages', { token: bob.token, json: { messages: [{ role: 'user', text: 'bob here' }] } });
        const all = await call(base, 'GET', '/api/chat/messages', { token: alice.token });
        expect(all.body.messages.map((m: { text: string }) => m.text)).to.deep.equal(['add milk', 'Added "milk".', 'list']);
        const last2 = await call(base, 'GET', '/api/chat/messages?limit=2', { token: alice.token });
        expect(last2.body.messages.map((m: { text: string }) => m.text)).to.deep.equal(['Added "milk".', 'list']);
        expect(
          (await call(base, 'GET', '/api/chat/messages', { token: bob.token })).body.messages.map((m: { text: string }) => m.text),
        ).to.deep.equal(['bob here']);
      });

      it('validates chat input and limits', async () => {
        const { token } = await registerUser(base);
        const message = { role: 'user', text: 'hi' };
        const cases: [unknown, string][] = [
          [{ messages: [] }, '/messages'],
          [{ messages: Array.from({ length: 11 }, () => message) }, '/messages'],
          [{ messages: [{ role: 'system', text: 'x' }] }, '/messages/0/role'],
          [{ messages: [{ role: 'user', text: '' }] }, '/messages/0/text'],
          [{ messages: [{ role: 'user', text: 'x'.repeat(4001) }] }, '/messages/0/text'],
          [{ messages: [message], extra: 1 }, '/extra'],
        ];
        for (const [json, field] of cases) {
          const reply = await call(base, 'POST', '/api/chat/messages', { token, json });
          expectProblem(reply, 400);
          expect(fieldsOf(reply)).to.include(field);
        }
        expect(
          (await call(base, 'POST', '/api/chat/messages', { token, json: { messages: Array.from({ length: 10 }, () => message) } })).status,
        ).to.equal(201);
        expectProblem(await call(base, 'GET', '/api/chat/messages?limit=201', { token }), 400);
        expect((await call(base, 'GET', '/api/chat/messages?limit=200', { token })).body.messages).to.have.length(10);
        expectProblem(await call(base, 'GET', '/api/chat/messages'), 401);
      });
    });

    describe('hostile input never causes a 5xx (fast-check)', () => {
      let token: string;
      let taskId: string;
      before(async () => {
        ({ token } = await registerUser(base));
        taskId = (await call(base, 'POST', '/api/tasks', { token, json: { title: 'target' } })).body.id;
      });
      const hostileString = fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 50 }),
        fc.constantFrom('\u0000', "'; drop table tasks; --", '%', '_', '\\', '__proto__', 'constructor', '\ud800', 'x'.repeat(5000)),
      );
      const hostileJson = fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            title: fc.anything(),
            description: fc.anything(),
            dueAt: fc.oneof(
              hostileString,
              fc.date().map((d) => (Number.isNaN(d.getTime()) ? null : d.toISOString())),
            ),
            priority: hostileString,
            tags: fc.anything(),
            completed: fc.anything(),
          },
          { requiredKeys: [] },
        ),
        fc.dictionary(hostileString, fc.anything()),
      );
      // Percent-encodes UTF-8 bytes; unlike encodeURIComponent it accepts lone surrogates.
      const encode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
      const sendJson = (method: string, url: string, json: unknown) =>
        call(base, method, url, { token, raw: JSON.stringify(json) ?? 'null', headers: { 'content-type': 'application/json' } });
      const runs = { numRuns: 40 };

      it('POST and PATCH /api/tasks with random JSON', async () => {
        await fc.assert(
          fc.asyncProperty(hostileJson, async (json) => {
            for (const reply of [await sendJson('POST', '/api/tasks', json), await sendJson('PATCH', `/api/tasks/${taskId}`, json)]) {
              expect(reply.status, JSON.stringify(json)).to.be.below(500);
              if (reply.status >= 400) expect(reply.headers.get('content-type')).to.match(/problem\+json/);
            }
          }),
          runs,
        );
      });

      it('auth, chat and query strings with random input', async () => {
        await fc.assert(
          fc.asyncProperty(hostileJson, hostileString, hostileString, async (json, text, param) => {
            const replies = [
              await sendJson('POST', '/api/auth/login', json),
              await sendJson('POST', '/api/chat/messages', { messages: [{ role: 'user', text }] }),
              await sendJson('POST', '/api/chat/messages', json),
              await call(base, 'GET', `/api/tasks?q=${encode(param)}&cursor=${encode(text)}&limit=${encode(param)}`, { token }),
              await call(base, 'GET', `/api/tasks/${encode(param)}`, { token }),
            ];
            for (const reply of replies) expect(reply.status, JSON.stringify([json, text, param])).to.be.below(500);
          }),
          runs,
        );
      });

      it('raw bytes with a JSON content type', async () => {
        await fc.assert(
          fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
            const reply = await call(base, 'POST', '/api/tasks', {
              token,
              raw: Buffer.from(bytes),
              headers: { 'content-type': 'application/json' },
            });
            expect(reply.status).to.be.oneOf([201, 400]);
          }),
          runs,
        );
      });
    });

    describe('/api/events', () => {
      it("streams the caller's task changes, and only the caller's", async () => {
        const alice = await registerUser(base);
        const bob = await registerUser(base);
        const abort = new AbortController();
        try {
          const { response, reader } = await openEvents(base, alice.token, abort.signal);
          expect(response.status).to.equal(200);
          expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
          await call(base, 'POST', '/api/tasks', { token: bob.token, json: { title: 'bob task' } });
          const { body: task } = await call(base, 'POST', '/api/tasks', { token: alice.token, json: { title: 'alice task' } });
          expect(JSON.parse((await reader.next('tasks-changed')).data)).to.deep.equal({ reason: 'created', taskId: task.id });
          await call(base, 'PATCH', `/api/tasks/${task.id}`, { token: alice.token, json: { completed: true } });
          expect(JSON.parse((await reader.next('tasks-changed')).data)).to.deep.equal({ reason: 'updated', taskId: task.id });
          await call(base, 'DELETE', `/api/tasks/${task.id}`, { token: alice.token });
          expect(JSON.parse((await reader.next('tasks-changed')).data)).to.deep.equal({ reason: 'deleted', taskId: task.id });
          expect(reader.pending('tasks-changed')).to.equal(0);
        } finally {
          abort.abort();
        }
      });

      it('requires a valid token', async () => {
        expectProblem(await call(base, 'GET', '/api/events'), 401);
        expectProblem(await call(base, 'GET', '/api/events', { token: 'x.y.z' }), 401);
      });
    });
  });
}
