import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import pino from 'pino';
import { createTokenService } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { startTodoApi } from '../src/server.js';
import { TEST_CONFIG } from './helpers.js';

describe('todo-api configuration', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'todo-api-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('has production defaults: port 8080, OWASP scrypt cost, local origins, .data', () => {
    const config = loadConfig({});
    expect(config).to.include({
      port: 8080,
      scryptLogN: 17,
      dataDir: path.resolve('.data'),
      jwtIssuer: 'todo-api',
      jwtAudience: 'todo-platform',
      shutdownDelayMs: 5000,
    });
    expect(config.databaseUrl).to.equal(undefined);
    expect(config.allowedOrigins).to.deep.equal(['http://localhost:3000', 'http://127.0.0.1:3000']);
  });

  it('reads every secret from NAME_FILE, trimming the trailing newline', async () => {
    const signing = generateKeyPairSync('ed25519');
    const previous = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ed25519');
    await writeFile(path.join(dir, 'url'), 'postgres://app@db:5432/todo\n');
    await writeFile(path.join(dir, 'key'), signing.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(
      path.join(dir, 'verify'),
      [previous.publicKey, other.publicKey].map((k) => k.export({ type: 'spki', format: 'pem' })).join('\n'),
    );
    const config = loadConfig({
      DATABASE_URL_FILE: path.join(dir, 'url'),
      JWT_PRIVATE_KEY_FILE: path.join(dir, 'key'),
      JWT_VERIFY_KEYS_FILE: path.join(dir, 'verify'),
      ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      SCRYPT_LOG_N: '12',
      PORT: '9000',
    });
    expect(config.databaseUrl).to.equal('postgres://app@db:5432/todo');
    expect(config.jwtPrivateKeyPem).to.match(/^-----BEGIN PRIVATE KEY-----/);
    expect(config.jwtVerifyKeyPems).to.have.length(2);
    expect(config.allowedOrigins).to.deep.equal(['https://a.example', 'https://b.example']);
    expect(config).to.include({ scryptLogN: 12, port: 9000 });
  });

  it('refuses malformed numbers, naming the variable and the value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).to.throw('PORT must be an integer in [0, 65535], got "eighty"');
    expect(() => loadConfig({ SCRYPT_LOG_N: '4' })).to.throw('SCRYPT_LOG_N must be an integer in [10, 20], got "4"');
  });

  it('reads switches as true or false only: prepared statements on unless set', () => {
    expect(loadConfig({})).to.include({ dbPreparedStatements: true });
    expect(loadConfig({ DB_PREPARED_STATEMENTS: 'false' })).to.include({ dbPreparedStatements: false });
    // A typo must not silently keep the default, e.g. statements PgBouncer cannot run.
    expect(() => loadConfig({ DB_PREPARED_STATEMENTS: 'off' })).to.throw('DB_PREPARED_STATEMENTS must be true or false, got "off"');
  });

  it('has the security limits of issue 15 by default, each settable and range-checked', () => {
    const config = loadConfig({});
    expect(config).to.include({ jwtClockSkewSeconds: 30, sseMaxStreamsPerUser: 10 });
    expect(config.loginLockout).to.deep.equal({ failuresBeforeLockout: 5, lockoutBaseSeconds: 30, lockoutMaxSeconds: 900 });
    const set = loadConfig({
      JWT_CLOCK_SKEW_SECONDS: '5',
      SSE_MAX_STREAMS_PER_USER: '3',
      LOGIN_LOCKOUT_AFTER_FAILURES: '10',
      LOGIN_LOCKOUT_BASE_SECONDS: '1',
      LOGIN_LOCKOUT_MAX_SECONDS: '60',
    });
    expect(set).to.include({ jwtClockSkewSeconds: 5, sseMaxStreamsPerUser: 3 });
    expect(set.loginLockout).to.deep.equal({ failuresBeforeLockout: 10, lockoutBaseSeconds: 1, lockoutMaxSeconds: 60 });
    expect(() => loadConfig({ JWT_CLOCK_SKEW_SECONDS: '3600' })).to.throw(
      'JWT_CLOCK_SKEW_SECONDS must be an integer in [0, 300], got "3600"',
    );
    expect(() => loadConfig({ SSE_MAX_STREAMS_PER_USER: '0' })).to.throw(
      'SSE_MAX_STREAMS_PER_USER must be an integer in [1, 1000], got "0"',
    );
    expect(() => loadConfig({ LOGIN_LOCKOUT_AFTER_FAILURES: 'five' })).to.throw(
      'LOGIN_LOCKOUT_AFTER_FAILURES must be an integer in [1, 1000], got "five"',
    );
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY_HOPS is set, and refuses the replaced TRUST_PROXY', () => {
    expect(loadConfig({})).to.include({ trustProxyHops: 0 });
    expect(loadConfig({ TRUST_PROXY_HOPS: '1' })).to.include({ trustProxyHops: 1 });
    for (const bad of ['-1', '11', '1.5', 'true']) {
      expect(() => loadConfig({ TRUST_PROXY_HOPS: bad })).to.throw(`TRUST_PROXY_HOPS must be an integer in [0, 10], got "${bad}"`);
    }
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).to.throw('TRUST_PROXY is no longer read');
    expect(() => loadConfig({ TRUST_PROXY: '' })).to.throw('TRUST_PROXY is no longer read');
  });

  it('generates a local signing key once, keeps it in DATA_DIR with mode 0600, and reuses it', async () => {
    const logger = pino({ level: 'silent' });
    const options = {
      issuer: 'i',
      audience: 'a',
      ttlSeconds: 60,
      clockSkewSeconds: 30,
      verifyKeyPems: [],
      dataDir: dir,
      sharedDatabase: false,
      logger,
    };
    const first = await createTokenService(options);
    const second = await createTokenService(options);
    expect(second.jwks).to.deep.equal(first.jwks);
    expect((await stat(path.join(dir, 'jwt-signing-key.pem'))).mode & 0o777).to.equal(0o600);
    expect(await second.verify(await first.sign('user-1'))).to.equal('user-1');
  });

  it('refuses signing keys that are neither Ed25519 nor P-256', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const logger = pino({ level: 'silent' });
    let error: Error | undefined;
    try {
      await createTokenService({
        issuer: 'i',
        audience: 'a',
        ttlSeconds: 60,
        clockSkewSeconds: 30,
        verifyKeyPems: [],
        dataDir: dir,
        sharedDatabase: true,
        logger,
        privateKeyPem: rsa,
      });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.equal('JWT keys must be Ed25519 or EC P-256, got rsa');
  });
});

describe('todo-api embedded database directory lock', () => {
  it('refuses a DATA_DIR that another running process holds, naming it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'todo-api-lock-'));
    const holder = spawn('sleep', ['30']);
    try {
      await writeFile(path.join(dir, 'pglite.lock'), `${holder.pid}\n`);
      let error: Error | undefined;
      try {
        await startTodoApi({ ...TEST_CONFIG, dataDir: dir, databaseUrl: undefined });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.equal(
        `DATA_DIR ${dir} is in use by process ${holder.pid} (${path.join(dir, 'pglite.lock')}); stop it or choose another DATA_DIR`,
      );
    } finally {
      holder.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
