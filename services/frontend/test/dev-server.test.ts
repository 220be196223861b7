import { expect } from 'chai';
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { startDevServer, hostWithoutPort, type DevServer } from '../dev-server.js';
import { freePort } from '../dev/stack.js';
import { readNginxSite, responseHeaders } from '../nginx-config.js';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

/** Raw GET so the test sees exactly what was sent (no client-side path normalisation). */
function rawGet(port: number, requestPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: requestPath, headers: { host: `localhost:${port}` } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('frontend dev server', () => {
  const site = readNginxSite();
  let outDir: string;
  let dev: DevServer;
  let api: http.Server;
  let gateway: http.Server;
  let gatewaySockets: WebSocketServer;
  const received: Received[] = [];

  before(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'frontend-dev-'));
    api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url === '/.well-known/jwks.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
        res.writeHead(400, { 'content-type': 'application/problem+json', 'x-request-id': 'r-1' });
        res.end(
          JSON.stringify({ title: 'Bad Request', status: 400, detail: 'nope', errors: [{ field: '/title', message: 'is required' }] }),
        );
      });
    });
    gateway = http.createServer();
    gatewaySockets = new WebSocketServer({
      server: gateway,
      path: '/ws',
      handleProtocols: (protocols) => (protocols.has('todo-chat.v1') ? 'todo-chat.v1' : false),
      verifyClient: (info, done) => {
        const offered = String(info.req.headers['sec-websocket-protocol'] ?? '')
          .split(',')
          .map((p) => p.trim());
        if (offered.includes('bearer.good-token')) done(true);
        else done(false, 401, 'Unauthorized');
      },
    });
    gatewaySockets.on('connection', (socket, req) => {
      socket.send(JSON.stringify({ type: 'history', messages: [], origin: req.headers.origin ?? null }));
      socket.on('message', (data) => socket.send(`echo:${data.toString()}`));
    });
    const apiPort = await listen(api);
    const gatewayPort = await listen(gateway);
    dev = await startDevServer({
      port: 0,
      apiUrl: `http://127.0.0.1:${apiPort}`,
      gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
      outDir,
      log: () => undefined,
    });
  });

  after(async () => {
    await dev.close();
    gatewaySockets.close();
    await new Promise((resolve) => gateway.close(resolve));
    await new Promise((resolve) => api.close(resolve));
    await rm(outDir, { recursive: true, force: true });
  });

  it('serves index.html with exactly the headers nginx/default.conf defines', async () => {
    const res = await rawGet(dev.port, '/');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
    const expected = responseHeaders(site, { uri: '/index.html', host: 'localhost', status: 200 });
    expect(Object.keys(expected)).to.have.length(8);
    for (const [name, value] of Object.entries(expected)) expect(res.headers[name.toLowerCase()], name).to.equal(value);
    expect(res.headers['cache-control']).to.equal('no-cache');
    expect(res.body).to.equal(await readFile(path.join(outDir, 'index.html'), 'utf8'));
  });

  it('falls back to index.html for client routes, but 404s a missing asset', async () => {
    const route = await rawGet(dev.port, '/tasks/42?filter=done');
    expect(route.status).to.equal(200);
    expect(route.body).to.contain('<div id="app"></div>');
    const missing = await rawGet(dev.port, '/assets/app-MISSING0.js');
    expect(missing.status).to.equal(404);
    expect(missing.headers['cache-control']).to.equal(undefined);
    expect(missing.headers['content-security-policy']).to.contain("default-src 'self'");
  });

  it('serves hashed assets with the immutable cache header and a script content type', async () => {
    const html = await readFile(path.join(outDir, 'index.html'), 'utf8');
    const script = /src="([^"]+\.js)"/.exec(html)![1]!;
    const res = await rawGet(dev.port, script);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(res.body.length).to.equal((await readFile(path.join(outDir, script))).length);
  });

  it('never serves files outside the build folder', async () => {
    for (const attempt of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fpackage.json']) {
      const res = await rawGet(dev.port, attempt);
      expect(res.body, attempt).not.to.contain('root:');
      expect(res.body, attempt).not.to.contain('"dependencies"');
    }
  });

  it('answers the probes like nginx', async () => {
    expect((await rawGet(dev.port, '/livez')).body).to.equal('ok\n');
    expect((await rawGet(dev.port, '/readyz')).status).to.equal(200);
  });

  it('proxies /api with method, path, query, body and headers, and passes the answer back', async () => {
    received.length = 0;
    const res = await fetch(`${dev.url.replace('localhost', '127.0.0.1')}/api/tasks?status=all`, {
      method: 'POST',
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json', origin: dev.url },
      body: JSON.stringify({ title: '' }),
    });
    expect(res.status).to.equal(400);
    expect(res.headers.get('content-type')).to.equal('application/problem+json');
    expect(res.headers.get('x-request-id')).to.equal('r-1');
    expect(res.headers.get('content-security-policy')).to.equal(null); // API responses are the API's own
    expect(await res.json()).to.deep.include({ detail: 'nope' });
    expect(received).to.have.length(1);
    expect(received[0]).to.deep.include({ method: 'POST', url: '/api/tasks?status=all', body: '{"title":""}' });
    expect(received[0]!.headers).to.include({ authorization: 'Bearer abc', origin: dev.url, 'x-forwarded-proto': 'http' });
  });

  it('proxies /.well-known but not look-alike paths', async () => {
    received.length = 0;
    expect(await (await fetch(`${dev.url}/.well-known/jwks.json`)).json()).to.deep.equal({ keys: [] });
    const lookAlike = await rawGet(dev.port, '/apix');
    expect(lookAlike.body).to.contain('<div id="app"></div>');
    expect(received.map((r) => r.url)).to.deep.equal(['/.well-known/jwks.json']);
  });

  it('proxies the /ws upgrade with the subprotocols, and frames both ways', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${dev.port}/ws`, ['todo-chat.v1', 'bearer.good-token'], { origin: dev.url });
    const first = await new Promise<string>((resolve, reject) => {
      socket.once('message', (data) => resolve(data.toString()));
      socket.once('error', reject);
    });
    expect(socket.protocol).to.equal('todo-chat.v1');
    expect(JSON.parse(first)).to.deep.equal({ type: 'history', messages: [], origin: dev.url });
    socket.send('{"type":"say","id":"1","text":"hi"}');
    const echo = await new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString())));
    expect(echo).to.equal('echo:{"type":"say","id":"1","text":"hi"}');
    socket.close();
  });

  it('passes the gateway refusal (401) through on a bad token', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${dev.port}/ws`, ['todo-chat.v1', 'bearer.bad']);
    const status = await new Promise<number>((resolve, reject) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode!));
      socket.once('open', () => reject(new Error('upgrade should have been refused')));
    });
    expect(status).to.equal(401);
  });

  it('reports an unreachable API as 502 problem+json', async () => {
    const nobody = await freePort();
    const lonelyOut = await mkdtemp(path.join(os.tmpdir(), 'frontend-dev-'));
    const lonely = await startDevServer({
      port: 0,
      apiUrl: `http://127.0.0.1:${nobody}`,
      gatewayUrl: `http://127.0.0.1:${nobody}`,
      outDir: lonelyOut,
      log: () => undefined,
    });
    try {
      const res = await fetch(`${lonely.url}/api/me`);
      expect(res.status).to.equal(502);
      expect(res.headers.get('content-type')).to.equal('application/problem+json');
      expect((await res.json()).detail).to.contain(`todo-api at http://127.0.0.1:${nobody} is not reachable`);
    } finally {
      await lonely.close();
      await rm(lonelyOut, { recursive: true, force: true });
    }
  });

  it('reads $host like nginx: lower case, no port', () => {
    expect(hostWithoutPort('LocalHost:3000')).to.equal('localhost');
    expect(hostWithoutPort('[::1]:3000')).to.equal('[::1]');
    expect(hostWithoutPort(undefined)).to.equal('');
  });
});
