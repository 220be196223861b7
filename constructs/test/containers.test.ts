import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { ContainerResources } from '../pod-hardening.js';
import type { InitContainerSpec, SidecarSpec } from '../containers.js';
import { InvalidPropsError } from '../errors.js';
import { HardenedDeployment } from '../hardened-deployment.js';
import type { HardenedDeploymentProps } from '../hardened-deployment.js';
import { Probe } from '../probes.js';
import { WebService } from '../web-service.js';
import { INGRESS_NGINX, environment, hardeningViolations } from './support/policy.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const SMALL: ContainerResources = {
  requests: { cpu: '50m', memory: '32Mi', ephemeralStorage: '32Mi' },
  limits: { cpu: '200m', memory: '64Mi', ephemeralStorage: '128Mi' },
};

const PROXY: SidecarSpec = {
  name: 'db-proxy',
  image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1',
  resources: SMALL,
  args: ['--port=5432', '--http-port=9801', '--health-check', 'project:region:todo'],
  ports: [
    { name: 'pg', port: 5432 },
    { name: 'proxy-health', port: 9801 },
  ],
  probes: {
    readiness: Probe.http('/readiness', { port: 'proxy-health' }),
    liveness: Probe.http('/liveness', { port: 'proxy-health' }),
    startup: Probe.http('/startup', { port: 'proxy-health' }),
  },
  secretFiles: [
    {
      secretName: 'todo-proxy-sa',
      key: 'credentials.json',
      mountPath: '/var/run/secrets/proxy',
      envVarForPath: 'CSQL_PROXY_CREDENTIALS_FILE',
    },
  ],
};

const MIGRATE: InitContainerSpec = {
  name: 'migrate',
  image: 'ghcr.io/example/todo-api:1.4.2',
  resources: SMALL,
  command: ['node', 'migrate.js'],
  env: { PGHOST: '127.0.0.1', PGPORT: '5432' },
  writablePaths: [{ path: '/app/.cache', sizeLimit: '16Mi' }],
  secretFiles: [{ secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE' }],
};

const BASE: HardenedDeploymentProps = {
  name: 'todo-api',
  namespace: 'todo',
  component: 'api',
  partOf: 'todo',
  image: 'ghcr.io/example/todo-api:1.4.2',
  resources: {
    requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
    limits: { cpu: '1', memory: '256Mi', ephemeralStorage: '256Mi' },
  },
  secretFiles: [{ secretName: 'todo-jwt', mountPath: '/var/run/secrets/jwt' }],
  writablePaths: [{ path: '/app/.cache' }],
  sidecars: [PROXY],
  initContainers: [MIGRATE],
};

function podSpec(overrides: Partial<HardenedDeploymentProps> = {}): Manifest {
  const chart = Testing.chart();
  new HardenedDeployment(chart, 'api', { ...BASE, ...overrides });
  return only(Testing.synth(chart) as Manifest[], 'Deployment').spec.template.spec;
}

describe('sidecars and init containers', () => {
  const spec = podSpec();
  const [proxy, migrate] = spec.initContainers as Manifest[];
  const main = spec.containers[0];

  it('runs native sidecars first (restartPolicy Always), then the init containers, in order', () => {
    expect(spec.initContainers.map((c: Manifest) => [c.name, c.restartPolicy])).to.deep.equal([
      ['db-proxy', 'Always'],
      ['migrate', undefined],
    ]);
    expect(spec.containers.map((c: Manifest) => c.name)).to.deep.equal(['todo-api']);
  });

  it('hardens every container exactly like the main one: securityContext, Always pull (S02-S09, I03)', () => {
    for (const c of [proxy!, migrate!]) {
      expect(c.securityContext, c.name).to.deep.equal(main.securityContext);
      expect(c.imagePullPolicy, c.name).to.equal('Always');
    }
  });

  it('gives each container its own resources (R01, R02)', () => {
    for (const c of [proxy!, migrate!]) {
      expect(c.resources, c.name).to.deep.equal({
        requests: { cpu: '50m', memory: '32Mi', 'ephemeral-storage': '32Mi' },
        limits: { cpu: '200m', memory: '64Mi', 'ephemeral-storage': '128Mi' },
      });
    }
  });

  it('probes the sidecar on its own ports, and never an init container (P01, P03)', () => {
    expect(proxy!.ports).to.deep.equal([
      { name: 'pg', containerPort: 5432, protocol: 'TCP' },
      { name: 'proxy-health', containerPort: 9801, protocol: 'TCP' },
    ]);
    expect(proxy!.readinessProbe.httpGet).to.deep.equal({ path: '/readiness', port: 'proxy-health' });
    expect(proxy!.livenessProbe.httpGet).to.deep.equal({ path: '/liveness', port: 'proxy-health' });
    expect(proxy!.startupProbe.httpGet).to.deep.equal({ path: '/startup', port: 'proxy-health' });
    for (const key of ['ports', 'readinessProbe', 'livenessProbe', 'startupProbe']) expect(migrate!).not.to.have.property(key);
  });

  it('gives each container its own /tmp, writable paths and Secret files under volume names derived from its name', () => {
    expect(spec.volumes.map((v: Manifest) => v.name)).to.deep.equal([
      'tmp',
      'scratch-1',
      'secret-0',
      'db-proxy-tmp',
      'db-proxy-secret-0',
      'migrate-tmp',
      'migrate-scratch-1',
      'migrate-secret-0',
    ]);
    const mounts = (c: Manifest) => c.volumeMounts.map((m: Manifest) => `${m.name}:${m.mountPath}`);
    expect(mounts(main)).to.deep.equal(['tmp:/tmp', 'scratch-1:/app/.cache', 'secret-0:/var/run/secrets/jwt']);
    expect(mounts(proxy!)).to.deep.equal(['db-proxy-tmp:/tmp', 'db-proxy-secret-0:/var/run/secrets/proxy']);
    expect(mounts(migrate!)).to.deep.equal(['migrate-tmp:/tmp', 'migrate-scratch-1:/app/.cache', 'migrate-secret-0:/var/run/secrets/db']);
    expect(spec.volumes.find((v: Manifest) => v.name === 'migrate-scratch-1').emptyDir).to.deep.equal({ sizeLimit: '16Mi' });
    expect(spec.volumes.find((v: Manifest) => v.name === 'migrate-secret-0').secret).to.deep.equal({
      secretName: 'todo-db-app',
      defaultMode: 0o440,
      items: [{ key: 'uri', path: 'uri' }],
    });
  });

  it('passes plain env as literal values and Secret files by path, never by secretKeyRef (S19)', () => {
    expect(migrate!.env).to.deep.equal([
      { name: 'PGHOST', value: '127.0.0.1' },
      { name: 'PGPORT', value: '5432' },
      { name: 'DATABASE_URL_FILE', value: '/var/run/secrets/db/uri' },
    ]);
    expect(proxy!.env).to.deep.equal([{ name: 'CSQL_PROXY_CREDENTIALS_FILE', value: '/var/run/secrets/proxy/credentials.json' }]);
    expect(migrate!.command).to.deep.equal(['node', 'migrate.js']);
  });

  it('keeps volume names unique whatever the container names (no clash with the main container or each other)', () => {
    const names = ['tmp', 'scratch', 'secret', 'config', 'a', 'a-scratch', 'a-secret'];
    const sidecars = names.map((name, index) => ({
      ...PROXY,
      name,
      ports: [{ name: `p${index}`, port: 10000 + index }],
      probes: { readiness: Probe.http('/r'), liveness: Probe.http('/l') },
      secretFiles: [{ secretName: 's', mountPath: '/s' }],
      writablePaths: [{ path: '/w', sizeLimit: '1Mi' }],
    }));
    const volumes: string[] = podSpec({
      sidecars,
      initContainers: [],
      configFiles: { mountPath: '/etc/app', files: { 'a.conf': 'x' } },
    }).volumes.map((v: Manifest) => v.name);
    expect(volumes).to.have.length(4 + names.length * 3);
    expect(new Set(volumes).size).to.equal(volumes.length);
  });

  it('is a valid Deployment (kubernetes-models schema)', () => {
    const chart = Testing.chart();
    new HardenedDeployment(chart, 'api', BASE);
    new Deployment(only(Testing.synth(chart) as Manifest[], 'Deployment') as never).validate();
  });

  it('matches the snapshot', () => {
    const chart = Testing.chart();
    new HardenedDeployment(chart, 'api', BASE);
    expectSnapshot(
      'hardened-deployment-sidecars',
      (Testing.synth(chart) as Manifest[]).filter((o) => o.kind === 'Deployment'),
    );
  });

  describe('in a WebService, through the hardening policy with no waiver', () => {
    const objects = environment((chart) => {
      new WebService(chart, 'Api', { ...BASE, ingressController: INGRESS_NGINX });
    });

    it('has no violation and valid schemas', async () => {
      expect(await hardeningViolations(objects)).to.deep.equal([]);
    });

    it('the policy catches a sidecar without probes (the check can fail)', async () => {
      const deployment = only(objects, 'Deployment');
      const broken = structuredClone(deployment);
      delete broken.spec.template.spec.initContainers[0].livenessProbe;
      delete broken.spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem;
      expect(await hardeningViolations(objects.map((o) => (o === deployment ? broken : o)))).to.deep.equal([
        'Deployment/todo/todo-api: P01 container "db-proxy" has no livenessProbe',
        'Deployment/todo/todo-api: S08 container "db-proxy" readOnlyRootFilesystem is absent, expected true',
      ]);
    });
  });

  describe('validation (each bad prop throws naming the construct path, the prop and the value)', () => {
    const sidecar = (overrides: Partial<SidecarSpec>): Partial<HardenedDeploymentProps> => ({ sidecars: [{ ...PROXY, ...overrides }] });
    const init = (overrides: Partial<InitContainerSpec>): Partial<HardenedDeploymentProps> => ({
      initContainers: [{ ...MIGRATE, ...overrides }],
    });
    const cases: ReadonlyArray<[string, Partial<HardenedDeploymentProps>, string]> = [
      [
        'a sidecar named like the main container',
        sidecar({ name: 'todo-api' }),
        'invalid sidecars[0].name "todo-api": another container in the pod has this name',
      ],
      [
        'an init container named like a sidecar',
        init({ name: 'db-proxy' }),
        'invalid initContainers[0].name "db-proxy": another container in the pod has this name',
      ],
      [
        'a container name over 40 characters',
        init({ name: 'm'.repeat(41) }),
        `invalid initContainers[0].name "${'m'.repeat(41)}": must be a DNS-1123 label of at most 40 characters`,
      ],
      ['an uppercase container name', init({ name: 'Migrate' }), 'invalid initContainers[0].name "Migrate"'],
      [
        'a latest image',
        sidecar({ image: 'proxy:latest' }),
        'invalid sidecars[0].image "proxy:latest": the tag "latest" is not a version (I01)',
      ],
      ['missing resources', init({ resources: undefined as never }), 'invalid initContainers[0].resources undefined: requests and limits'],
      [
        'a limit below its request',
        init({ resources: { ...SMALL, limits: { ...SMALL.limits, memory: '16Mi' } } }),
        'invalid initContainers[0].resources.limits.memory "16Mi": is below the request "32Mi"',
      ],
      [
        'a sidecar port taking the main port number',
        sidecar({ ports: [{ name: 'pg', port: 8080 }, ...PROXY.ports!.slice(1)] }),
        'invalid sidecars[0].ports {"name":"pg","port":8080}: duplicate port name or number in the pod (P04)',
      ],
      [
        'a sidecar port taking the main port name',
        sidecar({ ports: [{ name: 'http', port: 5432 }, ...PROXY.ports!.slice(1)] }),
        'invalid sidecars[0].ports {"name":"http","port":5432}: duplicate port name or number',
      ],
      [
        'a privileged sidecar port',
        sidecar({ ports: [{ name: 'dns', port: 53 }] }),
        'invalid sidecars[0].ports {"name":"dns","port":53}: port must be an integer from 1024',
      ],
      [
        'a sidecar without probes',
        sidecar({ probes: undefined as never }),
        'invalid sidecars[0].probes undefined: a sidecar runs as long as the pod',
      ],
      [
        'a sidecar probing a port of the main container (P03)',
        sidecar({ probes: { readiness: Probe.http('/r', { port: 'http' }), liveness: Probe.tcp({ port: 'pg' }) } }),
        'invalid sidecars[0].probes.readiness.port "http": is not a declared port (declared: pg, proxy-health) (P03)',
      ],
      [
        'sidecar readiness equal to liveness (P02)',
        sidecar({ probes: { readiness: Probe.tcp({ port: 'pg' }), liveness: Probe.tcp({ port: 'pg' }) } }),
        'invalid sidecars[0].probes.readiness {"type":"tcp","port":"pg"}: readiness and liveness must differ',
      ],
      [
        'probes on an init container',
        init({ probes: { readiness: Probe.tcp(), liveness: Probe.exec(['true']) } } as never),
        'invalid initContainers[0].probes',
      ],
      [
        'ports on an init container',
        init({ ports: [{ name: 'x', port: 7000 }] } as never),
        'invalid initContainers[0].ports [{"name":"x","port":7000}]: an init container runs to completion',
      ],
      [
        'a secret-looking env var',
        init({ env: { DB_PASSWORD: 'hunter2' } }),
        'invalid initContainers[0].env "DB_PASSWORD": looks like a secret',
      ],
      [
        'an env var clashing with a Secret file path var',
        init({ env: { DATABASE_URL_FILE: '/x' } }),
        'invalid initContainers[0].secretFiles.envVarForPath "DATABASE_URL_FILE": duplicate env var name (S20)',
      ],
      [
        'a Secret path variable that looks like a secret (S19)',
        sidecar({ secretFiles: [{ secretName: 'sa', key: 'key.json', mountPath: '/s', envVarForPath: 'GOOGLE_APPLICATION_CREDENTIALS' }] }),
        'invalid sidecars[0].secretFiles.envVarForPath "GOOGLE_APPLICATION_CREDENTIALS": looks like a secret, so S19 would report its value',
      ],
      [
        'a Secret over its own /tmp',
        sidecar({ secretFiles: [{ secretName: 'x', mountPath: '/tmp' }] }),
        'invalid sidecars[0].secretFiles.mountPath "/tmp": is mounted twice',
      ],
      [
        'a relative writable path',
        init({ writablePaths: [{ path: 'cache' }] }),
        'invalid initContainers[0].writablePaths "cache": must be an absolute',
      ],
      [
        'emptyDirs larger than its own ephemeral-storage limit',
        init({ writablePaths: [{ path: '/cache', sizeLimit: '100Mi' }] }),
        'invalid initContainers[0].resources.limits.ephemeralStorage "128Mi": is smaller than the emptyDir size limits',
      ],
      [
        'a bad Secret name',
        sidecar({ secretFiles: [{ secretName: 'Proxy_SA', mountPath: '/s' }] }),
        'invalid sidecars[0].secretFiles.secretName "Proxy_SA"',
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}`, () => {
        const chart = Testing.chart();
        expect(() => new HardenedDeployment(chart, 'api', { ...BASE, ...overrides })).to.throw(InvalidPropsError, `test/api: ${message}`);
        expect(
          chart.node.findAll().some((c) => c.node.id === 'Deployment'),
          'nothing is built',
        ).to.equal(false);
      });
    }
  });
});
