import { Writable } from 'node:stream';
import { expect } from 'chai';
import { pino } from 'pino';
import WebSocket from 'ws';
import { apiCall, ChatClient, ORIGIN, register, signWithApiKey, sharedApi, startGateway, type ApiStack, type Stack } from './helpers.js';

/** A pino logger whose JSON lines the test can read. */
function capturedLogger(): { logger: pino.Logger; lines: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines: () => chunks.join('') };
}

/** The status and body an upgrade is refused with. */
function refusal(stack: Stack, protocols: string[]): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(`${stack.gateway.url.replace('http', 'ws')}/ws`, protocols, { origin: ORIGIN });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      reject(new Error('the upgrade was accepted'));
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode!, body });
        ws.terminate();
      });
    });
    ws.once('error', reject);
  });
}

describe('chat-gateway security (issue 15)', function () {
  this.timeout(30_000);
  let apiStack: ApiStack;
  before(async function () {
    this.timeout(120_000);
    apiStack = await sharedApi();
  });

  describe('message rate budget', () => {
    it('closes with 1008 a flood paced to get a message through between drops', async () => {
      const stack = await startGateway(apiStack, { rateLimitBurst: 2, rateLimitPerSecond: 20, rateLimitStrikes: 5 });
      try {
        const { token } = await register(stack.api.url);
        const client = await ChatClient.open(stack.gateway, token);
        await client.next((m) => m.type === 'history');
        // Four messages every 100 ms: two fit the budget (20/s), two are dropped — forever, at 20 drops a second.
        let n = 0;
        const deadline = Date.now() + 4000;
        while (client.ws.readyState === WebSocket.OPEN && Date.now() < deadline) {
          for (let i = 0; i < 4; i++) client.ws.send(JSON.stringify({ type: 'say', id: `p${n++}`, text: 'help' }));
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(client.ws.readyState, 'the paced flooder is closed').to.not.equal(WebSocket.OPEN);
        expect((await client.closed).code).to.equal(1008);
      } finally {
        await stack.stop();
      }
    });

    it('lets a person who sometimes types too fast keep the socket: strikes come back over the window', async () => {
      const stack = await startGateway(apiStack, {
        rateLimitBurst: 1,
        rateLimitPerSecond: 20,
        rateLimitStrikes: 2,
        rateLimitStrikeWindowMs: 200,
      });
      try {
        const { token } = await register(stack.api.url);
        const client = await ChatClient.open(stack.gateway, token);
        await client.next((m) => m.type === 'history');
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < 3; i++) client.ws.send(JSON.stringify({ type: 'say', id: `r${round}-${i}`, text: 'help' }));
          expect(await client.next((m) => m.type === 'error')).to.include({ code: 'rate_limited' });
          expect(await client.next((m) => m.type === 'error')).to.include({ code: 'rate_limited' });
          await new Promise((r) => setTimeout(r, 250));
        }
        expect((await client.say('help')).type).to.equal('reply');
        client.close();
      } finally {
        await stack.stop();
      }
    });
    it('shares one budget among the sockets of a user, which reconnecting does not refill', async () => {
      const stack = await startGateway(apiStack, {
        rateLimitBurst: 5,
        rateLimitPerSecond: 0.1,
        userRateLimitBurst: 6,
        userRateLimitPerSecond: 0.1,
      });
      try {
        const { token } = await register(stack.api.url);
        const clients = await Promise.all([1, 2, 3].map(() => ChatClient.open(stack.gateway, token)));
        await Promise.all(clients.map((c) => c.next((m) => m.type === 'history')));
        // Three messages per socket fit each socket's budget (5), but not the user's (6) for all nine.
        // Dropped messages are not parsed, so their errors carry no id: count the three answers each socket gets.
        clients.forEach((c, i) => [1, 2, 3].forEach((j) => c.ws.send(JSON.stringify({ type: 'say', id: `s${i}-${j}`, text: 'help' }))));
        const answers = [];
        for (const c of clients) for (let j = 0; j < 3; j++) answers.push(await c.next((m) => m.type === 'reply' || m.type === 'error'));
        expect(answers.filter((a) => a.type === 'reply')).to.have.length(6);
        expect(answers.filter((a) => a.type === 'error').map((a) => a.code)).to.deep.equal([
          'rate_limited',
          'rate_limited',
          'rate_limited',
        ]);
        clients.forEach((c) => c.close());
        await Promise.all(clients.map((c) => c.closed));
        const again = await ChatClient.open(stack.gateway, token);
        await again.next((m) => m.type === 'history');
        again.ws.send(JSON.stringify({ type: 'say', id: 'again', text: 'help' }));
        expect(await again.next((m) => m.type === 'reply' || m.type === 'error')).to.include({ type: 'error', code: 'rate_limited' });
        again.close();
      } finally {
        await stack.stop();
      }
    });
  });

  describe('refused tokens', () => {
    it('answers every refused token with the same 401 body and logs the reason, never the token', async () => {
      const { logger, lines } = capturedLogger();
      const stack = await startGateway(apiStack, {}, { logger });
      try {
        const { token } = await register(stack.api.url);
        const me = await apiCall(stack.api.url, token, 'GET', '/api/me');
        const expired = await signWithApiKey(stack, { sub: me.body.id, exp: Math.floor(Date.now() / 1000) - 60 });
        const forged = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';
        const answers = await Promise.all([
          refusal(stack, ['todo-chat.v1']),
          refusal(stack, ['todo-chat.v1', `bearer.${expired}`]),
          refusal(stack, ['todo-chat.v1', `bearer.${forged}`]),
        ]);
        expect(answers.map((a) => a.status)).to.deep.equal([401, 401, 401]);
        expect(new Set(answers.map((a) => a.body)).size, 'one body for every refused token').to.equal(1);
        expect(JSON.parse(answers[0]!.body)).to.deep.equal({
          type: 'about:blank',
          title: 'Unauthorized',
          status: 401,
          detail: 'Missing or invalid bearer token.',
        });
        const log = lines();
        expect(log).to.match(/"reason":"bad_token".*"tokenError":"ERR_JWT_EXPIRED"/);
        expect(log).to.match(/"reason":"bad_token".*"tokenError":"ERR_JWS_SIGNATURE_VERIFICATION_FAILED"/);
        expect(log).to.match(/"reason":"no_token"/);
        expect(log).to.not.include(expired);
        expect(log).to.not.include(forged);
      } finally {
        await stack.stop();
      }
    });
  });

  describe('shutdown', () => {
    it('sends the reply of a message whose API call is in flight before closing with 1001', async () => {
      const stack = await startGateway(apiStack, { apiTimeoutMs: 3000, shutdownDelayMs: 0, shutdownGraceMs: 2000 });
      const { token } = await register(stack.api.url);
      const client = await ChatClient.open(stack.gateway, token);
      await client.next((m) => m.type === 'history');
      stack.link.delay(600);
      client.ws.send(JSON.stringify({ type: 'say', id: 'inflight', text: 'add buy bread' }));
      await new Promise((r) => setTimeout(r, 150)); // the create call is now on its way to the API
      const stopped = stack.stop();
      const reply = await client.next((m) => m.id === 'inflight');
      expect(reply).to.include({ type: 'reply', text: 'Added “Buy bread”.' });
      expect((await client.closed).code).to.equal(1001);
      await stopped;
      const tasks = await apiCall(stack.api.url, token, 'GET', '/api/tasks?status=all');
      expect(tasks.body.items.map((t: { title: string }) => t.title)).to.deep.equal(['Buy bread']);
    });

    it('refuses new messages while draining, and closes with 1001 once the in-flight one is answered', async () => {
      const stack = await startGateway(apiStack, { apiTimeoutMs: 3000, shutdownDelayMs: 0, shutdownGraceMs: 2000 });
      const { token } = await register(stack.api.url);
      const client = await ChatClient.open(stack.gateway, token);
      await client.next((m) => m.type === 'history');
      stack.link.delay(600);
      client.ws.send(JSON.stringify({ type: 'say', id: 'first', text: 'add call mom' }));
      await new Promise((r) => setTimeout(r, 150));
      const stopped = stack.stop();
      await new Promise((r) => setTimeout(r, 50));
      client.ws.send(JSON.stringify({ type: 'say', id: 'late', text: 'show my tasks' }));
      expect(await client.next((m) => m.id === 'late')).to.include({ type: 'error', code: 'shutting_down' });
      expect(await client.next((m) => m.id === 'first')).to.include({ type: 'reply', text: 'Added “Call mom”.' });
      expect((await client.closed).code).to.equal(1001);
      await stopped;
    });

    it('closes with 1001 after SHUTDOWN_DRAIN_MS even when a reply is still being worked on', async () => {
      const stack = await startGateway(apiStack, { apiTimeoutMs: 5000, shutdownDelayMs: 0, shutdownDrainMs: 300, shutdownGraceMs: 2000 });
      const { token } = await register(stack.api.url);
      const client = await ChatClient.open(stack.gateway, token);
      await client.next((m) => m.type === 'history');
      stack.link.hang();
      client.ws.send(JSON.stringify({ type: 'say', id: 'stuck', text: 'show my tasks' }));
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await stack.stop();
      expect((await client.closed).code).to.equal(1001);
      expect(Date.now() - started).to.be.within(250, 2000);
    });
  });
});
