/**
 * nginx/default.conf is the single source of truth for serving the app (image, chart ConfigMap,
 * dev server). These tests hold it to what the built app needs: a strict CSP that still allows
 * everything the bundle loads, the cache rules, the SPA fallback and the probes.
 */
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFrontend, renderIndexHtml, type BuildResult } from '../build.js';
import { parseCsp, parseNginxConfig, readNginxSite, responseHeaders, type NginxDirective } from '../nginx-config.js';

const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function find(directives: readonly NginxDirective[], name: string, firstArg?: string): NginxDirective[] {
  return directives.filter((d) => d.name === name && (firstArg === undefined || d.args[0] === firstArg));
}

describe('frontend static site and its nginx config', () => {
  const site = readNginxSite();
  const server = find(site.directives, 'server')[0]!;
  let built: BuildResult;
  let outDir: string;
  let indexHtml: string;
  let script: string;
  let stylesheet: string;

  before(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'frontend-static-'));
    built = await buildFrontend({ outDir });
    indexHtml = await readFile(path.join(outDir, 'index.html'), 'utf8');
    script = await readFile(path.join(outDir, built.script), 'utf8');
    stylesheet = await readFile(path.join(outDir, built.stylesheet), 'utf8');
  });
  after(() => rm(outDir, { recursive: true, force: true }));

  describe('Content-Security-Policy', () => {
    const csp = parseCsp(responseHeaders(site, { uri: '/index.html', host: 'todo.example.com', status: 200 })['Content-Security-Policy']!);

    it('allows only the app origin for scripts, styles, images and connections', () => {
      expect(csp.get('default-src')).to.deep.equal(["'self'"]);
      expect(csp.get('script-src')).to.deep.equal(["'self'"]);
      expect(csp.get('style-src')).to.deep.equal(["'self'"]);
      expect(csp.get('img-src')).to.deep.equal(["'self'"]);
      expect(csp.get('connect-src')).to.deep.equal(["'self'", 'wss://todo.example.com']);
    });

    it('forbids framing, plugins, base rewriting and foreign form targets', () => {
      expect(csp.get('frame-ancestors')).to.deep.equal(["'none'"]);
      expect(csp.get('object-src')).to.deep.equal(["'none'"]);
      expect(csp.get('base-uri')).to.deep.equal(["'none'"]);
      expect(csp.get('form-action')).to.deep.equal(["'self'"]);
    });

    it('has no unsafe or wildcard source anywhere', () => {
      for (const [directive, sources] of csp) {
        for (const source of sources) {
          expect(source, directive).not.to.match(/unsafe|^\*$|^https?:$|^data:$|^blob:$|^ws:$|^wss:$/);
        }
      }
    });

    it('echoes only a plain host name into connect-src, so a crafted Host cannot add directives', () => {
      const header = responseHeaders(site, { uri: '/', host: "evil;script-src 'unsafe-inline'", status: 200 })['Content-Security-Policy']!;
      expect(parseCsp(header).get('connect-src')).to.deep.equal(["'self'"]);
      expect(parseCsp(header).get('script-src')).to.deep.equal(["'self'"]);
    });

    it('is sent on errors too, with the other security headers', () => {
      const headers = responseHeaders(site, { uri: '/assets/missing.js', host: 'todo.example.com', status: 404 });
      expect(headers).to.include({
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
        'Cross-Origin-Opener-Policy': 'same-origin',
      });
      expect(headers['Content-Security-Policy']).to.contain("frame-ancestors 'none'");
      expect(headers).not.to.have.property('Cache-Control');
    });
  });

  describe('the built app needs nothing the CSP forbids', () => {
    it('index.html has no inline script, style or event handler', () => {
      const scripts = [...indexHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
      expect(scripts).to.have.length(1);
      for (const [, attrs, body] of scripts) {
        expect(attrs).to.match(/\bsrc="\/assets\/app-[A-Z0-9]+\.js"/);
        expect(body!.trim()).to.equal('');
      }
      expect(indexHtml).not.to.match(/<style\b/i);
      expect(indexHtml).not.to.match(/\sstyle\s*=/i);
      expect(indexHtml).not.to.match(/\son[a-z]+\s*=/i);
      expect(indexHtml).not.to.match(/javascript:/i);
    });

    it('every asset index.html references is self-hosted and was built', () => {
      const refs = [...indexHtml.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      expect(refs).to.have.members([built.script, built.stylesheet, '/favicon.svg']);
      const builtPaths = built.files.map((f) => f.path);
      for (const ref of refs) {
        expect(ref, ref).to.match(/^\/[^/]/);
        expect(builtPaths).to.include(ref);
      }
    });

    it('the script neither evaluates strings nor writes HTML, and contacts no other origin', () => {
      expect(script).not.to.match(/\beval\(|new Function\(|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write/);
      const urls = [...script.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)]*/g)].map((m) => m[0]);
      expect(urls).to.deep.equal([]);
    });

    it('the stylesheet imports nothing and loads no external resource', () => {
      expect(stylesheet).not.to.match(/@import|url\(\s*['"]?(?:https?:)?\/\//);
    });

    it('asset names carry a content hash (so the immutable cache is safe)', () => {
      expect(built.script).to.match(/^\/assets\/app-[A-Z0-9]{8}\.js$/);
      expect(built.stylesheet).to.match(/^\/assets\/app-[A-Z0-9]{8}\.css$/);
    });

    it('the index template must reference both assets', () => {
      expect(() => renderIndexHtml('<script src="{{script}}"></script>', { script: '/a.js', stylesheet: '/a.css' })).to.throw(
        '{{stylesheet}}',
      );
    });
  });

  describe('caching, fallback, probes, compression', () => {
    it('caches hashed assets for a year as immutable and revalidates everything else', () => {
      expect(responseHeaders(site, { uri: built.script, host: 'h', status: 200 })['Cache-Control']).to.equal(
        'public, max-age=31536000, immutable',
      );
      expect(responseHeaders(site, { uri: '/index.html', host: 'h', status: 200 })['Cache-Control']).to.equal('no-cache');
      expect(responseHeaders(site, { uri: '/favicon.svg', host: 'h', status: 200 })['Cache-Control']).to.equal('no-cache');
    });

    it('listens unprivileged on 8080 and serves the SPA fallback, but 404s a missing asset', () => {
      expect(find(server.children!, 'listen').map((d) => d.args[0])).to.deep.equal(['8080']);
      expect(find(server.children!, 'location', '/')[0]!.children).to.deep.equal([
        { name: 'try_files', args: ['$uri', '$uri/', '/index.html'] },
      ]);
      expect(find(server.children!, 'location', '/assets/')[0]!.children).to.deep.equal([{ name: 'try_files', args: ['$uri', '=404'] }]);
    });

    it('answers /livez and /readyz with 200 for the kubelet', () => {
      for (const probe of ['/livez', '/readyz']) {
        const location = server.children!.find((d) => d.name === 'location' && d.args[0] === '=' && d.args[1] === probe);
        expect(location, probe).to.not.equal(undefined);
        expect(find(location!.children!, 'return')[0]!.args).to.deep.equal(['200', 'ok\n']);
      }
    });

    it('compresses text assets', () => {
      expect(find(server.children!, 'gzip')[0]!.args).to.deep.equal(['on']);
      expect(find(server.children!, 'gzip_types')[0]!.args).to.include.members(['text/css', 'application/javascript']);
    });

    it('keeps every runtime write under /tmp (read-only root filesystem)', async () => {
      const main = parseNginxConfig(await readFile(path.join(FRONTEND_DIR, 'nginx/nginx.conf'), 'utf8'));
      expect(find(main, 'pid')[0]!.args).to.deep.equal(['/tmp/nginx.pid']);
      const http = find(main, 'http')[0]!.children!;
      const temps = http.filter((d) => d.name.endsWith('_temp_path'));
      expect(temps.map((d) => d.name)).to.have.members([
        'client_body_temp_path',
        'proxy_temp_path',
        'fastcgi_temp_path',
        'uwsgi_temp_path',
        'scgi_temp_path',
      ]);
      for (const temp of temps) expect(temp.args[0], temp.name).to.match(/^\/tmp\//);
      expect(find(http, 'include').map((d) => d.args[0])).to.include('/etc/nginx/conf.d/*.conf');
    });
  });

  describe('the config parser', () => {
    it('rejects unbalanced or unterminated input', () => {
      expect(() => parseNginxConfig('server {')).to.throw('missing "}"');
      expect(() => parseNginxConfig('listen 8080')).to.throw('not terminated');
      expect(() => parseNginxConfig('}')).to.throw('unexpected "}"');
      expect(() => parseNginxConfig('return 200 "ok')).to.throw('unterminated');
    });

    it('fails loudly on a variable the dev server cannot compute', () => {
      const custom = readNginxSite('server { add_header X-Thing $request_id always; }');
      expect(() => responseHeaders(custom, { uri: '/', host: 'h', status: 200 })).to.throw('$request_id');
    });
  });
});
