import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ApiObject, App, Chart, Include, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Finding, HardeningValidationProps } from '../../policy/index.js';
import { DEFAULT_WAIVER_PREFIX, HardeningValidation, RULES, formatFinding, waive } from '../../policy/index.js';
import { knownSchemaKinds } from '../../policy/schemas.js';
import { COMPLIANT_YAML, OPTIONS, appObjects, compliant, find, findings, where } from './support.js';

const WAIVER = `${DEFAULT_WAIVER_PREFIX}waive-`;

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got none');
}

/** The schema findings (K01, K02) of a partial set: the other rules need a whole environment. */
async function schemaFindings(objects: readonly unknown[], props: HardeningValidationProps = {}): Promise<Finding[]> {
  return (await findings(objects, props)).filter((f) => f.rule === 'K01' || f.rule === 'K02');
}

describe('policy: finding format', () => {
  it('is <kind>/<namespace>/<name>: <rule id> <what is wrong>', () => {
    const f: Finding = {
      rule: 'S08',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'api',
      path: 'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
      container: 'api',
      message: 'container "api" readOnlyRootFilesystem is false, expected true',
      severity: 'error',
    };
    expect(formatFinding(f)).to.equal('Deployment/todo/api: S08 container "api" readOnlyRootFilesystem is false, expected true');
  });

  it('names the field and container of a finding', async () => {
    const objects = compliant();
    find(objects, 'Deployment', 'api').spec.template.spec.containers[0].securityContext.privileged = true;
    const [s02] = (await findings(objects)).filter((f) => f.rule === 'S02');
    expect(s02).to.deep.equal({
      rule: 'S02',
      kind: 'Deployment',
      namespace: 'todo',
      name: 'api',
      path: 'spec.template.spec.containers[0].securityContext.privileged',
      container: 'api',
      message: 'container "api" is privileged',
      severity: 'error',
    });
  });

  it('shows cluster-scoped objects with "-" as namespace, and flags a namespace on them (N07)', async () => {
    const objects = compliant();
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'reader', namespace: 'todo', labels: find(objects, 'Service', 'api').metadata.labels },
      rules: [],
    };
    const lines = (await findings([...objects, role], OPTIONS)).map(formatFinding);
    expect(lines).to.deep.equal(['ClusterRole/todo/reader: N07 is cluster-scoped but sets metadata.namespace "todo"']);
    delete (role.metadata as { namespace?: string }).namespace;
    delete (role.metadata as { labels?: unknown }).labels;
    expect((await findings([...objects, role], OPTIONS)).map(formatFinding)).to.deep.equal([
      'ClusterRole/-/reader: A08 metadata.labels lack app.kubernetes.io/name, app.kubernetes.io/instance, app.kubernetes.io/version, ' +
        'app.kubernetes.io/component, app.kubernetes.io/part-of, app.kubernetes.io/managed-by',
    ]);
  });

  it('learns the scope and schema of custom kinds from a CustomResourceDefinition in the output', async () => {
    const labels = compliant()[0].metadata.labels;
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com', labels },
      spec: {
        group: 'example.com',
        scope: 'Cluster',
        names: { kind: 'Widget', plural: 'widgets' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } },
            },
          },
        ],
      },
    };
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels }, spec: { size: 3 } };
    expect(await findings([crd, widget], OPTIONS)).to.deep.equal([]);
    widget.spec.size = 'three' as never;
    expect((await findings([crd, widget], OPTIONS)).map(formatFinding)).to.deep.equal([
      'Widget/-/w: K01 schema: /spec/size must be integer',
    ]);
  });
});

describe('policy: what a cdk8s app writes', () => {
  it('checks raw ApiObjects, cdk8s-plus constructs and Included YAML of every chart alike', async () => {
    const app = new App();
    new Include(new Chart(app, 'included'), 'compliant', { url: COMPLIANT_YAML });
    const plain = new Chart(app, 'plain', { namespace: 'todo' });
    new kplus.ConfigMap(plain, 'settings', { data: { a: 'b' } });
    new ApiObject(plain, 'raw', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'raw' } });
    const found = where(await findings(appObjects(app)));
    expect(found).to.include.members(['A08 Secret/todo/raw', 'A08 ConfigMap/todo/plain-settings-c80e9ad4']);
    expect(found.filter((f) => f.includes('Deployment/todo/api'))).to.deep.equal([]);
  });

  it('reports cdk8s-plus defaults failing S04, S06 and S07 (as the checklist notes)', async () => {
    const app = new App();
    new kplus.Deployment(new Chart(app, 'plain', { namespace: 'shop' }), 'web', {
      containers: [{ image: 'nginx:1.27', portNumber: 8080 }],
    });
    const rules = (await findings(appObjects(app))).filter((v) => v.kind === 'Deployment').map((v) => v.rule);
    expect(rules).to.include.members(['S04', 'S06', 'S07']);
    expect(rules).not.to.include.members(['S01', 'S02', 'S03', 'S05']);
  });

  it('lists every finding sorted by object, then rule', async () => {
    const objects = compliant();
    find(objects, 'Service', 'api').spec.type = 'NodePort';
    find(objects, 'Deployment', 'api').spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
    expect((await findings(objects)).map(formatFinding)).to.deep.equal([
      'Deployment/todo/api: I03 container "api" imagePullPolicy is "IfNotPresent", expected Always',
      'Service/todo/api: N02 type is "NodePort", expected ClusterIP',
    ]);
  });
});

describe('policy: pod specs of any kind', () => {
  /** An allow-listed Argo Rollout embedding the api pod template, made privileged and :latest. */
  function rollout(objects: ReturnType<typeof compliant>): Record<string, unknown> {
    const deployment = find(objects, 'Deployment', 'api');
    const template = structuredClone(deployment.spec.template);
    template.spec.containers[0].securityContext.privileged = true;
    template.spec.containers[0].image = 'ghcr.io/example/api:latest';
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { ...deployment.metadata, name: 'api-rollout' },
      spec: { replicas: 2, selector: deployment.spec.selector, template, strategy: { canary: {} } },
    };
  }
  const ROLLOUT = { ...OPTIONS, allowUnknownKinds: ['argoproj.io/v1alpha1/Rollout'] };

  it('finds the pod template of a custom resource (Argo Rollouts) and checks it like a Deployment', async () => {
    const objects = compliant();
    const found = (await findings([...objects, rollout(objects)], ROLLOUT)).filter((f) => f.name === 'api-rollout');
    expect(found.filter((f) => f.rule === 'S02' || f.rule === 'I01').map((f) => `${f.rule} ${f.path}: ${f.message}`)).to.deep.equal([
      'I01 spec.template.spec.containers[0].image: container "api" image "ghcr.io/example/api:latest" uses the latest tag',
      'S02 spec.template.spec.containers[0].securityContext.privileged: container "api" is privileged',
    ]);
  });

  it('finds a jobTemplate pod spec of a custom resource, and a bare Pod', async () => {
    const objects = compliant();
    const cron = find(objects, 'CronJob', 'cleanup');
    const jobTemplate = structuredClone(cron.spec.jobTemplate);
    jobTemplate.spec.template.spec.hostPID = true;
    const scheduled = {
      apiVersion: 'example.com/v1',
      kind: 'ScheduledTask',
      metadata: { ...cron.metadata, name: 'nightly' },
      spec: { jobTemplate },
    };
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ...cron.metadata, name: 'debug' },
      spec: { ...structuredClone(cron.spec.jobTemplate.spec.template.spec), hostIPC: true },
    };
    const found = await findings([...objects, scheduled, pod], { ...OPTIONS, allowUnknownKinds: ['example.com/v1/ScheduledTask'] });
    expect(found.filter((f) => f.rule === 'S01').map((f) => `${f.kind} ${f.path}`)).to.deep.equal([
      'Pod spec.hostIPC',
      'ScheduledTask spec.jobTemplate.spec.template.spec.hostPID',
    ]);
  });

  it('leaves custom resources without a pod template alone', async () => {
    const objects = compliant();
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { ...find(objects, 'Service', 'api').metadata, name: 'w' },
      spec: { template: { name: 'x' } },
    };
    expect(await findings([...objects, widget], { ...OPTIONS, allowUnknownKinds: ['example.com/v1/Widget'] })).to.deep.equal([]);
  });
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

  /** The compliant set with two findings on the api Deployment: S08 on container "api", S08 on init container "migrate". */
  function twoWritableContainers(): ReturnType<typeof compliant> {
    const objects = compliant();
    const spec = find(objects, 'Deployment', 'api').spec.template.spec;
    spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    spec.initContainers[0].securityContext.readOnlyRootFilesystem = false;
    return objects;
  }

  it('a waived rule is not reported, and the reason is in the output as an annotation', async () => {
    const { app, chart } = loadBalancedApp('the edge load balancer, by choice (ADR-7)');
    expect(await findings(appObjects(app))).to.deep.equal([]);
    const service = Testing.synth(chart).find((o) => o.kind === 'Service');
    expect(service.metadata.annotations).to.deep.equal({ [`${WAIVER}N02`]: 'the edge load balancer, by choice (ADR-7)' });
  });

  it('the same object without the waiver is reported', async () => {
    expect(where(await findings(appObjects(loadBalancedApp().app)))).to.deep.equal(['N02 Service/todo/api']);
  });

  it('waives one rule of one object only', async () => {
    const objects = compliant();
    find(objects, 'Service', 'api').spec.type = 'NodePort';
    find(objects, 'Service', 'api').spec.ports[0].targetPort = 8080;
    find(objects, 'Service', 'api').metadata.annotations = { [`${WAIVER}N02`]: 'lab cluster without a load balancer' };
    expect(where(await findings(objects))).to.deep.equal(['P04 Service/todo/api']);
  });

  it('waives a rule on a cdk8s-plus construct through ApiObject.of()', async () => {
    const app = new App();
    const chart = new Chart(app, 'plain', { namespace: 'shop' });
    const service = new kplus.Service(chart, 'edge', {
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ port: 8443, name: 'https', targetPort: 8443 }],
    });
    const n02 = async () => (await findings(appObjects(app))).filter((v) => v.kind === 'Service' && v.rule === 'N02');
    expect(await n02()).to.have.length(1);
    waive(ApiObject.of(service), 'N02', 'the public edge');
    expect(await n02()).to.deep.equal([]);
  });

  it("narrows a waiver to one container: the other container's finding stays", async () => {
    const objects = twoWritableContainers();
    find(objects, 'Deployment', 'api').metadata.annotations = {
      [`${WAIVER}S08.migrate`]: 'the migration tool unpacks into /app (upstream #42)',
    };
    const found = await findings(objects);
    expect(found.map((f) => `${f.rule} ${f.container}`)).to.deep.equal(['S08 api']);
    find(objects, 'Deployment', 'api').metadata.annotations = { [`${WAIVER}S08`]: 'both, for the test' };
    expect(await findings(objects)).to.deep.equal([]);
  });

  it('an expired waiver is a finding (W02) and waives nothing; one that expires later still waives', async () => {
    const objects = twoWritableContainers();
    const deployment = find(objects, 'Deployment', 'api');
    deployment.metadata.annotations = { [`${WAIVER}S08`]: 'expires=2020-06-30; until the image is rebuilt' };
    expect(where(await findings(objects))).to.deep.equal(['S08 Deployment/todo/api', 'W02 Deployment/todo/api']);
    deployment.metadata.annotations = {
      [`${WAIVER}S08`]: `expires=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}; until the image is rebuilt`,
    };
    expect(await findings(objects)).to.deep.equal([]);
    deployment.metadata.annotations = { [`${WAIVER}S08`]: `expires=${new Date(Date.now() - 60_000).toISOString()}; a minute ago` };
    expect(where(await findings(objects))).to.deep.equal(['S08 Deployment/todo/api', 'W02 Deployment/todo/api']);
  });

  it('reports a waiver that waives nothing (W03), also one narrowed to a container without findings', async () => {
    const objects = compliant();
    find(objects, 'Deployment', 'api').metadata.annotations = { [`${WAIVER}S08.api`]: 'no longer needed' };
    expect((await findings(objects)).map((f) => `${f.rule} ${f.path}: ${f.message}`)).to.deep.equal([
      `W03 metadata.annotations.${WAIVER}S08.api: waiver annotation "${WAIVER}S08.api" waives nothing: no S08 finding on container "api"`,
    ]);
  });

  it('reads waivers under a configured annotation prefix only', async () => {
    const objects = twoWritableContainers();
    const deployment = find(objects, 'Deployment', 'api');
    deployment.metadata.annotations = { 'policy.example.com/waive-S08': 'vendor image' };
    const custom = { waiverAnnotationPrefix: 'policy.example.com/' };
    expect(await findings(objects, custom)).to.deep.equal([]);
    expect(where(await findings(objects))).to.deep.equal(['S08 Deployment/todo/api']);
    deployment.metadata.annotations = { [`${WAIVER}S08`]: 'the default prefix is not read then' };
    expect(where(await findings(objects, custom))).to.deep.equal(['S08 Deployment/todo/api']);
  });

  it('waive() writes container and expiry, under the configured prefix', async () => {
    const { app, service } = loadBalancedApp();
    waive(service, 'N02', 'the edge', { expires: '2099-12-31', prefix: 'policy.example.com/' });
    expect(service.toJson().metadata.annotations).to.deep.equal({ 'policy.example.com/waive-N02': 'expires=2099-12-31; the edge' });
    expect(await findings(appObjects(app), { waiverAnnotationPrefix: 'policy.example.com/' })).to.deep.equal([]);
    waive(service, 'S08', 'vendor image', { container: 'api' });
    expect(service.toJson().metadata.annotations[`${WAIVER}S08.api`]).to.equal('vendor image');
  });

  it('waive() refuses an empty reason, an unknown or unwaivable rule, a bad container or date, naming the construct', () => {
    const { service } = loadBalancedApp();
    expect(() => waive(service, 'N02', '  ')).to.throw('edge/service: waiver of N02 needs a written reason');
    expect(() => waive(service, 'Z 99', 'why not')).to.throw('edge/service: cannot waive unknown rule "Z 99"');
    expect(() => waive(service, 'X01', 'duplicates are fine')).to.throw('edge/service: cannot waive rule X01');
    expect(() => waive(service, 'S08', 'x', { container: 'API' })).to.throw('edge/service: waiver of S08: invalid container name "API"');
    expect(() => waive(service, 'S08', 'x', { expires: '2027-02-30' })).to.throw(
      'edge/service: waiver of S08: expires "2027-02-30" is not an ISO date',
    );
  });
});

describe('policy: schema validation', () => {
  it('reports a malformed object with the failing field', async () => {
    const objects = compliant();
    find(objects, 'Deployment', 'api').spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
    expect((await schemaFindings(objects)).map(formatFinding)).to.deep.equal([
      'Deployment/todo/api: K01 schema: /spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ]);
  });

  it('validates CRDs (cert-manager ClusterIssuer) and reports a missing required field', async () => {
    const labels = compliant()[0].metadata.labels;
    const issuer = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt', labels },
      spec: {
        acme: {
          server: 'https://acme-v02.api.letsencrypt.org/directory',
          email: 'ops@example.com',
          privateKeySecretRef: { name: 'le' },
          solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }],
        },
      },
    };
    expect(await schemaFindings([issuer])).to.deep.equal([]);
    delete (issuer.spec.acme as { server?: string }).server;
    expect((await schemaFindings([issuer])).map((v) => v.message)).to.deep.equal(['schema: /spec/acme must have required property server']);
  });

  it('reports an unknown kind (K02) unless allow-listed, and honours a K02 waiver', async () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'todo' } };
    expect(where(await schemaFindings([widget]))).to.deep.equal(['K02 Widget/todo/w']);
    expect(await schemaFindings([widget], { allowUnknownKinds: ['example.com/v1/Widget'] })).to.deep.equal([]);
    const waived = {
      ...widget,
      metadata: { ...widget.metadata, annotations: { [`${WAIVER}K02`]: 'vendor CRD without a published schema' } },
    };
    expect(await schemaFindings([waived])).to.deep.equal([]);
  });

  it('validates a custom kind against a JSON Schema registered in crdSchemas', async () => {
    const props: HardeningValidationProps = {
      crdSchemas: [
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          schema: {
            type: 'object',
            required: ['spec'],
            properties: { spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer', minimum: 1 } } } },
          },
        },
      ],
    };
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'todo' }, spec: { size: 2 } };
    expect(await schemaFindings([widget], props)).to.deep.equal([]);
    widget.spec.size = 0;
    expect((await schemaFindings([widget], props)).map(formatFinding)).to.deep.equal([
      'Widget/todo/w: K01 schema: /spec/size must be >= 1',
    ]);
  });

  it('validates a custom kind with a registered kubernetes-models class, before the installed package', async () => {
    const { Cluster } = await import('@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster');
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'todo' }, spec: {} };
    class Widget extends Cluster {
      static override readonly apiVersion = 'example.com/v1' as never;
      static override readonly kind = 'Widget' as never;
    }
    // The CloudNativePG Cluster model requires spec.instances: a registered class decides, not K02.
    expect((await schemaFindings([widget], { models: [Widget as never] })).map((f) => f.rule)).to.deep.equal(['K01']);
  });

  it('registers every served version of the CRDs in crdFiles', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'policy-crd-'));
    try {
      const file = join(dir, 'widgets.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: apiextensions.k8s.io/v1',
          'kind: CustomResourceDefinition',
          'metadata: { name: widgets.example.com }',
          'spec:',
          '  group: example.com',
          '  scope: Namespaced',
          '  names: { kind: Widget, plural: widgets }',
          '  versions:',
          '    - name: v1',
          '      served: true',
          '      storage: true',
          '      schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, properties: { size: { type: integer } } } } } }',
        ].join('\n'),
      );
      const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'todo' }, spec: { size: 'big' } };
      expect((await schemaFindings([widget], { crdFiles: [file] })).map(formatFinding)).to.deep.equal([
        'Widget/todo/w: K01 schema: /spec/size must be integer',
      ]);
      const error = await rejectionOf(new HardeningValidation({ crdFiles: [join(dir, 'missing.yaml')] }).check([widget]));
      expect(error.message).to.contain('missing.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports apiVersions and kinds that name no model: a wrong version, a field type, a malformed name', async () => {
    const labels = compliant()[0].metadata.labels;
    const objects = [
      { apiVersion: 'apps/v9', kind: 'Deployment', metadata: { name: 'a', namespace: 'todo', labels } },
      { apiVersion: 'apps/v1', kind: 'DeploymentSpec', metadata: { name: 'b', namespace: 'todo', labels } },
      { apiVersion: 'apps/v1', kind: '../v1/Deployment', metadata: { name: 'c', namespace: 'todo', labels } },
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Clusterr', metadata: { name: 'd', namespace: 'todo', labels } },
    ];
    const hint = '(register it in crdSchemas or crdFiles, or allow-list it in allowUnknownKinds)';
    expect((await schemaFindings(objects)).map((v) => `${v.name}: ${v.message}`)).to.deep.equal([
      `c: no schema is known for apps/v1 ../v1/Deployment ${hint}`,
      `d: no schema is known for postgresql.cnpg.io/v1 Clusterr ${hint}`,
      `a: no schema is known for apps/v9 Deployment ${hint}`,
      `b: no schema is known for apps/v1 DeploymentSpec ${hint}`,
    ]);
  });

  it('finds the model of every kind the installed packages define, loading each on its own (no package index)', async function () {
    this.timeout(120_000);
    const kinds = await knownSchemaKinds();
    // Every package's kinds, so a group missing from the package map shows up here.
    expect(kinds).to.include.members([
      'v1/ConfigMap',
      'apps/v1/Deployment',
      'argoproj.io/v1alpha1/Application',
      'cert-manager.io/v1/ClusterIssuer',
      // argoproj.io holds two projects' kinds, each from its own package.
      'argoproj.io/v1alpha1/AppProject',
      'argoproj.io/v1alpha1/Rollout',
      'argoproj.io/v1alpha1/AnalysisTemplate',
      'postgresql.cnpg.io/v1/Cluster',
      'external-secrets.io/v1/ExternalSecret',
      'gateway.networking.k8s.io/v1/HTTPRoute',
      'monitoring.coreos.com/v1/ServiceMonitor',
    ]);
    const objects = kinds.map((key) => {
      const slash = key.lastIndexOf('/');
      return { apiVersion: key.slice(0, slash), kind: key.slice(slash + 1), metadata: { name: 'x' } };
    });
    expect((await schemaFindings(objects)).filter((v) => v.rule === 'K02').map((v) => v.message)).to.deep.equal([]);
  });
});

describe('policy: docs', () => {
  it('constructs/docs/rules.md has a row for every rule id, in catalogue order, with its fix', () => {
    const [catalogue, details] = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8').split(
      '## Exactly what each rule checks',
    );
    const rows = [...catalogue!.matchAll(/^\| ([A-Z]\d\d) \|.*$/gm)];
    expect(rows.map((m) => m[1])).to.deep.equal(Object.keys(RULES));
    expect(
      [...details!.matchAll(/^\| ([A-Z]\d\d) \|/gm)].map((m) => m[1]),
      'details',
    ).to.deep.equal(Object.keys(RULES));
    for (const [row, [id, info]] of rows.map((m, i) => [m[0], Object.entries(RULES)[i]!] as const)) {
      expect(row, id).to.contain(info.fix.replaceAll('|', '\\|'));
    }
  });
});
