import { once } from 'node:events';
import { expect } from 'chai';
import { memoryOf, resetPeakMemory, spawnBundle, type ApiProcess } from './childProcess.js';
import { backends, call } from './helpers.js';

const MiB = 1024 * 1024;
/** What one scrypt at the production cost (N=2^17, r=8) allocates: 128·N·r bytes. */
const ONE_HASH = 128 * MiB;
/** The pod memory limit the README recommends for dev and staging: idle ~125 MiB + one hash + room for request load. */
const RECOMMENDED_SMALL_LIMIT = 384 * MiB;

// The server when DATABASE_URL is set (every environment runs on PostgreSQL); PGlite otherwise,
// whose embedded database adds ~700 MiB of its own, so there only the growth is compared.
const backend = backends().at(-1)!;

describe(`todo-api password hashing under a login burst (bundle, production scrypt cost, ${backend.name})`, function () {
  this.timeout(120_000);
  let api: ApiProcess;

  before(async () => {
    const overrides = await backend.create();
    api = await spawnBundle({
      // SCRYPT_LOG_N and SCRYPT_CONCURRENCY unset: the production cost and the default bound.
      SCRYPT_MAX_QUEUE: '1',
      SHUTDOWN_DELAY_MS: '0',
      ...(overrides.databaseUrl ? { DATABASE_URL: overrides.databaseUrl, DATA_DIR: 'memory://' } : { DATA_DIR: overrides.dataDir! }),
    });
  });
  after(async () => {
    if (api?.process.exitCode === null) {
      api.process.kill('SIGTERM');
      await once(api.process, 'exit');
    }
    await backend.cleanup();
  });

  it('answers 2xx/4xx/503 to 24 parallel logins and registrations and stays under the memory limit', async () => {
    const password = 'a long enough password';
    const idle = await memoryOf(api.pid, 'VmRSS');
    await resetPeakMemory(api.pid);

    const started = Date.now();
    const requests = [
      ...Array.from({ length: 8 }, (_, i) => ['register', { email: `burst${i}@example.com`, password }] as const),
      ...Array.from({ length: 8 }, (_, i) => ['login', { email: `burst${i}@example.com`, password }] as const),
      ...Array.from({ length: 8 }, () => ['login', { email: 'nobody@example.com', password }] as const),
    ];
    const replies = await Promise.all(requests.map(([route, json]) => call(api.url, 'POST', `/api/auth/${route}`, { json })));
    const elapsedMs = Date.now() - started;
    const peak = await memoryOf(api.pid, 'VmHWM');
    const statuses = replies.map((r) => r.status);

    const report = `idle ${(idle / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, statuses ${statuses.join(' ')}, ${elapsedMs} ms`;
    console.log(`      ${report}`);
    // One hash at a time (the default): the peak is the idle process plus one scrypt, with room for the requests.
    expect(peak - idle, report).to.be.below(ONE_HASH + 48 * MiB);
    if (backend.name === 'postgres') expect(peak, report).to.be.below(RECOMMENDED_SMALL_LIMIT);
    expect(api.process.exitCode, api.output()).to.equal(null);
    expect((await call(api.url, 'GET', '/livez')).status).to.equal(200);
    expect(
      statuses.every((s) => [200, 201, 401, 429, 503].includes(s)),
      String(statuses),
    ).to.equal(true); // 429: the per-account lockout (8 parallel logins of one email)
    expect(statuses.filter((s) => s === 201)).to.have.length.above(0);
    const refused = replies.filter((r) => r.status === 503);
    expect(refused).to.have.length.above(0);
    for (const reply of refused) {
      expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(Number(reply.headers.get('retry-after'))).to.be.at.least(1);
      expect(reply.body).to.include({ status: 503, title: 'Service Unavailable' });
    }
  });
});
