import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { InvalidPropsError } from '../errors.js';
import { allowedFlows, namespacesOf } from '../network-policy-eval.js';
import { Probe } from '../probes.js';
import { StatefulService } from '../stateful-service.js';
import type { StatefulServiceProps } from '../stateful-service.js';
import { checkedEnvironment } from './support/policy.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '100m', memory: '256Mi', ephemeralStorage: '64Mi' },
  limits: { cpu: '1', memory: '512Mi', ephemeralStorage: '128Mi' },
} as const;
const API = { peerName: 'todo-api', namespace: 'todo' };

/** A three-member NATS JetStream cluster: client, cluster and monitoring ports, one volume each. */
const PROPS: StatefulServiceProps = {
  name: 'todo-queue',
  namespace: 'todo',
  component: 'queue',
  partOf: 'todo',
  image: 'nats:2.11.4-alpine',
  replicas: 3,
  resources: RESOURCES,
  ports: [
    { name: 'client', port: 4222 },
    { name: 'cluster', port: 6222 },
    { name: 'monitor', port: 8222 },
  ],
  probes: {
    readiness: Probe.http('/healthz?js-enabled-only=true', { port: 'monitor' }),
    liveness: Probe.http('/healthz', { port: 'monitor' }),
  },
  volumeClaims: [{ name: 'data', mountPath: '/data', storage: '10Gi', storageClassName: 'fast-ssd' }],
  ingress: [{ from: API, port: 'client' }],
};

function synth(overrides: Partial<StatefulServiceProps> = {}): { objects: Manifest[]; service: StatefulService } {
  const chart = Testing.chart();
  const service = new StatefulService(chart, 'queue', { ...PROPS, ...overrides });
  return { objects: Testing.synth(chart) as Manifest[], service };
}
const named = (objects: Manifest[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

describe('StatefulService', () => {
  describe('defaults', () => {
    const { objects, service } = synth();
    const set = only(objects, 'StatefulSet');
    const pod = set.spec.template.spec;

    it('is a ServiceAccount, a headless and a client Service, the StatefulSet, its budget and its NetworkPolicy', () => {
      expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).to.deep.equal([
        'v1 ServiceAccount todo-queue',
        'v1 Service todo-queue-headless',
        'v1 Service todo-queue',
        'apps/v1 StatefulSet todo-queue',
        'policy/v1 PodDisruptionBudget todo-queue',
        'networking.k8s.io/v1 NetworkPolicy todo-queue',
      ]);
      expect({ service: service.serviceName, headless: service.headlessServiceName }).to.deep.equal({
        service: 'todo-queue',
        headless: 'todo-queue-headless',
      });
    });

    it('starts pods in order, rolls one at a time and never deletes its claims', () => {
      expect(set.spec).to.deep.include({
        replicas: 3,
        serviceName: 'todo-queue-headless',
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      });
      expect(set.spec.selector).to.deep.equal({
        matchLabels: { 'app.kubernetes.io/name': 'todo-queue', 'app.kubernetes.io/instance': 'todo-queue' },
      });
    });

    it('gives every pod its own claim, mounted before the scratch directories, owned through fsGroup (S06)', () => {
      expect(set.spec.volumeClaimTemplates).to.deep.equal([
        {
          metadata: { name: 'data', labels: set.metadata.labels },
          spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '10Gi' } } },
        },
      ]);
      expect(pod.containers[0].volumeMounts).to.deep.equal([
        { name: 'data', mountPath: '/data' },
        { name: 'tmp', mountPath: '/tmp' },
      ]);
      expect(pod.securityContext).to.deep.equal({
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        fsGroup: 10001,
        seccompProfile: { type: 'RuntimeDefault' },
      });
    });

    it('probes over HTTP on the named monitoring port, startup on the liveness path (P01-P03)', () => {
      const c = pod.containers[0];
      expect(c.ports).to.deep.equal([
        { name: 'client', containerPort: 4222, protocol: 'TCP' },
        { name: 'cluster', containerPort: 6222, protocol: 'TCP' },
        { name: 'monitor', containerPort: 8222, protocol: 'TCP' },
      ]);
      expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/healthz?js-enabled-only=true', port: 'monitor' });
      expect(c.livenessProbe.httpGet).to.deep.equal({ path: '/healthz', port: 'monitor' });
      expect(c.startupProbe).to.deep.equal({
        httpGet: { path: '/healthz', port: 'monitor' },
        periodSeconds: 2,
        timeoutSeconds: 2,
        failureThreshold: 30,
      });
    });

    it('exposes every port by name on both Services; not-ready pods stay out of DNS (N01, N02, P04)', () => {
      const ports = PROPS.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP' }));
      expect(named(objects, 'Service', 'todo-queue-headless').spec).to.deep.equal({
        type: 'ClusterIP',
        clusterIP: 'None',
        selector: set.spec.selector.matchLabels,
        ports,
      });
      expect(named(objects, 'Service', 'todo-queue').spec).to.deep.equal({
        type: 'ClusterIP',
        selector: set.spec.selector.matchLabels,
        ports,
      });
    });

    it('keeps a catching-up member during drains while others are unhealthy (IfHealthyBudget, A03)', () => {
      expect(only(objects, 'PodDisruptionBudget').spec).to.deep.equal({
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'IfHealthyBudget',
        selector: { matchLabels: set.spec.selector.matchLabels },
      });
    });

    it('matches the snapshot', () => expectSnapshot('stateful-service', objects));
  });

  describe('options', () => {
    it('publishes not-ready members, drops the client Service, starts in parallel, canaries with a partition', () => {
      const { objects, service } = synth({
        publishNotReadyAddresses: true,
        clientService: false,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', partition: 2 },
        claimRetention: { whenDeleted: 'Delete', whenScaled: 'Retain' },
        volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi', accessModes: ['ReadWriteOncePod'] }],
      });
      expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).to.deep.equal(['todo-queue-headless']);
      expect(service.serviceName).to.equal(undefined);
      expect(named(objects, 'Service', 'todo-queue-headless').spec.publishNotReadyAddresses).to.equal(true);
      const spec = only(objects, 'StatefulSet').spec;
      expect(spec).to.deep.include({
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      });
      expect(spec.volumeClaimTemplates[0].spec.accessModes).to.deep.equal(['ReadWriteOncePod']);
    });

    it('renders gRPC probes with the port number and TCP probes by name', () => {
      const c = only(
        synth({
          probes: { readiness: Probe.grpc({ port: 'client', service: 'ready' }), liveness: Probe.tcp({ port: 'cluster' }) },
        }).objects,
        'StatefulSet',
      ).spec.template.spec.containers[0];
      expect(c.readinessProbe.grpc).to.deep.equal({ port: 4222, service: 'ready' });
      expect(c.livenessProbe.tcpSocket).to.deep.equal({ port: 'cluster' });
    });

    it('has no budget with one replica (single-node dev)', () => {
      expect(synth({ replicas: 1 }).objects.map((o) => o.kind)).not.to.include('PodDisruptionBudget');
    });

    it('admits exactly the declared callers, added later too; members reach each other only on memberPorts', () => {
      const chart = Testing.chart();
      const service = new StatefulService(chart, 'queue', { ...PROPS, ingress: [], memberPorts: ['cluster'] });
      service.allowFrom(API, 'client');
      const objects = Testing.synth(chart) as Manifest[];
      const endpoint = (name: string) => ({ namespace: 'todo', labels: { 'app.kubernetes.io/name': name }, ports: PROPS.ports });
      const endpoints = [
        { name: 'api', endpoint: endpoint('todo-api') },
        { name: 'queue', endpoint: endpoint('todo-queue') },
        { name: 'stranger', endpoint: endpoint('debug') },
      ];
      const flows = allowedFlows(
        objects.filter((o) => o.kind === 'NetworkPolicy'),
        namespacesOf(objects),
        endpoints,
        [4222, 6222, 8222],
      );
      // Only the queue has a policy here: flows into the other (unpoliced) endpoints are not ours to assert.
      expect(flows.filter((flow) => flow.includes('-> queue:'))).to.deep.equal(['api -> queue:4222', 'queue -> queue:6222']);
    });
  });

  describe('hardening policy', () => {
    it('passes every rule and schema with no waiver', async () => {
      const { violations } = await checkedEnvironment((chart) => new StatefulService(chart, 'queue', PROPS));
      expect(violations).to.deep.equal([]);
    });

    it('fails synth when nobody may connect (a forgotten rule)', () => {
      const chart = Testing.chart();
      new StatefulService(chart, 'queue', { ...PROPS, ingress: undefined });
      expect(() => Testing.synth(chart)).to.throw('test/queue/NetworkPolicy: invalid ingress []: no caller declared');
    });
  });

  describe('validation names the path and the value', () => {
    const invalid = (overrides: Partial<StatefulServiceProps>, message: string) => {
      expect(() => synth(overrides)).to.throw(InvalidPropsError, `test/queue: invalid ${message}`);
    };

    it('refuses bad replicas, ports and probes', () => {
      invalid({ replicas: 0 }, 'replicas 0: must be an integer >= 1');
      invalid({ ports: [] }, 'ports []: declare at least one port');
      invalid({ ports: [{ name: 'client', port: 80 }] }, 'ports {"name":"client","port":80}: port must be an integer from 1024 to 65535');
      invalid(
        { ports: [{ name: 'client_port', port: 4222 }] },
        'ports {"name":"client_port","port":4222}: name must be an IANA service name',
      );
      invalid(
        { probes: { ...PROPS.probes, liveness: Probe.tcp({ port: 'metrics' }) } },
        'probes.liveness.port "metrics": is not a declared port (declared: client, cluster, monitor) (P03)',
      );
      invalid(
        { probes: { ...PROPS.probes, readiness: Probe.http('healthz', { port: 'monitor' }) } },
        'probes.readiness.path "healthz": must be an absolute HTTP path',
      );
      invalid(
        { probes: { ...PROPS.probes, liveness: Probe.http('/healthz', { port: 'monitor', periodSeconds: 0 }) } },
        'probes.liveness.periodSeconds 0: must be an integer >= 1',
      );
    });

    it('refuses bad volumes and strategies', () => {
      invalid({ volumeClaims: [] }, 'volumeClaims []: declare at least one volume');
      invalid({ volumeClaims: [{ name: 'data', mountPath: '/tmp', storage: '1Gi' }] }, 'volumeClaims.mountPath "/tmp": is mounted twice');
      invalid(
        { volumeClaims: [{ name: 'Data', mountPath: '/data', storage: '1Gi' }] },
        'volumeClaims.name "Data": must be a DNS-1123 label',
      );
      invalid(
        { volumeClaims: [{ name: 'data', mountPath: '/data', storage: '10 GB' }] },
        'volumeClaims.storage "10 GB": must be a positive Kubernetes quantity',
      );
      invalid({ volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi', accessModes: [] }] }, 'volumeClaims.accessModes []');
      invalid(
        { updateStrategy: { type: 'RollingUpdate', partition: 4 } },
        'updateStrategy.partition 4: must be an integer from 0 to replicas (3)',
      );
      invalid({ podManagementPolicy: 'Random' as never }, 'podManagementPolicy "Random"');
      invalid({ claimRetention: { whenDeleted: 'Keep' as never, whenScaled: 'Retain' } }, 'claimRetention.whenDeleted "Keep"');
      invalid({ name: 'q'.repeat(53) }, `name "${'q'.repeat(53)}": must be a DNS-1035 label of at most 52 characters`);
      invalid({ memberPorts: ['gossip'] }, 'memberPorts "gossip": is not a declared port (declared: client, cluster, monitor)');
    });
  });
});
