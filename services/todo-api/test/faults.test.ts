import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { startTodoApi, type TodoApiHandle } from '../src/server.js';
import { DATABASE_SERVER, requireOrSkip } from '../../../test/support/requirements.js';
import {
  adminQuery,
  backends,
  call,
  databaseUrlFor,
  openEvents,
  registerUser,
  serverUrl,
  TEST_CONFIG,
  type Backend,
  type EventReader,
  type Reply,
} from './helpers.js';

/**
 * Database faults need a database that can go away while the API keeps running: the server
 * path only. PGlite runs inside the API process, so "the database is down" has no honest
 * equivalent there; these suites are skipped without DATABASE_URL.
 */
const server = backends().find((b) => b.name === 'postgres');

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

function expect503(reply: Reply): void {
  expect(reply.status, JSON.stringify(reply.body)).to.equal(503);
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
}

describe('todo-api database faults (PostgreSQL server)', function () {
  this.timeout(60_000);
  before(function () {
    requireOrSkip(this, server !== undefined, DATABASE_SERVER);
  });
  const backend = server as Backend;
  let api: TodoApiHandle;
  let databaseName: string;
  let token: string;
  let taskId: string;

  before(async () => {
    const overrides = await backend.create();
    databaseName = new URL(overrides.databaseUrl!).pathname.slice(1);
    api = await startTodoApi({ ...TEST_CONFIG, ...overrides, dbConnectTimeoutMs: 1000, dbStatementTimeoutMs: 1000, readyTimeoutMs: 500 });
    ({ token } = await registerUser(api.url));
    taskId = (await call(api.url, 'POST', '/api/tasks', { token, json: { title: 'survives outages' } })).body.id;
  });
  after(async () => {
    if (databaseName) await adminQuery(`alter database ${databaseName} allow_connections true`).catch(() => {});
    await api?.close();
    await backend?.cleanup();
  });

  const terminateAll = () =>
    adminQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [databaseName]);

  it('answers 503 within a bounded time while the database is down, then recovers by itself', async () => {
    await adminQuery(`alter database ${databaseName} allow_connections false`);
    await terminateAll();
    try {
      for (let i = 0; i < 3; i++) {
        const { value, ms } = await timed(() => call(api.url, 'GET', '/api/tasks', { token }));
        expect503(value);
        expect(value.headers.get('retry-after')).to.equal('2');
        expect(ms).to.be.below(3000);
      }
      const ready = await timed(() => call(api.url, 'GET', '/readyz'));
      expect503(ready.value);
      expect(ready.ms).to.be.below(2000);
      expect((await call(api.url, 'GET', '/livez')).status).to.equal(200);
    } finally {
      await adminQuery(`alter database ${databaseName} allow_connections true`);
    }
    await until(async () => (await call(api.url, 'GET', '/readyz')).status === 200, 10_000);
    const list = await call(api.url, 'GET', '/api/tasks', { token });
    expect(list.status).to.equal(200);
    expect(list.body.items.map((t: { id: string }) => t.id)).to.deep.equal([taskId]);
  });

  it('re-establishes LISTEN after losing it, so event streams work again', async () => {
    await terminateAll();
    const abort = new AbortController();
    try {
      // Opening a stream counts the request in the database (the per-user limit), which answers 503
      // until the pool has replaced its terminated connections: retry it, as a client does.
      let reader: EventReader | undefined;
      // The LISTEN connection reconnects with backoff; retry the write until an event arrives.
      await until(async () => {
        if (!reader) {
          const opened = await openEvents(api.url, token, abort.signal);
          if (opened.response.status !== 200) return false;
          reader = opened.reader;
        }
        await call(api.url, 'PATCH', `/api/tasks/${taskId}`, { token, json: { description: String(Date.now()) } });
        return reader.pending('tasks-changed') > 0;
      }, 15_000);
      expect(JSON.parse((await reader!.next('tasks-changed')).data)).to.deep.equal({ reason: 'updated', taskId });
    } finally {
      abort.abort();
    }
  });

  it('answers 503 when a query is stuck behind a lock (statement timeout), and 200 once released', async () => {
    const blocker = new pg.Client({ connectionString: databaseUrlFor(serverUrl()!, databaseName) });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table tasks in access exclusive mode');
      const { value, ms } = await timed(() => call(api.url, 'GET', '/api/tasks', { token }));
      expect503(value);
      expect(ms).to.be.within(900, 4000);
      await blocker.query('rollback');
      expect((await call(api.url, 'GET', '/api/tasks', { token })).status).to.equal(200);
    } finally {
      await blocker.end();
    }
  });

  it('connections killed mid-run cost at most 503s, never a 500, and service continues', async () => {
    const statuses: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) statuses.push((await call(api.url, 'POST', '/api/tasks', { token, json: { title: 'under fire' } })).status);
    })();
    // Several rounds, so kills land between queries too (a checked-out but idle client).
    for (let round = 0; round < 4; round++) {
      await new Promise((r) => setTimeout(r, 250));
      await terminateAll();
    }
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await load;
    expect(statuses.filter((s) => s !== 201 && s !== 503)).to.deep.equal([]);
    expect(statuses.filter((s) => s === 201).length).to.be.above(0);
    expect((await call(api.url, 'POST', '/api/tasks', { token, json: { title: 'after' } })).status).to.equal(201);
  });
});

describe('todo-api migrations under concurrency (PostgreSQL server)', function () {
  before(function () {
    requireOrSkip(this, server !== undefined, DATABASE_SERVER);
  });
  this.timeout(60_000);
  const backend = server as Backend;
  after(() => backend?.cleanup());

  it('a start that fails (port taken) rejects and leaves no database connection behind', async () => {
    const overrides = await backend.create();
    const running = await startTodoApi({ ...TEST_CONFIG, ...overrides });
    const sessions = async () =>
      Number(
        (await adminQuery('select count(*) from pg_stat_activity where datname = $1', [new URL(overrides.databaseUrl!).pathname.slice(1)]))
          .rows[0].count,
      );
    try {
      const before = await sessions();
      let error: (Error & { code?: string }) | undefined;
      try {
        await startTodoApi({ ...TEST_CONFIG, ...overrides, port: running.port });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.code).to.equal('EADDRINUSE');
      expect(await sessions()).to.equal(before);
    } finally {
      await running.close();
    }
  });

  it('three replicas starting together on an empty database all come up, migrating once', async () => {
    const overrides = await backend.create();
    // Replicas share the signing key (a mounted Secret), so a token from one is good on all.
    const jwtPrivateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const replicas = await Promise.all([1, 2, 3].map(() => startTodoApi({ ...TEST_CONFIG, ...overrides, jwtPrivateKeyPem })));
    try {
      for (const replica of replicas) expect((await call(replica.url, 'GET', '/readyz')).status).to.equal(200);
      const rows = await adminQuery('select name from kysely_migration', [], overrides.databaseUrl);
      expect(rows.rows.map((r) => r.name)).to.deep.equal(['0001_initial', '0002_rate_limits']);
      // A change made through one replica reaches a stream opened on another.
      const { token } = await registerUser(replicas[0]!.url);
      const abort = new AbortController();
      try {
        const { response, reader } = await openEvents(replicas[1]!.url, token, abort.signal);
        expect(response.status).to.equal(200);
        const created = await call(replicas[2]!.url, 'POST', '/api/tasks', { token, json: { title: 'cross-replica' } });
        expect(JSON.parse((await reader.next('tasks-changed')).data)).to.deep.equal({ reason: 'created', taskId: created.body.id });
      } finally {
        abort.abort();
      }
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }
  });
});
