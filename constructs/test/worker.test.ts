import { expect } from 'chai';
import { JsonPatch, Testing } from 'cdk8s';
import { ScalingMetric } from '../autoscaling.js';
import { InvalidPropsError } from '../errors.js';
import { Probe } from '../probes.js';
import { DEFAULT_WAIVER_PREFIX as WAIVER_PREFIX } from '../policy/index.js';
import { Worker } from '../worker.js';
import type { WorkerProps } from '../worker.js';
import { checkedEnvironment } from './support/policy.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '128Mi' },
} as const;
const QUEUE = { peerName: 'todo-queue', namespace: 'todo' };

const PROPS: WorkerProps = {
  name: 'reminder-worker',
  namespace: 'todo',
  component: 'worker',
  partOf: 'todo',
  image: 'ghcr.io/example/todo-api:1.4.2',
  resources: RESOURCES,
  command: ['node', 'dist/worker.js'],
  probes: {
    readiness: Probe.exec(['node', 'dist/health.js', 'ready']),
    liveness: Probe.exec(['node', 'dist/health.js', 'alive']),
  },
  egress: [{ to: QUEUE, port: 5672 }],
};

function synth(overrides: Partial<WorkerProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new Worker(chart, 'worker', { ...PROPS, ...overrides });
  return Testing.synth(chart) as Manifest[];
}

const container = (objects: Manifest[]) => only(objects, 'Deployment').spec.template.spec.containers[0];

describe('Worker', () => {
  describe('defaults', () => {
    const objects = synth();

    it('is a ServiceAccount, a Deployment of 2, its budget and its NetworkPolicy: no Service, no port', () => {
      expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).to.deep.equal([
        'ServiceAccount reminder-worker',
        'Deployment reminder-worker',
        'PodDisruptionBudget reminder-worker',
        'NetworkPolicy reminder-worker',
      ]);
      expect(only(objects, 'Deployment').spec.replicas).to.equal(2);
      expect(container(objects)).not.to.have.property('ports');
    });

    it('probes with the exec commands and the timings of every workload; startup waits up to a minute on the liveness command (P01, P02)', () => {
      const c = container(objects);
      expect(c.readinessProbe).to.deep.equal({
        exec: { command: ['node', 'dist/health.js', 'ready'] },
        periodSeconds: 5,
        timeoutSeconds: 2,
        failureThreshold: 2,
      });
      expect(c.livenessProbe).to.deep.equal({
        exec: { command: ['node', 'dist/health.js', 'alive'] },
        periodSeconds: 10,
        timeoutSeconds: 2,
        failureThreshold: 3,
      });
      expect(c.startupProbe).to.deep.equal({
        exec: { command: ['node', 'dist/health.js', 'alive'] },
        periodSeconds: 2,
        timeoutSeconds: 2,
        failureThreshold: 30,
      });
    });

    it('runs a hardened pod as its own ServiceAccount, spread over hosts and zones (S, A04, A05, A06)', () => {
      const deployment = only(objects, 'Deployment');
      const pod = deployment.spec.template.spec;
      expect(only(objects, 'ServiceAccount').automountServiceAccountToken).to.equal(false);
      expect(pod).to.include({
        serviceAccountName: 'reminder-worker',
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: 30,
      });
      expect(pod.securityContext).to.deep.equal({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container(objects).securityContext).to.include({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
      });
      expect(pod.volumes).to.deep.equal([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
      expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).to.equal(
        'kubernetes.io/hostname',
      );
      expect(pod.topologySpreadConstraints[0].topologyKey).to.equal('topology.kubernetes.io/zone');
      expect(deployment.spec.strategy).to.deep.equal({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    });

    it('matches the snapshot', () => expectSnapshot('worker', objects));

    it('admits no connection at all and may reach only the queue and DNS (N06)', () => {
      const policy = only(objects, 'NetworkPolicy');
      expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'app.kubernetes.io/name': 'reminder-worker' } });
      expect(policy.spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
      expect(policy.spec.ingress).to.deep.equal([]);
      expect(policy.spec.egress).to.deep.equal([
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
        { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-queue' } } }], ports: [{ port: 5672, protocol: 'TCP' }] },
      ]);
    });
  });

  describe('autoscaling', () => {
    const hpa = (autoscaling: WorkerProps['autoscaling']) => only(synth({ autoscaling }), 'HorizontalPodAutoscaler');

    it('scales on CPU at 70 % when no metric is named, and the Deployment omits replicas (A02)', () => {
      const objects = synth({ autoscaling: { minReplicas: 2, maxReplicas: 5 } });
      expect(only(objects, 'Deployment').spec).not.to.have.property('replicas');
      expect(only(objects, 'HorizontalPodAutoscaler').spec.metrics).to.deep.equal([
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      ]);
    });

    it('scales on queue length alone when only an external metric is named', () => {
      const spec = hpa({
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [ScalingMetric.external('rabbitmq_queue_messages_ready', { averageValue: '30' }, { queue: 'reminders' })],
      }).spec;
      expect(spec.scaleTargetRef).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'reminder-worker' });
      expect(spec.metrics).to.deep.equal([
        {
          type: 'External',
          external: {
            metric: { name: 'rabbitmq_queue_messages_ready', selector: { matchLabels: { queue: 'reminders' } } },
            target: { type: 'AverageValue', averageValue: '30' },
          },
        },
      ]);
    });

    it('scales on CPU and memory together when both are named', () => {
      expect(
        hpa({
          minReplicas: 2,
          maxReplicas: 4,
          metrics: [ScalingMetric.cpu({ utilization: 60 }), ScalingMetric.memory({ utilization: 80 })],
        }).spec.metrics.map((m: Manifest) => [m.resource.name, m.resource.target.averageUtilization]),
      ).to.deep.equal([
        ['cpu', 60],
        ['memory', 80],
      ]);
    });
  });

  describe('sidecars, init containers and scheduling (the props every workload takes)', () => {
    const objects = synth({
      initContainers: [{ name: 'wait-queue', image: 'ghcr.io/example/wait-for:2.0.0', resources: RESOURCES, args: ['todo-queue:5672'] }],
      sidecars: [
        {
          name: 'metrics-proxy',
          image: 'ghcr.io/example/proxy:1.0.0',
          resources: RESOURCES,
          probes: { readiness: Probe.exec(['proxy', 'ready']), liveness: Probe.exec(['proxy', 'alive']) },
        },
      ],
      priorityClassName: 'todo-background',
      tolerations: [{ key: 'pool', value: 'batch', effect: 'NoSchedule' }],
      nodeSelector: { 'kubernetes.io/arch': 'arm64' },
      imagePullSecrets: ['registry'],
    });
    const pod = only(objects, 'Deployment').spec.template.spec;

    it('runs the sidecar (restartPolicy Always) before the init container, each hardened and with its own /tmp', () => {
      expect(pod.initContainers.map((c: Manifest) => [c.name, c.restartPolicy ?? null])).to.deep.equal([
        ['metrics-proxy', 'Always'],
        ['wait-queue', null],
      ]);
      for (const c of pod.initContainers) expect(c.securityContext).to.include({ readOnlyRootFilesystem: true, runAsNonRoot: true });
      expect(pod.volumes.map((v: Manifest) => v.name)).to.deep.equal(['tmp', 'metrics-proxy-tmp', 'wait-queue-tmp']);
    });

    it('carries the scheduling props next to the default spread', () => {
      expect(pod).to.include({ priorityClassName: 'todo-background' });
      expect(pod.tolerations).to.deep.equal([{ key: 'pool', value: 'batch', effect: 'NoSchedule', operator: 'Equal' }]);
      expect(pod.nodeSelector).to.deep.equal({ 'kubernetes.io/arch': 'arm64' });
      expect(pod.imagePullSecrets).to.deep.equal([{ name: 'registry' }]);
      expect(pod.topologySpreadConstraints).to.have.length(1);
    });
  });

  describe('hardening policy', () => {
    const build = (props: Partial<WorkerProps>) => (chart: Parameters<Parameters<typeof checkedEnvironment>[0]>[0]) =>
      new Worker(chart, 'worker', { ...PROPS, ...props });

    it('passes every rule and schema with no waiver: autoscaled on queue length', async () => {
      const { objects, violations } = await checkedEnvironment(
        build({
          autoscaling: { minReplicas: 2, maxReplicas: 10, metrics: [ScalingMetric.external('queue_depth', { averageValue: '30' })] },
        }),
      );
      expect(violations).to.deep.equal([]);
      const annotations = objects.flatMap((o) => Object.keys(o.metadata.annotations ?? {}));
      expect(annotations.filter((key) => key.startsWith(WAIVER_PREFIX))).to.deep.equal([]);
    });

    it('passes with one replica in single-node mode (no budget)', async () => {
      const { objects, violations } = await checkedEnvironment(build({ replicas: 1 }), { singleNode: true });
      expect(objects.map((o) => o.kind)).not.to.include('PodDisruptionBudget');
      expect(violations).to.deep.equal([]);
    });

    it('N06 still asks ingress rules of a pod that declares a port: the exemption is exactly "nothing can call it"', async () => {
      const { violations } = await checkedEnvironment((chart) => {
        const worker = new Worker(chart, 'worker', PROPS);
        worker.deployment.addJsonPatch(
          JsonPatch.add('/spec/template/spec/containers/0/ports', [{ name: 'metrics', containerPort: 9090, protocol: 'TCP' }]),
        );
      });
      expect(violations).to.deep.equal(['Deployment/todo/reminder-worker: N06 NetworkPolicy "reminder-worker" has no ingress rules']);
    });
  });

  describe('validation names the path and the value', () => {
    const invalid = (overrides: Partial<WorkerProps>, message: string) => {
      expect(() => synth(overrides)).to.throw(InvalidPropsError, `test/worker: invalid ${message}`);
    };

    it('refuses probes that need a port, equal readiness and liveness, and missing probes (P01-P03)', () => {
      invalid(
        { probes: { readiness: Probe.http('/readyz', { port: 'http' }), liveness: PROPS.probes.liveness } },
        'probes.readiness {"type":"http","path":"/readyz","port":"http"}: a Worker declares no port, so its probes are Probe.exec commands',
      );
      invalid(
        { probes: { ...PROPS.probes, startup: Probe.tcp({ port: 'amqp' }) } },
        'probes.startup {"type":"tcp","port":"amqp"}: a Worker declares no port',
      );
      invalid(
        { probes: { readiness: PROPS.probes.liveness, liveness: PROPS.probes.liveness } },
        'probes.readiness {"type":"exec","command":["node","dist/health.js","alive"]}: readiness and liveness must differ',
      );
      invalid({ probes: undefined as never }, 'probes undefined: readiness and liveness are required for a long-running container (P01)');
      invalid(
        { probes: { ...PROPS.probes, startup: Probe.exec([]) } },
        'probes.startup.command []: must be a non-empty list of non-empty strings',
      );
    });

    it('refuses bad replica counts and autoscaling (A01, A02)', () => {
      invalid({ replicas: 0 }, 'replicas 0: must be an integer >= 1');
      invalid({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } }, 'replicas 3: conflicts with autoscaling');
      invalid({ autoscaling: { minReplicas: 1, maxReplicas: 4 } }, 'autoscaling.minReplicas 1: must be an integer >= 2 (A02)');
      invalid(
        { autoscaling: { minReplicas: 3, maxReplicas: 3 } },
        'autoscaling.maxReplicas 3: must be an integer greater than minReplicas 3',
      );
      invalid(
        { autoscaling: { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.memory({ utilization: 120 })] } },
        'autoscaling.metrics[0].target.utilization 120: must be an integer percentage',
      );
      invalid(
        { autoscaling: { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.external('queue depth', { averageValue: '30' })] } },
        'autoscaling.metrics[0].metric "queue depth"',
      );
      invalid(
        { autoscaling: { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.external('q', { averageValue: 'lots' })] } },
        'autoscaling.metrics[0].target.averageValue "lots"',
      );
    });

    it('refuses the common pod props the same way every shape does', () => {
      invalid(
        { image: 'ghcr.io/example/todo-api:latest' },
        'image "ghcr.io/example/todo-api:latest": the tag "latest" is not a version (I01)',
      );
      invalid(
        { env: { QUEUE_PASSWORD: 'x' } },
        'env "QUEUE_PASSWORD": looks like a secret; mount it from an existing Secret with secretFiles instead (S19)',
      );
      invalid({ namespace: 'default' }, 'namespace "default": objects never go to the default namespace (N07)');
      invalid({ runAsUser: 1000 }, 'runAsUser 1000: must be an integer >= 10001');
      invalid(
        { writablePaths: [{ path: '/cache', sizeLimit: '1Gi' }] },
        'resources.limits.ephemeralStorage "128Mi": is smaller than the emptyDir size limits it must hold',
      );
      invalid({ secretFiles: [{ secretName: 'queue', mountPath: '/tmp' }] }, 'secretFiles.mountPath "/tmp": is mounted twice');
      invalid({ name: 'Reminder' }, 'name "Reminder": must be a DNS-1035 label');
    });

    it('refuses bad sidecars and scheduling props the way HardenedDeployment does', () => {
      invalid(
        { sidecars: [{ name: 'reminder-worker', image: 'ghcr.io/example/proxy:1.0.0', resources: RESOURCES, probes: PROPS.probes }] },
        'sidecars[0].name "reminder-worker": another container in the pod has this name',
      );
      invalid(
        { tolerations: [{ key: 'node-role.kubernetes.io/control-plane' }] },
        'tolerations[0].key "node-role.kubernetes.io/control-plane": workloads do not run on control-plane nodes',
      );
      invalid({ priorityClassName: 'system-node-critical' }, 'priorityClassName "system-node-critical": is reserved');
      invalid(
        {
          sidecars: [
            {
              name: 'metrics',
              image: 'ghcr.io/example/proxy:1.0.0',
              resources: RESOURCES,
              ports: [{ name: 'metrics', port: 9090 }],
              probes: { readiness: Probe.tcp(), liveness: Probe.exec(['true']) },
            },
          ],
        },
        'sidecars[0].ports [{"name":"metrics","port":9090}]: a Worker declares no port, its sidecars neither',
      );
    });

    it('refuses allowFrom on its policy: nothing calls a worker', () => {
      const chart = Testing.chart();
      const worker = new Worker(chart, 'worker', PROPS);
      expect(() => worker.networkPolicy.allowFrom(QUEUE, 8080)).to.throw(InvalidPropsError, "the policy was declared with ingress: 'none'");
    });
  });
});
