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
  podSecurityContext,
  preferredHostAntiAffinity,
  scratchVolumes,
  secretFileVolume,
  zoneSpread,
} from '../pod-hardening.js';
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
    const { volumes, mounts } = scratchVolumes([{ path: '/tmp' }, { path: '/var/cache/app', sizeLimit: '32Mi' }, { path: '/run/x', volumeName: 'run' }]);
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
    expect(pod.volumes).to.deep.equal([{ name: 'db', secret: { secretName: 'todo-db-app', defaultMode: 0o440, items: [{ key: 'uri', path: 'uri' }] } }]);
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
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: SELECTOR } },
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
    const scratch = scratchVolumes([{ path: '/tmp', sizeLimit: '16Mi' }, { path: '/var/cache/app', sizeLimit: '32Mi' }]);
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
      expectInvalid((scope) => checkRunAsIds(scope, { ...IDS, runAsGroup: 1000 }), 'test: invalid runAsGroup 1000: must be an integer >= 10001 so it never maps to a host user (S06)');
      expectInvalid((scope) => checkRunAsIds(scope, { ...IDS, fsGroup: 10001.5 }), 'test: invalid fsGroup 10001.5: must be an integer >= 10001');
    });

    it('refuses missing, malformed and inverted resources (R01, R02)', () => {
      expectInvalid((scope) => checkContainerResources(scope, 'resources', undefined), 'test: invalid resources undefined: requests and limits for cpu, memory and ephemeralStorage are required');
      expectInvalid(
        (scope) => checkContainerResources(scope, 'backup.resources', { ...RESOURCES, requests: { ...RESOURCES.requests, memory: '128MiB' } }),
        'test: invalid backup.resources.requests.memory "128MiB": must be a positive Kubernetes quantity',
      );
      expectInvalid(
        (scope) => checkContainerResources(scope, 'resources', { ...RESOURCES, limits: { ...RESOURCES.limits, cpu: '50m' } }),
        'test: invalid resources.limits.cpu "50m": is below the request "100m"',
      );
      expect(() => checkContainerResources(Testing.chart(), 'resources', RESOURCES)).not.to.throw();
    });

    it('refuses bad scratch paths, duplicates, bad sizes and scratch larger than the ephemeral-storage limit (S08)', () => {
      expectInvalid((scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: 'tmp' }], '1Gi'), 'test: invalid writablePaths "tmp": must be an absolute, normalized path');
      expectInvalid((scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/tmp/../etc' }], '1Gi'), 'test: invalid writablePaths "/tmp/../etc"');
      expectInvalid((scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/tmp' }, { path: '/tmp' }], '1Gi'), 'test: invalid writablePaths "/tmp": is mounted twice');
      expectInvalid(
        (scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/a', volumeName: 'x' }, { path: '/b', volumeName: 'x' }], '1Gi'),
        'test: invalid writablePaths "x": duplicate volume name',
      );
      expectInvalid((scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/a', sizeLimit: '0' }], '1Gi'), 'sizeLimit must be a positive Kubernetes quantity');
      expectInvalid(
        (scope) => checkScratchDirectories(scope, 'writablePaths', [{ path: '/tmp' }, { path: '/a', sizeLimit: '200Mi' }], '256Mi'),
        'test: invalid resources.limits.ephemeralStorage "256Mi": is smaller than the emptyDir size limits it must hold',
      );
      expect(() => checkScratchDirectories(Testing.chart(), 'writablePaths', [{ path: '/tmp' }, { path: '/a', sizeLimit: '192Mi' }], '256Mi')).not.to.throw();
    });
  });
});
