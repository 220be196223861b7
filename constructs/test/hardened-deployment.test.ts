import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { InvalidPropsError } from '../errors.js';
import { HardenedDeployment } from '../hardened-deployment.js';
import { parseImage } from '../image-reference.js';
import { looksLikeSecretName } from '../policy/secret-names.js';
import type { HardenedDeploymentProps } from '../hardened-deployment.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
  limits: { cpu: '1', memory: '256Mi', ephemeralStorage: '256Mi' },
} as const;

const BASE: HardenedDeploymentProps = {
  name: 'todo-api',
  namespace: 'todo',
  component: 'api',
  partOf: 'todo',
  image: 'ghcr.io/example/todo-api:1.4.2',
  resources: RESOURCES,
};

function synth(overrides: Partial<HardenedDeploymentProps> = {}): { objects: Manifest[]; workload: HardenedDeployment } {
  const chart = Testing.chart();
  const workload = new HardenedDeployment(chart, 'api', { ...BASE, ...overrides });
  return { objects: Testing.synth(chart) as Manifest[], workload };
}

const podSpec = (objects: Manifest[]) => only(objects, 'Deployment').spec.template.spec;
const container = (objects: Manifest[]) => podSpec(objects).containers[0];

describe('HardenedDeployment', () => {
  describe('defaults', () => {
    const { objects, workload } = synth();

    it('makes a ServiceAccount, a Deployment and a PodDisruptionBudget, nothing else', () => {
      expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).to.deep.equal([
        'v1 ServiceAccount',
        'apps/v1 Deployment',
        'policy/v1 PodDisruptionBudget',
      ]);
    });

    it('names every object explicitly (no hash suffix), in the namespace, with the six recommended labels (A08, N07)', () => {
      for (const object of objects) {
        expect(object.metadata.name, object.kind).to.equal('todo-api');
        expect(object.metadata.namespace, object.kind).to.equal('todo');
        expect(object.metadata.labels, object.kind).to.deep.equal({
          'app.kubernetes.io/name': 'todo-api',
          'app.kubernetes.io/instance': 'todo-api',
          'app.kubernetes.io/version': '1.4.2',
          'app.kubernetes.io/component': 'api',
          'app.kubernetes.io/part-of': 'todo',
          'app.kubernetes.io/managed-by': 'cdk8s',
        });
      }
    });

    it('runs as its own ServiceAccount with token automount off on both (S18)', () => {
      expect(only(objects, 'ServiceAccount').automountServiceAccountToken).to.equal(false);
      expect(podSpec(objects).serviceAccountName).to.equal('todo-api');
      expect(podSpec(objects).automountServiceAccountToken).to.equal(false);
    });

    it('sets the restricted pod securityContext (S05, S06, S07, S09)', () => {
      expect(podSpec(objects).securityContext).to.deep.equal({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) expect(podSpec(objects)).not.to.have.property(key);
    });

    it('sets the restricted container securityContext (S02, S03, S04, S08)', () => {
      expect(container(objects).securityContext).to.deep.equal({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('mounts /tmp as a size-limited emptyDir and nothing else (S08, S10)', () => {
      expect(podSpec(objects).volumes).to.deep.equal([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
      expect(container(objects).volumeMounts).to.deep.equal([{ name: 'tmp', mountPath: '/tmp' }]);
    });

    it('requests and limits cpu, memory and ephemeral-storage as strings (R01, R02)', () => {
      expect(container(objects).resources).to.deep.equal({
        requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '128Mi' },
        limits: { cpu: '1', memory: '256Mi', 'ephemeral-storage': '256Mi' },
      });
    });

    it('pulls Always and declares the named http port 8080 without hostPort (I03, P04, P05, S11)', () => {
      expect(container(objects).imagePullPolicy).to.equal('Always');
      expect(container(objects).image).to.equal('ghcr.io/example/todo-api:1.4.2');
      expect(container(objects).ports).to.deep.equal([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    });

    it('probes startup and liveness on /livez and readiness on /readyz, by port name (P01, P02, P03)', () => {
      const c = container(objects);
      expect(c.startupProbe.httpGet).to.deep.equal({ path: '/livez', port: 'http' });
      expect(c.livenessProbe.httpGet).to.deep.equal({ path: '/livez', port: 'http' });
      expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'http' });
      expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).to.equal(60);
      expect(workload.probes).to.deep.equal({ portName: 'http', readinessPath: '/readyz', livenessPath: '/livez', startupPath: '/livez' });
    });

    it('sleeps in preStop and gives a longer grace period, so endpoints drain before shutdown', () => {
      expect(container(objects).lifecycle).to.deep.equal({ preStop: { exec: { command: ['sleep', '5'] } } });
      expect(podSpec(objects).terminationGracePeriodSeconds).to.equal(30);
    });

    it('runs 2 replicas with a surge-only rolling update (A01, A06)', () => {
      const spec = only(objects, 'Deployment').spec;
      expect(spec.replicas).to.equal(2);
      expect(spec.strategy).to.deep.equal({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    });

    it('selects its pods by name and instance, and the template carries them (A07)', () => {
      const spec = only(objects, 'Deployment').spec;
      const selector = { 'app.kubernetes.io/name': 'todo-api', 'app.kubernetes.io/instance': 'todo-api' };
      expect(spec.selector).to.deep.equal({ matchLabels: selector });
      expect(spec.template.metadata.labels).to.include(selector);
      expect(workload.selectorLabels).to.deep.equal(selector);
    });

    it('prefers one pod per node and spreads over zones, selecting its own pods (A04, A05)', () => {
      const selector = { matchLabels: { 'app.kubernetes.io/name': 'todo-api', 'app.kubernetes.io/instance': 'todo-api' } };
      expect(podSpec(objects).affinity).to.deep.equal({
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
          ],
        },
      });
      expect(podSpec(objects).topologySpreadConstraints).to.deep.equal([
        { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      ]);
    });

    it('adds a policy/v1 PodDisruptionBudget of maxUnavailable 1 matching the pods (A03)', () => {
      expect(only(objects, 'PodDisruptionBudget').spec).to.deep.equal({
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        selector: { matchLabels: { 'app.kubernetes.io/name': 'todo-api', 'app.kubernetes.io/instance': 'todo-api' } },
      });
    });

    it('exposes a network peer keyed on app.kubernetes.io/name', () => {
      expect({ peerName: workload.peerName, namespace: workload.namespace }).to.deep.equal({ peerName: 'todo-api', namespace: 'todo' });
    });

    it('passes the Kubernetes OpenAPI schemas (kubernetes-models)', () => {
      new ServiceAccount(only(objects, 'ServiceAccount')).validate();
      new Deployment(only(objects, 'Deployment') as never).validate();
      new PodDisruptionBudget(only(objects, 'PodDisruptionBudget') as never).validate();
    });

    it('matches the snapshot', () => expectSnapshot('hardened-deployment-defaults', objects));
  });

  describe('configuration', () => {
    const config = { PORT: '8080', LOG_LEVEL: 'info' };

    it('stores config in a labelled ConfigMap and passes each key by configMapKeyRef', () => {
      const { objects } = synth({ config });
      const configMap = only(objects, 'ConfigMap');
      expect(configMap.metadata.name).to.equal('todo-api-config');
      expect(configMap.metadata.namespace).to.equal('todo');
      expect(configMap.metadata.labels['app.kubernetes.io/name']).to.equal('todo-api');
      expect(configMap.data).to.deep.equal({ LOG_LEVEL: 'info', PORT: '8080' });
      new ConfigMap(configMap).validate();
      expect(container(objects).env).to.deep.equal([
        { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'todo-api-config', key: 'LOG_LEVEL' } } },
        { name: 'PORT', valueFrom: { configMapKeyRef: { name: 'todo-api-config', key: 'PORT' } } },
      ]);
    });

    it('annotates the pod template with the sha256 of the config data, so a change rolls the pods', () => {
      const checksum = (c: Record<string, string>) =>
        only(synth({ config: c }).objects, 'Deployment').spec.template.metadata.annotations['checksum/config'];
      const expected = createHash('sha256')
        .update(JSON.stringify({ LOG_LEVEL: 'info', PORT: '8080' }))
        .digest('hex');
      expect(checksum(config)).to.equal(expected);
      expect(checksum({ LOG_LEVEL: 'info', PORT: '8080' }), 'key order does not matter').to.equal(expected);
      expect(checksum({ ...config, LOG_LEVEL: 'debug' })).to.not.equal(expected);
    });

    it('has no checksum annotation without config', () => {
      expect(only(synth().objects, 'Deployment').spec.template.metadata).not.to.have.property('annotations');
    });

    it('mounts secret files read-only from existing Secrets and points NAME_FILE at them (S19)', () => {
      const { objects } = synth({
        secretFiles: [
          { secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/todo/db', envVarForPath: 'DATABASE_URL_FILE' },
          { secretName: 'todo-jwt', mountPath: '/var/run/secrets/todo/jwt' },
        ],
      });
      expect(podSpec(objects).volumes.slice(1)).to.deep.equal([
        { name: 'secret-0', secret: { secretName: 'todo-db-app', defaultMode: 0o440, items: [{ key: 'uri', path: 'uri' }] } },
        { name: 'secret-1', secret: { secretName: 'todo-jwt', defaultMode: 0o440 } },
      ]);
      expect(container(objects).volumeMounts.slice(1)).to.deep.equal([
        { name: 'secret-0', mountPath: '/var/run/secrets/todo/db', readOnly: true },
        { name: 'secret-1', mountPath: '/var/run/secrets/todo/jwt', readOnly: true },
      ]);
      expect(container(objects).env).to.deep.equal([{ name: 'DATABASE_URL_FILE', value: '/var/run/secrets/todo/db/uri' }]);
      expect(objects.map((o) => o.kind)).not.to.include('Secret');
      expect(JSON.stringify(objects)).not.to.match(/secretKeyRef|secretRef/);
    });

    it('mounts config files read-only from a labelled ConfigMap and rolls the pods when they change', () => {
      const files = { 'default.conf': 'server { listen 8080; }\n' };
      const { objects, workload } = synth({ configFiles: { mountPath: '/etc/nginx/conf.d', files } });
      const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
      expect(configMaps).to.have.length(1);
      expect(configMaps[0]!.metadata.name).to.equal('todo-api-files');
      expect(configMaps[0]!.metadata.labels['app.kubernetes.io/name']).to.equal('todo-api');
      expect(configMaps[0]!.data).to.deep.equal(files);
      expect(workload.configFilesMapName).to.equal('todo-api-files');
      expect(podSpec(objects).volumes[1]).to.deep.equal({
        name: 'config-files',
        configMap: { name: 'todo-api-files', defaultMode: 0o444 },
      });
      expect(container(objects).volumeMounts[1]).to.deep.equal({ name: 'config-files', mountPath: '/etc/nginx/conf.d', readOnly: true });
      const checksum = (content: string) =>
        only(synth({ configFiles: { mountPath: '/etc/nginx/conf.d', files: { 'default.conf': content } } }).objects, 'Deployment').spec
          .template.metadata.annotations['checksum/config-files'];
      expect(checksum(files['default.conf'])).to.equal(createHash('sha256').update(JSON.stringify(files)).digest('hex'));
      expect(checksum('server { listen 9090; }\n')).to.not.equal(checksum(files['default.conf']));
    });

    it('mounts each declared writable path as its own size-limited emptyDir', () => {
      const { objects } = synth({
        writablePaths: [{ path: '/app/.cache', sizeLimit: '32Mi' }, { path: '/var/run/app' }],
        tmpSizeLimit: '16Mi',
      });
      expect(podSpec(objects).volumes).to.deep.equal([
        { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
        { name: 'scratch-1', emptyDir: { sizeLimit: '32Mi' } },
        { name: 'scratch-2', emptyDir: { sizeLimit: '64Mi' } },
      ]);
      expect(container(objects).volumeMounts.map((m: Manifest) => m.mountPath)).to.deep.equal(['/tmp', '/app/.cache', '/var/run/app']);
    });

    it('passes command, args, uid/gid and the preStop/grace settings through', () => {
      const { objects } = synth({
        command: ['node'],
        args: ['main.js'],
        runAsUser: 20000,
        runAsGroup: 20001,
        preStopSleepSeconds: 10,
        terminationGracePeriodSeconds: 45,
      });
      expect(container(objects).command).to.deep.equal(['node']);
      expect(container(objects).args).to.deep.equal(['main.js']);
      expect(podSpec(objects).securityContext).to.include({ runAsUser: 20000, runAsGroup: 20001, fsGroup: 20001 });
      expect(container(objects).lifecycle.preStop.exec.command).to.deep.equal(['sleep', '10']);
      expect(podSpec(objects).terminationGracePeriodSeconds).to.equal(45);
    });

    it('uses the kubelet sleep action in sleep-action mode (no sleep binary needed)', () => {
      const { objects } = synth({ preStopMode: 'sleep-action' });
      expect(container(objects).lifecycle).to.deep.equal({ preStop: { sleep: { seconds: 5 } } });
    });

    it('accepts an image digest and labels the version with the tag', () => {
      const image = `ghcr.io/example/todo-api:1.4.2@sha256:${'a'.repeat(64)}`;
      const { objects } = synth({ image, requireDigest: true });
      expect(container(objects).image).to.equal(image);
      expect(only(objects, 'Deployment').metadata.labels['app.kubernetes.io/version']).to.equal('1.4.2');
    });

    it('probes a custom port and paths when told to', () => {
      const { objects } = synth({
        ports: [
          { name: 'web', port: 3000 },
          { name: 'metrics', port: 9090 },
        ],
        probes: { port: 'metrics', readinessPath: '/ready', livenessPath: '/alive', startupPath: '/started' },
      });
      expect(container(objects).readinessProbe.httpGet).to.deep.equal({ path: '/ready', port: 'metrics' });
      expect(container(objects).livenessProbe.httpGet).to.deep.equal({ path: '/alive', port: 'metrics' });
      expect(container(objects).startupProbe.httpGet).to.deep.equal({ path: '/started', port: 'metrics' });
    });
  });

  describe('replicas and autoscaling', () => {
    it('single-replica dev mode: 1 replica and no PodDisruptionBudget', () => {
      const { objects, workload } = synth({ replicas: 1 });
      expect(only(objects, 'Deployment').spec.replicas).to.equal(1);
      expect(objects.map((o) => o.kind)).not.to.include('PodDisruptionBudget');
      expect(workload.replicated).to.equal(false);
    });

    it('with autoscaling: an autoscaling/v2 HPA on cpu, no spec.replicas, and a PDB', () => {
      const { objects } = synth({ autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 60 } });
      expect(only(objects, 'Deployment').spec).not.to.have.property('replicas');
      const hpa = only(objects, 'HorizontalPodAutoscaler');
      expect(hpa.apiVersion).to.equal('autoscaling/v2');
      expect(hpa.metadata).to.include({ name: 'todo-api', namespace: 'todo' });
      expect(hpa.spec).to.deep.equal({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'todo-api' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
      });
      new HorizontalPodAutoscaler(hpa as never).validate();
      expect(only(objects, 'PodDisruptionBudget').spec.maxUnavailable).to.equal(1);
    });

    it('matches the snapshot with config, secrets and autoscaling', () => {
      const { objects } = synth({
        config: { LOG_LEVEL: 'info' },
        secretFiles: [{ secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE' }],
        autoscaling: { minReplicas: 2, maxReplicas: 5 },
      });
      expectSnapshot('hardened-deployment-autoscaled', objects);
    });
  });

  describe('validation (each bad prop throws naming the construct path and the value)', () => {
    const cases: ReadonlyArray<[string, Partial<HardenedDeploymentProps>, string]> = [
      ['an image without a tag', { image: 'ghcr.io/example/todo-api' }, 'invalid image "ghcr.io/example/todo-api": needs an explicit tag'],
      [
        'a registry port mistaken for a tag',
        { image: 'registry:5000/todo-api' },
        'invalid image "registry:5000/todo-api": needs an explicit tag',
      ],
      ['the latest tag', { image: 'todo-api:latest' }, 'invalid image "todo-api:latest": the tag "latest"'],
      ['a malformed digest', { image: 'todo-api:1.0@sha256:abc' }, 'invalid image "todo-api:1.0@sha256:abc": the digest'],
      [
        'a missing digest when required',
        { requireDigest: true },
        'invalid image "ghcr.io/example/todo-api:1.4.2": this environment requires a digest',
      ],
      ['missing resources', { resources: undefined as never }, 'invalid resources undefined: requests and limits'],
      [
        'config files without a file',
        { configFiles: { mountPath: '/etc/app', files: {} } },
        'invalid configFiles.files {}: name at least one file',
      ],
      [
        'a config file that looks like a secret',
        { configFiles: { mountPath: '/etc/app', files: { 'api-token': 'x' } } },
        'invalid configFiles.files "api-token": looks like a secret',
      ],
      [
        'config files over /tmp',
        { configFiles: { mountPath: '/tmp', files: { 'a.conf': 'x' } } },
        'invalid configFiles.mountPath "/tmp": is mounted twice',
      ],
      [
        'a missing limit',
        { resources: { requests: RESOURCES.requests, limits: { cpu: '1', memory: '256Mi' } as never } },
        'invalid resources.limits.ephemeralStorage undefined: is required',
      ],
      [
        'a malformed quantity',
        { resources: { ...RESOURCES, requests: { ...RESOURCES.requests, memory: '128 MB' } } },
        'invalid resources.requests.memory "128 MB": must be a positive Kubernetes quantity',
      ],
      [
        'a cpu limit below the request (millicores vs cores)',
        { resources: { requests: { ...RESOURCES.requests, cpu: '1500m' }, limits: { ...RESOURCES.limits, cpu: '1' } } },
        'invalid resources.limits.cpu "1": is below the request "1500m"',
      ],
      [
        'a memory limit below the request (Mi vs Gi)',
        { resources: { requests: { ...RESOURCES.requests, memory: '1Gi' }, limits: { ...RESOURCES.limits, memory: '1000Mi' } } },
        'invalid resources.limits.memory "1000Mi": is below the request "1Gi"',
      ],
      [
        'an ephemeral-storage limit below the request (G vs Gi)',
        {
          resources: {
            requests: { ...RESOURCES.requests, ephemeralStorage: '1Gi' },
            limits: { ...RESOURCES.limits, ephemeralStorage: '1G' },
          },
        },
        'invalid resources.limits.ephemeralStorage "1G": is below the request "1Gi"',
      ],
      [
        'a privileged port',
        { ports: [{ name: 'http', port: 80 }] },
        'invalid ports {"name":"http","port":80}: port must be an integer from 1024',
      ],
      ['port 22', { ports: [{ name: 'ssh', port: 22 }] }, 'invalid ports {"name":"ssh","port":22}: port must be'],
      [
        'a port name over 15 characters',
        { ports: [{ name: 'http-application', port: 8080 }] },
        'invalid ports {"name":"http-application","port":8080}: name must be an IANA',
      ],
      [
        'duplicate ports',
        {
          ports: [
            { name: 'http', port: 8080 },
            { name: 'http', port: 8081 },
          ],
        },
        'invalid ports {"name":"http","port":8081}: duplicate',
      ],
      [
        'an unknown appProtocol',
        { ports: [{ name: 'grpc', port: 9090, appProtocol: 'http2' as never }] },
        'invalid ports {"name":"grpc","port":9090,"appProtocol":"http2"}: appProtocol must be one of http, h2c, grpc',
      ],
      ['a probe on an undeclared port', { probes: { port: 'admin' } }, 'invalid probes.port "admin": is not a declared port'],
      [
        'readiness equal to liveness',
        { probes: { readinessPath: '/livez' } },
        'invalid probes.readinessPath "/livez": readiness and liveness must differ',
      ],
      [
        'minReplicas below 2',
        { autoscaling: { minReplicas: 1, maxReplicas: 3 } },
        'invalid autoscaling.minReplicas 1: must be an integer >= 2',
      ],
      [
        'maxReplicas not above minReplicas',
        { autoscaling: { minReplicas: 3, maxReplicas: 3 } },
        'invalid autoscaling.maxReplicas 3: must be an integer greater than minReplicas 3',
      ],
      [
        'replicas with autoscaling',
        { replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } },
        'invalid replicas 3: conflicts with autoscaling',
      ],
      ['zero replicas', { replicas: 0 }, 'invalid replicas 0: must be an integer >= 1'],
      [
        'a CPU target over 100%',
        { autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 150 } },
        'invalid autoscaling.targetCpuUtilization 150: must be an integer percentage',
      ],
      [
        'a relative probe path',
        { probes: { readinessPath: 'readyz' } },
        'invalid probes.readinessPath "readyz": must be an absolute HTTP path',
      ],
      [
        'an invalid Secret name',
        { secretFiles: [{ secretName: 'DB_Secret', mountPath: '/s/db' }] },
        'invalid secretFiles.secretName "DB_Secret": must be a DNS-1123 subdomain',
      ],
      ['an unknown preStop mode', { preStopMode: 'signal' as never }, 'invalid preStopMode "signal": must be "exec" or "sleep-action"'],
      ['a version that is not a label value', { version: 'v1+build' }, 'invalid version "v1+build": must be a non-empty label value'],
      ['a root-ish uid', { runAsUser: 1000 }, 'invalid runAsUser 1000: must be an integer >= 10001'],
      ['the default namespace', { namespace: 'default' }, 'invalid namespace "default": objects never go to the default namespace (N07)'],
      ['an invalid name', { name: 'Todo_API' }, 'invalid name "Todo_API": must be a DNS-1035 label'],
      ['an invalid component', { component: 'web app' }, 'invalid component "web app": must be a non-empty label value'],
      [
        'duplicate env names',
        {
          config: { DATABASE_URL_FILE: '/x' },
          secretFiles: [{ secretName: 'db', key: 'uri', mountPath: '/s/db', envVarForPath: 'DATABASE_URL_FILE' }],
        },
        'invalid secretFiles.envVarForPath "DATABASE_URL_FILE": duplicate env var name',
      ],
      ['a secret-looking config name', { config: { DB_PASSWORD: 'hunter2' } }, 'invalid config "DB_PASSWORD": looks like a secret'],
      ['an API key in config', { config: { STRIPE_API_KEY: 'sk_live' } }, 'invalid config "STRIPE_API_KEY": looks like a secret'],
      ['a run-together password name in config', { config: { PGPASSWORD: 'hunter2' } }, 'invalid config "PGPASSWORD": looks like a secret'],
      [
        'a connection string in config',
        { config: { DATABASE_URL: 'postgres://app:hunter2@db/app' } },
        'invalid config "DATABASE_URL": looks like a secret',
      ],
      ['an invalid env name', { config: { 'log-level': 'info' } }, 'invalid config "log-level": must be an env var name'],
      [
        'a relative mount path',
        { secretFiles: [{ secretName: 'db', mountPath: 'secrets/db' }] },
        'invalid secretFiles.mountPath "secrets/db": must be an absolute',
      ],
      ['a mount over /tmp', { writablePaths: [{ path: '/tmp' }] }, 'invalid writablePaths "/tmp": is mounted twice'],
      ['a zero-sized /tmp', { tmpSizeLimit: '0' }, 'invalid tmpSizeLimit "0": must be a positive Kubernetes quantity'],
      [
        'a Secret mounted over a writable path',
        { writablePaths: [{ path: '/cache' }], secretFiles: [{ secretName: 'db', mountPath: '/cache' }] },
        'invalid secretFiles.mountPath "/cache": is mounted twice',
      ],
      [
        'emptyDirs larger than the ephemeral-storage limit',
        { writablePaths: [{ path: '/cache', sizeLimit: '1Gi' }] },
        'invalid resources.limits.ephemeralStorage "256Mi": is smaller than the emptyDir size limits',
      ],
      [
        'a grace period not above the preStop sleep',
        { preStopSleepSeconds: 10, terminationGracePeriodSeconds: 10 },
        'invalid terminationGracePeriodSeconds 10: must be an integer greater than the preStop sleep 10',
      ],
    ];

    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}`, () => {
        const chart = Testing.chart();
        const build = () => new HardenedDeployment(chart, 'api', { ...BASE, ...overrides });
        expect(build).to.throw(InvalidPropsError, `test/api: ${message}`);
        expect(
          chart.node.findAll().some((c) => c.node.id === 'Deployment'),
          'nothing is built',
        ).to.equal(false);
      });
    }
  });

  describe('helpers', () => {
    it('parses image references, including registry ports and digests', () => {
      expect(parseImage('registry:5000/team/app:2.0')).to.deep.equal({ repository: 'registry:5000/team/app', tag: '2.0' });
      expect(parseImage('app@sha256:ff')).to.deep.equal({ repository: 'app', digest: 'sha256:ff' });
      expect(parseImage('app:1@sha256:ff')).to.deep.equal({ repository: 'app', tag: '1', digest: 'sha256:ff' });
      // Everything after the first "@" is the digest, so a second "@" makes it malformed instead of being dropped.
      expect(parseImage('app:1@sha256:ff@sha256:00')).to.deep.equal({ repository: 'app', tag: '1', digest: 'sha256:ff@sha256:00' });
    });

    it('recognises secret-looking env names (the policy S19 test) without flagging ordinary ones', () => {
      for (const name of [
        'PASSWORD',
        'DB_PASSWORD',
        'GITHUB_TOKEN',
        'JWT_SECRET',
        'PRIVATE_KEY',
        'JWT_PRIVATE_KEY',
        'API_KEY',
        'AWS_ACCESS_KEY_ID',
        'STRIPE_APIKEY',
        'dbKey',
        'DBPASSWORD',
        'PGPASSWORD',
        'REDIS_PASS',
        'GPG_PASSPHRASE',
        'SMTP_PASS',
        'DATABASE_URL',
        'REDIS_URL',
        'SENTRY_DSN',
      ]) {
        expect(looksLikeSecretName(name), name).to.equal(true);
      }
      for (const name of [
        'PORT',
        'LOG_LEVEL',
        'ALLOWED_ORIGINS',
        'KEYCLOAK_URL',
        'TODO_API_URL',
        'MONKEY_MODE',
        'DATABASE_URL_FILE',
        'DB_PASSWORD_FILE',
        'POSTGRES_PASSWORD_FILE',
        'JWT_PRIVATE_KEY_FILE',
        'TOKEN_DIR',
        'PASSTHROUGH',
        'CACHE_TTL',
        'PGHOST',
        'PGDATABASE',
      ]) {
        expect(looksLikeSecretName(name), name).to.equal(false);
      }
    });
  });
});
