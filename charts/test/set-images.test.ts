import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { IMAGES_FILE, loadImages, type EnvironmentImages } from '../config.js';
import { imageProblem, setImages } from '../tools/set-images.js';

const run = promisify(execFile);
// A made-up digest, used only to prove the checks; real digests come from the release workflow.
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = `ghcr.io/example-org/todo-api:1.4.2-3f9c2ab@${DIGEST}`;

describe('charts/tools/set-images', () => {
  const document = loadImages();

  it('accepts tag-plus-digest and tag-only references', () => {
    expect(imageProblem(IMAGE)).to.equal(undefined);
    expect(imageProblem('ghcr.io/example-org/todo-api:1.4.2-3f9c2ab')).to.equal(undefined);
  });

  it('refuses latest, untagged and malformed-digest references', () => {
    expect(imageProblem('ghcr.io/example-org/todo-api:latest')).to.equal('uses the mutable tag "latest"');
    expect(imageProblem('registry:5000/todo-api')).to.equal('has no tag');
    expect(imageProblem('todo-api:1.0@sha256:123')).to.equal('has a malformed digest "sha256:123"');
  });

  it('sets the references of the named environments only', () => {
    const next = setImages(document, ['prod'], [`todo-api=${IMAGE}`]);
    expect(next['prod']!['todo-api']).to.equal(IMAGE);
    expect(next['prod']!.frontend).to.equal(document['prod']!.frontend);
    expect(next['dev']).to.deep.equal(document['dev']);
  });

  it('names the bad part of a bad call', () => {
    expect(() => setImages(document, ['qa'], [`todo-api=${IMAGE}`])).to.throw('unknown environment "qa"');
    expect(() => setImages(document, ['prod'], ['db=postgres:17'])).to.throw('"db=postgres:17" is not <service>=<image>');
    expect(() => setImages(document, ['prod'], ['frontend=web:latest'])).to.throw(
      'image for frontend "web:latest" uses the mutable tag "latest"',
    );
    expect(() => setImages(document, [], [`todo-api=${IMAGE}`])).to.throw('name at least one --env');
  });

  it('rewrites a copy of images.json from the command line, and exits 2 on a bad reference', async function () {
    this.timeout(30_000);
    const file = join(mkdtempSync(join(tmpdir(), 'images-')), 'images.json');
    copyFileSync(fileURLToPath(IMAGES_FILE), file);
    const tool = fileURLToPath(new URL('../tools/set-images.ts', import.meta.url));
    await run('npx', ['--no-install', 'tsx', tool, '--file', file, '--env', 'staging', `chat-gateway=${IMAGE}`]);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, EnvironmentImages>;
    expect(written['staging']!['chat-gateway']).to.equal(IMAGE);
    const failure = await run('npx', ['--no-install', 'tsx', tool, '--file', file, '--env', 'prod', 'todo-api=x:latest']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).to.equal(2);
    expect(failure?.stderr).to.include('uses the mutable tag "latest"');
  });
});
