import net from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { startTodoApi, type TodoApiHandle } from '../src/server.js';
import { TEST_CONFIG } from './helpers.js';

/** Sends raw bytes on a fresh connection; resolves with the status line of the reply ('' if none). */
function sendRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    socket.on('data', (chunk) => {
      reply += String(chunk);
    });
    socket.on('close', () => resolve(reply.split('\r\n')[0] ?? ''));
    socket.on('error', () => undefined);
  });
}

const TOKEN = 'eyJhbGciOiJFZERTQSJ9.SECRET-BEARER-TOKEN.c2ln';
const PASSWORD = 'plaintext-Pa55word!';
const body = JSON.stringify({ email: 'victim@example.com', password: PASSWORD });
const head = (framing: string) =>
  `POST /api/auth/login HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${TOKEN}\r\n` + `Content-Type: application/json\r\n${framing}\r\n`;

describe('todo-api logs never hold request bytes', function () {
  this.timeout(30_000);
  const lines: string[] = [];
  let api: TodoApiHandle;

  before(async () => {
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    api = await startTodoApi(
      { ...TEST_CONFIG, logLevel: 'debug', dataDir: 'memory://', databaseUrl: undefined },
      { logDestination: capture },
    );
  });
  after(() => api?.close());

  it('answers requests the HTTP parser fails on with 400 and logs only a short reason, never the token or password', async () => {
    const malformed = [
      // a broken chunk after the headers were accepted: the parser fails mid-request
      head('Transfer-Encoding: chunked\r\n') + `${body.length.toString(16)}\r\n${body}\r\nzz\r\n`,
      // a complete request followed by garbage on the same connection
      head(`Content-Length: ${body.length}\r\n`) + body + 'GARBAGE\x01\r\n\r\n',
      // an invalid header name
      `GET /api/tasks HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${TOKEN}\r\nX-Bad\x01: ${PASSWORD}\r\n\r\n`,
    ];
    const replies = [];
    for (const bytes of malformed) replies.push(await sendRaw(api.port, bytes));
    expect(replies.every((line) => /^HTTP\/1\.1 400 /.test(line))).to.equal(true, replies.join(' | '));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const log = lines.join('\n');
    for (const secret of [TOKEN, 'SECRET-BEARER-TOKEN', PASSWORD]) {
      expect(log).not.to.contain(secret);
      // nor as the byte array JSON makes of a Buffer
      expect(log).not.to.contain(JSON.stringify([...Buffer.from(secret)]).slice(1, -1));
    }
    expect(log).not.to.contain('rawPacket');
    expect(log).to.contain('malformed HTTP request'); // the short reason
    const levels = lines.map((line) => (JSON.parse(line) as { level: number }).level);
    expect(Math.max(...levels), 'no error-level line for a client error').to.be.below(50);
  });
});
