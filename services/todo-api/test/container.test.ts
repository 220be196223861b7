import { requireOrSkip, ROOT } from '../../../test/support/requirements.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { bundleTodoApi } from '../build.js';
import { DOCKERFILE, imageCommand, imageEnvironment } from '../image.js';
import { backends, call } from './helpers.js';

const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = path.resolve(SERVICE_DIR, '../..');
const UID = 10001;

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).to.be.instanceOf(Error);
  expect((error as Error).message).to.match(message);
}

describe('todo-api Dockerfile (static checks)', () => {
  let lines: string[];
  before(async () => {
    lines = (await readFile(DOCKERFILE, 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
  });

  it('is multi-stage and every stage uses the pinned Node LTS image', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms.length).to.be.at.least(2);
    for (const from of froms) expect(from).to.match(/^FROM node:26\.10\.0-trixie-slim AS \w+$/);
  });

  it('installs production dependencies only in the image that ships', () => {
    const runtimeStart = lines.findIndex((l) => /^FROM .* AS runtime$/.test(l));
    expect(runtimeStart).to.be.above(0);
    expect(lines.some((l) => /npm ci --omit=dev/.test(l))).to.equal(true);
    const runtime = lines.slice(runtimeStart);
    expect(runtime.filter((l) => l.startsWith('RUN '))).to.deep.equal([]);
    expect(runtime.filter((l) => l.startsWith('COPY ')).join('\n')).to.match(/--from=deps .*node_modules/);
  });

  it('runs as uid/gid 10001 the compiled bundle under build/', async () => {
    const users = lines.filter((l) => l.startsWith('USER '));
    expect(users.at(-1)).to.equal('USER 10001:10001');
    expect(lines.at(-1)).to.equal(
      'CMD ["node", "--enable-source-maps", "--import=./build/todo-api/tracing.js", "--no-allocation-site-pretenuring", "--min-semi-space-size=32", "--max-semi-space-size=32", "build/todo-api/main.js"]',
    );
    expect(await imageCommand()).to.deep.equal([
      'node',
      '--enable-source-maps',
      '--import=./build/todo-api/tracing.js',
      '--no-allocation-site-pretenuring',
      '--min-semi-space-size=32',
      '--max-semi-space-size=32',
      'build/todo-api/main.js',
    ]);
    expect(lines).to.include('ENV NODE_ENV=production \\');
    expect(lines.some((l) => l.includes('DATA_DIR=/tmp/todo-api'))).to.equal(true);
  });

  it('refuses a Dockerfile whose start command the benchmark could not reproduce', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'todo-api-dockerfile-'));
    try {
      const dockerfile = path.join(dir, 'Dockerfile');
      await writeFile(dockerfile, 'FROM node:26.10.0-trixie-slim\n');
      await expectRejection(imageCommand(dockerfile), /has no CMD/);
      await writeFile(dockerfile, 'FROM node:26.10.0-trixie-slim\nCMD node build/todo-api/main.js\n');
      await expectRejection(imageCommand(dockerfile), /must be the exec form .*got CMD node build/);
      await writeFile(dockerfile, 'FROM node:26.10.0-trixie-slim\nCMD ["sh", "-c", "node main.js"]\n');
      await expectRejection(imageCommand(dockerfile), /must be the exec form \["node"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bundles with the same script the test below runs', () => {
    expect(lines).to.include('RUN npx tsx services/todo-api/build.ts /src/build/todo-api');
  });

  it("reads the environment a benchmark must give the image's bundle: the last stage's ENV, later values winning", async () => {
    expect(await imageEnvironment()).to.deep.equal({ NODE_ENV: 'production', PORT: '8080', DATA_DIR: '/tmp/todo-api' });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'todo-api-dockerfile-'));
    try {
      const dockerfile = path.join(dir, 'Dockerfile');
      await writeFile(
        dockerfile,
        [
          'FROM node:26.10.0-trixie-slim AS build',
          'ENV BUILD_ONLY=1',
          'FROM node:26.10.0-trixie-slim AS runtime',
          'ENV A=1 \\',
          '    B="two words" \\',
          '    C=3',
          'ENV C=4',
          'CMD ["node", "main.js"]',
          '',
        ].join('\n'),
      );
      expect(await imageEnvironment(dockerfile)).to.deep.equal({ A: '1', B: 'two words', C: '4' });
      await writeFile(dockerfile, 'ENV A=1\n');
      await expectRejection(imageEnvironment(dockerfile), /has no FROM/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('todo-api bundle as uid 10001 from a read-only directory', function () {
  this.timeout(120_000);
  let root: string;
  const stores = backends();

  before(async function () {
    requireOrSkip(this, process.getuid?.() === 0, ROOT);
    root = await mkdtemp(path.join(os.tmpdir(), 'todo-api-image-'));
    await chmod(root, 0o755);
    await bundleTodoApi(path.join(root, 'app/build/todo-api'));
    // Stands in for the image's /app/node_modules (production deps) — read-only for uid 10001.
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'app/node_modules'));
  });
  after(async () => {
    await Promise.all(stores.map((backend) => backend.cleanup()));
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const backend of stores) {
    it(`serves on ${backend.name}, writing nothing outside /tmp`, async () => {
      const overrides = await backend.create();
      const dataDir = path.join(os.tmpdir(), `todo-api-image-data-${process.pid}-${backend.name}`);
      const marker = path.join(root, 'started');
      await writeFile(marker, '');
      const app = path.join(root, 'app');
      const [, ...nodeArguments] = await imageCommand();
      const child = spawn('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', process.execPath, ...nodeArguments], {
        cwd: app,
        env: {
          PATH: process.env.PATH!,
          NODE_ENV: 'production',
          PORT: '0',
          HOST: '127.0.0.1',
          SCRYPT_LOG_N: '10',
          SHUTDOWN_DELAY_MS: '0',
          // As in the image: DATA_DIR under /tmp (the only writable path) holds the dev key or the embedded database.
          HOME: '/nonexistent',
          DATA_DIR: dataDir,
          ...(overrides.databaseUrl ? { DATABASE_URL: overrides.databaseUrl } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => {
        output += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        output += c.toString();
      });
      try {
        let port: string | undefined;
        const started = Date.now();
        while (!(port = /"port":(\d+)[^\n]*"msg":"todo-api listening"/.exec(output)?.[1])) {
          if (child.exitCode !== null || Date.now() - started > 90_000) throw new Error(`bundle did not start:\n${output}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const url = `http://127.0.0.1:${port}`;
        expect((await call(url, 'GET', '/livez')).body).to.deep.equal({ status: 'ok' });
        expect((await call(url, 'GET', '/readyz')).status).to.equal(200);
        const { body } = await call(url, 'POST', '/api/auth/register', {
          json: { email: 'image@example.com', password: 'long enough pw' },
        });
        expect((await call(url, 'POST', '/api/tasks', { token: body.token, json: { title: 'from the image' } })).status).to.equal(201);
      } finally {
        child.kill('SIGTERM');
      }
      const [code] = await once(child, 'exit');
      expect(code, output).to.equal(0);

      // Every file uid 10001 created since start lies under /tmp (the data dir on PGlite).
      const written = execFileSync(
        'find',
        ['/', '-xdev', '-ignore_readdir_race', '-path', '/proc', '-prune', '-o', '-user', String(UID), '-newer', marker, '-print'],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter(Boolean);
      expect(written.filter((file) => !file.startsWith('/tmp/'))).to.deep.equal([]);
      expect(written).to.include(path.join(dataDir, 'jwt-signing-key.pem'));
      expect(written.filter((file) => !file.startsWith(dataDir) && file.includes('todo-api'))).to.deep.equal([]);
      await rm(dataDir, { recursive: true, force: true });
    });
  }
});
