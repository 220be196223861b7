import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ApiObject, App, Chart, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { RuleId, Violation } from '../../policy/index.js';
import {
  HardeningPolicyError, RULES, SchemasNotLoadedError, WAIVER_PREFIX, addHardeningValidation, checkHardening, checkManifests, collectManifests,
  enforceHardening, formatViolation, knownSchemaKinds, loadSchemasFor, validateLoadedSchemas, validateSchemas, waive,
} from '../../policy/index.js';
import { COMPLIANT_YAML, OPTIONS, compliant, find, synthApp, where } from './support.js';

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'policy-enforce-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, got none');
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got none');
}

describe('policy: violation format', () => {
  it('is <kind>/<namespace>/<name>: <rule id> <what is wrong>', () => {
    const v: Violation = { rule: 'S08', kind: 'Deployment', namespace: 'todo', name: 'api', message: 'container "api" readOnlyRootFilesystem is false, expected true' };
    expect(formatViolation(v)).to.equal('Deployment/todo/api: S08 container "api" readOnlyRootFilesystem is false, expected true');
  });

  it('shows cluster-scoped objects with "-" as namespace, and flags a namespace on them (N07)', () => {
    const objects = compliant();
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', namespace: 'todo', labels: find(objects, 'Service', 'api').metadata.labels }, rules: [] };
    const lines = checkManifests([...objects, role], OPTIONS).map(formatViolation);
    expect(lines).to.deep.equal(['ClusterRole/todo/reader: N07 is cluster-scoped but sets metadata.namespace "todo"']);
    delete (role.metadata as { namespace?: string }).namespace;
    delete (role.metadata as { labels?: unknown }).labels;
    expect(checkManifests([...objects, role], OPTIONS).map(formatViolation)).to.deep.equal([
      'ClusterRole/-/reader: A08 metadata.labels lack app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, '
        + 'app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by',
    ]);
  });

  it('learns the scope of custom kinds from a CustomResourceDefinition in the output', () => {
    const labels = compliant()[0].metadata.labels;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com', labels },
      spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Widget', plural: 'widgets' }, versions: [] },
    };
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels } };
    expect(checkManifests([crd, widget], OPTIONS)).to.deep.equal([]);
  });
});

describe('policy: enforceHardening on a construct tree', () => {
  it('collects raw ApiObjects, cdk8s-plus constructs and Included YAML from every chart', () => {
    const app = new App();
    new Include(new Chart(app, 'included'), 'compliant', { url: COMPLIANT_YAML });
    const plain = new Chart(app, 'plain', { namespace: 'shop' });
    new kplus.ConfigMap(plain, 'settings', { data: { a: 'b' } });
    new ApiObject(plain, 'raw', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'raw' } });
    const kinds = collectManifests(app).map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(kinds).to.include.members(['Deployment/api', 'CronJob/cleanup', 'Secret/raw']);
    expect(kinds.filter((k) => k.startsWith('ConfigMap/'))).to.have.length(2);
    expect(kinds).to.have.length(compliant().length + 2);
  });

  it('reports cdk8s-plus defaults failing S04, S06 and S07 (as the checklist notes)', async () => {
    const app = new App();
    new kplus.Deployment(new Chart(app, 'plain', { namespace: 'shop' }), 'web', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] });
    const rules = (await checkHardening(app, OPTIONS)).filter((v) => v.kind === 'Deployment').map((v) => v.rule);
    expect(rules).to.include.members(['S04', 'S06', 'S07']);
    expect(rules).not.to.include.members(['S01', 'S02', 'S03', 'S05']);
  });

  it('rejects with one error listing every violation, one per line in the report format', async () => {
    const objects = compliant();
    find(objects, 'Service', 'api').spec.type = 'NodePort';
    find(objects, 'Deployment', 'api').spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    const error = await rejectionOf(enforceHardening(synthApp(objects).app, OPTIONS));
    expect(error).to.be.instanceOf(HardeningPolicyError);
    expect(error.message).to.equal([
      'hardening policy check failed with 2 violation(s):',
      'Deployment/todo/api: I03 container "api" imagePullPolicy is "IfNotPresent", expected Always',
      'Service/todo/api: N02 type is "NodePort", expected ClusterIP',
    ].join('\n'));
    expect(where((error as HardeningPolicyError).violations)).to.deep.equal(['I03 Deployment/todo/api', 'N02 Service/todo/api']);
  });

  it('passes a compliant tree without throwing', async () => {
    expect(await enforceHardening(synthApp(compliant()).app, OPTIONS)).to.equal(undefined);
  });

  it('refuses a scope with no chart', () => {
    expect(() => collectManifests(new App())).to.throw('<app>: no Chart to check at or under this construct');
  });

  it('makes app.synth() fail before writing any file, and lets a compliant app write', () => withTempDir(async (dir) => {
    const bad = compliant();
    find(bad, 'Deployment', 'api').spec.template.spec.hostNetwork = true;
    const badApp = new App({ outdir: join(dir, 'bad') });
    new Include(new Chart(badApp, 'platform'), 'objects', { url: COMPLIANT_YAML });
    new ApiObject(new Chart(badApp, 'extra'), 'pod', { ...find(bad, 'Deployment', 'api'), metadata: { ...find(bad, 'Deployment', 'api').metadata, name: 'api-2' } });
    addHardeningValidation(badApp, OPTIONS);
    await loadSchemasFor(badApp);
    const error = thrown(() => badApp.synth());
    expect(error).to.be.instanceOf(HardeningPolicyError);
    expect(error.message).to.contain('Deployment/todo/api-2: S01 pod hostNetwork is true');
    expect(readdirSync(join(dir, 'bad'))).to.deep.equal([]);

    const goodApp = new App({ outdir: join(dir, 'good') });
    new Include(new Chart(goodApp, 'platform'), 'objects', { url: COMPLIANT_YAML });
    addHardeningValidation(goodApp, OPTIONS);
    await loadSchemasFor(goodApp);
    goodApp.synth();
    expect(readdirSync(join(dir, 'good'))).to.deep.equal(['platform.k8s.yaml']);
  }));

  it('makes app.synth() fail, naming the kind, when a schema was not loaded before it (a caller bug, never a silent pass)', () => withTempDir(async (dir) => {
    const app = new App({ outdir: join(dir, 'unloaded') });
    new Include(new Chart(app, 'platform'), 'objects', { url: COMPLIANT_YAML });
    addHardeningValidation(app, OPTIONS);
    await loadSchemasFor(app);
    new ApiObject(new Chart(app, 'late'), 'gadget', { apiVersion: 'example.com/v1', kind: 'NeverLoadedGadget', metadata: { name: 'g', namespace: 'todo' } });
    const error = thrown(() => app.synth());
    expect(error).to.be.instanceOf(SchemasNotLoadedError);
    expect(error.message).to.equal('the schema of example.com/v1 NeverLoadedGadget was not loaded: await loadSchemas(objects) first (loadSchemasFor(app) before app.synth())');
    expect(readdirSync(join(dir, 'unloaded'))).to.deep.equal([]);
  }));
});

describe('policy: waivers', () => {
  function loadBalancedApp(reason?: string): { app: App; chart: Chart; service: ApiObject } {
    const objects = compliant();
    find(objects, 'Service', 'api').spec.type = 'LoadBalancer';
    const app = new App();
    const chart = new Chart(app, 'edge');
    let service: ApiObject | undefined;
    objects.forEach((o, i) => {
      const api = new ApiObject(chart, o.kind === 'Service' ? 'service' : `o${i}`, o);
      if (o.kind === 'Service') service = api;
    });
    if (reason !== undefined) waive(service!, 'N02', reason);
    return { app, chart, service: service! };
  }

  it('a waived rule is not reported, and the reason is in the output as an annotation', async () => {
    const { app, chart } = loadBalancedApp('the edge load balancer, by choice (ADR-7)');
    expect(await checkHardening(app, OPTIONS)).to.deep.equal([]);
    const service = Testing.synth(chart).find((o) => o.kind === 'Service');
    expect(service.metadata.annotations).to.deep.equal({ [`${WAIVER_PREFIX}N02`]: 'the edge load balancer, by choice (ADR-7)' });
  });

  it('the same object without the waiver is reported', async () => {
    expect(where(await checkHardening(loadBalancedApp().app, OPTIONS))).to.deep.equal(['N02 Service/todo/api']);
  });

  it('waives one rule of one object only', () => {
    const objects = compliant();
    find(objects, 'Service', 'api').spec.type = 'NodePort';
    find(objects, 'Service', 'api').spec.ports[0].targetPort = 8080;
    find(objects, 'Service', 'api').metadata.annotations = { [`${WAIVER_PREFIX}N02`]: 'lab cluster without a load balancer' };
    expect(where(checkManifests(objects, OPTIONS))).to.deep.equal(['P04 Service/todo/api']);
  });

  it('waives a rule on a cdk8s-plus construct through ApiObject.of()', async () => {
    const app = new App();
    const chart = new Chart(app, 'plain', { namespace: 'shop' });
    const service = new kplus.Service(chart, 'edge', { type: kplus.ServiceType.LOAD_BALANCER, ports: [{ port: 8443, name: 'https', targetPort: 8443 }] });
    const n02 = async () => (await checkHardening(app, OPTIONS)).filter((v) => v.kind === 'Service' && v.rule === 'N02');
    expect(await n02()).to.have.length(1);
    waive(ApiObject.of(service), 'N02', 'the public edge');
    expect(await n02()).to.deep.equal([]);
  });

  it('waive() refuses an empty reason, an unknown rule and a rule that cannot be waived, naming the construct', () => {
    const { service } = loadBalancedApp();
    expect(() => waive(service, 'N02', '  ')).to.throw('edge/service: waiver of N02 needs a written reason');
    expect(() => waive(service, 'Z99' as RuleId, 'why not')).to.throw('edge/service: cannot waive unknown rule "Z99"');
    expect(() => waive(service, 'X01', 'duplicates are fine')).to.throw('edge/service: rule X01 cannot be waived');
  });
});

describe('policy: schema validation', () => {
  it('reports a malformed object with the failing field', async () => {
    const objects = compliant();
    find(objects, 'Deployment', 'api').spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect((await validateSchemas(objects)).map(formatViolation)).to.deep.equal([
      'Deployment/todo/api: K01 schema: /spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ]);
  });

  it('validates CRDs (cert-manager ClusterIssuer) and reports a missing required field', async () => {
    const labels = compliant()[0].metadata.labels;
    const issuer = {
      apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt', labels },
      spec: { acme: { server: 'https://acme-v02.api.letsencrypt.org/directory', email: 'ops@example.com', privateKeySecretRef: { name: 'le' }, solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }] } },
    };
    expect(await validateSchemas([issuer])).to.deep.equal([]);
    delete (issuer.spec.acme as { server?: string }).server;
    expect((await validateSchemas([issuer])).map((v) => v.message)).to.deep.equal(['schema: /spec/acme must have required property server']);
  });

  it('reports an unknown kind unless allow-listed, and honours a K01 waiver', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'todo' } };
    expect(where(await validateSchemas([widget]))).to.deep.equal(['K01 Widget/todo/w']);
    expect(await validateSchemas([widget], { allowUnknownKinds: ['example.com/v1/Widget'] })).to.deep.equal([]);
    const waived = { ...widget, metadata: { ...widget.metadata, annotations: { [`${WAIVER_PREFIX}K01`]: 'vendor CRD without a published schema' } } };
    expect(await validateSchemas([waived])).to.deep.equal([]);
  });

  it('reports apiVersions and kinds that name no model: a wrong version, a field type, a malformed name', async () => {
    const labels = compliant()[0].metadata.labels;
    const objects = [
      { apiVersion: 'apps/v9', kind: 'Deployment', metadata: { name: 'a', namespace: 'todo', labels } },
      { apiVersion: 'apps/v1', kind: 'DeploymentSpec', metadata: { name: 'b', namespace: 'todo', labels } },
      { apiVersion: 'apps/v1', kind: '../v1/Deployment', metadata: { name: 'c', namespace: 'todo', labels } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Clusterr', metadata: { name: 'd', namespace: 'todo', labels } },
    ];
    expect((await validateSchemas(objects)).map((v) => `${v.name}: ${v.message}`)).to.deep.equal([
      'a: no schema is installed for apps/v9 Deployment (allow-list it in allowUnknownKinds if it is right)',
      'b: no schema is installed for apps/v1 DeploymentSpec (allow-list it in allowUnknownKinds if it is right)',
      'c: no schema is installed for apps/v1 ../v1/Deployment (allow-list it in allowUnknownKinds if it is right)',
      'd: no schema is installed for postgresql.cnpg.io/v1 Clusterr (allow-list it in allowUnknownKinds if it is right)',
    ]);
  });

  it('validateLoadedSchemas refuses to guess about a kind loadSchemas never saw', () => {
    const gizmo = { apiVersion: 'example.com/v1', kind: 'NeverLoadedGizmo', metadata: { name: 'g', namespace: 'todo' } };
    expect(() => validateLoadedSchemas([gizmo])).to.throw(SchemasNotLoadedError, 'the schema of example.com/v1 NeverLoadedGizmo was not loaded');
  });

  it('finds the model of every kind the installed packages define, loading each on its own (no package index)', async function () {
    this.timeout(120_000);
    const kinds = await knownSchemaKinds();
    // Every package's kinds, so a group missing from the package map shows up here.
    expect(kinds).to.include.members([
      'v1/ConfigMap', 'apps/v1/Deployment', 'argoproj.io/v1alpha1/Application', 'cert-manager.io/v1/ClusterIssuer',
      'postgresql.cnpg.io/v1/Cluster', 'external-secrets.io/v1/ExternalSecret', 'gateway.networking.k8s.io/v1/HTTPRoute',
      'monitoring.coreos.com/v1/ServiceMonitor',
    ]);
    const objects = kinds.map((key) => {
      const slash = key.lastIndexOf('/');
      return { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), metadata: { name: 'x' } };
    });
    const unknown = (await validateSchemas(objects)).filter((v) => v.message.startsWith('no schema is installed'));
    expect(unknown.map((v) => v.message)).to.deep.equal([]);
  });
});

describe('policy: docs', () => {
  it('constructs/docs/policy.md has a table row for every rule id', () => {
    const docs = readFileSync(new URL('../../docs/policy.md', import.meta.url), 'utf8');
    const rows = [...docs.matchAll(/^\| ([A-Z]\d\d) \|/gm)].map((m) => m[1]);
    expect(rows).to.deep.equal(Object.keys(RULES));
  });
});
