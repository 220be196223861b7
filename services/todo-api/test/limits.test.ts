import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { startTodoApi, type TodoApiHandle } from '../src/server.js';
import { backends, call, openEvents, registerUser, startOn, TEST_CONFIG } from './helpers.js';

// Limits are counted in the database (the embedded one here); the last suite shares a server between processes.
describe('todo-api rate limits', function () {
  this.timeout(30_000);
  let api: TodoApiHandle;
  let spareToken: string; // a user no test has rate-limited, for the last test

  before(async () => {
    api = await startTodoApi({
      ...TEST_CONFIG,
      dataDir: 'memory://',
      databaseUrl: undefined,
      loginRateLimit: 3,
      authIpRateLimit: 14,
      authWindowMs: 60_000,
      apiRateLimitPerMinute: 20,
      sseMaxStreamsPerUser: 3,
    });
  });
  after(() => api?.close());

  it('caps open event streams per user (429 beyond), and a closed stream frees its slot', async () => {
    const [ann, bob] = [await registerUser(api.url), await registerUser(api.url)];
    const controllers = Array.from({ length: 12 }, () => new AbortController());
    const opened = await Promise.all(controllers.map((c) => openEvents(api.url, ann.token, c.signal)));
    const statuses = opened.map((o) => o.response.status);
    expect(statuses.filter((s) => s === 200)).to.have.length(3);
    expect(statuses.filter((s) => s === 429)).to.have.length(9);
    const refused = opened.find((o) => o.response.status === 429)!.response;
    expect(refused.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).to.be.greaterThan(0);
    // Another user is not affected.
    const bobs = new AbortController();
    expect((await openEvents(api.url, bob.token, bobs.signal)).response.status).to.equal(200);
    // Closing one of Ann's streams lets her open one more, and only one.
    controllers[statuses.indexOf(200)]!.abort();
    let reopened = 0;
    for (let tries = 0; tries < 50 && reopened !== 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const c = new AbortController();
      controllers.push(c);
      reopened = (await openEvents(api.url, ann.token, c.signal)).response.status;
    }
    expect(reopened).to.equal(200);
    const extra = new AbortController();
    expect((await openEvents(api.url, ann.token, extra.signal)).response.status).to.equal(429);
    for (const c of [...controllers, bobs, extra]) c.abort();
  });

  it('limits login attempts per account and client with 429 and Retry-After, before checking the password', async () => {
    const { email, password } = await registerUser(api.url);
    for (let i = 0; i < 3; i++) {
      expect((await call(api.url, 'POST', '/api/auth/login', { json: { email, password: 'wrong password' } })).status).to.equal(401);
    }
    const limited = await call(api.url, 'POST', '/api/auth/login', { json: { email, password } });
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
    // Another account from the same client is still allowed.
    const other = await registerUser(api.url);
    expect((await call(api.url, 'POST', '/api/auth/login', { json: { email: other.email, password: other.password } })).status).to.equal(
      200,
    );
    spareToken = other.token;
  });

  it('limits authenticated API calls per user', async () => {
    const { token } = await registerUser(api.url);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await call(api.url, 'GET', '/api/tasks', { token })).status);
    expect(statuses.slice(0, 20)).to.deep.equal(Array(20).fill(200));
    expect(statuses.slice(20)).to.deep.equal([429, 429]);
  });

  it('limits registrations and logins per client IP', async () => {
    // Earlier tests in this file used 10 of the 14 auth requests allowed per IP.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await call(api.url, 'POST', '/api/auth/register', { json: { email: `ip${i}@example.com`, password: 'long enough pw' } })).status,
      );
    }
    expect(statuses).to.deep.equal([201, 201, 201, 201, 429, 429]);
  });

  it('close() ends open event streams and stops the server', async () => {
    const { response, reader } = await openEvents(api.url, spareToken, new AbortController().signal);
    expect(response.status).to.equal(200);
    await api.close();
    await reader.done; // the stream ended from the server side
    let refused = false;
    try {
      await fetch(`${api.url}/livez`);
    } catch {
      refused = true;
    }
    expect(refused).to.equal(true);
  });
});

describe('todo-api client IP behind proxies (TRUST_PROXY_HOPS)', function () {
  this.timeout(60_000);
  // The per-IP auth limit shows which address the API took as the client's: 2 requests per IP.
  const attempt = (base: string, forwardedFor?: string) =>
    call(base, 'POST', '/api/auth/register', {
      json: { email: 'not-an-email', password: 'x' },
      ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {}),
    }).then((reply) => reply.status);

  for (const hops of [0, 1, 2]) {
    describe(`with ${hops} hop(s)`, () => {
      let api: TodoApiHandle;
      before(async () => {
        api = await startTodoApi({
          ...TEST_CONFIG,
          dataDir: 'memory://',
          databaseUrl: undefined,
          authIpRateLimit: 2,
          trustProxyHops: hops,
        });
      });
      after(() => api?.close());

      it('a client cannot pick its address by prepending X-Forwarded-For entries', async () => {
        // What a client sends, then what each proxy appends: the client's real address, then the first proxy's.
        const through = (spoofed: string, client: string) => [spoofed, client, '10.0.0.1'].slice(0, hops === 0 ? 1 : hops + 1).join(', ');
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push(await attempt(api.url, through(`198.51.100.${i}`, '203.0.113.7')));
        // Always one client: every spoofed address counts against the same limit.
        expect(statuses).to.deep.equal([400, 400, 429, 429]);
        // Another real client (behind the proxies) has its own budget, unless no proxy is trusted.
        const other = await attempt(api.url, through('198.51.100.9', '203.0.113.8'));
        expect(other).to.equal(hops === 0 ? 429 : 400);
      });
    });
  }
});

for (const backend of backends())
  describe(`todo-api per-account login lockout with backoff on ${backend.name}`, function () {
    this.timeout(60_000);
    let api: TodoApiHandle;
    before(async () => {
      api = await startOn(backend, {
        trustProxyHops: 1,
        loginLockout: { failuresBeforeLockout: 3, lockoutBaseSeconds: 1, lockoutMaxSeconds: 2 },
      });
    });
    after(async () => {
      await api?.close();
      await backend.cleanup();
    });

    // Every attempt from another address, as a botnet would: per-IP limits never trigger.
    let address = 0;
    const login = (email: string, password: string) =>
      call(api.url, 'POST', '/api/auth/login', {
        json: { email, password },
        headers: { 'x-forwarded-for': `203.0.113.${++address % 250}` },
      });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('locks an account after consecutive failures from many addresses, longer after each further failure, until a success', async () => {
      const { email, password } = await registerUser(api.url);
      for (let i = 0; i < 3; i++) expect((await login(email, 'wrong password')).status).to.equal(401);
      const locked = await login(email, password); // even the right password waits
      expect(locked.status).to.equal(429);
      expect(locked.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(locked.headers.get('retry-after')).to.equal('1');
      expect(locked.body.detail).to.equal('Too many failed logins for this account; retry in 1 s.');

      await sleep(1100);
      expect((await login(email, 'wrong password')).status).to.equal(401); // the 4th failure: 2 s
      expect((await login(email, password)).headers.get('retry-after')).to.equal('2');
      await sleep(2100);
      expect((await login(email, 'wrong password')).status).to.equal(401); // the 5th: 4 s, capped at 2 s
      expect((await login(email, password)).headers.get('retry-after')).to.equal('2');
      await sleep(2100);

      expect((await login(email, password)).status).to.equal(200); // a success clears the failures
      for (let i = 0; i < 2; i++) expect((await login(email, 'wrong password')).status).to.equal(401);
      expect((await login(email, password)).status).to.equal(200);
    });

    it('lets at most N+1 of a burst of concurrent guesses from many addresses reach the password check', async () => {
      const { email } = await registerUser(api.url);
      const statuses = await Promise.all(Array.from({ length: 20 }, () => login(email, 'wrong password').then((r) => r.status)));
      expect(statuses.filter((s) => s === 401).length).to.be.within(3, 4);
      expect(statuses.filter((s) => s !== 401)).to.deep.equal(Array(statuses.filter((s) => s !== 401).length).fill(429));
    });

    it('locks unknown emails the same way, so a lockout reveals no account', async () => {
      for (let i = 0; i < 3; i++) expect((await login('nobody@example.com', 'wrong password')).status).to.equal(401);
      expect((await login('nobody@example.com', 'wrong password')).status).to.equal(429);
      const other = await registerUser(api.url);
      expect((await login(other.email, other.password)).status).to.equal(200);
    });
  });

describe('todo-api limits shared by processes on one PostgreSQL database', function () {
  this.timeout(120_000);
  const children: ChildProcess[] = [];
  let env: Record<string, string>;
  const backend = backends().find((b) => b.name === 'postgres');

  /** Starts a real todo-api process (main.ts) and resolves with its URL once it listens. */
  async function startProcess(): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/todo-api/src/main.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let output = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk) => {
        output += String(chunk);
        const port = /"port":(\d+),[^\n]*"msg":"todo-api listening"/.exec(output)?.[1];
        if (port) resolve(`http://127.0.0.1:${port}`);
      });
      child.on('exit', (code) => reject(new Error(`todo-api exited with ${code}: ${output}`)));
    });
  }

  before(async function () {
    if (!backend) return this.skip(); // needs DATABASE_URL
    const store = await backend.create();
    env = {
      PATH: process.env.PATH!,
      DATABASE_URL: store.databaseUrl!,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SCRYPT_LOG_N: '10',
      LOGIN_RATE_LIMIT: '4',
      AUTH_IP_RATE_LIMIT: '1000',
      API_RATE_LIMIT_PER_MINUTE: '6',
      LOGIN_LOCKOUT_AFTER_FAILURES: '1000',
      SHUTDOWN_DELAY_MS: '0',
    };
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await backend?.cleanup();
  });

  it('the login limit holds across two replicas and a restart; so does the per-user API budget', async () => {
    const [first, b] = await Promise.all([startProcess(), startProcess()]);
    let a = first;
    const { email, token } = await registerUser(a!);
    const login = (base: string) =>
      call(base, 'POST', '/api/auth/login', { json: { email, password: 'wrong password' } }).then((r) => r.status);
    const statuses = [];
    for (const base of [a, b, a, b, a, b]) statuses.push(await login(base!));
    expect(statuses).to.deep.equal([401, 401, 401, 401, 429, 429]); // LOGIN_RATE_LIMIT=4, spread over both

    const tasks = [];
    for (const base of [a, b, b, a, a, b, a, b]) tasks.push((await call(base!, 'GET', '/api/tasks', { token })).status);
    expect(tasks).to.deep.equal([200, 200, 200, 200, 200, 200, 429, 429]); // API_RATE_LIMIT_PER_MINUTE=6

    // A replaced replica starts with the counts, not afresh.
    children[0]!.kill('SIGKILL');
    a = await startProcess();
    expect(await login(a)).to.equal(429);
  });
});
