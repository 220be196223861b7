import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { InvalidPropsError } from '../errors.js';
import { Job } from '../job.js';
import type { JobProps } from '../job.js';
import { checkedEnvironment } from './support/policy.js';
import { only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '32Mi' },
  limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
} as const;
const API = { peerName: 'todo-api', namespace: 'todo' };

const JOB: JobProps = {
  name: 'import-tasks',
  namespace: 'todo',
  component: 'import',
  partOf: 'todo',
  image: 'ghcr.io/example/todo-api:1.4.2',
  args: ['import', '--from=/var/run/secrets/import/source'],
  resources: RESOURCES,
  egress: [{ to: API, port: 'http' }],
};

function synthJob(overrides: Partial<JobProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new Job(chart, 'job', { ...JOB, ...overrides });
  return Testing.synth(chart) as Manifest[];
}

const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('Job', () => {
  const objects = synthJob();
  const job = only(objects, 'Job');

  it('is a ServiceAccount, the Job and its NetworkPolicy, deleted a day after it finishes', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).to.deep.equal([
      'v1 ServiceAccount import-tasks',
      'batch/v1 Job import-tasks',
      'networking.k8s.io/v1 NetworkPolicy import-tasks',
    ]);
    expect(job.spec).to.deep.include({ backoffLimit: 2, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(job.spec).not.to.have.property('selector');
  });

  it('runs a hardened pod that never restarts in place by default', () => {
    const pod = job.spec.template.spec;
    expect(pod).to.include({ restartPolicy: 'Never', automountServiceAccountToken: false, serviceAccountName: 'import-tasks' });
    expect(pod.securityContext).to.deep.equal(RESTRICTED_POD);
    expect(pod.containers[0].args).to.deep.equal(['import', '--from=/var/run/secrets/import/source']);
    expect(pod.containers[0].imagePullPolicy).to.equal('Always');
  });

  it('mounts existing claims after the secret files', () => {
    const pod = only(
      synthJob({
        secretFiles: [{ secretName: 'import-source', mountPath: '/var/run/secrets/import' }],
        persistentVolumeClaims: [{ volumeName: 'exports', claimName: 'todo-exports', mountPath: '/exports', readOnly: true }],
      }),
      'Job',
    ).spec.template.spec;
    expect(pod.volumes.map((v: Manifest) => v.name)).to.deep.equal(['tmp', 'secret-0', 'exports']);
    expect(pod.volumes[2]).to.deep.equal({ name: 'exports', persistentVolumeClaim: { claimName: 'todo-exports', readOnly: true } });
    expect(pod.containers[0].volumeMounts[2]).to.deep.equal({ name: 'exports', mountPath: '/exports', readOnly: true });
  });

  it('admits nothing and reaches its callee by port name (N06)', () => {
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.spec.ingress).to.deep.equal([]);
    expect(policy.spec.egress[1]).to.deep.equal({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-api' } } }],
      ports: [{ port: 'http', protocol: 'TCP' }],
    });
  });

  it('passes every hardening rule and schema with no waiver', async () => {
    const { violations } = await checkedEnvironment((chart) => new Job(chart, 'job', JOB));
    expect(violations).to.deep.equal([]);
  });

  it('refuses bad props, naming its path and the value', () => {
    const invalid = (overrides: Partial<JobProps>, message: string) => {
      expect(() => synthJob(overrides)).to.throw(InvalidPropsError, `test/job: invalid ${message}`);
    };
    invalid({ ttlSecondsAfterFinished: -1 }, 'ttlSecondsAfterFinished -1: must be an integer >= 0');
    invalid({ activeDeadlineSeconds: 0 }, 'activeDeadlineSeconds 0: must be an integer >= 1');
    invalid(
      { resources: { ...RESOURCES, limits: { ...RESOURCES.limits, memory: '16Mi' } } },
      'resources.limits.memory "16Mi": is below the request "32Mi"',
    );
    invalid({ env: { DATABASE_URL: 'postgres://x' } }, 'env "DATABASE_URL": looks like a secret');
    expect(() => synthJob({ egress: [{ to: API, port: 0 }] })).to.throw(
      InvalidPropsError,
      'test/job/NetworkPolicy: invalid allowTo.port 0: a port must be an integer in 1..65535',
    );
  });
});
