/**
 * The one pod builder: every workload construct given the same common props (files, sidecars, init
 * containers, scheduling) emits the same hardened pod parts, and refuses the same bad props.
 */
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';
import { CronJob } from '../cron-job.js';
import { InvalidPropsError } from '../errors.js';
import { HardenedDeployment } from '../hardened-deployment.js';
import { Job } from '../job.js';
import type { HardenedPodProps } from '../pod-template.js';
import { Probe } from '../probes.js';
import { StatefulService } from '../stateful-service.js';
import { WebService } from '../web-service.js';
import { Worker } from '../worker.js';
import { checkedEnvironment } from './support/policy.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '256Mi' },
} as const;
const EXEC = { readiness: Probe.exec(['app', 'ready']), liveness: Probe.exec(['app', 'alive']) };

/** The common props, with every part the builder assembles. */
const COMMON: HardenedPodProps = {
  name: 'shape',
  namespace: 'todo',
  component: 'test',
  partOf: 'todo',
  image: 'ghcr.io/example/app:1.0.0',
  resources: RESOURCES,
  secretFiles: [
    { secretName: 'app-db', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE', volumeName: 'db' },
  ],
  writablePaths: [{ path: '/var/cache/app', sizeLimit: '32Mi' }],
  initContainers: [{ name: 'migrate', image: 'ghcr.io/example/app:1.0.0', args: ['migrate'], resources: RESOURCES }],
  // No port: a Worker's pod must stay uncallable (its sidecars' ports are refused).
  sidecars: [
    {
      name: 'proxy',
      image: 'ghcr.io/example/proxy:2.0.0',
      resources: RESOURCES,
      probes: { readiness: Probe.exec(['proxy', 'ready']), liveness: Probe.exec(['proxy', 'alive']) },
    },
  ],
  priorityClassName: 'todo-serving',
  tolerations: [{ key: 'pool', operator: 'Exists' }],
  nodeSelector: { 'kubernetes.io/arch': 'arm64' },
  imagePullSecrets: ['registry'],
};

/** Each workload construct built from COMMON, and where its pod spec is. */
const SHAPES: Record<
  string,
  { build: (chart: Chart, props: HardenedPodProps) => void; kind: string; pod: (o: Manifest) => Manifest; spread: boolean }
> = {
  HardenedDeployment: {
    build: (c, p) =>
      new HardenedDeployment(c, p.name, { ...p, probes: { readiness: Probe.http('/readyz'), liveness: Probe.http('/livez') } }),
    kind: 'Deployment',
    pod: (o) => o.spec.template.spec,
    spread: true,
  },
  Worker: {
    build: (c, p) => new Worker(c, p.name, { ...p, probes: EXEC }),
    kind: 'Deployment',
    pod: (o) => o.spec.template.spec,
    spread: true,
  },
  StatefulService: {
    build: (c, p) =>
      new StatefulService(c, p.name, {
        ...p,
        replicas: 2,
        ports: [{ name: 'http', port: 8080 }],
        probes: EXEC,
        volumeClaims: [{ name: 'data', mountPath: '/data', storage: '1Gi' }],
        ingress: [{ from: { peerName: 'todo-api', namespace: 'todo' }, port: 'http' }],
      }),
    kind: 'StatefulSet',
    pod: (o) => o.spec.template.spec,
    spread: true,
  },
  Job: { build: (c, p) => new Job(c, p.name, p), kind: 'Job', pod: (o) => o.spec.template.spec, spread: false },
  CronJob: {
    build: (c, p) => new CronJob(c, p.name, { ...p, schedule: '0 3 * * *' }),
    kind: 'CronJob',
    pod: (o) => o.spec.jobTemplate.spec.template.spec,
    spread: false,
  },
};

function podOf(name: string, props: HardenedPodProps = COMMON): Manifest {
  const shape = SHAPES[name]!;
  const chart = Testing.chart();
  shape.build(chart, props);
  return shape.pod((Testing.synth(chart) as Manifest[]).find((o) => o.kind === shape.kind)!);
}

describe('hardenedPodTemplate: every workload, hardened the same way', () => {
  const reference = podOf('HardenedDeployment');

  for (const name of Object.keys(SHAPES)) {
    describe(name, () => {
      const pod = podOf(name);
      const main = pod.containers[0];

      it('has the same pod security context, init containers (sidecar first) and pull secrets as HardenedDeployment', () => {
        expect(pod.securityContext).to.deep.equal(reference.securityContext);
        expect(pod.initContainers).to.deep.equal(reference.initContainers);
        expect(pod.initContainers.map((c: Manifest) => c.name)).to.deep.equal(['proxy', 'migrate']);
        expect(pod.imagePullSecrets).to.deep.equal([{ name: 'registry' }]);
        expect(pod).to.include({
          serviceAccountName: 'shape',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: 'todo-serving',
        });
      });

      it('mounts the same files under the same volume names, secrets read-only with their NAME_FILE var', () => {
        const own = pod.volumes.filter((v: Manifest) => !v.persistentVolumeClaim && v.name !== 'data').map((v: Manifest) => v.name);
        expect(own).to.deep.equal(['tmp', 'scratch-1', 'db', 'proxy-tmp', 'migrate-tmp']);
        expect(main.env).to.deep.include({ name: 'DATABASE_URL_FILE', value: '/var/run/secrets/db/uri' });
        expect(main.volumeMounts).to.deep.include({ name: 'db', mountPath: '/var/run/secrets/db', readOnly: true });
        expect(main.securityContext).to.deep.equal(reference.containers[0].securityContext);
        expect(main.resources).to.deep.equal(reference.containers[0].resources);
      });

      it(`carries tolerations and the node selector, ${SHAPES[name]!.spread ? 'spread over hosts and zones' : 'not spread (one pod per run)'}`, () => {
        expect(pod.tolerations).to.deep.equal([{ key: 'pool', operator: 'Exists' }]);
        expect(pod.nodeSelector).to.deep.equal({ 'kubernetes.io/arch': 'arm64' });
        if (SHAPES[name]!.spread) {
          expect(pod.affinity).to.deep.equal(reference.affinity);
          expect(pod.topologySpreadConstraints).to.deep.equal(reference.topologySpreadConstraints);
        } else {
          expect(pod).not.to.have.property('affinity');
          expect(pod).not.to.have.property('topologySpreadConstraints');
        }
      });

      it('refuses the same bad common props with the same message', () => {
        const refused = (props: Partial<HardenedPodProps>, message: string) =>
          expect(() => podOf(name, { ...COMMON, ...props })).to.throw(InvalidPropsError, `test/shape: invalid ${message}`);
        refused(
          { secretFiles: [{ secretName: 'x', mountPath: '/x', volumeName: 'tmp' }] },
          'secretFiles.mountPath "tmp": duplicate volume name',
        );
        refused(
          { sidecars: [{ ...COMMON.sidecars![0]!, name: 'migrate' }] },
          'initContainers[0].name "migrate": another container in the pod has this name',
        );
        refused({ tolerations: [{ key: '' }] }, 'tolerations[0].key "": must be a taint key');
        refused(
          { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } } },
          'affinity',
        );
      });
    });
  }

  it('passes the policy with no waiver on every shape (WebService standing in for its HardenedDeployment)', async () => {
    const props = (name: string): HardenedPodProps => ({ ...COMMON, name });
    const { violations } = await checkedEnvironment((chart) => {
      for (const [name, shape] of Object.entries(SHAPES)) if (name !== 'HardenedDeployment') shape.build(chart, props(name.toLowerCase()));
      new WebService(chart, 'web', { ...props('web'), allowFrom: [{ peerName: 'todo-api', namespace: 'todo' }] });
    });
    expect(violations).to.deep.equal([]);
  });
});
