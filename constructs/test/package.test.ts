/**
 * The package as another team gets it: `npm pack` in constructs/, a real `npm install` of the
 * tarball into an empty project outside this repository, and `npx cdk8s synth` of a small app there
 * (constructs/test/fixtures/outside-app/). Slow by nature (an npm install): one install serves
 * every case.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const CONSTRUCTS = new URL('../', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = new URL('./fixtures/outside-app/', import.meta.url).pathname;
const PACKAGE = JSON.parse(readFileSync(join(CONSTRUCTS, 'package.json'), 'utf8')) as { name: string; version: string };

/** The version this repository has installed, so the outside project installs from npm's cache. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly [key: string]: unknown;
}

function manifestsIn(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJSON() as Manifest));
}

describe(`package ${PACKAGE.name}`, function () {
  this.timeout(240_000);
  const project = mkdtempSync(join(tmpdir(), 'outside-project-'));
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_loglevel: 'error' };

  before(async () => {
    const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', project], { cwd: CONSTRUCTS, env });
    const tarball = join(project, stdout.trim().split('\n').pop()!);
    cpSync(FIXTURE, project, { recursive: true });
    await run('npm', ['init', '-y'], { cwd: project, env });
    await run('npm', ['pkg', 'set', 'type=module'], { cwd: project, env });
    const tools = ['cdk8s', 'constructs', 'cdk8s-cli', 'cdk8s-plus-28', 'tsx', 'typescript'].map(
      (name) => `${name}@${installedVersion(name)}`,
    );
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...tools], { cwd: project, env });
  });

  after(() => rmSync(project, { recursive: true, force: true }));

  it('installs from the tarball with its runtime dependencies, and nothing from this repository', () => {
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', PACKAGE.name, 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).to.equal(PACKAGE.version);
    const files = readdirSync(join(project, 'node_modules', PACKAGE.name, 'lib'));
    expect(files).to.include.members(['index.js', 'index.d.ts']);
    expect(
      files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
      'no TypeScript sources',
    ).to.deep.equal([]);
    expect(readdirSync(join(project, 'node_modules', 'kubernetes-models')).length).to.be.greaterThan(0);
  });

  it('ships the policy bundle of the models of the common kinds (one module, built by the package build), and they validate', async () => {
    const bundle = join(project, 'node_modules', PACKAGE.name, 'lib', 'policy', 'schema-models.js');
    expect(readFileSync(bundle, 'utf8'), 'the models are bundled in, not imported').to.not.match(/from\s*["']kubernetes-models\//);
    const { BUNDLED_MODELS } = (await import(pathToFileURL(bundle).href)) as typeof import('../policy/schema-models.js');
    const Deployment = BUNDLED_MODELS.get('apps/v1/Deployment');
    expect(Deployment?.kind).to.equal('Deployment');
    expect(BUNDLED_MODELS.get('cert-manager.io/v1/Certificate')?.kind).to.equal('Certificate');
    expect(() => new Deployment!({ metadata: { name: 'x' }, spec: { replicas: 'two' } }).validate()).to.throw(/replicas/);
  });

  it('is the app and configuration constructs/README.md shows', () => {
    const readme = readFileSync(join(CONSTRUCTS, 'README.md'), 'utf8');
    for (const file of ['main.ts', 'cdk8s.yaml']) {
      expect(readme, `constructs/README.md must show test/fixtures/outside-app/${file}`).to.include(
        readFileSync(join(FIXTURE, file), 'utf8').trimEnd(),
      );
    }
  });

  it('type-checks an app against the published declarations', async () => {
    await run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], { cwd: project, env });
  });

  it('`npx cdk8s synth` writes what the app asked for, and the plugin passes it with 0 findings', async () => {
    const stdout = stripVTControlCharacters((await run('npx', ['--no-install', 'cdk8s', 'synth'], { cwd: project, env })).stdout);
    expect(stdout).to.match(/findings\s*│\s*0\s/);
    expect(stdout).to.include('Validations ended succesfully');
    const objects = manifestsIn(join(project, 'dist'));
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).to.include.members([
      'Namespace/shop',
      'Deployment/storefront',
      'Service/storefront',
      'Ingress/storefront',
      'NetworkPolicy/storefront',
      'Deployment/mailer',
      'NetworkPolicy/mailer',
      'CronJob/nightly-report',
      'NetworkPolicy/nightly-report',
      'StatefulSet/orders',
      'Service/orders-headless',
      'Service/orders',
      'NetworkPolicy/orders',
    ]);
    const pod = (kind: string, name: string) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
      const object = objects.find((o) => o.kind === kind && o.metadata.name === name) as any;
      return kind === 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec.template.spec;
    };
    expect(pod('Deployment', 'storefront').containers[0].image).to.equal('ghcr.io/acme/storefront:1.0.0');
    for (const [kind, name] of [
      ['Deployment', 'storefront'],
      ['Deployment', 'mailer'],
      ['CronJob', 'nightly-report'],
      ['StatefulSet', 'orders'],
    ]) {
      expect(pod(kind!, name!).securityContext, `${kind}/${name}`).to.include({ runAsNonRoot: true, runAsUser: 10001 });
    }
  });

  it('a plain cdk8s-plus-28 Deployment + Service + Ingress fails `npx cdk8s synth` with the plugin, listing its findings by rule id', async () => {
    const failure = await run('npx', ['--no-install', 'cdk8s', 'synth', '--app', 'npx tsx plus.ts', '--output', 'dist-plus'], {
      cwd: project,
      env,
    }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure, 'the synth must fail').to.not.equal(undefined);
    expect(failure!.code).to.equal(2);
    // The CLI's report is coloured (e.g. `\x1b[1mS18`): without the escapes the ids stand alone.
    const report = stripVTControlCharacters(failure!.stdout);
    const rules = new Set([...report.matchAll(/\b([A-Z]\d\d)\b/g)].map((m) => m[1]));
    // cdk8s-plus leaves out capabilities drop, uid/gid and seccomp; nginx:latest has no version; no TLS on the Ingress.
    expect([...rules]).to.include.members(['S04', 'S06', 'S07', 'I01', 'N04']);
    // The CLI prints the verdict on stderr, after the report on stdout.
    expect(stripVTControlCharacters(failure!.stderr)).to.include('Validation failed');
  });
});
