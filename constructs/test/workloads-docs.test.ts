/**
 * The examples of constructs/docs/workloads.md, one per shape. Each example is the code between its
 * `example:<name>` markers; the test fails if the doc's code differs, if it does not synthesize, or if
 * what it synthesizes breaks a hardening rule or a schema (no waiver anywhere).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { ScalingMetric } from '../autoscaling.js';
import { CronJob } from '../cron-job.js';
import { Job } from '../job.js';
import { PriorityClass } from '../priority-class.js';
import { Probe } from '../probes.js';
import { StatefulService } from '../stateful-service.js';
import { Worker } from '../worker.js';
import { violationsInNamespace } from './support/policy.js';
import type { Manifest } from './support/snapshot.js';

const SOURCE = readFileSync(new URL(import.meta.url), 'utf8');
const DOC = readFileSync(new URL('../docs/workloads.md', import.meta.url), 'utf8');

/** The example's code as the doc shows it (the test's indentation removed). */
function example(name: string): string {
  const match = new RegExp(`// example:${name}:start\\n([\\s\\S]*?)\\n\\s*// example:${name}:end`).exec(SOURCE);
  expect(match, `markers for ${name}`).not.to.equal(null);
  return match![1]!
    .split('\n')
    .map((line) => line.replace(/^ {4}/, ''))
    .join('\n');
}

async function expectDocumentedAndHardened(name: string, objects: Manifest[], kinds: string[], options: { singleNode?: boolean } = {}) {
  expect(DOC, `docs/workloads.md must show the ${name} example exactly`).to.include(`\`\`\`ts\n${example(name)}\n\`\`\``);
  expect(objects.map((o) => o.kind)).to.deep.equal(kinds);
  expect(await violationsInNamespace(objects, options)).to.deep.equal([]);
}

describe('docs/workloads.md examples', () => {
  it('Worker', async () => {
    // example:worker:start
    const chart = Testing.chart();
    new Worker(chart, 'ReminderWorker', {
      name: 'reminder-worker',
      namespace: 'todo',
      component: 'worker',
      partOf: 'todo',
      image: 'ghcr.io/example/todo-api:1.4.2',
      command: ['node', 'dist/reminder-worker.js'],
      resources: {
        requests: { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' },
        limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '128Mi' },
      },
      probes: {
        readiness: Probe.exec(['node', 'dist/health.js', '--ready']),
        liveness: Probe.exec(['node', 'dist/health.js', '--alive']),
      },
      autoscaling: { minReplicas: 2, maxReplicas: 10, metrics: [ScalingMetric.external('reminders_ready', { averageValue: '30' })] },
      egress: [{ to: { peerName: 'todo-queue', namespace: 'todo' }, port: 4222 }],
    });
    // example:worker:end
    await expectDocumentedAndHardened('worker', Testing.synth(chart) as Manifest[], [
      'ServiceAccount',
      'Deployment',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
    ]);
  });

  it('CronJob', async () => {
    // example:cron-job:start
    const chart = Testing.chart();
    new CronJob(chart, 'PurgeDone', {
      name: 'purge-done',
      namespace: 'todo',
      component: 'maintenance',
      partOf: 'todo',
      image: 'ghcr.io/example/todo-api:1.4.2',
      command: ['node', 'dist/purge-done.js'],
      schedule: '30 2 * * *',
      resources: {
        requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '32Mi' },
        limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
      },
      secretFiles: [{ secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE' }],
      egress: [{ to: { peerName: 'todo-db', namespace: 'todo' }, port: 5432 }],
    });
    // example:cron-job:end
    await expectDocumentedAndHardened('cron-job', Testing.synth(chart) as Manifest[], ['ServiceAccount', 'CronJob', 'NetworkPolicy']);
  });

  it('Job', async () => {
    // example:job:start
    const chart = Testing.chart();
    new Job(chart, 'ImportTasks', {
      name: 'import-tasks',
      namespace: 'todo',
      component: 'import',
      partOf: 'todo',
      image: 'ghcr.io/example/todo-api:1.4.2',
      args: ['import', '--from=/var/run/secrets/import/tasks.csv'],
      resources: {
        requests: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
        limits: { cpu: '500m', memory: '128Mi', ephemeralStorage: '128Mi' },
      },
      secretFiles: [{ secretName: 'import-source', mountPath: '/var/run/secrets/import' }],
      egress: [{ to: { peerName: 'todo-api', namespace: 'todo' }, port: 'http' }],
    });
    // example:job:end
    await expectDocumentedAndHardened('job', Testing.synth(chart) as Manifest[], ['ServiceAccount', 'Job', 'NetworkPolicy']);
  });

  it('StatefulService', async () => {
    // example:stateful-service:start
    const chart = Testing.chart();
    new StatefulService(chart, 'Queue', {
      name: 'todo-queue',
      namespace: 'todo',
      component: 'queue',
      partOf: 'todo',
      image: 'nats:2.11.4-alpine',
      args: ['--jetstream', '--store_dir=/data', '--http_port=8222'],
      replicas: 3,
      resources: {
        requests: { cpu: '100m', memory: '256Mi', ephemeralStorage: '64Mi' },
        limits: { cpu: '1', memory: '512Mi', ephemeralStorage: '128Mi' },
      },
      ports: [
        { name: 'client', port: 4222 },
        { name: 'cluster', port: 6222 },
        { name: 'monitor', port: 8222 },
      ],
      probes: {
        readiness: Probe.http('/healthz?js-enabled-only=true', { port: 'monitor' }),
        liveness: Probe.http('/healthz', { port: 'monitor' }),
      },
      volumeClaims: [{ name: 'data', mountPath: '/data', storage: '10Gi' }],
      memberPorts: ['cluster'],
      ingress: [{ from: { peerName: 'reminder-worker', namespace: 'todo' }, port: 'client' }],
    });
    // example:stateful-service:end
    await expectDocumentedAndHardened('stateful-service', Testing.synth(chart) as Manifest[], [
      'ServiceAccount',
      'Service',
      'Service',
      'StatefulSet',
      'PodDisruptionBudget',
      'NetworkPolicy',
    ]);
  });

  it('PriorityClass', async () => {
    // example:priority-class:start
    const chart = Testing.chart();
    const serving = new PriorityClass(chart, 'Serving', { name: 'todo-serving', value: 100000, partOf: 'todo', version: '1.0.0' });
    // every shape takes it: priorityClassName: serving.priorityClassName
    // example:priority-class:end
    expect(serving.priorityClassName).to.equal('todo-serving');
    await expectDocumentedAndHardened('priority-class', Testing.synth(chart) as Manifest[], ['PriorityClass']);
  });

  it('sidecars, init containers and scheduling on any shape', async () => {
    // example:shared-pod-props:start
    const chart = Testing.chart();
    const small = {
      requests: { cpu: '10m', memory: '32Mi', ephemeralStorage: '64Mi' },
      limits: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
    };
    const batch = new PriorityClass(chart, 'Batch', { name: 'todo-batch', value: 1000, partOf: 'todo', version: '1.0.0' });
    new Job(chart, 'Reindex', {
      name: 'reindex',
      namespace: 'todo',
      component: 'maintenance',
      partOf: 'todo',
      image: 'ghcr.io/example/todo-api:1.4.2',
      args: ['reindex'],
      resources: {
        requests: { cpu: '100m', memory: '64Mi', ephemeralStorage: '64Mi' },
        limits: { cpu: '500m', memory: '128Mi', ephemeralStorage: '128Mi' },
      },
      initContainers: [{ name: 'wait-for-db', image: 'ghcr.io/example/todo-api:1.4.2', args: ['wait-for-db'], resources: small }],
      sidecars: [
        {
          name: 'metrics-push',
          image: 'ghcr.io/example/metrics-agent:0.3.1',
          resources: small,
          probes: { readiness: Probe.exec(['agent', 'ready']), liveness: Probe.exec(['agent', 'alive']) },
        },
      ],
      priorityClassName: batch.priorityClassName,
      tolerations: [{ key: 'pool', value: 'batch', effect: 'NoSchedule' }],
      nodeSelector: { pool: 'batch' },
      egress: [{ to: { peerName: 'todo-db', namespace: 'todo' }, port: 5432 }],
    });
    // example:shared-pod-props:end
    const objects = Testing.synth(chart) as Manifest[];
    await expectDocumentedAndHardened('shared-pod-props', objects, ['PriorityClass', 'ServiceAccount', 'Job', 'NetworkPolicy']);
    const pod = objects.find((o) => o.kind === 'Job')!.spec.template.spec;
    expect(pod.initContainers.map((c: Manifest) => [c.name, c.restartPolicy ?? null])).to.deep.equal([
      ['metrics-push', 'Always'],
      ['wait-for-db', null],
    ]);
    expect(pod.volumes.map((v: Manifest) => v.name)).to.deep.equal(['tmp', 'metrics-push-tmp', 'wait-for-db-tmp']);
    expect(pod).to.include({ priorityClassName: 'todo-batch' });
    expect(pod.nodeSelector).to.deep.equal({ pool: 'batch' });
    expect(pod).not.to.have.property('topologySpreadConstraints');
  });
});
