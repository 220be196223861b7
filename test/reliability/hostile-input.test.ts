import { expect } from 'chai';
import { call } from '../../services/todo-api/test/helpers.js';
import { residentBytes, serverFaultLines, sleep, spawnOnScratchStore, type StoredChild } from '../../soak/harness.js';
import { hostileCorpus, runCorpus, slowBodies, UNIMPLEMENTED_METHODS } from '../../soak/hostileCorpus.js';
import { httpMessage, rawRequest } from '../../soak/rawHttp.js';

/**
 * The hostile corpus (soak/hostileCorpus.ts: JSON bombs, huge numbers, unicode edge cases,
 * SQL and header injection, oversized headers, wrong content types, duplicate keys,
 * prototype-pollution keys) against one todo-api child process (main.ts, as deployed), three
 * rounds, then 50 slow-body connections. Targets: never dies, never a 5xx, RSS back near its
 * warmed-up baseline, Object.prototype never polluted. soak/hostile-input.ts runs many rounds.
 */
describe('reliability: hostile HTTP input corpus against a todo-api process', function () {
  this.timeout(120_000);
  const ROUNDS = 3;
  // 48 MiB over the warmed-up baseline: V8 grows its old space by several MiB per corpus round
  // (RSS rises ~6 MiB a round, ~60 MiB before a major GC shrinks it) and its memory reducer
  // returns pages only seconds after the load stops; measured after idling, RSS sits within
  // ~5–15 MiB of the baseline (soak/hostile-input.ts, 20–40 rounds). A leak of what the corpus
  // sends (~1 MiB of bodies a round, 8 MiB announced) would keep RSS high after idling.
  const RSS_TOLERANCE = 48 * 2 ** 20;
  let stored: StoredChild;
  let token: string;
  let taskId: string;
  const fiveHundreds: string[] = [];
  const noAnswer: string[] = [];
  const rss: { baseline: number; afterRounds: number[]; final: number } = { baseline: 0, afterRounds: [], final: 0 };
  let slow: { livezMs: number[] };

  before(async () => {
    stored = await spawnOnScratchStore('hostile');
    const url = stored.child.url;
    const registered = await call(url, 'POST', '/api/auth/register', {
      json: { email: 'hostile@example.com', password: 'hostile input password' },
    });
    token = registered.body.token;
    taskId = (await call(url, 'POST', '/api/tasks', { token, json: { title: 'the target task' } })).body.id;
    // Warm up: JIT, pools and allocator reach their working size before the baseline is taken.
    for (let i = 0; i < 150; i++) {
      await call(url, 'POST', '/api/tasks', { token, json: { title: `warm ${i}` } });
      await call(url, 'GET', '/api/tasks?limit=50', { token });
    }
    rss.baseline = await residentBytes(url);
    for (let round = 0; round < ROUNDS; round++) {
      const pass = await runCorpus(url, token, taskId);
      fiveHundreds.push(...pass.fiveHundreds);
      noAnswer.push(...pass.noAnswer);
      rss.afterRounds.push(await residentBytes(url));
    }
    slow = await slowBodies(url, token, 50, 3000);
    // V8 gives memory back lazily (its memory reducer runs a few seconds after the load stops):
    // idle up to 8 s and take the lowest RSS seen.
    rss.final = Number.POSITIVE_INFINITY;
    for (let waited = 0; waited < 8000 && rss.final - rss.baseline >= RSS_TOLERANCE / 2; waited += 1000) {
      rss.final = Math.min(rss.final, await residentBytes(url));
      await sleep(1000);
    }
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `      corpus: ${hostileCorpus(token, taskId).length} requests x ${ROUNDS}; RSS MiB baseline ${mib(rss.baseline)}, after rounds ${rss.afterRounds.map(mib).join(' / ')}, final ${mib(rss.final)}; /livez during slow bodies max ${Math.max(...slow.livezMs).toFixed(0)} ms`,
    );
  });
  after(() => stored?.stop());

  it('answers every request with a status below 500', () => {
    expect(fiveHundreds).to.deep.equal([]);
  });

  it('answers every request (the connection is never dropped silently, no hang past 5 s)', () => {
    expect(noAnswer).to.deep.equal([]);
  });

  it('stays alive and serving, with no crash or server fault in its log', async () => {
    expect(stored.child.process.exitCode).to.equal(null);
    expect((await call(stored.child.url, 'GET', '/livez')).status).to.equal(200);
    expect((await call(stored.child.url, 'GET', '/readyz')).status).to.equal(200);
    expect(serverFaultLines(stored.child)).to.deep.equal([]);
  });

  it('keeps serving other clients while 50 connections trickle bodies and headers', () => {
    expect(slow.livezMs.length).to.be.above(5);
    expect(Math.max(...slow.livezMs)).to.be.below(1000);
  });

  it('returns to near its warmed-up baseline RSS', () => {
    expect(rss.final - rss.baseline).to.be.below(RSS_TOLERANCE);
  });

  it('leaves Object.prototype unpolluted: later requests behave as if nothing happened', async () => {
    const created = await call(stored.child.url, 'POST', '/api/tasks', { token, json: { title: 'after the corpus' } });
    expect(created.status).to.equal(201);
    expect(Object.keys(created.body).sort()).to.deep.equal([
      'completed',
      'createdAt',
      'description',
      'dueAt',
      'id',
      'priority',
      'tags',
      'title',
      'updatedAt',
    ]);
    expect(created.body).to.include({ completed: false, priority: 'medium' });
    // A required field supplied only through a polluted prototype would make this pass validation.
    const missingTitle = await call(stored.child.url, 'POST', '/api/tasks', { token, json: {} });
    expect(missingTitle.status).to.equal(400);
    expect(JSON.stringify(missingTitle.body.errors)).to.include('title');
    const target = await call(stored.child.url, 'GET', `/api/tasks/${taskId}`, { token });
    expect(target.status).to.equal(200);
    expect(JSON.stringify(target.body)).not.to.match(/polluted|isAdmin|from prototype/);
    const me = await call(stored.child.url, 'GET', '/api/me', { token });
    expect(Object.keys(me.body).sort()).to.deep.equal(['createdAt', 'email', 'id']);
    const list = await call(stored.child.url, 'GET', '/api/tasks?limit=100', { token });
    expect(JSON.stringify(list.body)).not.to.match(/polluted|isAdmin|from prototype/);
    expect(list.body.items.every((t: { title: string }) => typeof t.title === 'string' && t.title.length > 0)).to.equal(true);
  });

  it('never reflects injected headers back', async () => {
    const reply = await rawRequest(
      stored.child.url,
      httpMessage('GET', '/api/tasks/%0d%0aSet-Cookie:%20injected=1', { Authorization: `Bearer ${token}` }),
    );
    expect(reply.status).to.be.within(400, 499);
    expect(reply.text).not.to.match(/^Set-Cookie: injected/im);
    const echoed = await rawRequest(stored.child.url, httpMessage('GET', '/livez', { 'X-Request-Id': 'not a valid id <script>' }));
    expect(echoed.status).to.equal(200);
    expect(/^X-Request-Id: (.*)$/im.exec(echoed.text)?.[1]).to.match(/^[0-9a-f-]{36}\r?$/);
  });

  // Found by this suite: @koa/router's allowedMethods threw a non-exposed 501 for these methods,
  // which problemJson turned into a 500 (fixed in services/todo-api/src/app.ts).
  it('answers methods no route implements (TRACE, PROPFIND, …) with a 405/501 problem, not a 500', async () => {
    const answers = await Promise.all(
      UNIMPLEMENTED_METHODS.map(async (method) => {
        const reply = await rawRequest(stored.child.url, httpMessage(method, '/api/tasks', { Authorization: `Bearer ${token}` }));
        return `${method} ${reply.status}`;
      }),
    );
    // 405 or 501 are both honest answers; 500 says the server itself failed.
    expect(answers.filter((a) => !/ (405|501)$/.test(a))).to.deep.equal([]);
  });
});
