import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, ApiError, describeStatus, extractFieldErrors, fieldNameFromPath, problemToApiError } from '../src/api.js';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A real HTTP server answering with canned problem+json per path, recording what it got. */
async function startApi(
  routes: Record<string, { status: number; body?: unknown; type?: string }>,
): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      const route = routes[`${req.method} ${req.url!.split('?')[0]}`];
      if (!route) {
        res
          .writeHead(404, { 'content-type': 'application/problem+json' })
          .end(JSON.stringify({ title: 'Not Found', status: 404, detail: 'No route.' }));
        return;
      }
      res.writeHead(route.status, {
        'content-type': route.type ?? (route.status >= 400 ? 'application/problem+json' : 'application/json'),
      });
      res.end(route.body === undefined ? undefined : typeof route.body === 'string' ? route.body : JSON.stringify(route.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('frontend api client', () => {
  const task = {
    id: 't1',
    title: 'Buy milk',
    description: '',
    completed: false,
    dueAt: null,
    priority: 'medium',
    tags: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  let api: Awaited<ReturnType<typeof startApi>>;
  let token: string | null;
  let unauthorized: number;
  let client: ApiClient;

  before(async () => {
    api = await startApi({
      'POST /api/auth/register': {
        status: 409,
        body: {
          type: 'about:blank',
          title: 'Conflict',
          status: 409,
          detail: 'An account with this email already exists.',
          errors: [{ field: '/email', message: 'is already registered' }],
        },
      },
      'POST /api/auth/login': { status: 401, body: { title: 'Unauthorized', status: 401, detail: 'Email or password is wrong.' } },
      'GET /api/tasks': { status: 200, body: { items: [task], nextCursor: 'c2' } },
      'POST /api/tasks': {
        status: 400,
        body: {
          title: 'Bad Request',
          status: 400,
          detail: 'The request body is invalid.',
          errors: [{ field: '/title', message: 'must NOT have more than 200 characters' }],
        },
      },
      'PATCH /api/tasks/t1': {
        status: 401,
        body: { title: 'Unauthorized', status: 401, detail: 'The bearer token is invalid or expired.' },
      },
      'DELETE /api/tasks/t1': { status: 204 },
      'GET /api/me': { status: 502, body: '<html>bad gateway</html>', type: 'text/html' },
    });
  });
  after(() => api.close());
  beforeEach(() => {
    api.seen.length = 0;
    token = 'tok.en.value';
    unauthorized = 0;
    client = new ApiClient({ baseUrl: api.url, getToken: () => token, onUnauthorized: () => unauthorized++ });
  });

  async function failure(promise: Promise<unknown>): Promise<ApiError> {
    try {
      await promise;
    } catch (error) {
      expect(error).to.be.instanceOf(ApiError);
      return error as ApiError;
    }
    throw new Error('expected the call to fail');
  }

  it('puts a conflict on the email field and keeps the API detail as the message', async () => {
    const error = await failure(client.register('a@example.com', 'correct horse'));
    expect(error.status).to.equal(409);
    expect(error.message).to.equal('An account with this email already exists.');
    expect(error.fieldErrors).to.deep.equal({ email: 'is already registered' });
    expect(api.seen[0]).to.include({
      method: 'POST',
      url: '/api/auth/register',
      contentType: 'application/json',
      authorization: undefined,
    });
    expect(JSON.parse(api.seen[0]!.body)).to.deep.equal({ email: 'a@example.com', password: 'correct horse' });
  });

  it('a wrong password is a 401 with the API words, not a session expiry', async () => {
    const error = await failure(client.login('a@example.com', 'nope'));
    expect(error.status).to.equal(401);
    expect(error.message).to.equal('Email or password is wrong.');
    expect(unauthorized).to.equal(0);
  });

  it('a 401 on an authenticated call reports an expired session and calls onUnauthorized once', async () => {
    const error = await failure(client.updateTask('t1', { completed: true }));
    expect(error.status).to.equal(401);
    expect(error.message).to.equal('Your session has expired. Please log in again.');
    expect(unauthorized).to.equal(1);
    expect(api.seen[0]).to.include({ method: 'PATCH', authorization: 'Bearer tok.en.value' });
    expect(JSON.parse(api.seen[0]!.body)).to.deep.equal({ completed: true });
  });

  it('sends the filter, search and cursor as query parameters', async () => {
    const page = await client.listTasks({ status: 'completed', q: 'milk & eggs', limit: 50, cursor: 'c1' });
    expect(page).to.deep.equal({ items: [task], nextCursor: 'c2' });
    expect(api.seen[0]!.url).to.equal('/api/tasks?status=completed&q=milk+%26+eggs&limit=50&cursor=c1');
    expect(api.seen[0]!.authorization).to.equal('Bearer tok.en.value');
  });

  it('maps validation errors to the field they concern', async () => {
    const error = await failure(client.createTask({ title: 'x'.repeat(201), dueAt: '2026-12-01T10:00:00.000Z' }));
    expect(error.status).to.equal(400);
    expect(error.fieldErrors).to.deep.equal({ title: 'must NOT have more than 200 characters' });
    expect(JSON.parse(api.seen[0]!.body)).to.deep.equal({ title: 'x'.repeat(201), dueAt: '2026-12-01T10:00:00.000Z' });
  });

  it('omits an empty due date when creating', async () => {
    await failure(client.createTask({ title: 'no due', dueAt: null }));
    expect(JSON.parse(api.seen[0]!.body)).to.deep.equal({ title: 'no due' });
  });

  it('accepts 204 on delete and URL-encodes ids', async () => {
    await client.deleteTask('t1');
    await failure(client.deleteTask('a/b'));
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).to.deep.equal(['DELETE /api/tasks/t1', 'DELETE /api/tasks/a%2Fb']);
  });

  it('words a non-JSON 5xx by its status', async () => {
    const error = await failure(client.me());
    expect(error.status).to.equal(502);
    expect(error.message).to.equal('The server had a problem. Try again in a moment.');
  });

  it('an unreachable API is status 0 with a connection message', async () => {
    const offline = new ApiClient({ baseUrl: 'http://127.0.0.1:1', getToken: () => null });
    const error = await failure(offline.me());
    expect(error.status).to.equal(0);
    expect(error.message).to.equal(describeStatus(0));
  });
});

describe('frontend problem+json mapping', () => {
  it('understands pointer, ajv and map shaped field errors', () => {
    expect(extractFieldErrors([{ field: '/email', message: 'is already registered' }])).to.deep.equal({ email: 'is already registered' });
    expect(extractFieldErrors([{ instancePath: '/password', message: 'must NOT have fewer than 8 characters' }])).to.deep.equal({
      password: 'must NOT have fewer than 8 characters',
    });
    expect(
      extractFieldErrors([{ instancePath: '', message: "must have required property 'title'", params: { missingProperty: 'title' } }]),
    ).to.deep.equal({ title: "must have required property 'title'" });
    expect(extractFieldErrors({ 'body.dueAt': ['must be a date-time'] })).to.deep.equal({ dueAt: 'must be a date-time' });
    expect(
      extractFieldErrors([
        { field: '/title', message: 'first' },
        { field: '/title', message: 'second' },
      ]),
    ).to.deep.equal({ title: 'first' });
    expect(extractFieldErrors('nonsense')).to.deep.equal({});
    expect(extractFieldErrors([null, 3, { message: 'no field' }])).to.deep.equal({});
  });

  it('takes detail, then title, then words for the status', () => {
    expect(problemToApiError(400, { title: 'Bad Request', detail: 'Title is too long.' }).message).to.equal('Title is too long.');
    expect(problemToApiError(429, { title: 'Too Many Requests' }).message).to.equal('Too Many Requests');
    expect(problemToApiError(404, null).message).to.equal('That item no longer exists.');
    expect(problemToApiError(418, null).message).to.equal('The request failed (HTTP 418).');
  });

  it('reduces paths to the field name', () => {
    expect(fieldNameFromPath('/email')).to.equal('email');
    expect(fieldNameFromPath('body.title')).to.equal('title');
    expect(fieldNameFromPath('/tags/0')).to.equal('tags');
    expect(fieldNameFromPath('/')).to.equal('');
  });
});
