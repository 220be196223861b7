import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { imageEnvironment } from '../../todo-api/image.js';
import { buildGateway } from '../build.js';

const GATEWAY_DIR = fileURLToPath(new URL('..', import.meta.url));

describe('chat-gateway image', () => {
  describe('Dockerfile', () => {
    let dockerfile: string;
    before(async () => {
      dockerfile = await readFile(path.join(GATEWAY_DIR, 'Dockerfile'), 'utf8');
    });
    const instructions = () => dockerfile.split('\n').filter((l) => /^[A-Z]+\s/.test(l));

    it('is multi-stage and every stage uses the pinned Node LTS', () => {
      const froms = instructions().filter((l) => l.startsWith('FROM '));
      expect(froms).to.deep.equal(['FROM node:26.10.0-trixie-slim AS build', 'FROM node:26.10.0-trixie-slim AS runtime']);
    });
    it('runs the bundle from build/ as uid/gid 10001, with no package manager in the runtime stage', () => {
      const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
      expect(runtime).to.match(/^USER 10001:10001$/m);
      expect(runtime).to.match(
        /^CMD \["node", "--enable-source-maps", "--import=\/app\/build\/tracing\.mjs", "\/app\/build\/main\.mjs"\]$/m,
      );
      expect(runtime).to.include('/usr/local/bin/npm');
      expect(runtime).to.not.match(/^RUN .*npm (ci|install)/m);
      expect(runtime).to.not.match(/^COPY .*node_modules/m);
      expect(runtime).to.match(/^COPY --from=build --chown=root:root --chmod=0444 \/src\/build\/chat-gateway\/ \/app\/build\/$/m);
    });
    it('caps glibc malloc arenas (MALLOC_ARENA_MAX=2), which keeps 10,000 sockets within the RSS budget', async () => {
      expect(await imageEnvironment(path.join(GATEWAY_DIR, 'Dockerfile'))).to.deep.equal({
        NODE_ENV: 'production',
        PORT: '8081',
        TMPDIR: '/tmp',
        MALLOC_ARENA_MAX: '2',
      });
    });
    it('exposes 8081 and stops on SIGTERM', () => {
      expect(instructions()).to.include.members(['EXPOSE 8081', 'STOPSIGNAL SIGTERM']);
    });
    it('has a .dockerignore that lets in only what the build needs', async () => {
      const ignore = (await readFile(path.join(GATEWAY_DIR, 'Dockerfile.dockerignore'), 'utf8'))
        .split('\n')
        .filter((l) => l && !l.startsWith('#'));
      expect(ignore).to.deep.equal([
        '**',
        '!package.json',
        '!package-lock.json',
        '!tsconfig.json',
        '!services/shared/',
        '!services/chat-gateway/src/',
        '!services/chat-gateway/build.ts',
      ]);
    });
  });

  describe('the built bundle', () => {
    let dir: string;
    before(async function () {
      this.timeout(60_000);
      dir = await mkdtemp(path.join(os.tmpdir(), 'chat-gateway-image-'));
      await buildGateway(path.join(dir, 'build'));
      await chmod(dir, 0o755);
    });
    after(async () => {
      if (!dir) return;
      await chmod(path.join(dir, 'run'), 0o755).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    });

    it('starts as uid 10001 (or, without root, the current user) from a non-writable working directory, without node_modules, and answers /livez', async function () {
      this.timeout(30_000);
      // Switching to uid 10001 needs root; otherwise the directory is made read-only for its owner.
      const asRoot = process.getuid?.() === 0;
      const runDir = path.join(dir, 'run');
      await mkdir(runDir);
      await chmod(runDir, 0o555);
      const child = spawn(process.execPath, [`--import=${path.join(dir, 'build/tracing.mjs')}`, path.join(dir, 'build/main.mjs')], {
        cwd: runDir, // not writable for the process; no node_modules anywhere up the tree
        ...(asRoot ? { uid: 10001, gid: 10001 } : {}),
        env: {
          PATH: process.env.PATH,
          PORT: '0',
          HOST: '127.0.0.1',
          TODO_API_URL: 'http://127.0.0.1:9',
          LOG_LEVEL: 'info',
          TMPDIR: '/tmp',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let logs = '';
      child.stdout.on('data', (c) => (logs += c));
      child.stderr.on('data', (c) => (logs += c));
      try {
        const port = await new Promise<number>((resolve, reject) => {
          child.stdout.on('data', () => {
            const m = /"port":(\d+),.*"msg":"chat-gateway listening"/.exec(logs);
            if (m) resolve(Number(m[1]));
          });
          child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${logs}`)));
        });
        const livez = await fetch(`http://127.0.0.1:${port}/livez`);
        expect(livez.status).to.equal(200);
        expect(await livez.json()).to.deep.equal({ status: 'ok' });
        // The API at port 9 does not exist: alive, but not ready.
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(503);
        child.kill('SIGTERM');
        const [code] = await once(child, 'exit');
        expect(code).to.equal(0);
      } finally {
        child.kill('SIGKILL');
      }
    });
  });
});
