import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { clientAddress, readPeerAddressOnConnect } from '../src/http/peerAddress.js';

/** Listens on a free local port, runs `body` with it, and closes the server and its connections afterwards. */
async function serving<T>(server: http.Server, body: (port: number) => Promise<T>): Promise<T> {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    return await body((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/**
 * A server whose handler reads the client's address on `/ip` only (as the login throttle and a
 * sampled request's span do), and reports the properties its socket has as each response is
 * written: their order is the socket's hidden class, which Node's HTTP code reads through.
 */
async function socketPropertiesAfter(paths: string[], primed: boolean): Promise<string[][]> {
  const server = http.createServer((req, res) => {
    if (req.url === '/ip') void req.socket.remoteAddress;
    res.end(JSON.stringify(Reflect.ownKeys(req.socket).map(String)));
  });
  if (primed) server.on('connection', readPeerAddressOnConnect);
  return serving(server, async (port) => {
    const answers: string[][] = [];
    for (const path of paths) {
      // A connection of its own for each request (agent: false), as many clients hold many.
      const body = await new Promise<string>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
            response.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
      answers.push(JSON.parse(body) as string[]);
    }
    return answers;
  });
}

describe('readPeerAddressOnConnect (one socket shape whoever asks for the client address)', () => {
  it('without it, a socket whose request read the client address differs from one whose request did not', async () => {
    const [asked, notAsked] = await socketPropertiesAfter(['/ip', '/plain'], false);
    expect(asked).to.include('_peername');
    expect(notAsked).not.to.include('_peername');
  });

  it('with it, every socket has the same properties in the same order, whether its request read the address or not', async () => {
    const [asked, notAsked] = await socketPropertiesAfter(['/ip', '/plain'], true);
    expect(asked).to.include('_peername');
    expect(notAsked).to.deep.equal(asked);
  });

  it('leaves the address readable as before', async () => {
    const server = http.createServer((req, res) => res.end((req.socket as Socket).remoteAddress));
    server.on('connection', readPeerAddressOnConnect);
    const text = await serving(server, async (port) => (await fetch(`http://127.0.0.1:${port}/`)).text());
    expect(text).to.equal('127.0.0.1');
  });
});

/** A Koa app that answers `/ip` with clientAddress(ctx) (or Koa's ctx.ip) and every path with the request object's own keys. */
async function withKoa<T>(proxy: boolean, read: 'clientAddress' | 'ctx.ip', body: (url: string) => Promise<T>): Promise<T> {
  const app = new Koa({ proxy });
  app.use((ctx) => {
    const address = ctx.path === '/ip' ? (read === 'ctx.ip' ? ctx.ip : clientAddress(ctx)) : undefined;
    ctx.body = { address, keys: Reflect.ownKeys(ctx.request).map(String) };
  });
  return serving(http.createServer(app.callback()), (port) => body(`http://127.0.0.1:${port}`));
}

interface Answer {
  address?: string;
  keys: string[];
}
const get = async (url: string, headers: Record<string, string> = {}) => (await (await fetch(url, { headers })).json()) as Answer;

describe('clientAddress (the client address without a property on the request object)', () => {
  it("Koa's ctx.ip, which it stands in for, adds a property to the requests that read it", async () => {
    const [asked, notAsked] = await withKoa(false, 'ctx.ip', async (url) => [await get(`${url}/ip`), await get(`${url}/plain`)]);
    expect(asked.keys).to.have.length(notAsked.keys.length + 1);
  });

  it('leaves a request that read the address with the same properties as one that did not', async () => {
    const [asked, notAsked] = await withKoa(false, 'clientAddress', async (url) => [await get(`${url}/ip`), await get(`${url}/plain`)]);
    expect(asked.address).to.equal('127.0.0.1');
    expect(asked.keys).to.deep.equal(notAsked.keys);
  });

  it("gives what ctx.ip gives: the first X-Forwarded-For entry behind a trusted proxy, else the peer's address", async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.7, 10.0.0.2' };
    for (const proxy of [true, false]) {
      const [ours, koas] = await Promise.all([
        withKoa(proxy, 'clientAddress', (url) => get(`${url}/ip`, forwarded)),
        withKoa(proxy, 'ctx.ip', (url) => get(`${url}/ip`, forwarded)),
      ]);
      expect(ours.address).to.equal(proxy ? '203.0.113.7' : '127.0.0.1');
      expect(ours.address).to.equal(koas.address);
    }
  });
});
