import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { backends } from './helpers.js';
import { expectPlainStartFailure, occupiedPort, runMain } from './mainProcess.js';

const MAIN = 'services/todo-api/src/main.ts';

describe('todo-api start-up errors name the setting to change', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'todo-api-startup-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a *_FILE that does not exist, or is a directory', async () => {
    const missing = path.join(dir, 'missing.pem');
    expectPlainStartFailure(
      await runMain(MAIN, { JWT_PRIVATE_KEY_FILE: missing, DATA_DIR: 'memory://' }),
      `todo-api cannot start: JWT_PRIVATE_KEY_FILE=${missing}: file not found`,
    );
    expectPlainStartFailure(
      await runMain(MAIN, { DATABASE_URL_FILE: dir, DATA_DIR: 'memory://' }),
      `todo-api cannot start: DATABASE_URL_FILE=${dir}: is a directory, not a file`,
    );
  });

  it('the replaced TRUST_PROXY switch, and a bad TRUST_PROXY_HOPS', async () => {
    expectPlainStartFailure(
      await runMain(MAIN, { TRUST_PROXY: 'true', DATA_DIR: 'memory://' }),
      'todo-api cannot start: TRUST_PROXY is no longer read: unset it and set TRUST_PROXY_HOPS to the number of proxies in front of the API (1 behind the Ingress), got TRUST_PROXY="true"',
    );
    expectPlainStartFailure(
      await runMain(MAIN, { TRUST_PROXY_HOPS: 'yes', DATA_DIR: 'memory://' }),
      'todo-api cannot start: TRUST_PROXY_HOPS must be an integer in [0, 10], got "yes"',
    );
  });

  it('a port in use', async function () {
    this.timeout(120_000);
    // The port is bound after the database opens: a PostgreSQL server (CI) spares the embedded initdb.
    const backend = backends().at(-1)!;
    const store = await backend.create();
    const { port, release } = await occupiedPort();
    try {
      const env = {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: store.dataDir!,
        ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}),
      };
      expectPlainStartFailure(
        await runMain(MAIN, env, 100_000),
        `todo-api cannot start: PORT ${port} is in use on 127.0.0.1: set PORT to a free port`,
      );
    } finally {
      await release();
      await backend.cleanup();
    }
  });
});
