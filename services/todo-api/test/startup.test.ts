import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { backends } from './helpers.js';

export interface Exit { readonly code: number | null; readonly output: string }

/** Runs a service's real main.ts with `env` on top of a clean environment; resolves when it exits. */
export async function runMain(main: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += String(chunk); });
  child.stderr.on('data', (chunk) => { output += String(chunk); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = await once(child, 'exit') as [number | null];
  clearTimeout(timer);
  return { code, output };
}

/** A port held by another listener for the test's duration. */
export async function occupiedPort(): Promise<{ port: number; release: () => Promise<void> }> {
  const holder = net.createServer().listen(0, '127.0.0.1');
  await once(holder, 'listening');
  return { port: (holder.address() as net.AddressInfo).port, release: () => new Promise((resolve) => holder.close(() => resolve())) };
}

/** Exit 1 with one fatal log line naming the setting, and no stack trace. */
export function expectPlainStartFailure(exit: Exit, message: string): void {
  expect(exit.code, exit.output).to.equal(1);
  const fatal = exit.output.split('\n').filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 60);
  expect(fatal.map((entry) => entry.msg), exit.output).to.deep.equal([message]);
  expect(exit.output, 'no stack trace').not.to.match(/\n\s+at |"stack"/);
}

const MAIN = 'services/todo-api/src/main.ts';

describe('todo-api start-up errors name the setting to change', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'todo-api-startup-')); });
  after(() => rm(dir, { recursive: true, force: true }));

  it('a *_FILE that does not exist, or is a directory', async () => {
    const missing = path.join(dir, 'missing.pem');
    expectPlainStartFailure(await runMain(MAIN, { JWT_PRIVATE_KEY_FILE: missing, DATA_DIR: 'memory://' }),
      `todo-api cannot start: JWT_PRIVATE_KEY_FILE=${missing}: file not found`);
    expectPlainStartFailure(await runMain(MAIN, { DATABASE_URL_FILE: dir, DATA_DIR: 'memory://' }),
      `todo-api cannot start: DATABASE_URL_FILE=${dir}: is a directory, not a file`);
  });

  it('the replaced TRUST_PROXY switch, and a bad TRUST_PROXY_HOPS', async () => {
    expectPlainStartFailure(await runMain(MAIN, { TRUST_PROXY: 'true', DATA_DIR: 'memory://' }),
      'todo-api cannot start: TRUST_PROXY is no longer read: unset it and set TRUST_PROXY_HOPS to the number of proxies in front of the API (1 behind the Ingress), got TRUST_PROXY="true"');
    expectPlainStartFailure(await runMain(MAIN, { TRUST_PROXY_HOPS: 'yes', DATA_DIR: 'memory://' }),
      'todo-api cannot start: TRUST_PROXY_HOPS must be an integer in [0, 10], got "yes"');
  });

  it('a port in use', async function () {
    this.timeout(120_000);
    // The port is bound after the database opens: a PostgreSQL server (CI) spares the embedded initdb.
    const backend = backends().at(-1)!;
    const store = await backend.create();
    const { port, release } = await occupiedPort();
    try {
      const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: store.dataDir!, ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}) };
      expectPlainStartFailure(await runMain(MAIN, env, 100_000), `todo-api cannot start: PORT ${port} is in use on 127.0.0.1: set PORT to a free port`);
    } finally {
      await release();
      await backend.cleanup();
    }
  });
});
