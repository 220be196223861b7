/**
 * The ResourceQuota of each environment, read back from dist/ against every pod the same folder
 * can run at its peak: a quota below the peak refuses pods the platform itself asks for (an HPA
 * that cannot scale, a rollout that cannot surge), which no other check would notice.
 */
import { expect } from 'chai';
import { parseQuantity } from '@todo-platform/hardened-constructs';
import { ENVIRONMENTS } from '../config.js';
import { quotaFor } from '../quota.js';
import { readDistObjects } from './support/dist.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
type Json = Record<string, any>;
const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;

/** Requests and limits summed over `count` copies of these containers, in base units. */
function add(total: Map<string, number>, containers: readonly Json[], count: number): void {
  for (const container of containers) {
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of RESOURCES) {
        const key = `${kind}.${resource}`;
        total.set(key, (total.get(key) ?? 0) + count * parseQuantity(String(container.resources[kind][resource]))!);
      }
    }
  }
}

/** The peak of one dist folder: Deployments and canary Rollouts at their largest scale plus one surge pod, databases, backup jobs. */
function peakOf(objects: readonly Json[]): { totals: Map<string, number>; pods: number } {
  const totals = new Map<string, number>();
  let pods = 0;
  const hpaMax = new Map(
    objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((h) => [h.spec.scaleTargetRef.name, h.spec.maxReplicas as number]),
  );
  for (const o of objects) {
    if (o.kind === 'Deployment' || o.kind === 'Rollout') {
      const { maxSurge } = o.kind === 'Deployment' ? o.spec.strategy.rollingUpdate : o.spec.strategy.canary;
      const count = (hpaMax.get(o.metadata.name) ?? o.spec.replicas) + maxSurge;
      add(totals, o.spec.template.spec.containers, count);
      pods += count;
    } else if (o.kind === 'StatefulSet') {
      add(totals, o.spec.template.spec.containers, o.spec.replicas);
      pods += o.spec.replicas;
    } else if (o.kind === 'CronJob') {
      add(totals, o.spec.jobTemplate.spec.template.spec.containers, 1);
      pods += 1;
    } else if (o.kind === 'Cluster') {
      // Each instance, plus the bootstrap/join Job pod the operator runs with the same resources.
      add(totals, [{ resources: o.spec.resources }], o.spec.instances + 1);
      const store = objects.find((s) => s.kind === 'ObjectStore');
      add(totals, [{ resources: store!.spec.instanceSidecarConfiguration.resources }], o.spec.instances);
      pods += o.spec.instances + 1;
    }
  }
  return { totals, pods };
}

describe('charts/quota', () => {
  for (const env of ENVIRONMENTS) {
    it(`${env.name}: the ResourceQuota admits every pod the folder runs at its peak, within 2x of it`, () => {
      const objects = readDistObjects(env.name) as Json[];
      const quota = objects.find((o) => o.kind === 'ResourceQuota')!.spec.hard as Record<string, string>;
      const { totals, pods } = peakOf(objects);
      expect([...totals.keys()].sort()).to.have.length(6);
      for (const [key, peak] of totals) {
        const hard = parseQuantity(quota[key]!)!;
        expect(hard, `${key}: quota ${quota[key]} vs peak ${peak}`).to.be.at.least(peak);
        expect(hard, `${key}: quota ${quota[key]} still bounds the namespace`).to.be.below(2 * peak);
      }
      expect(Number(quota['pods']), 'pods')
        .to.be.at.least(pods)
        .and.below(2 * pods);
    });
  }

  it('sizes prod for 3 services x (10 + 1 surge) pods plus 3 database instances, their sidecars and a job, with 25% headroom', () => {
    const prod = ENVIRONMENTS.find((e) => e.name === 'prod')!;
    // 33 service pods and 4 database pods at 250m/1 cpu, 3 sidecars at 50m/100m, times 1.25.
    expect(quotaFor(prod)).to.deep.include({ requestsCpu: '11750m', limitsCpu: '46625m', pods: 47 });
  });
});
