/** Static checks of the frontend image recipe (no Docker engine runs here). */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNginxConfig } from '../nginx-config.js';

const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly stage: number;
}

/** Instructions with continuation lines joined and comments dropped, tagged by stage index. */
function parseDockerfile(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const out: Instruction[] = [];
  let stage = -1;
  for (const line of joined.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [keyword, ...rest] = trimmed.split(/\s+/);
    if (keyword!.toUpperCase() === 'FROM') stage++;
    out.push({ keyword: keyword!.toUpperCase(), args: rest.join(' '), stage });
  }
  return out;
}

describe('frontend Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(path.join(FRONTEND_DIR, 'Dockerfile'), 'utf8'));
  const froms = instructions.filter((i) => i.keyword === 'FROM');
  const finalStage = froms.length - 1;
  const final = instructions.filter((i) => i.stage === finalStage);

  it('is multi-stage: a pinned Node build stage, then a pinned unprivileged nginx', () => {
    expect(froms.map((f) => f.args)).to.deep.equal([
      'node:26.10.0-trixie-slim AS build',
      'nginxinc/nginx-unprivileged:1.29.3-alpine AS runtime',
    ]);
    for (const from of froms) {
      const image = from.args.split(/\s+/)[0]!;
      expect(image, image).to.match(/:[0-9]+\.[0-9]+\.[0-9]+[^:]*$/);
      expect(image).not.to.match(/:latest$/);
    }
  });

  it('builds the app in the build stage and copies only its output into the runtime', () => {
    const buildRuns = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args);
    expect(buildRuns).to.include('npx tsx services/frontend/build.ts /src/build/frontend');
    expect(buildRuns.some((r) => r.includes('npm ci'))).to.equal(true);
    const fromBuild = final.filter((i) => i.keyword === 'COPY' && i.args.includes('--from=build'));
    expect(fromBuild.map((i) => i.args)).to.deep.equal(['--from=build --chown=root:root /src/build/frontend/ /usr/share/nginx/html/']);
  });

  it('runs as uid/gid 10001 (>= 10001), set after the last root step', () => {
    const users = final.filter((i) => i.keyword === 'USER');
    const last = users[users.length - 1]!;
    const [uid, gid] = last.args.split(':').map(Number);
    expect(uid).to.be.at.least(10001);
    expect(gid).to.be.at.least(10001);
    const lastUserIndex = final.indexOf(last);
    expect(final.slice(lastUserIndex + 1).filter((i) => i.keyword === 'RUN')).to.deep.equal([]);
  });

  it('ships root-owned files the server cannot change, and the nginx configs where nginx reads them', () => {
    const copies = final.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    for (const copy of copies) expect(copy).to.contain('--chown=root:root');
    expect(copies).to.include('--chown=root:root --chmod=0644 services/frontend/nginx/nginx.conf /etc/nginx/nginx.conf');
    expect(copies).to.include('--chown=root:root --chmod=0644 services/frontend/nginx/default.conf /etc/nginx/conf.d/default.conf');
    expect(instructions.some((i) => i.keyword === 'ADD')).to.equal(false);
  });

  it('exposes the port default.conf listens on, and runs nginx in the foreground', () => {
    const site = parseNginxConfig(readFileSync(path.join(FRONTEND_DIR, 'nginx/default.conf'), 'utf8'));
    const listen = site.find((d) => d.name === 'server')!.children!.find((d) => d.name === 'listen')!.args[0];
    expect(final.find((i) => i.keyword === 'EXPOSE')!.args).to.equal(listen);
    expect(final.find((i) => i.keyword === 'CMD')!.args).to.equal('["nginx", "-g", "daemon off;"]');
  });

  it('needs no writable path but /tmp (nginx.conf puts pid and temp files there)', () => {
    const mainConf = parseNginxConfig(readFileSync(path.join(FRONTEND_DIR, 'nginx/nginx.conf'), 'utf8'));
    const paths = [
      ...mainConf.filter((d) => d.name === 'pid').map((d) => d.args[0]!),
      ...mainConf
        .find((d) => d.name === 'http')!
        .children!.filter((d) => d.name.endsWith('_temp_path'))
        .map((d) => d.args[0]!),
    ];
    expect(paths).to.have.length(6);
    for (const p of paths) expect(p).to.match(/^\/tmp\//);
  });

  it('keeps the build context small (per-Dockerfile ignore file)', () => {
    const ignore = readFileSync(path.join(FRONTEND_DIR, 'Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignore).to.include.members(['**', '!package.json', '!package-lock.json', '!services/frontend/']);
  });
});
