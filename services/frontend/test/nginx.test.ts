/**
 * Runs the real nginx with nginx/nginx.conf + nginx/default.conf (only the listen port, the
 * web root and the /tmp paths are pointed at a temp dir) and checks that what it sends is what
 * nginx-config.ts computes — the dev server relies on that parser to copy nginx's headers.
 * Skipped, with a message, when no nginx binary is installed (`apt-get install nginx-light`),
 * unless REQUIRE_NGINX=1 (CI), where that fails.
 */
import { NGINX as NGINX_REQUIREMENT, requireOrSkip } from '../../../test/support/requirements.js';
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFrontend, type BuildResult } from '../build.js';
import { freePort } from '../dev/stack.js';
import { readNginxSite, responseHeaders } from '../nginx-config.js';

const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);

function get(
  port: number,
  requestPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: requestPath, headers: { host: 'todo.example.com', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('frontend nginx config under real nginx', function () {
  let dir: string;
  let port: number;
  let nginx: ChildProcess | undefined;
  let built: BuildResult;
  const site = readNginxSite();

  before(async function () {
    requireOrSkip(this, Boolean(NGINX), NGINX_REQUIREMENT);
    dir = await mkdtemp(path.join(os.tmpdir(), 'frontend-nginx-'));
    await chmod(dir, 0o755); // nginx workers may run as another user when the tests run as root
    built = await buildFrontend({ outDir: path.join(dir, 'html') });
    port = await freePort();
    const mainConf = (await readFile(path.join(FRONTEND_DIR, 'nginx/nginx.conf'), 'utf8'))
      .replaceAll('/tmp/', `${dir}/`)
      .replace('/etc/nginx/conf.d/*.conf', path.join(dir, 'default.conf'))
      .replace('access_log /dev/stdout json;', 'access_log off;');
    const siteConf = (await readFile(path.join(FRONTEND_DIR, 'nginx/default.conf'), 'utf8'))
      .replace('listen 8080;', `listen 127.0.0.1:${port};`)
      .replace('root /usr/share/nginx/html;', `root ${path.join(dir, 'html')};`);
    await writeFile(path.join(dir, 'nginx.conf'), `daemon off;\n${mainConf}`);
    await writeFile(path.join(dir, 'default.conf'), siteConf);
    const check = spawnSync(NGINX!, ['-t', '-e', 'stderr', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    expect(check.status, check.stderr).to.equal(0);
    nginx = spawn(NGINX!, ['-e', 'stderr', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    for (let i = 0; i < 100; i++) {
      if (
        await get(port, '/livez').then(
          () => true,
          () => false,
        )
      )
        return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('nginx did not start');
  });

  after(async () => {
    if (nginx) {
      nginx.kill('SIGQUIT');
      await new Promise((resolve) => nginx!.once('exit', resolve));
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cases: [string, string, number][] = [
    ['/', '/index.html', 200],
    ['/tasks/42', '/index.html', 200],
    ['/favicon.svg', '/favicon.svg', 200],
    ['/assets/app-MISSING0.js', '/assets/app-MISSING0.js', 404],
  ];
  for (const [requestPath, uri, status] of cases) {
    it(`sends for ${requestPath} exactly the headers the dev server computes`, async () => {
      const res = await get(port, requestPath);
      expect(res.status).to.equal(status);
      const expected = responseHeaders(site, { uri, host: 'todo.example.com', status });
      for (const [name, value] of Object.entries(expected)) expect(res.headers[name.toLowerCase()], name).to.equal(value);
      if (status === 404) expect(res.headers['cache-control']).to.equal(undefined);
    });
  }

  it('serves hashed assets immutable and gzipped', async () => {
    const res = await get(port, built.script, { 'accept-encoding': 'gzip' });
    expect(res.status).to.equal(200);
    expect(res.headers['content-encoding']).to.equal('gzip');
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).to.match(/javascript/);
    expect(res.headers['content-security-policy']).to.contain("connect-src 'self' wss://todo.example.com;");
  });

  it('answers the kubelet probes with 200', async () => {
    for (const probe of ['/livez', '/readyz']) {
      const res = await get(port, probe);
      expect(res.status, probe).to.equal(200);
      expect(res.body.toString()).to.equal('ok\n');
    }
  });
});
