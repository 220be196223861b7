/**
 * HardeningValidation as cdk8s-cli drives it: constructed from cdk8s.yaml `properties`, given a
 * ValidationContext (cdk8s-cli's own class) over the manifest files the app wrote, reporting into
 * it. Plus the custom rule API, severities and property validation.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { ValidationContext } from 'cdk8s-cli/plugins';
import { build } from 'esbuild';
import { stringify } from 'yaml';
import { InvalidPropsError } from '../../errors.js';
import type { HardeningValidationProps, KubeObject, PolicyRule } from '../../policy/index.js';
import { HardeningValidation, formatFinding } from '../../policy/index.js';
import type { Json } from './support.js';
import { EXTERNAL_NAMESPACES, OPTIONS, compliant, find, findings, where } from './support.js';

/** Writes each object to `<dir>/<folder>/<kind>-<name>.yaml`, as the platform writes dist/; returns the paths. */
function writeManifests(dir: string, folder: string, objects: readonly Json[]): string[] {
  mkdirSync(join(dir, folder), { recursive: true });
  return objects.map((o) => {
    const file = join(dir, folder, `${String(o.kind).toLowerCase()}-${o.metadata.name}.yaml`);
    writeFileSync(file, stringify(o));
    return file;
  });
}

/** A dev set that passes only on a single node (one replica, no HPA, no budget) and a prod set with a privileged container. */
function environments(dir: string): string[] {
  const dev = compliant();
  for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget']) dev.splice(dev.indexOf(find(dev, kind, 'api')), 1);
  find(dev, 'Deployment', 'api').spec.replicas = 1;
  const prod = compliant();
  find(prod, 'Deployment', 'api').spec.template.spec.containers[0].securityContext.privileged = true;
  return [...writeManifests(dir, 'dev', dev), ...writeManifests(dir, 'prod', prod)];
}

const PROPERTIES: HardeningValidationProps = { externalNamespaces: EXTERNAL_NAMESPACES, directories: { dev: { singleNode: true } } };

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'policy-plugin-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('policy: HardeningValidation as a cdk8s validation plugin', () => {
  it('checks each output directory as its own set, reports rule, object, field and fix, and fails', () =>
    withTempDir(async (dir) => {
      const manifests = environments(dir);
      const context = new ValidationContext(manifests, '@todo-platform/hardened-constructs', '0.0.0');
      await new HardeningValidation(PROPERTIES).validate(context);
      const report = context.report.toJson();
      expect(report.summary).to.deep.include({ status: 'failure', metadata: { findings: '1', errors: '1', warnings: '0' } });
      expect(report.violations).to.deep.equal([
        {
          ruleName: 'S02',
          recommendation: 'no privileged container (a privileged container is root on the node)',
          fix: 'remove securityContext.privileged (or set it to false)',
          violatingConstructs: [
            {
              resourceName: 'api',
              manifestPath: join(dir, 'prod', 'deployment-api.yaml'),
              locations: ['Deployment spec.template.spec.containers[0].securityContext.privileged: container "api" is privileged'],
              constructPath: undefined,
            },
          ],
        },
      ]);
      expect(context.report.success).to.equal(false);
    }));

  it('passes (and submits success) when every set complies; without the dev override, dev fails A01', () =>
    withTempDir(async (dir) => {
      const manifests = environments(dir).filter((f) => !f.includes(`${join(dir, 'prod')}`));
      const passing = new ValidationContext(manifests, 'pkg', '0.0.0');
      await new HardeningValidation(PROPERTIES).validate(passing);
      expect(passing.report.toJson()).to.deep.include({ violations: [] });
      expect(passing.report.success).to.equal(true);
      const failing = new ValidationContext(manifests, 'pkg', '0.0.0');
      await new HardeningValidation({ externalNamespaces: EXTERNAL_NAMESPACES }).validate(failing);
      expect(failing.report.toJson().violations.map((v) => v.ruleName)).to.deep.equal(['A01']);
    }));

  it('checks Helm-style multi-document files and findings on objects missing from the output', () =>
    withTempDir(async (dir) => {
      const objects = compliant().filter((o) => o.kind !== 'Namespace');
      const file = join(dir, 'chart.yaml');
      writeFileSync(file, `# Source: chart/templates/all.yaml\n${objects.map((o) => stringify(o)).join('---\n')}---\n`);
      const context = new ValidationContext([file], 'pkg', '0.0.0');
      await new HardeningValidation(OPTIONS).validate(context);
      const n09 = context.report.toJson().violations.find((v) => v.ruleName === 'N09');
      expect(n09?.violatingConstructs).to.deep.equal([
        {
          resourceName: 'todo',
          manifestPath: dir,
          constructPath: undefined,
          locations: ['Namespace (object): is used but not in the output (add it, or list it in externalNamespaces)'],
        },
      ]);
    }));

  it("reads YAML 1.2 core scalars as cdk8s-cli's own parser does: unquoted dates and yes/on stay strings", () =>
    withTempDir(async (dir) => {
      const objects = compliant();
      const config = find(objects, 'ConfigMap', 'api-config');
      // Written by hand, unquoted: a YAML 1.1 loader (or js-yaml's timestamp type) would turn these
      // into a Date and booleans, and the ConfigMap schema (string values) would fail K01.
      const manifests = writeManifests(
        dir,
        'out',
        objects.filter((o) => o !== config),
      );
      const file = join(dir, 'out', 'configmap-api-config.yaml');
      const metadata = stringify({ metadata: config.metadata }).trimEnd();
      writeFileSync(
        file,
        `apiVersion: v1\nkind: ConfigMap\n${metadata}\ndata:\n  since: 2024-01-01\n  enabled: yes\n  mode: on\n---\n---\n`,
      );
      const context = new ValidationContext([...manifests, file], 'pkg', '0.0.0');
      await new HardeningValidation(OPTIONS).validate(context);
      expect(context.report.toJson().violations).to.deep.equal([]);
      expect(context.report.success).to.equal(true);
    }));

  it('refuses a manifest that is not YAML, naming the file, line and column', () =>
    withTempDir(async (dir) => {
      const file = join(dir, 'broken.yaml');
      writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n');
      const context = new ValidationContext([file], 'pkg', '0.0.0');
      const error = await new HardeningValidation(OPTIONS).validate(context).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.match(/^HardeningValidation: not valid YAML: duplicated mapping key in ".*broken\.yaml" \(5:3\)/);

      // An unknown tag too: cdk8s-cli's parser would have read `!Ref app` as the string "app".
      const tagged = join(dir, 'tagged.yaml');
      writeFileSync(tagged, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !Ref app\n');
      const refused = await new HardeningValidation(OPTIONS).validate(new ValidationContext([tagged], 'pkg', '0.0.0')).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(refused?.message).to.match(/^HardeningValidation: not valid YAML: unknown scalar tag !<!Ref> in ".*tagged\.yaml" \(4:9\)/);
    }));

  it("is loaded by cdk8s-cli's PluginManager with require() from a local path and validates its context", function () {
    this.timeout(60_000);
    return withTempDir(async (dir) => {
      const manifests = environments(dir);
      // The package as the lead builds it: ESM JavaScript with dependencies external. require() of
      // ESM fails on top-level await, so this also proves the module graph has none.
      const root = fileURLToPath(new URL('../../../', import.meta.url));
      const pkg = join(root, 'build', `policy-plugin-test-${process.pid}`);
      const keepOwnUrl = {
        name: 'own-import-meta-url',
        setup(b: { onLoad(o: { filter: RegExp }, cb: (a: { path: string }) => { contents: string; loader: 'ts' }): void }) {
          b.onLoad({ filter: /\.ts$/ }, ({ path }) => ({
            contents: readFileSync(path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
            loader: 'ts',
          }));
        },
      };
      try {
        await build({
          entryPoints: [join(root, 'constructs/index.ts')],
          outfile: join(pkg, 'index.mjs'),
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node20',
          packages: 'external',
          logLevel: 'warning',
          plugins: [keepOwnUrl],
        });
        writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'hardened-constructs-test', main: 'index.mjs' }));
        const drive = join(pkg, 'drive.cjs');
        writeFileSync(
          drive,
          `
          const { dirname, join } = require('node:path');
          const cli = dirname(require.resolve('cdk8s-cli/package.json'));
          const { PluginManager } = require(join(cli, 'lib/plugins/_manager.js'));
          const { ValidationContext } = require(join(cli, 'lib/plugins/validation.js'));
          const [pkg, properties, manifests] = process.argv.slice(2).map((a, i) => (i === 0 ? a : JSON.parse(a)));
          const plugin = new PluginManager(join(dirname(pkg), 'plugins')).load({ pkg, version: '0.0.0', class: 'HardeningValidation', properties });
          const context = new ValidationContext(manifests, plugin.package.pkg, plugin.package.version);
          plugin.instance.validate(context).then(() => process.stdout.write(JSON.stringify(context.report.toJson())));
        `,
        );
        const out = execFileSync(process.execPath, [drive, pkg, JSON.stringify(PROPERTIES), JSON.stringify(manifests)], {
          cwd: root,
          encoding: 'utf8',
        });
        const report = JSON.parse(out) as {
          summary: { status: string };
          violations: { ruleName: string; violatingConstructs: { manifestPath: string }[] }[];
        };
        expect(report.summary.status).to.equal('failure');
        expect(report.violations.map((v) => `${v.ruleName} ${v.violatingConstructs.map((c) => c.manifestPath).join(',')}`)).to.deep.equal([
          `S02 ${join(dir, 'prod', 'deployment-api.yaml')}`,
        ]);
      } finally {
        rmSync(pkg, { recursive: true, force: true });
      }
    });
  });
});

/** A custom rule: every Deployment names a priorityClassName. */
const PRIORITY: PolicyRule = {
  id: 'ORG-PRIORITY',
  description: 'every workload sets spec.priorityClassName',
  fix: 'set priorityClassName in the pod template',
  check(object, context) {
    const template = context.podTemplateOf(object);
    if (!template || typeof template.spec.priorityClassName === 'string') return [];
    return [{ message: 'pod has no priorityClassName', path: `${template.path}.priorityClassName` }];
  },
};

describe('policy: custom rules', () => {
  it('runs a rule given as a property, waives and reports it like a built-in one', async () => {
    const objects = compliant();
    const found = await findings(objects, { ...OPTIONS, rules: [PRIORITY] });
    expect(found.map((f) => `${formatFinding(f)} @ ${f.path}`)).to.deep.equal([
      'CronJob/todo/cleanup: ORG-PRIORITY pod has no priorityClassName @ spec.jobTemplate.spec.template.spec.priorityClassName',
      'Deployment/todo/api: ORG-PRIORITY pod has no priorityClassName @ spec.template.spec.priorityClassName',
    ]);
    find(objects, 'CronJob', 'cleanup').metadata.annotations = { 'hardening.todo-platform.dev/waive-ORG-PRIORITY': 'best effort' };
    expect(where(await findings(objects, { ...OPTIONS, rules: [PRIORITY] }))).to.deep.equal(['ORG-PRIORITY Deployment/todo/api']);
  });

  it('loads rules from a module named in rulesModules, and reports them in the plugin with their description and fix', () =>
    withTempDir(async (dir) => {
      const module = join(dir, 'org-rules.mjs');
      writeFileSync(
        module,
        `export const rules = [{
      id: 'ORG-TEAM', description: 'every object has a team label', fix: 'add the label example.com/team',
      check: (o) => (o.metadata?.labels?.['example.com/team'] ? [] : [{ message: 'has no example.com/team label', path: 'metadata.labels' }]),
    }];`,
      );
      const manifests = writeManifests(dir, 'out', [find(compliant(), 'ConfigMap', 'api-config')]);
      const context = new ValidationContext(manifests, 'pkg', '0.0.0');
      await new HardeningValidation({ ...OPTIONS, rulesModules: [module], allowUnknownKinds: [] }).validate(context);
      const team = context.report.toJson().violations.find((v) => v.ruleName === 'ORG-TEAM');
      expect(team).to.deep.include({ recommendation: 'every object has a team label', fix: 'add the label example.com/team' });
      expect(team?.violatingConstructs[0]?.locations).to.deep.equal(['ConfigMap metadata.labels: has no example.com/team label']);
    }));

  it('refuses a malformed rule, a duplicate or built-in id, and a rule that throws, naming the rule', async () => {
    expect(() => new HardeningValidation({ rules: [{ ...PRIORITY, id: 'S08' }] })).to.throw(
      'custom rule "S08" from the rules property: id is a built-in rule id',
    );
    expect(() => new HardeningValidation({ rules: [{ ...PRIORITY, fix: '' }] })).to.throw(
      'custom rule "ORG-PRIORITY" from the rules property: fix must be a non-empty string',
    );
    const duplicate = await rejectionOf(new HardeningValidation({ rules: [PRIORITY, PRIORITY] }).check([]));
    expect(duplicate.message).to.equal('HardeningValidation: two custom rules have the id "ORG-PRIORITY"');
    const boom: PolicyRule = {
      ...PRIORITY,
      id: 'BOOM',
      check: () => {
        throw new Error('kaput');
      },
    };
    const thrown = await rejectionOf(new HardeningValidation({ rules: [boom] }).check(compliant().slice(0, 1)));
    expect(thrown.message).to.equal('HardeningValidation: custom rule BOOM failed on Namespace todo: kaput');
  });
});

describe('policy: severities and properties', () => {
  it('a warning is reported without failing; off drops the rule', () =>
    withTempDir(async (dir) => {
      const objects = compliant();
      find(objects, 'Deployment', 'api').spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
      const manifests = writeManifests(dir, 'out', objects);
      const warned = new ValidationContext(manifests, 'pkg', '0.0.0');
      await new HardeningValidation({ ...OPTIONS, severity: { I03: 'warning' } }).validate(warned);
      expect(warned.report.toJson().violations.map((v) => v.ruleName)).to.deep.equal(['I03 (warning)']);
      expect(warned.report.success).to.equal(true);
      expect((await findings(objects, { ...OPTIONS, severity: { I03: 'warning' } })).map((f) => f.severity)).to.deep.equal(['warning']);
      expect(await findings(objects, { ...OPTIONS, severity: { I03: 'off' } })).to.deep.equal([]);
    }));

  it('refuses invalid properties, naming the property and the value', async () => {
    const cases: [unknown, string][] = [
      [{ singleNode: 'yes' }, 'HardeningValidation: invalid property singleNode "yes": expected true or false'],
      [{ externalNamespaces: 'argocd' }, 'invalid property externalNamespaces "argocd"'],
      [{ waiverAnnotationPrefix: 'Hardening/' }, 'invalid property waiverAnnotationPrefix "Hardening/"'],
      [{ crdSchemas: [{ apiVersion: 'example.com/v1', kind: 'Widget' }] }, 'invalid property crdSchemas[0]'],
      [{ allowUnknownKinds: ['Widget'] }, 'invalid property allowUnknownKinds ["Widget"]'],
      [{ severity: { S08: 'info' } }, 'invalid property severity.S08 "info"'],
      [{ directories: { dev: { requireDigest: true } } }, 'invalid property directories.dev.requireDigest true'],
      [{ singlenode: true }, 'invalid property singlenode true: unknown property'],
    ];
    for (const [props, message] of cases) {
      expect(() => new HardeningValidation(props as HardeningValidationProps), message).to.throw(InvalidPropsError, message);
    }
    expect((await rejectionOf(new HardeningValidation({ severity: { Z99: 'off' } }).check([]))).message).to.equal(
      'HardeningValidation: severity names unknown rule "Z99"',
    );
    expect((await rejectionOf(new HardeningValidation({ severity: { W03: 'off' } }).check([]))).message).to.equal(
      'HardeningValidation: the severity of W03 cannot be changed',
    );
  });

  it('checks exactly the objects it is given, none of its own state carried between checks', async () => {
    const policy = new HardeningValidation(OPTIONS);
    const objects: KubeObject[] = compliant();
    expect(await policy.check(objects)).to.deep.equal([]);
    expect(where(await policy.check([...objects, structuredClone(objects[1])]))).to.deep.equal([
      `X01 ${objects[1].kind}/todo/${objects[1].metadata?.name}`,
    ]);
    expect(await policy.check(objects)).to.deep.equal([]);
  });
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got none');
}
