import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { CronJob } from '../cron-job.js';
import type { CronJobProps } from '../cron-job.js';
import { InvalidPropsError } from '../errors.js';
import { checkedEnvironment } from './support/policy.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '32Mi' },
  limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
} as const;
const API = { peerName: 'todo-api', namespace: 'todo' };

const CRON: CronJobProps = {
  name: 'purge-done',
  namespace: 'todo',
  component: 'maintenance',
  partOf: 'todo',
  image: 'ghcr.io/example/todo-api:1.4.2',
  command: ['node', 'dist/purge.js'],
  resources: RESOURCES,
  schedule: '30 2 * * *',
  secretFiles: [{ secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE' }],
  egress: [{ to: { ...API, peerName: 'todo-db' }, port: 5432 }],
};
function synthCron(overrides: Partial<CronJobProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new CronJob(chart, 'cron', { ...CRON, ...overrides });
  return Testing.synth(chart) as Manifest[];
}
const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('CronJob', () => {
  const objects = synthCron();
  const cron = only(objects, 'CronJob');
  const pod = cron.spec.jobTemplate.spec.template.spec;

  it('is a ServiceAccount, the CronJob and its NetworkPolicy', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).to.deep.equal([
      'v1 ServiceAccount purge-done',
      'batch/v1 CronJob purge-done',
      'networking.k8s.io/v1 NetworkPolicy purge-done',
    ]);
  });

  it('runs in UTC, one run at a time, with bounded lateness, retries, run time and history', () => {
    expect(cron.spec).to.deep.include({
      schedule: '30 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cron.spec).not.to.have.property('suspend');
    expect(cron.spec.jobTemplate.spec).to.deep.include({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
  });

  it('matches the snapshot', () => expectSnapshot('cron-job', objects));

  it('sets no ttlSecondsAfterFinished on its Jobs: the history limits bound them (kube-linter job-ttl)', () => {
    expect(cron.spec.jobTemplate.spec).not.to.have.property('ttlSecondsAfterFinished');
  });

  it('runs a hardened pod: own ServiceAccount, no token, restricted contexts, secret as a file (S03-S09, S18, S19)', () => {
    expect(only(objects, 'ServiceAccount').automountServiceAccountToken).to.equal(false);
    expect(pod).to.include({
      serviceAccountName: 'purge-done',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Never',
    });
    expect(pod.securityContext).to.deep.equal(RESTRICTED_POD);
    const c = pod.containers[0];
    expect(c.securityContext).to.deep.include({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.env).to.deep.equal([{ name: 'DATABASE_URL_FILE', value: '/var/run/secrets/db/uri' }]);
    expect(pod.volumes).to.deep.equal([
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'secret-0', secret: { secretName: 'todo-db-app', defaultMode: 0o440, items: [{ key: 'uri', path: 'uri' }] } },
    ]);
    expect(c).not.to.have.any.keys('startupProbe', 'readinessProbe', 'livenessProbe', 'ports');
    expect(cron.spec.jobTemplate.metadata.labels).to.deep.equal(cron.spec.jobTemplate.spec.template.metadata.labels);
  });

  it('admits nothing and reaches only the database and DNS (N06)', () => {
    const policy = only(objects, 'NetworkPolicy');
    expect(policy.spec.ingress).to.deep.equal([]);
    expect(policy.spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
    expect(policy.spec.egress.map((rule: Manifest) => rule.ports)).to.deep.equal([
      [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
      [{ port: 5432, protocol: 'TCP' }],
    ]);
  });

  it('takes every scheduling field', () => {
    const spec = only(
      synthCron({
        timeZone: 'Europe/Berlin',
        concurrencyPolicy: 'Replace',
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 5,
        suspend: true,
        backoffLimit: 0,
        activeDeadlineSeconds: 600,
        restartPolicy: 'OnFailure',
      }),
      'CronJob',
    ).spec;
    expect(spec).to.deep.include({
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: 'Replace',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
      suspend: true,
    });
    expect(spec.jobTemplate.spec).to.deep.include({ backoffLimit: 0, activeDeadlineSeconds: 600 });
    expect(spec.jobTemplate.spec.template.spec.restartPolicy).to.equal('OnFailure');
  });

  it('passes every hardening rule and schema with no waiver', async () => {
    const { violations } = await checkedEnvironment((chart) => new CronJob(chart, 'cron', CRON));
    expect(violations).to.deep.equal([]);
  });

  it('refuses bad props, naming its path and the value', () => {
    const invalid = (overrides: Partial<CronJobProps>, message: string) => {
      expect(() => synthCron(overrides)).to.throw(InvalidPropsError, `test/cron: invalid ${message}`);
    };
    invalid(
      { name: 'p'.repeat(53) },
      `name "${'p'.repeat(53)}": must be a DNS-1035 label of at most 52 characters (the CronJob adds an 11-character suffix to Job names)`,
    );
    invalid({ schedule: '@daily' }, 'schedule "@daily": must have five fields');
    invalid({ schedule: '0 3 * 13 *' }, 'schedule "0 3 * 13 *": the month field "13" is not valid (1-12');
    invalid({ timeZone: 'Mars/Olympus' }, 'timeZone "Mars/Olympus": is not an IANA time zone');
    invalid({ concurrencyPolicy: 'Sometimes' as never }, 'concurrencyPolicy "Sometimes": must be "Forbid", "Replace" or "Allow"');
    invalid({ startingDeadlineSeconds: 5 }, 'startingDeadlineSeconds 5: must be an integer >= 10');
    invalid({ failedJobsHistoryLimit: -1 }, 'failedJobsHistoryLimit -1: must be an integer from 0 to 100');
    invalid({ restartPolicy: 'Always' as never }, 'restartPolicy "Always": must be "Never" or "OnFailure"');
    invalid({ backoffLimit: 1.5 }, 'backoffLimit 1.5: must be an integer from 0 to 20');
    invalid(
      { persistentVolumeClaims: [{ volumeName: 'tmp', claimName: 'data', mountPath: '/data' }] },
      'persistentVolumeClaims.mountPath "tmp": duplicate volume name',
    );
    invalid(
      { persistentVolumeClaims: [{ volumeName: 'data', claimName: 'Data!', mountPath: '/data' }] },
      'persistentVolumeClaims.claimName "Data!": must be a claim name',
    );
  });
});
