/**
 * `cdk8s synth` end to end: the committed dist/ is exactly what a fresh synth makes, synth is
 * deterministic, and bad input fails the synth with a message naming the construct and the value.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { parseImage } from '@todo-platform/hardened-constructs';
import { ENVIRONMENTS, loadImages, type EnvironmentImages } from '../config.js';
import { buildPlatform, policyOptionsFor } from '../synth.js';
import { DIST } from './support/dist.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
type Json = Record<string, any>;

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;

/** Every file under a folder, relative path → content. */
function snapshotTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(root);
  return files;
}

/** Runs the real CLI (`npx cdk8s synth --output DIR`), as `make synth` and the drift check do. */
async function synthInto(outdir: string): Promise<void> {
  await run('npx', ['--no-install', 'cdk8s', 'synth', '--output', outdir], {
    cwd: ROOT,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });
}

const DIGEST = `sha256:${'0f'.repeat(32)}`; // made up, only to prove the digest check

function imagesWith(env: string, service: keyof EnvironmentImages, image: string) {
  const images = loadImages();
  return { ...images, [env]: { ...images[env]!, [service]: image } };
}

/** The error a promise rejects with; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}

describe('cdk8s synth', function () {
  this.timeout(120_000);
  const fresh = mkdtempSync(join(tmpdir(), 'synth-a-'));
  const again = mkdtempSync(join(tmpdir(), 'synth-b-'));

  before(async () => {
    await synthInto(fresh);
    await synthInto(again);
  });

  it('the committed dist/ is exactly what a fresh synth makes (otherwise: run `make synth` and commit dist/)', () => {
    const committed = snapshotTree(DIST);
    const synthesized = snapshotTree(fresh);
    const stale = [...new Set([...committed.keys(), ...synthesized.keys()])].filter((f) => committed.get(f) !== synthesized.get(f));
    expect(stale, `dist/ is stale in ${stale.length} file(s): run \`make synth\` and commit dist/`).to.deep.equal([]);
  });

  it('is deterministic: two synths are byte-identical', () => {
    expect(snapshotTree(again)).to.deep.equal(snapshotTree(fresh));
    expect(snapshotTree(fresh).size).to.be.greaterThan(50);
  });

  it('writes only under CDK8S_OUTDIR: no construct metadata or other non-manifest files', () => {
    for (const file of snapshotTree(fresh).keys()) expect(file).to.match(/^[a-z]+\/[a-z0-9.-]+\.yaml$/);
  });

  it('fails on a `latest` image, naming the construct path and the value', async () => {
    const images = imagesWith('prod', 'todo-api', 'ghcr.io/example-org/todo-api:latest');
    expect((await rejectionOf(buildPlatform({ images }))).message).to.match(
      /prod\/todo-api\/Workload: invalid image "ghcr.io\/example-org\/todo-api:latest"/,
    );
  });

  it('fails on an untagged image', async () => {
    const images = imagesWith('dev', 'frontend', 'ghcr.io/example-org/todo-frontend');
    expect((await rejectionOf(buildPlatform({ images }))).message).to.match(
      /dev\/frontend\/Workload: invalid image "ghcr.io\/example-org\/todo-frontend": needs an explicit tag/,
    );
  });

  it('fails when an environment requires digests and an image has none, and passes with one', async () => {
    const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;
    if (prod.database.kind !== 'cloudnative-pg') throw new Error('prod is expected to run CloudNativePG');
    const strict = [{ ...prod, requireDigests: true }];
    const pinned = Object.fromEntries(
      Object.entries(loadImages()['prod']!).map(([service, image]) => [service, `${image}@${DIGEST}`]),
    ) as unknown as EnvironmentImages;
    // The database image is config, not images.json: it must be pinned too.
    expect((await rejectionOf(buildPlatform({ environments: strict, images: { prod: pinned } }))).message).to.include(
      `prod/database: invalid imageName "${prod.database.imageName}": this environment requires a digest`,
    );
    const pinnedDatabase = [
      { ...prod, requireDigests: true, database: { ...prod.database, imageName: `${prod.database.imageName}@${DIGEST}` } },
    ];
    expect((await rejectionOf(buildPlatform({ environments: pinnedDatabase }))).message).to.match(
      /prod\/todo-api\/Workload: invalid image "ghcr\.io\/example-org\/todo-api:[^"]+": this environment requires a digest/,
    );
    const build = await buildPlatform({ environments: pinnedDatabase, images: { prod: pinned } });
    const api = build.folders
      .get('prod')!
      .find((o) => ['Deployment', 'Rollout'].includes(o.kind) && o.metadata.name === 'todo-api') as Json;
    expect(api['spec'].template.spec.containers[0].image).to.equal(`${pinned['todo-api']}`);
    const cluster = build.folders.get('prod')!.find((o) => o.kind === 'Cluster') as Json;
    expect(cluster['spec'].imageName).to.equal(`${prod.database.imageName}@${DIGEST}`);
    expect(cluster['metadata'].labels['app.kubernetes.io/version'], 'the tag, not the digest').to.equal(
      parseImage(prod.database.imageName).tag,
    );
  });

  it('a refused `npx cdk8s synth` exits non-zero, names the problem, and leaves dist/ byte for byte as it was', async () => {
    const before = snapshotTree(join(ROOT, 'dist'));
    const failure = await run('npx', ['--no-install', 'cdk8s', 'synth'], {
      cwd: ROOT,
      env: {
        ...process.env,
        CDK8S_CHECK_UPGRADE: 'false',
        TODO_PLATFORM_IMAGES_FILE: join(ROOT, 'charts/test/fixtures/images-latest.json'),
      },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(failure?.code).to.equal(1);
    expect(failure?.stdout + failure!.stderr).to.match(/dev\/todo-api\/Workload: invalid image "ghcr.io\/example-org\/todo-api:latest"/);
    expect(snapshotTree(join(ROOT, 'dist'))).to.deep.equal(before);
  });

  it('the app alone, refused, writes nothing into its CDK8S_OUTDIR', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'synth-bad-'));
    const failure = await run('node', ['charts/synth-app.mjs'], {
      cwd: ROOT,
      env: { ...process.env, CDK8S_OUTDIR: outdir, TODO_PLATFORM_IMAGES_FILE: join(ROOT, 'charts/test/fixtures/images-latest.json') },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).to.equal(1);
    expect(failure?.stderr).to.match(/dev\/todo-api\/Workload: invalid image "ghcr.io\/example-org\/todo-api:latest"/);
    expect(readdirSync(outdir), 'nothing written').to.deep.equal([]);
  });

  it("cdk8s.yaml runs the package's plugin with the same policy properties the app checks each environment with", () => {
    const config = parse(readFileSync(join(ROOT, 'cdk8s.yaml'), 'utf8')) as {
      validations: {
        package: string;
        class: string;
        version: string;
        properties: Record<string, unknown> & { directories?: Record<string, object> };
      }[];
    };
    const plugin = config.validations.find((v) => v.class === 'HardeningValidation')!;
    expect(plugin.package).to.equal('./constructs/lib/policy/index.js');
    expect(plugin.version).to.equal(
      (JSON.parse(readFileSync(join(ROOT, 'constructs/package.json'), 'utf8')) as { version: string }).version,
    );
    const { directories = {}, ...shared } = plugin.properties;
    for (const env of ENVIRONMENTS) {
      const configured = { singleNode: false, requireDigests: false, ...shared, ...directories[env.name] };
      expect(configured, env.name).to.deep.equal(policyOptionsFor(env));
    }
  });
});
