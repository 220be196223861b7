import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'chai';
import { readPeerAddressOnConnect } from '../src/http/peerAddress.js';

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
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  try {
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
  } finally {
    server.closeAllConnections();
    server.close();
  }
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
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await response.text()).to.equal('127.0.0.1');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
