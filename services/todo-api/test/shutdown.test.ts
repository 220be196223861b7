import { once } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import { expect } from 'chai';
import { spawnMain as spawnApi } from './childProcess.js';
import { adminQuery, backends, call } from './helpers.js';

const SHUTDOWN_DELAY_MS = 1000;

/** main.ts through tsx exactly as `npm run api` runs it, with a low scrypt cost and a 1 s drain delay. */
function spawnMain(env: Record<string, string>) {
  return spawnApi({ SCRYPT_LOG_N: '10', SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS), ...env });
}

for (const backend of backends()) {
  describe(`todo-api main.ts SIGTERM under load on ${backend.name}`, function () {
    this.timeout(120_000);
    after(() => backend.cleanup());

    it('fails readiness at once, finishes in-flight writes, loses no acknowledged write, exits 0', async () => {
      const overrides = await backend.create();
      const env: Record<string, string> = overrides.databaseUrl
        ? { DATABASE_URL: overrides.databaseUrl }
        : { DATA_DIR: overrides.dataDir! };
      const child = await spawnMain(env);
      const password = 'a secret password 1234';
      const registered = await call(child.url, 'POST', '/api/auth/register', { json: { email: 'shutdown@example.com', password } });
      expect(registered.status).to.equal(201);
      const token: string = registered.body.token;

      const acknowledged: string[] = [];
      const failures: string[] = [];
      let writing = true;
      let sequence = 0;
      const writer = async () => {
        while (writing) {
          const title = `write ${++sequence}`;
          try {
            const reply = await call(child.url, 'POST', '/api/tasks', { token, json: { title } });
            if (reply.status === 201) acknowledged.push(reply.body.id);
            else failures.push(`${title}: ${reply.status}`);
          } catch (error) {
            failures.push(`${title}: ${(error as Error).message}`);
          }
        }
      };
      const writers = Array.from({ length: 4 }, writer);
      await new Promise((r) => setTimeout(r, 700));
      const beforeSignal = acknowledged.length;
      const exited = once(child.process, 'exit');
      child.process.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      const readiness = await call(child.url, 'GET', '/readyz');
      // A load balancer stops routing once readiness fails; writers stop well inside the delay.
      await new Promise((r) => setTimeout(r, SHUTDOWN_DELAY_MS / 3));
      writing = false;
      await Promise.all(writers);
      const [code] = await exited;

      expect(readiness.status).to.equal(503);
      expect(failures).to.deep.equal([]);
      expect(beforeSignal).to.be.above(5);
      expect(acknowledged.length).to.be.above(beforeSignal);
      expect(code).to.equal(0);

      let stored: string[];
      if (overrides.databaseUrl) {
        stored = (await adminQuery('select id from tasks', [], overrides.databaseUrl)).rows.map((r) => r.id);
      } else {
        const db = await PGlite.create(`${overrides.dataDir}/pgdata`);
        stored = (await db.query<{ id: string }>('select id from tasks')).rows.map((r) => r.id);
        await db.close();
      }
      expect(stored).to.include.members(acknowledged);
      expect(stored).to.have.length(acknowledged.length);

      const lines = child
        .output()
        .trim()
        .split('\n')
        .filter((line) => line.startsWith('{'));
      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requestLog = entries.find((e) => e.msg === 'request' && e.path === '/api/tasks');
      expect(requestLog).to.include({ method: 'POST', status: 201, service: 'todo-api' });
      expect(requestLog!.reqId).to.match(/^[0-9a-f-]{36}$/);
      expect(entries.map((e) => e.msg)).to.include.members(['shutdown requested', 'draining: readiness now fails', 'todo-api stopped']);
      expect(child.output()).not.to.include(password);
      expect(child.output()).not.to.include(token.split('.')[2]);
      expect(child.output()).not.to.include('Bearer');
    });
  });
}
