import { DATABASE_SERVER, requireOrSkip } from '../support/requirements.js';
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign as signBytes } from 'node:crypto';
import { expect } from 'chai';
import { exportJWK, SignJWT, type JWK } from 'jose';
import { adminQuery, backends, call, openEvents, TEST_CONFIG, type Backend } from '../../services/todo-api/test/helpers.js';
import { startTodoApi, type TodoApiHandle } from '../../services/todo-api/src/server.js';

const ISSUER = 'todo-api';
const AUDIENCE = 'todo-platform';
const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** A JWT assembled by hand, so header and signature can be anything an attacker likes. */
function handMade(header: object, payload: object, sign: (input: string) => string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${sign(input)}`;
}

const hs256 = (secret: string | Buffer) => (input: string) => createHmac('sha256', secret).update(input).digest('base64url');

/** Every authenticated request a token holder could make; a forged token must get 401 on each. */
function probes(taskId: string): readonly { readonly method: string; readonly path: string; readonly json?: unknown }[] {
  return [
    { method: 'GET', path: '/api/me' },
    { method: 'GET', path: '/api/tasks' },
    { method: 'POST', path: '/api/tasks', json: { title: 'forged write' } },
    { method: 'GET', path: `/api/tasks/${taskId}` },
    { method: 'PATCH', path: `/api/tasks/${taskId}`, json: { title: 'forged change' } },
    { method: 'DELETE', path: `/api/tasks/${taskId}` },
    { method: 'GET', path: '/api/chat/messages' },
    { method: 'POST', path: '/api/chat/messages', json: { messages: [{ role: 'user', text: 'forged' }] } },
  ];
}

/** The PostgreSQL server when DATABASE_URL is set (a deleted user can be made there), else PGlite. */
const backend: Backend = backends().at(-1)!;

describe(`reliability: token forgery and cross-user access (${backend.name})`, function () {
  this.timeout(60_000);
  const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const signingKey = createPrivateKey(signingKeyPem);
  const attackerKey = generateKeyPairSync('ed25519').privateKey;
  const attackerP256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  let api: TodoApiHandle;
  let databaseUrl: string | undefined;
  let alice: { token: string; id: string };
  let bob: { token: string; id: string };
  let kid: string;
  let publicJwk: JWK;
  let aliceTask: { id: string; title: string };

  const register = async (email: string) => {
    const reply = await call(api.url, 'POST', '/api/auth/register', { json: { email, password: 'forgery test password' } });
    expect(reply.status).to.equal(201);
    const me = await call(api.url, 'GET', '/api/me', { token: reply.body.token });
    return { token: reply.body.token as string, id: me.body.id as string };
  };
  /** Claims of a valid token for `sub`, to be spoiled one at a time. */
  const claims = (sub: string, extra: object = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { sub, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600, ...extra };
  };
  const signedByServerKey = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT', ...header }).sign(signingKey);

  before(async () => {
    const overrides = await backend.create();
    databaseUrl = overrides.databaseUrl;
    api = await startTodoApi({ ...TEST_CONFIG, ...overrides, jwtPrivateKeyPem: signingKeyPem });
    const jwks = (await call(api.url, 'GET', '/.well-known/jwks.json')).body as { keys: JWK[] };
    publicJwk = jwks.keys[0]!;
    kid = publicJwk.kid!;
    alice = await register(`alice.${randomUUID()}@example.com`);
    bob = await register(`bob.${randomUUID()}@example.com`);
    const created = await call(api.url, 'POST', '/api/tasks', {
      token: alice.token,
      json: { title: 'alice secret plan', tags: ['private'] },
    });
    aliceTask = { id: created.body.id, title: created.body.title };
    await call(api.url, 'POST', '/api/chat/messages', {
      token: alice.token,
      json: { messages: [{ role: 'user', text: 'alice private chat' }] },
    });
  });
  after(async () => {
    await api?.close();
    await backend.cleanup();
  });

  it('a genuine token works (the control: forgeries below fail for the right reason)', async () => {
    const token = await signedByServerKey(claims(alice.id));
    expect((await call(api.url, 'GET', '/api/me', { token })).body.id).to.equal(alice.id);
  });

  it('rejects every forged, spoiled or misdirected token with 401 on every route: 0 successes', async () => {
    const spkiPem = createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }).toString();
    const ed25519 = (input: string) => signBytes(null, Buffer.from(input), signingKey).toString('base64url');
    const genuine = await signedByServerKey(claims(alice.id));
    const [head, , signature] = genuine.split('.');
    const now = Math.floor(Date.now() / 1000);
    const forgeries: Record<string, string> = {
      'alg none': handMade({ alg: 'none', typ: 'JWT' }, claims(alice.id), () => ''),
      'alg none, kid of the server': handMade({ alg: 'none', kid }, claims(alice.id), () => ''),
      'alg NONE (case)': handMade({ alg: 'NONE', kid }, claims(alice.id), () => ''),
      'HS256 with the public JWK as secret': handMade({ alg: 'HS256', kid }, claims(alice.id), hs256(JSON.stringify(publicJwk))),
      'HS256 with the public SPKI PEM as secret': handMade({ alg: 'HS256', kid }, claims(alice.id), hs256(spkiPem)),
      'HS256 with the raw public key as secret': handMade(
        { alg: 'HS256', kid },
        claims(alice.id),
        hs256(Buffer.from(publicJwk.x!, 'base64url')),
      ),
      'HS256 with the kid as secret': handMade({ alg: 'HS256', kid }, claims(alice.id), hs256(kid)),
      'attacker key, server kid': await new SignJWT(claims(alice.id)).setProtectedHeader({ alg: 'EdDSA', kid }).sign(attackerKey),
      'attacker P-256 key, server kid': await new SignJWT(claims(alice.id)).setProtectedHeader({ alg: 'ES256', kid }).sign(attackerP256),
      'attacker key, unknown kid': await new SignJWT(claims(alice.id))
        .setProtectedHeader({ alg: 'EdDSA', kid: 'attacker-kid' })
        .sign(attackerKey),
      'attacker key embedded as jwk header': await new SignJWT(claims(alice.id))
        .setProtectedHeader({ alg: 'EdDSA', jwk: await exportJWK(createPublicKey(attackerKey)) })
        .sign(attackerKey),
      'attacker key via jku header': await new SignJWT(claims(alice.id))
        .setProtectedHeader({ alg: 'EdDSA', kid: 'x', jku: 'http://127.0.0.1:1/jwks.json' })
        .sign(attackerKey),
      'server key, unknown kid': await signedByServerKey(claims(alice.id), { kid: 'not-a-known-kid' }),
      expired: await signedByServerKey(claims(alice.id, { iat: now - 7200, exp: now - 60 })),
      'not yet valid (nbf in an hour)': await signedByServerKey(claims(alice.id, { nbf: now + 3600 })),
      'other audience': await signedByServerKey(claims(alice.id, { aud: 'some-other-service' })),
      'other issuer': await signedByServerKey(claims(alice.id, { iss: 'https://evil.example' })),
      'no exp': await signedByServerKey({ sub: alice.id, iss: ISSUER, aud: AUDIENCE, iat: now }),
      'no sub': await signedByServerKey({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 }),
      'tampered payload (admin: true added under a genuine signature)': `${head}.${b64url(JSON.stringify(claims(alice.id, { admin: true })))}.${signature}`,
      'bob token with alice sub swapped in': (() => {
        const [h, p, s] = bob.token.split('.');
        const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
        return `${h}.${b64url(JSON.stringify({ ...payload, sub: alice.id }))}.${s}`;
      })(),
      'signature stripped': `${head}.${genuine.split('.')[1]}.`,
      'server key, crit header the server does not know': handMade(
        { alg: 'EdDSA', kid, crit: ['x-unknown'], 'x-unknown': 1 },
        claims(alice.id),
        ed25519,
      ),
      'server key, alg lower-cased ("eddsa"), no kid': handMade({ alg: 'eddsa' }, claims(alice.id), ed25519),
    };
    const successes: string[] = [];
    const unexpected: string[] = [];
    const routes = probes(aliceTask.id);
    for (const [name, token] of Object.entries(forgeries)) {
      for (const probe of routes) {
        const reply = await call(api.url, probe.method, probe.path, { token, ...(probe.json ? { json: probe.json } : {}) });
        if (reply.status < 400) successes.push(`${name}: ${probe.method} ${probe.path} → ${reply.status}`);
        else if (reply.status !== 401 || !/^Bearer/.test(reply.headers.get('www-authenticate') ?? '')) {
          unexpected.push(`${name}: ${probe.method} ${probe.path} → ${reply.status}`);
        }
      }
      const events = await fetch(`${api.url}/api/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(3000),
      });
      await events.body?.cancel();
      if (events.status !== 401) (events.status < 400 ? successes : unexpected).push(`${name}: GET /api/events → ${events.status}`);
    }
    const attempts = Object.keys(forgeries).length * (routes.length + 1);
    console.log(
      `      forgeries: ${Object.keys(forgeries).length} tokens x ${routes.length + 1} routes = ${attempts} attempts, ${successes.length} successes`,
    );
    expect(successes).to.deep.equal([]);
    expect(unexpected).to.deep.equal([]);
    // Nothing was written, changed or deleted by any forgery.
    const aliceTasks = await call(api.url, 'GET', '/api/tasks', { token: alice.token });
    expect(aliceTasks.body.items.map((t: { title: string }) => t.title)).to.deep.equal(['alice secret plan']);
    const aliceChat = await call(api.url, 'GET', '/api/chat/messages', { token: alice.token });
    expect(aliceChat.body.messages.map((m: { text: string }) => m.text)).to.deep.equal(['alice private chat']);
  });

  it('a validly signed token for a user that does not exist gets no data and writes nothing', async () => {
    const token = await signedByServerKey(claims(randomUUID()));
    expect((await call(api.url, 'GET', '/api/me', { token })).status).to.equal(401);
    const list = await call(api.url, 'GET', '/api/tasks', { token });
    expect(list.body.items ?? []).to.deep.equal([]);
    const write = await call(api.url, 'POST', '/api/tasks', { token, json: { title: 'ghost write' } });
    expect(write.status, JSON.stringify(write.body)).to.be.within(400, 499);
    expect((await call(api.url, 'GET', `/api/tasks/${aliceTask.id}`, { token })).status).to.equal(404);
  });

  it('a deleted user’s still-unexpired token gets no data (server path)', async function () {
    requireOrSkip(this, Boolean(databaseUrl), DATABASE_SERVER);
    const carol = await register(`carol.${randomUUID()}@example.com`);
    await call(api.url, 'POST', '/api/tasks', { token: carol.token, json: { title: 'carol task' } });
    await adminQuery('delete from users where id = $1', [carol.id], databaseUrl);
    expect((await call(api.url, 'GET', '/api/me', { token: carol.token })).status).to.equal(401);
    expect((await call(api.url, 'GET', '/api/tasks', { token: carol.token })).body.items ?? []).to.deep.equal([]);
    const write = await call(api.url, 'POST', '/api/tasks', { token: carol.token, json: { title: 'after deletion' } });
    expect(write.status, JSON.stringify(write.body)).to.be.within(400, 499);
  });

  it('user B never sees or changes user A’s data on any route: 0 successes', async () => {
    const successes: string[] = [];
    let checks = 0;
    const record = (what: string, leaked: boolean) => {
      checks++;
      if (leaked) successes.push(what);
    };
    const path = `/api/tasks/${aliceTask.id}`;
    const asBob = (method: string, url: string, json?: unknown) =>
      call(api.url, method, url, { token: bob.token, ...(json ? { json } : {}) });

    const controller = new AbortController();
    const bobEvents = await openEvents(api.url, bob.token, controller.signal);
    const aliceEvents = await openEvents(api.url, alice.token, controller.signal);
    try {
      for (const [method, json] of [['GET'], ['PATCH', { title: 'bob was here', completed: true }], ['DELETE']] as const) {
        const reply = await asBob(method, path, json);
        record(`${method} ${path} → ${reply.status}`, reply.status !== 404);
        record(`${method} leaked the title`, JSON.stringify(reply.body).includes('alice secret plan'));
      }
      const list = await asBob('GET', '/api/tasks?status=all&limit=100');
      record('list shows alice task', JSON.stringify(list.body).includes(aliceTask.id));
      const search = await asBob('GET', `/api/tasks?q=${encodeURIComponent('secret plan')}`);
      record('search finds alice task', JSON.stringify(search.body).includes(aliceTask.id));
      // A cursor is a position, not a capability: alice's cursor in bob's hands shows bob's page only.
      await call(api.url, 'POST', '/api/tasks', { token: alice.token, json: { title: 'alice second' } });
      const alicePage = await call(api.url, 'GET', '/api/tasks?limit=1', { token: alice.token });
      expect(alicePage.body.nextCursor).to.be.a('string');
      const withCursor = await asBob('GET', `/api/tasks?limit=100&cursor=${encodeURIComponent(alicePage.body.nextCursor)}`);
      record(
        `alice cursor for bob → ${withCursor.status} ${JSON.stringify(withCursor.body)}`,
        JSON.stringify(withCursor.body).includes('alice'),
      );
      const chat = await asBob('GET', '/api/chat/messages?limit=200');
      record('chat history shows alice messages', JSON.stringify(chat.body).includes('alice private chat'));

      // Alice changes her task: her stream hears it, bob's does not.
      await call(api.url, 'PATCH', path, { token: alice.token, json: { completed: true } });
      await aliceEvents.reader.next('tasks-changed', 5000);
      await new Promise((r) => setTimeout(r, 300));
      record('bob stream got alice change', bobEvents.reader.pending('tasks-changed') > 0);
    } finally {
      controller.abort();
    }
    console.log(
      `      cross-user: ${checks} checks of bob against alice's task (GET/PATCH/DELETE), list, search, cursor, chat and events, ${successes.length} successes`,
    );
    expect(successes).to.deep.equal([]);
    const after = await call(api.url, 'GET', path, { token: alice.token });
    expect(after.status).to.equal(200);
    expect(after.body).to.include({ title: 'alice secret plan', completed: true });
  });
});
