import { expect } from 'chai';
import { startTodoApi, type TodoApiHandle } from '../src/server.js';
import { call, openEvents, registerUser, TEST_CONFIG } from './helpers.js';

// Rate limiting is in memory and independent of the database, so one embedded backend suffices.
describe('todo-api rate limits', function () {
  this.timeout(30_000);
  let api: TodoApiHandle;
  let spareToken: string; // a user no test has rate-limited, for the last test

  before(async () => {
    api = await startTodoApi({
      ...TEST_CONFIG, dataDir: 'memory://', databaseUrl: undefined,
      loginRateLimit: 3, authIpRateLimit: 12, authWindowMs: 60_000, apiRateLimitPerMinute: 20,
    });
  });
  after(() => api?.close());

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
    expect((await call(api.url, 'POST', '/api/auth/login', { json: { email: other.email, password: other.password } })).status).to.equal(200);
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
    // Earlier tests in this file used 8 of the 12 auth requests allowed per IP.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await call(api.url, 'POST', '/api/auth/register', { json: { email: `ip${i}@example.com`, password: 'long enough pw' } })).status);
    }
    expect(statuses).to.deep.equal([201, 201, 201, 201, 429, 429]);
  });

  it('close() ends open event streams and stops the server', async () => {
    const { response, reader } = await openEvents(api.url, spareToken, new AbortController().signal);
    expect(response.status).to.equal(200);
    await api.close();
    await reader.done; // the stream ended from the server side
    let refused = false;
    try { await fetch(`${api.url}/livez`); } catch { refused = true; }
    expect(refused).to.equal(true);
  });
});
