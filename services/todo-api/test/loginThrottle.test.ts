import { expect } from 'chai';
import pino from 'pino';
import { LoginThrottle } from '../src/auth/loginThrottle.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { HttpProblem } from '../src/http/problem.js';

describe('todo-api login throttle', function () {
  this.timeout(60_000);
  let database: Database;
  before(async () => {
    database = await openDatabase({
      dataDir: 'memory://',
      poolMax: 1,
      preparedStatements: false,
      connectTimeoutMs: 3000,
      statementTimeoutMs: 5000,
      logger: pino({ level: 'silent' }),
    });
    await migrateToLatest(database.db);
  });
  after(() => database?.close());

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('does not count attempts whose check failed for the server (abandoned), only failures', async () => {
    const throttle = new LoginThrottle(database.db, { failuresBeforeLockout: 2, lockoutBaseSeconds: 60, lockoutMaxSeconds: 60 });
    for (let i = 0; i < 5; i++) await (await throttle.begin('ann@example.com')).abandoned();
    await (await throttle.begin('ann@example.com')).failed();
    await (await throttle.begin('ann@example.com')).failed();
    const error = await refusal(throttle.begin('ann@example.com'));
    expect(error).to.be.instanceOf(HttpProblem);
    expect((error as HttpProblem).status).to.equal(429);
    expect((error as HttpProblem).headers['Retry-After']).to.equal('60');
  });
});
