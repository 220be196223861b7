import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import WebSocket from 'ws';
import { API_UNAVAILABLE_REPLY, HELP_REPLY } from '../src/conversation.js';
import type { IntentEngine } from '../src/intent/engine.js';
import type { ChatMessage } from '../src/todo-api-client.js';
import { UNKNOWN_REPLY } from '../src/intent/rule-based-engine.js';
import {
  apiCall,
  ChatClient,
  register,
  signWithApiKey,
  startApi,
  startGateway,
  upgradeStatus,
  type ApiStack,
  type Stack,
} from './helpers.js';

describe('chat-gateway over a real todo-api', function () {
  this.timeout(20_000);
  let apiStack: ApiStack;
  before(async function () {
    this.timeout(120_000); // PGlite's first start is slow on a busy machine
    apiStack = await startApi();
  });
  after(async () => apiStack?.stop());

  describe('the protocol', () => {
    let stack: Stack;
    before(async () => {
      stack = await startGateway(apiStack, { maxConnectionsPerUser: 3, rateLimitBurst: 30, rateLimitPerSecond: 20, rateLimitStrikes: 5 });
    });
    after(async () => stack?.stop());

    /** A fresh user with an open socket whose history has arrived. */
    async function freshUser(): Promise<{ token: string; client: ChatClient }> {
      const { token } = await register(stack.api.url);
      const client = await ChatClient.open(stack.gateway, token);
      const history = await client.next((m) => m.type === 'history');
      expect(history.messages).to.deep.equal([]);
      return { token, client };
    }
    const titles = async (token: string) =>
      ((await apiCall(stack.api.url, token, 'GET', '/api/tasks?status=all')).body.items as { title: string }[]).map((t) => t.title);

    describe('authentication on the upgrade', () => {
      it('selects the todo-chat.v1 subprotocol for a valid token', async () => {
        const { client } = await freshUser();
        expect(client.ws.protocol).to.equal('todo-chat.v1');
        client.close();
      });
      it('refuses a missing token with 401', async () => {
        expect(await upgradeStatus(stack.gateway, ['todo-chat.v1'])).to.equal(401);
      });
      it('refuses a forged token with 401', async () => {
        expect(await upgradeStatus(stack.gateway, ['todo-chat.v1', 'bearer.eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln'])).to.equal(401);
      });
      it('refuses an expired token signed with the API key with 401, and accepts a fresh one from the same key', async () => {
        const { token } = await register(stack.api.url);
        const me = await apiCall(stack.api.url, token, 'GET', '/api/me');
        const expired = await signWithApiKey(stack, { sub: me.body.id, exp: Math.floor(Date.now() / 1000) - 60 });
        expect(await upgradeStatus(stack.gateway, ['todo-chat.v1', `bearer.${expired}`])).to.equal(401);
        const fresh = await signWithApiKey(stack, { sub: me.body.id, exp: Math.floor(Date.now() / 1000) + 600 });
        const client = await ChatClient.open(stack.gateway, fresh);
        client.close();
      });
      it('closes the socket with 4001 when its token expires', async () => {
        const { token } = await register(stack.api.url);
        const me = await apiCall(stack.api.url, token, 'GET', '/api/me');
        const shortLived = await signWithApiKey(stack, { sub: me.body.id, exp: Math.floor(Date.now() / 1000) + 2 });
        const client = await ChatClient.open(stack.gateway, shortLived);
        const closed = await client.closed;
        expect(closed).to.deep.equal({ code: 4001, reason: 'token expired' });
      });
      it('refuses a foreign origin with 403', async () => {
        const { token } = await register(stack.api.url);
        expect(await upgradeStatus(stack.gateway, ['todo-chat.v1', `bearer.${token}`], 'https://evil.example')).to.equal(403);
      });
      it('refuses more connections per user than the cap with 429', async () => {
        const { token } = await register(stack.api.url);
        const clients = await Promise.all([1, 2, 3].map(() => ChatClient.open(stack.gateway, token)));
        expect(await upgradeStatus(stack.gateway, ['todo-chat.v1', `bearer.${token}`])).to.equal(429);
        clients.forEach((c) => c.close());
      });
    });

    describe('every intent end to end', () => {
      it('adds with dates and priorities, lists, completes, reopens, renames, reschedules, deletes, clears', async () => {
        const { token, client } = await freshUser();
        expect((await client.say('add buy milk')).text).to.equal('Added “Buy milk”.');
        const call = await client.say('remind me to call mom tomorrow at 5pm');
        expect(call.text).to.match(/^Added “Call mom” \(due (tomorrow|\w{3} \d{1,2} \w{3}) at 17:00\)\.$/);
        expect(new Date(call.tasks![0]!.dueAt!).getUTCHours()).to.equal(17);
        expect((await client.say('new task: pay rent, urgent')).text).to.equal('Added “Pay rent” (high priority).');
        expect((await client.say('I need to water the plants')).text).to.equal('Added “Water the plants”.');
        expect(await titles(token)).to.deep.equal(['Buy milk', 'Call mom', 'Pay rent', 'Water the plants']);

        // Numbered in the web list's order (services/shared/task-order.ts): due first, then newest first (issue 14).
        const list = await client.say('show my tasks');
        expect(list.tasks!.map((t) => t.title)).to.deep.equal(['Call mom', 'Water the plants', 'Pay rent', 'Buy milk']);
        expect(list.text).to.match(
          /^Here are your tasks \(4\):\n1\. Call mom \(due .*\)\n2\. Water the plants\n3\. Pay rent \(high priority\)\n4\. Buy milk$/,
        );

        expect((await client.say('complete 1')).text).to.equal('Marked “Call mom” as done.');
        expect((await client.say('I finished the plants')).text).to.equal('Marked “Water the plants” as done.');
        expect((await client.say('mark the fourth one as done')).text).to.equal('Marked “Buy milk” as done.');
        expect((await client.say('what is still open?')).tasks!.map((t) => t.title)).to.deep.equal(['Pay rent']);
        expect((await client.say('show completed tasks')).tasks!.map((t) => t.title)).to.deep.equal([
          'Call mom',
          'Water the plants',
          'Buy milk',
        ]);
        expect((await client.say('reopen 3')).text).to.equal('Reopened “Buy milk”.');
        expect((await client.say('uncheck call mom')).text).to.equal('Reopened “Call mom”.');

        expect((await client.say('rename buy milk to buy oat milk')).text).to.equal('Renamed “Buy milk” to “Buy oat milk”.');
        expect((await client.say('change the title of pay rent to pay the landlord')).text).to.equal(
          'Renamed “Pay rent” to “Pay the landlord”.',
        );
        const moved = await client.say('move oat milk to next friday');
        expect(moved.text).to.match(/^“Buy oat milk” is now due Fri \d{1,2} \w{3}\.$/);
        expect((await client.say('remove the due date from call mom')).text).to.equal('Removed the due date of “Call mom”.');
        expect((await client.say('make the landlord one low priority')).text).to.equal('“Pay the landlord” is now low priority.');
        const tasks = (await apiCall(stack.api.url, token, 'GET', '/api/tasks')).body.items as {
          title: string;
          completed: boolean;
          dueAt: string | null;
          priority: string;
        }[];
        expect(tasks.map((t) => [t.title, t.completed, t.priority, t.dueAt === null])).to.deep.equal([
          ['Buy oat milk', false, 'medium', false],
          ['Call mom', false, 'medium', true],
          ['Pay the landlord', false, 'low', true],
          ['Water the plants', true, 'medium', true],
        ]);

        expect((await client.say('delete call mom')).text).to.equal('Deleted “Call mom”.');
        expect((await client.say('clear completed')).text).to.equal('Cleared 1 completed task.');
        expect((await client.say('clear completed')).text).to.equal('There are no completed tasks to clear.');
        expect(await titles(token)).to.deep.equal(['Buy oat milk', 'Pay the landlord']);
        expect((await client.say('help')).text).to.equal(HELP_REPLY);
        // Off-topic questions get a polite answer of their own (issue 14); gibberish still gets the fallback.
        expect((await client.say('what is the meaning of life')).text).to.match(/^I can only help with your todo list/);
        expect((await client.say('asdfgh')).text).to.equal(UNKNOWN_REPLY);
        client.close();
      });

      it('lists what is due today and what is overdue in the user time zone', async () => {
        const { token, client } = await freshUser();
        const hourAgo = new Date(Date.now() - 3600_000).toISOString();
        const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString();
        await apiCall(stack.api.url, token, 'POST', '/api/tasks', { title: 'Late thing', dueAt: hourAgo });
        await apiCall(stack.api.url, token, 'POST', '/api/tasks', { title: 'Later thing', dueAt: inTwoDays });
        await apiCall(stack.api.url, token, 'POST', '/api/tasks', { title: 'Undated thing' });
        expect((await client.say('anything overdue?')).tasks!.map((t) => t.title)).to.deep.equal(['Late thing']);
        expect((await client.say('which tasks are late')).tasks!.map((t) => t.title)).to.deep.equal(['Late thing']);
        const today = await client.say("what's due today?");
        expect(today.tasks!.map((t) => t.title))
          .to.not.include('Later thing')
          .and.to.not.include('Undated thing');
        client.close();
      });

      it('asks which one when a title is ambiguous, then acts on the answer', async () => {
        const { token, client } = await freshUser();
        await client.say('add buy milk');
        await client.say('add buy bread');
        const question = await client.say('delete buy');
        expect(question.text).to.equal('Which one do you mean?\n1. Buy bread\n2. Buy milk\nSay its number.'); // newest first, as the web list
        expect((await client.say('the first one')).text).to.equal('Deleted “Buy bread”.');
        expect(await titles(token)).to.deep.equal(['Buy milk']);
        expect((await client.say('complete groceries')).text).to.equal('I could not find a task matching “groceries”.');
        expect((await client.say('complete 7')).text).to.equal('There is no task number 7 — the list has 2 tasks.');
        expect((await client.say('delete it')).text).to.equal('Which task should I delete? Say its number or part of its title.');
        client.close();
      });
    });

    describe('history and change notifications', () => {
      it('sends the conversation as history after a reconnect', async () => {
        const { token, client } = await freshUser();
        await client.say('add call the bank');
        await client.say('show my tasks');
        client.close();
        await client.closed;
        // Recording happens after the reply; give the last POST a moment to land.
        let history: ChatMessage[] = [];
        for (let attempt = 0; attempt < 20 && history.length < 4; attempt++) {
          const again = await ChatClient.open(stack.gateway, token);
          history = (await again.next((m) => m.type === 'history')).messages!;
          again.close();
          if (history.length < 4) await new Promise((r) => setTimeout(r, 50));
        }
        expect(history.map((m) => [m.role, m.text])).to.deep.equal([
          ['user', 'add call the bank'],
          ['assistant', 'Added “Call the bank”.'],
          ['user', 'show my tasks'],
          ['assistant', 'Here are your tasks (1):\n1. Call the bank'],
        ]);
      });

      it('pushes tasks-changed to every open socket of the user when a task changes through REST', async () => {
        const { token, client: first } = await freshUser();
        const second = await ChatClient.open(stack.gateway, token);
        await second.next((m) => m.type === 'history');
        const other = await freshUser();
        // The user's change stream connects in the background: change tasks until the first notice arrives.
        let notice: unknown;
        for (let attempt = 0; attempt < 40 && !notice; attempt++) {
          const created = await apiCall(stack.api.url, token, 'POST', '/api/tasks', { title: `Changed elsewhere ${attempt}` });
          expect(created.status).to.equal(201);
          notice = await first.next((m) => m.type === 'tasks-changed', 250).catch(() => undefined);
        }
        expect(notice).to.deep.equal({ type: 'tasks-changed' });
        expect(await second.next((m) => m.type === 'tasks-changed')).to.deep.equal({ type: 'tasks-changed' });
        await expectNothing(other.client, 'tasks-changed', 300);
        [first, second, other.client].forEach((c) => c.close());
      });
    });

    describe('across replicas', () => {
      it('a change made through one gateway reaches the user on another gateway as tasks-changed', async () => {
        const replica = await startGateway(apiStack);
        try {
          const { token, client: onFirst } = await freshUser();
          const onSecond = await ChatClient.open(replica.gateway, token);
          await onSecond.next((m) => m.type === 'history');
          await waitFor(async () => (await gaugeValue(replica, 'chat_gateway_event_streams')) === 1);
          expect((await onFirst.say('add water the plants')).text).to.equal('Added “Water the plants”.');
          expect(await onSecond.next((m) => m.type === 'tasks-changed')).to.deep.equal({ type: 'tasks-changed' });
          expect((await onSecond.say('show my tasks')).tasks!.map((t) => t.title)).to.deep.equal(['Water the plants']);
          [onFirst, onSecond].forEach((c) => c.close());
        } finally {
          await replica.stop();
        }
      });
    });

    describe('change stream', () => {
      it('reconnects after the API connection drops, tells the sockets to refresh, and keeps delivering changes', async () => {
        const replica = await startGateway(apiStack);
        try {
          const { token } = await register(replica.api.url);
          const client = await ChatClient.open(replica.gateway, token);
          await client.next((m) => m.type === 'history');
          await waitFor(async () => (await gaugeValue(replica, 'chat_gateway_event_streams')) === 1);
          replica.link.dropConnections();
          // Changes made while disconnected may be lost, so a reconnect itself is announced.
          expect(await client.next((m) => m.type === 'tasks-changed')).to.deep.equal({ type: 'tasks-changed' });
          await waitFor(async () => (await gaugeValue(replica, 'chat_gateway_event_streams')) === 1);
          await apiCall(replica.api.url, token, 'POST', '/api/tasks', { title: 'After the blip' });
          expect(await client.next((m) => m.type === 'tasks-changed')).to.deep.equal({ type: 'tasks-changed' });
          client.close();
          await client.closed;
          // The last socket of the user gone, the stream closes too.
          await waitFor(async () => (await gaugeValue(replica, 'chat_gateway_event_streams')) === 0);
        } finally {
          await replica.stop();
        }
      });
    });

    describe('robustness', () => {
      it('answers non-JSON and unknown types with an error and keeps the connection', async () => {
        const { client } = await freshUser();
        client.ws.send('this is not json');
        expect(await client.next((m) => m.type === 'error')).to.include({ code: 'bad_json' });
        client.ws.send(JSON.stringify({ type: 'shout', id: 'x1' }));
        expect(await client.next((m) => m.type === 'error')).to.include({ code: 'unknown_type', id: 'x1' });
        client.ws.send(JSON.stringify({ type: 'say', id: 'x2', text: '' }));
        expect(await client.next((m) => m.type === 'error')).to.include({ code: 'bad_message', id: 'x2' });
        expect((await client.say('show my tasks')).text).to.equal('You have no tasks yet. Try “add buy milk”.');
        client.close();
      });

      it('closes with 1009 on a frame over 16 KiB', async () => {
        const { client } = await freshUser();
        client.ws.send(JSON.stringify({ type: 'say', id: 'big', text: 'x'.repeat(17 * 1024) }));
        expect((await client.closed).code).to.equal(1009);
      });

      it('answers a flood with rate_limited errors, then closes with 1008', async () => {
        const { client } = await freshUser();
        for (let i = 0; i < 200 && client.ws.readyState === WebSocket.OPEN; i++) {
          client.ws.send(JSON.stringify({ type: 'say', id: `f${i}`, text: 'help' }));
        }
        expect(await client.next((m) => m.type === 'error')).to.include({ code: 'rate_limited' });
        expect((await client.closed).code).to.equal(1008);
      });

      it('exposes connections, intents and reply latency on /metrics', async () => {
        const { client } = await freshUser();
        await client.say('show my tasks');
        const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
        expect(text).to.match(/^chat_gateway_open_connections [1-9]\d*$/m);
        expect(text).to.match(/^chat_gateway_messages_total\{intent="list_tasks"\} [1-9]\d*$/m);
        expect(text).to.match(/^chat_gateway_reply_duration_seconds_count\{intent="list_tasks"\} [1-9]\d*$/m);
        client.close();
      });
    });

    describe('when the todo-api hangs', () => {
      it('replies within the bound, stays up, reports not ready, and recovers', async () => {
        const { client } = await freshUser();
        expect((await fetch(`${stack.gateway.url}/readyz`)).status).to.equal(200);
        stack.link.hang();
        try {
          const started = Date.now();
          const reply = await client.say('show my tasks');
          const elapsed = Date.now() - started;
          expect(reply.text).to.equal(API_UNAVAILABLE_REPLY);
          expect(elapsed).to.be.below(2500); // apiTimeoutMs is 1000 in this suite
          expect((await fetch(`${stack.gateway.url}/livez`)).status).to.equal(200);
          await waitFor(async () => (await fetch(`${stack.gateway.url}/readyz`)).status === 503);
        } finally {
          stack.link.pass();
        }
        await waitFor(async () => (await fetch(`${stack.gateway.url}/readyz`)).status === 200);
        expect((await client.say('show my tasks')).text).to.equal('You have no tasks yet. Try “add buy milk”.');
        client.close();
      });
    });
  });

  describe('another intent engine behind the same tool interface', () => {
    it('runs whatever tool calls the engine returns, as an LLM engine would', async () => {
      const seen: { text: string; shown: number; timeZone: string }[] = [];
      const engine: IntentEngine = {
        // Stands in for a model: async, and answers with tool calls it chose itself.
        async interpret(text, context) {
          seen.push({ text, shown: context.lastShownTasks.length, timeZone: context.timeZone });
          if (text === 'what is there') return { kind: 'tool', name: 'list_tasks', args: { filter: 'all' } };
          if (text.startsWith('tick ')) return { kind: 'tool', name: 'complete_task', args: { task: { title: text.slice(5) } } };
          return { kind: 'tool', name: 'add_task', args: { title: text.toUpperCase(), priority: 'high' } };
        },
      };
      const stack = await startGateway(apiStack, {}, { engine });
      try {
        const { token } = await register(stack.api.url);
        const client = await ChatClient.open(stack.gateway, token);
        await client.next((m) => m.type === 'history');
        expect((await client.say('walk the dog', 'Asia/Tokyo')).text).to.equal('Added “WALK THE DOG” (high priority).');
        expect((await client.say('what is there')).tasks!.map((t) => t.title)).to.deep.equal(['WALK THE DOG']);
        expect((await client.say('tick dog')).text).to.equal('Marked “WALK THE DOG” as done.');
        expect(seen).to.deep.equal([
          { text: 'walk the dog', shown: 0, timeZone: 'Asia/Tokyo' },
          { text: 'what is there', shown: 0, timeZone: 'UTC' },
          { text: 'tick dog', shown: 1, timeZone: 'UTC' },
        ]);
        client.close();
      } finally {
        await stack.stop();
      }
    });
  });

  describe('SIGTERM', () => {
    it('closes every socket with 1001 and exits 0 within the grace period, logging no token or message text', async function () {
      this.timeout(60_000);
      const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', 'services/chat-gateway/src/main.ts'], {
        cwd: repoRoot,
        env: {
          ...process.env,
          PORT: '0',
          HOST: '127.0.0.1',
          TODO_API_URL: apiStack.api.url,
          LOG_LEVEL: 'info',
          SHUTDOWN_DELAY_MS: '1000',
          SHUTDOWN_GRACE_MS: '5000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let logs = '';
      child.stdout.on('data', (chunk) => (logs += chunk));
      child.stderr.on('data', (chunk) => (logs += chunk));
      const exited = once(child, 'exit');
      try {
        const port = await new Promise<number>((resolve, reject) => {
          child.stdout.on('data', () => {
            const match = /"port":(\d+),.*"msg":"chat-gateway listening"/.exec(logs);
            if (match) resolve(Number(match[1]));
          });
          child.once('exit', () => reject(new Error(`gateway exited early:\n${logs}`)));
        });
        const { token } = await register(apiStack.api.url);
        const url = `http://127.0.0.1:${port}`;
        const clients = await Promise.all([ChatClient.open({ url }, token), ChatClient.open({ url }, token)]);
        expect((await clients[0]!.say('add secret sentence')).text).to.equal('Added “Secret sentence”.');
        const started = Date.now();
        child.kill('SIGTERM');
        // Readiness fails first (SHUTDOWN_DELAY_MS) while the sockets stay open…
        await waitFor(async () => (await fetch(`${url}/readyz`)).status === 503, 1000);
        expect(await upgradeStatus({ url }, ['todo-chat.v1', `bearer.${token}`])).to.equal(503);
        expect(clients.map((c) => c.ws.readyState)).to.deep.equal([WebSocket.OPEN, WebSocket.OPEN]);
        // …then every socket is closed with 1001 and the process exits 0.
        const closes = await Promise.all(clients.map((c) => c.closed));
        expect(closes.map((c) => c.code)).to.deep.equal([1001, 1001]);
        const [code, signal] = await exited;
        expect({ code, signal }).to.deep.equal({ code: 0, signal: null });
        expect(Date.now() - started).to.be.within(1000, 6000);
        expect(logs).to.include('"msg":"replied"');
        expect(logs).to.not.include(token);
        expect(logs).to.not.include('secret sentence');
      } finally {
        child.kill('SIGKILL');
      }
    });
  });

  describe('liveness of peers', () => {
    it('terminates a peer that stops answering pings', async () => {
      const stack = await startGateway(apiStack, { heartbeatIntervalMs: 200 });
      try {
        const { token } = await register(stack.api.url);
        const client = await ChatClient.open(stack.gateway, token);
        await client.next((m) => m.type === 'history');
        const socket = (client.ws as unknown as { _socket: import('node:net').Socket })._socket;
        socket.pause(); // no reads → no pongs
        await waitFor(async () => (await forcedDisconnects(stack, 'heartbeat')) === 1, 3000);
        socket.resume();
        expect((await client.closed).code).to.equal(1006); // terminated: no close frame
      } finally {
        await stack.stop();
      }
    });

    it('disconnects a client that does not read its replies before its buffer passes the limit', async function () {
      this.timeout(40_000);
      const stack = await startGateway(apiStack, { maxBufferedBytes: 64 * 1024, rateLimitBurst: 10_000, rateLimitPerSecond: 10_000 });
      try {
        const { token } = await register(stack.api.url);
        await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            apiCall(stack.api.url, token, 'POST', '/api/tasks', { title: `Task ${i} ${'x'.repeat(180)}` }),
          ),
        );
        const client = await ChatClient.open(stack.gateway, token);
        await client.next((m) => m.type === 'history');
        const socket = (client.ws as unknown as { _socket: import('node:net').Socket })._socket;
        socket.pause();
        for (let i = 0; i < 600; i++) client.ws.send(JSON.stringify({ type: 'say', id: `s${i}`, text: 'show my tasks' }));
        await waitFor(async () => (await forcedDisconnects(stack, 'slow_consumer')) === 1, 30_000);
        socket.resume();
        expect((await client.closed).code).to.equal(1006);
      } finally {
        await stack.stop();
      }
    });
  });
});

async function gaugeValue(stack: Stack, name: string): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

async function forcedDisconnects(stack: Stack, reason: string): Promise<number> {
  const text = await (await fetch(`${stack.gateway.url}/metrics`)).text();
  const match = new RegExp(`^chat_gateway_forced_disconnects_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

async function expectNothing(client: ChatClient, type: string, ms: number): Promise<void> {
  const got = await client
    .next((m) => m.type === type, ms)
    .then(
      () => true,
      () => false,
    );
  expect(got, `unexpected ${type}`).to.equal(false);
}
