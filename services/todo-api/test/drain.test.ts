import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import type { TodoApiHandle } from '../src/server.js';
import { backends, registerUser, startOn } from './helpers.js';

interface Answer {
  status: number;
  connection: string | undefined;
}

/** One request on a given keep-alive agent (each agent holds one connection). */
function send(agent: http.Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const backend = backends().at(-1)!;

describe(`todo-api close() with open keep-alive connections (${backend.name})`, function () {
  this.timeout(60_000);
  let api: TodoApiHandle;
  let token: string;
  after(() => backend.cleanup());

  beforeEach(async () => {
    api = await startOn(backend);
    ({ token } = await registerUser(api.url));
  });
  afterEach(() => api.close());

  it('serves a request that arrives on an open connection during the drain, with Connection: close, whatever its status', async () => {
    const json = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const kinds: { status: number; method: string; path: string; headers: Record<string, string>; body?: string }[] = [
      { status: 201, method: 'POST', path: '/api/tasks', headers: json, body: '{"title":"while draining"}' },
      { status: 400, method: 'POST', path: '/api/tasks', headers: json, body: '{"title":""}' },
      { status: 401, method: 'POST', path: '/api/tasks', headers: { 'content-type': 'application/json' }, body: '{"title":"x"}' },
      { status: 415, method: 'POST', path: '/api/tasks', headers: { ...json, 'content-type': 'text/plain' }, body: 'x' },
      { status: 404, method: 'GET', path: '/nowhere', headers: {} },
      { status: 503, method: 'GET', path: '/readyz', headers: {} },
    ];
    const agents = kinds.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    // Each agent opens its connection and leaves it idle, open for reuse.
    for (const agent of agents) {
      const warm = await send(agent, `${api.url}/livez`, 'GET', {});
      expect(warm).to.deep.equal({ status: 200, connection: 'keep-alive' });
    }
    const closed = api.close();
    // Well inside the one-second idle grace: the connections are still open and read.
    await new Promise((r) => setTimeout(r, 300));
    const answers = await Promise.all(
      kinds.map((kind, i) => send(agents[i]!, `${api.url}${kind.path}`, kind.method, kind.headers, kind.body)),
    );
    expect(answers).to.deep.equal(kinds.map((kind) => ({ status: kind.status, connection: 'close' })));
    await closed;
    for (const agent of agents) agent.destroy();
  });

  it('closes a connection left idle through the grace period, and stops accepting new ones at once', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    await send(agent, `${api.url}/livez`, 'GET', {});
    const [socket] = Object.values(agent.freeSockets).flat();
    const socketClosed = new Promise((resolve) => socket!.once('close', resolve));
    const started = Date.now();
    const closed = api.close();
    await new Promise((r) => setTimeout(r, 50));
    const fresh = await new Promise<string | undefined>((resolve) => {
      const attempt = net.connect(api.port, '127.0.0.1', () => {
        attempt.destroy();
        resolve('connected');
      });
      attempt.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(fresh).to.equal('ECONNREFUSED');
    await socketClosed;
    await closed;
    expect(Date.now() - started).to.be.within(900, 5000);
    agent.destroy();
  });
});
