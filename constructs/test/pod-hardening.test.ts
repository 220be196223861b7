import { expect } from 'chai';
import { ApiObject, Testing } from 'cdk8s';
import type { IContainer as Container } from 'kubernetes-models/v1/Container';
import type { IPodSpec as PodSpec } from 'kubernetes-models/v1/PodSpec';
import { InvalidPropsError } from '../errors.js';
import { HardenedDeployment } from '../hardened-deployment.js';
import type { ContainerResources } from '../hardened-deployment.js';
import {
  checkContainerResources,
  checkRunAsIds,
  checkScratchDirectories,
  containerResources,
  containerSecurityContext,
  checkPodScheduling,
  podScheduling,
  podSecurityContext,
  preferredHostAntiAffinity,
  scratchVolumes,
  secretFileVolume,
  zoneSpread,
} from '../pod-hardening.js';
import type { PodSchedulingSpec } from '../pod-hardening.js';
import { WebService } from '../web-service.js';
import { INGRESS_NGINX, environment, hardeningViolations } from './support/policy.js';
import { only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES: ContainerResources = {
  requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
  limits: { cpu: '1', memory: '256Mi', ephemeralStorage: '256Mi' },
};
const IDS = { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 };
const SELECTOR = { 'app.kubernetes.io/name': 'todo-api', 'app.kubernetes.io/instance': 'todo-api' };

/** Renders a pod spec through cdk8s's own serializer, so assertions see the YAML that synth writes. */
function renderPod(spec: Omit<PodSpec, 'containers'>, container: Omit<Container, 'name'> = {}): Manifest {
  const chart = Testing.chart();
  new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', spec: { ...spec, containers: [{ name: 'c', ...container }] } });
  return only(Testing.synth(chart) as Manifest[], 'Pod').spec;
}

/** The function under test must throw an InvalidPropsError with exactly this message. */
function expectInvalid(run: (scope: ReturnType<typeof Testing.chart>) => void, message: string): void {
  const chart = Testing.chart();
  expect(() => run(chart)).to.throw(InvalidPropsError, message);
}

describe('pod-hardening', () => {
  it('podSecurityContext is the restricted pod context, with fsGroupChangePolicy only when asked (S05-S07)', () => {
    expect(renderPod({ securityContext: podSecurityContext(IDS) }).securityContext).to.deep.equal({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(podSecurityContext({ runAsUser: 10002, runAsGroup: 10003, fsGroup: 10004 }, 'OnRootMismatch')).to.deep.include({
      runAsUser: 10002,
      runAsGroup: 10003,
      fsGroup: 10004,
      fsGroupChangePolicy: 'OnRootMismatch',
    });
  });

  it('containerSecurityContext drops every capability, blocks escalation and makes the root filesystem read-only (S02-S04, S08)', () => {
    expect(renderPod({}, { securityContext: containerSecurityContext(IDS) }).containers[0].securityContext).to.deep.equal({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('containerResources renders cpu, memory and ephemeral-storage requests and limits as strings (R01, R02)', () => {
    expect(renderPod({}, { resources: containerResources(RESOURCES) }).containers[0].resources).to.deep.equal({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '128Mi' },
      limits: { cpu: '1', memory: '256Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  it('scratchVolumes makes one size-limited emptyDir per directory, named like HardenedDeployment (S08)', () => {
    const { volumes, mounts } = scratchVolumes([
      { path: '/tmp' },
      { path: '/var/cache/app', sizeLimit: '32Mi' },
      { path: '/run/x', volumeName: 'run' },
    ]);
    const pod = renderPod({ volumes }, { volumeMounts: mounts });
    expect(pod.volumes).to.deep.equal([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'scratch-1', emptyDir: { sizeLimit: '32Mi' } },
      { name: 'run', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    expect(pod.containers[0].volumeMounts).to.deep.equal([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'scratch-1', mountPath: '/var/cache/app' },
      { name: 'run', mountPath: '/run/x' },
    ]);
  });

  it('secretFileVolume mounts one key read-only, mode 0440, and says where the file is (S19)', () => {
    const file = secretFileVolume('db', { secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db' });
    expect(file.filePath).to.equal('/var/run/secrets/db/uri');
    const pod = renderPod({ volumes: [file.volume] }, { volumeMounts: [file.mount] });
    expect(pod.volumes).to.deep.equal([
      { name: 'db', secret: { secretName: 'todo-db-app', defaultMode: 0o440, items: [{ key: 'uri', path: 'uri' }] } },
    ]);
    expect(pod.containers[0].volumeMounts).to.deep.equal([{ name: 'db', mountPath: '/var/run/secrets/db', readOnly: true }]);
  });

  it('secretFileVolume without a key mounts every key of the Secret and points at the directory (S19)', () => {
    const file = secretFileVolume('tls', { secretName: 'todo-tls', mountPath: '/var/run/secrets/tls' });
    expect(file.filePath).to.equal('/var/run/secrets/tls');
    const pod = renderPod({ volumes: [file.volume] }, { volumeMounts: [file.mount] });
    expect(pod.volumes).to.deep.equal([{ name: 'tls', secret: { secretName: 'todo-tls', defaultMode: 0o440 } }]);
    expect(pod.containers[0].volumeMounts).to.deep.equal([{ name: 'tls', mountPath: '/var/run/secrets/tls', readOnly: true }]);
  });

  it('spreads the selected pods over hosts (preferred) and zones (ScheduleAnyway) (A04, A05)', () => {
    const pod = renderPod({ affinity: preferredHostAntiAffinity(SELECTOR), topologySpreadConstraints: zoneSpread(SELECTOR) });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).to.deep.equal([
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: SELECTOR } } },
    ]);
    expect(pod.affinity).to.have.all.keys('podAntiAffinity');
    expect(pod.topologySpreadConstraints).to.deep.equal([
      {
        maxSkew: 1,
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'ScheduleAnyway',
        labelSelector: { matchLabels: SELECTOR },
      },
    ]);
  });

  // HardenedDeployment is built from these functions: this fails if it stops passing its props through
  // them (ids, scratch list, Secret files, selector), and the snapshots pin the YAML both produce.
  it('produces exactly the pod fields HardenedDeployment synthesizes', () => {
    const chart = Testing.chart();
    const ids = { runAsUser: 20000, runAsGroup: 20001, fsGroup: 20002 };
    const deployment = new HardenedDeployment(chart, 'api', {
      name: 'todo-api',
      namespace: 'todo',
      component: 'api',
      partOf: 'todo',
      image: 'ghcr.io/example/todo-api:1.4.2',
      resources: RESOURCES,
      ...ids,
      tmpSizeLimit: '16Mi',
      writablePaths: [{ path: '/var/cache/app', sizeLimit: '32Mi' }],
      secretFiles: [
        { secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db' },
        { secretName: 'todo-tls', mountPath: '/var/run/secrets/tls' },
      ],
    });
    const actual = only(Testing.synth(chart) as Manifest[], 'Deployment').spec.template.spec;
    const scratch = scratchVolumes([
      { path: '/tmp', sizeLimit: '16Mi' },
      { path: '/var/cache/app', sizeLimit: '32Mi' },
    ]);
    const db = secretFileVolume('secret-0', { secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db' });
    const tls = secretFileVolume('secret-1', { secretName: 'todo-tls', mountPath: '/var/run/secrets/tls' });
    const expected = renderPod(
      {
        securityContext: podSecurityContext(ids),
        affinity: preferredHostAntiAffinity(deployment.selectorLabels),
        topologySpreadConstraints: zoneSpread(deployment.selectorLabels),
        volumes: [...scratch.volumes, db.volume, tls.volume],
      },
      {
        securityContext: containerSecurityContext(ids),
        resources: containerResources(RESOURCES),
        volumeMounts: [...scratch.mounts, db.mount, tls.mount],
      },
    );
    expect(deployment.selectorLabels).to.deep.equal(SELECTOR);
    for (const field of ['securityContext', 'affinity', 'topologySpreadConstraints', 'volumes']) {
      expect(actual[field], field).to.deep.equal(expected[field]);
    }
    for (const field of ['securityContext', 'resources', 'volumeMounts']) {
      expect(actual.containers[0][field], `container ${field}`).to.deep.equal(expected.containers[0][field]);
    }
  });

  describe('prop checks name the construct path, the prop and the value', () => {
    it('refuses ids below 10001 (S06)', () => {
      expectInvalid(
        (scope) => checkRunAsIds(scope, { ...IDS, runAsGroup: 1000 }),
        'test: invalid runAsGroup 1000: must be an integer >= 10001 so it never maps to a host user (S06)',
      );
      expectInvalid(
        (scope) => checkRunAsIds(scope, { ...IDS, fsGroup: 10001.5 }),
        'test: invalid fsGroup 10001.5: must be an integer >= 10001',
      );
    });

    it('refuses missing, malformed and inverted resources (R01, R02)', () => {
      expectInvalid(
        (scope) => checkContainerResources(scope, 'resources', undefined),
        'test: invalid resources undefined: requests and limits for cpu, memory and ephemeralStorage are required',
      );
      expectInvalid(
        (scope) =>
          checkContainerResources(scope, 'backup.resources', { ...RESOURCES, requests: { ...RESOURCES.requests, memory: '128MiB' } }),
        'test: invalid backup.resources.requests.memory "128MiB": must be a positive Kubernetes quantity',
      );
      expectInvalid(
        (scope) => checkContainerResources(scope, 'resources', { ...RESOURCES, limits: { ...RESOURCES.limits, cpu: '50m' } }),
        'test: invalid resources.limits.cpu "50m": is below the request "100m"',
      );
      expect(() => checkContainerResources(Testing.chart(), 'resources', RESOURCES)).not.to.throw();
    });

    it('refuses bad scratch paths, duplicates, bad sizes and scratch larger than the ephemeral-storage limit (S08)', () => {
      expectInvalid(
        (scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: 'tmp' }], '1Gi'),
        'test: invalid writablePaths "tmp": must be an absolute, normalized path',
      );
      expectInvalid(
        (scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/tmp/../etc' }], '1Gi'),
        'test: invalid writablePaths "/tmp/../etc"',
      );
      expectInvalid(
        (scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/tmp' }, { path: '/tmp' }], '1Gi'),
        'test: invalid writablePaths "/tmp": is mounted twice',
      );
      expectInvalid(
        (scope) =>
          checkScratchDirectories(
            scope,
            'writablePaths',
            [
              { path: '/a', volumeName: 'x' },
              { path: '/b', volumeName: 'x' },
            ],
            '1Gi',
          ),
        'test: invalid writablePaths "x": duplicate volume name',
      );
      expectInvalid(
        (scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/a', sizeLimit: '0' }], '1Gi'),
        'sizeLimit must be a positive Kubernetes quantity',
      );
      expectInvalid(
        (scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/tmp' }, { path: '/a', sizeLimit: '200Mi' }], '256Mi'),
        'test: invalid resources.limits.ephemeralStorage "256Mi": is smaller than the emptyDir size limits it must hold',
      );
      expect(() =>
        checkScratchDirectories(Testing.chart(), 'writablePaths', [{ path: '/tmp' }, { path: '/a', sizeLimit: '192Mi' }], '256Mi'),
      ).not.to.throw();
    });
  });

  describe('scheduling props', () => {
    const NODE_AFFINITY = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In' as const, values: ['arm64', 'amd64'] }] }],
      },
    };
    const ZONE_ANTI_AFFINITY = {
      weight: 50,
      podAffinityTerm: {
        topologyKey: 'topology.kubernetes.io/zone',
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-db' } },
      },
    };
    const SCHEDULING: PodSchedulingSpec = {
      priorityClassName: 'todo-high',
      tolerations: [
        { key: 'dedicated', value: 'todo', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', tolerationSeconds: 30 },
      ],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      affinity: { nodeAffinity: NODE_AFFINITY, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [ZONE_ANTI_AFFINITY] } },
      imagePullSecrets: ['ghcr-pull'],
    };

    it('merges extra affinity with the default host anti-affinity, which stays first (A04)', () => {
      const fields = podScheduling(SCHEDULING, SELECTOR);
      expect(fields.affinity).to.deep.equal({
        nodeAffinity: NODE_AFFINITY,
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: SELECTOR } } },
            ZONE_ANTI_AFFINITY,
          ],
        },
      });
      expect(fields.topologySpreadConstraints).to.deep.equal(zoneSpread(SELECTOR));
    });

    it('renders priority, tolerations (operator spelled out), node selector and pull secrets', () => {
      const fields = podScheduling(SCHEDULING, SELECTOR);
      expect(fields.priorityClassName).to.equal('todo-high');
      expect(fields.tolerations).to.deep.equal([
        { key: 'dedicated', value: 'todo', effect: 'NoSchedule', operator: 'Equal' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', tolerationSeconds: 30, operator: 'Exists' },
      ]);
      expect(fields.nodeSelector).to.deep.equal({ 'kubernetes.io/os': 'linux' });
      expect(fields.imagePullSecrets).to.deep.equal([{ name: 'ghcr-pull' }]);
    });

    it('adds nothing but the defaults without props (the snapshots stay as they were)', () => {
      expect(podScheduling({}, SELECTOR)).to.deep.equal({
        affinity: preferredHostAntiAffinity(SELECTOR),
        topologySpreadConstraints: zoneSpread(SELECTOR),
      });
    });

    it('a WebService with every scheduling prop passes the hardening policy with no waiver', async () => {
      const objects = environment((chart) => {
        new WebService(chart, 'Api', {
          name: 'todo-api',
          namespace: 'todo',
          component: 'api',
          partOf: 'todo',
          image: 'ghcr.io/example/todo-api:1.4.2',
          resources: RESOURCES,
          ingressController: INGRESS_NGINX,
          ...SCHEDULING,
          affinity: {
            ...SCHEDULING.affinity,
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [ZONE_ANTI_AFFINITY.podAffinityTerm] },
          },
        });
      });
      const spec = only(objects, 'Deployment').spec.template.spec;
      expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).to.deep.equal([
        ZONE_ANTI_AFFINITY.podAffinityTerm,
      ]);
      expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).to.have.length(1);
      expect(spec.priorityClassName).to.equal('todo-high');
      expect(await hardeningViolations(objects)).to.deep.equal([]);
    });

    const cases: ReadonlyArray<[string, PodSchedulingSpec, string]> = [
      [
        'a system priority class',
        { priorityClassName: 'system-node-critical' },
        'test: invalid priorityClassName "system-node-critical": is reserved for node- and cluster-critical pods',
      ],
      [
        'a priority class that is not a name',
        { priorityClassName: 'High_Priority' },
        'test: invalid priorityClassName "High_Priority": must be a DNS-1123 subdomain',
      ],
      [
        'a toleration of every taint',
        { tolerations: [{ operator: 'Exists' } as never] },
        'test: invalid tolerations[0].key undefined: must be a taint key; a toleration without one tolerates every taint',
      ],
      [
        'a control-plane toleration',
        { tolerations: [{ key: 'node-role.kubernetes.io/control-plane' }] },
        'test: invalid tolerations[0].key "node-role.kubernetes.io/control-plane": workloads do not run on control-plane nodes',
      ],
      [
        'Exists with a value',
        { tolerations: [{ key: 'dedicated', operator: 'Exists', value: 'todo' }] },
        'test: invalid tolerations[0].value "todo": operator "Exists" matches any value',
      ],
      [
        'Equal without a value',
        { tolerations: [{ key: 'dedicated', operator: 'Equal' }] },
        'test: invalid tolerations[0].value undefined: operator "Equal" needs the value',
      ],
      [
        'an unknown effect',
        { tolerations: [{ key: 'dedicated', effect: 'NoRun' as never }] },
        'test: invalid tolerations[0].effect "NoRun"',
      ],
      [
        'tolerationSeconds without NoExecute',
        { tolerations: [{ key: 'dedicated', effect: 'NoSchedule', tolerationSeconds: 60 }] },
        'test: invalid tolerations[0].tolerationSeconds 60: only applies to effect "NoExecute"',
      ],
      ['a bad node selector value', { nodeSelector: { 'kubernetes.io/os': 'linux os' } }, 'test: invalid nodeSelector "linux os"'],
      [
        'an affinity term without a weight in range',
        { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ ...ZONE_ANTI_AFFINITY, weight: 0 }] } } },
        'test: invalid affinity {"weight":0,',
      ],
      [
        'affinity that fails its schema',
        { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} } as never] } } },
        'test: invalid affinity {"podAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{}}]}}: fails the Affinity schema',
      ],
      ['a pull secret listed twice', { imagePullSecrets: ['ghcr', 'ghcr'] }, 'test: invalid imagePullSecrets "ghcr": is listed twice'],
    ];
    for (const [what, spec, message] of cases) {
      it(`refuses ${what}`, () => expectInvalid((scope) => checkPodScheduling(scope, spec), message));
    }
  });
});
