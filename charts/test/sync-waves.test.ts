/** Sync waves: the order Argo CD applies a folder in, since it ignores file order. */
import { expect } from 'chai';
import type { KubeObject } from '../output.js';
import { SYNC_WAVE_ANNOTATION, SyncWave, withSyncWaves } from '../sync-waves.js';

const claim = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'todo', labels: { 'app.kubernetes.io/component': 'database' } },
});
const podTemplateWith = (claimName: string) => ({
  template: { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } },
});
const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'reports', namespace: 'todo', labels: { 'app.kubernetes.io/component': 'api' } },
  spec: podTemplateWith('reports-data'),
} as KubeObject;
const cronJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'todo-db-backup', namespace: 'todo', labels: { 'app.kubernetes.io/component': 'database' } },
  spec: { schedule: '17 3 * * *', jobTemplate: { spec: podTemplateWith('todo-db-backup') } },
} as KubeObject;

const wavesOf = (objects: readonly KubeObject[]) =>
  Object.fromEntries(
    withSyncWaves(objects).map((o) => [
      `${o.kind}/${o.metadata.name}`,
      Number((o.metadata.annotations as Record<string, string>)[SYNC_WAVE_ANNOTATION]),
    ]),
  );

describe('charts/sync-waves', () => {
  it('puts CronJobs and the claims only they mount last, so a claim waiting for its first consumer holds back no other wave', () => {
    expect(wavesOf([claim('todo-db-backup'), cronJob, claim('reports-data'), deployment])).to.deep.equal({
      'PersistentVolumeClaim/todo-db-backup': SyncWave.SCHEDULED,
      'CronJob/todo-db-backup': SyncWave.SCHEDULED,
      // A long-running pod needs its claim first: it keeps the wave of its component.
      'PersistentVolumeClaim/reports-data': SyncWave.DATABASE,
      'Deployment/reports': SyncWave.SERVICES,
    });
  });

  it('treats a canary Rollout as the long-running workload it replaces, and its AnalysisTemplate as configuration', () => {
    const rollout = { ...deployment, apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' } as KubeObject;
    const template = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'reports', namespace: 'todo' },
    } as KubeObject;
    expect(wavesOf([claim('reports-data'), rollout, template])).to.deep.equal({
      'PersistentVolumeClaim/reports-data': SyncWave.DATABASE,
      'Rollout/reports': SyncWave.SERVICES,
      'AnalysisTemplate/reports': SyncWave.CONFIG,
    });
  });

  it('matches claims by namespace as well as name', () => {
    const elsewhere = { ...claim('reports-data'), metadata: { ...claim('reports-data').metadata, namespace: 'other' } };
    expect(wavesOf([elsewhere, deployment])['PersistentVolumeClaim/reports-data']).to.equal(SyncWave.SCHEDULED);
  });

  it('applies the AppProject and the backup ObjectStore with the configuration, before what uses them', () => {
    const object = (apiVersion: string, kind: string): KubeObject => ({ apiVersion, kind, metadata: { name: 'x', namespace: 'todo' } });
    expect(wavesOf([object('argoproj.io/v1alpha1', 'AppProject')])['AppProject/x']).to.equal(SyncWave.CONFIG);
    expect(wavesOf([object('barmancloud.cnpg.io/v1', 'ObjectStore')])['ObjectStore/x']).to.equal(SyncWave.CONFIG);
    expect(wavesOf([object('argoproj.io/v1alpha1', 'Application')])['Application/x']).to.equal(SyncWave.SERVICES);
    expect(wavesOf([object('cert-manager.io/v1', 'Certificate')])['Certificate/x']).to.equal(SyncWave.ROUTES);
  });

  it('does not change its input', () => {
    const input = [claim('todo-db-backup')];
    withSyncWaves(input);
    expect(input[0]!.metadata).to.not.have.property('annotations');
  });
});
