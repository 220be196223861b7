import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { ScalingMetric } from '../autoscaling.js';
import type { AutoscalingSpec } from '../autoscaling.js';
import { InvalidPropsError } from '../errors.js';
import { HardenedDeployment } from '../hardened-deployment.js';
import type { HardenedDeploymentProps } from '../hardened-deployment.js';
import { WebService } from '../web-service.js';
import { INGRESS_NGINX, environment, hardeningViolations } from './support/policy.js';
import { only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const BASE: HardenedDeploymentProps = {
  name: 'todo-api',
  namespace: 'todo',
  component: 'api',
  partOf: 'todo',
  image: 'ghcr.io/example/todo-api:1.4.2',
  resources: {
    requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
    limits: { cpu: '1', memory: '256Mi', ephemeralStorage: '256Mi' },
  },
};

function hpa(autoscaling: AutoscalingSpec): Manifest {
  const chart = Testing.chart();
  new HardenedDeployment(chart, 'api', { ...BASE, autoscaling });
  return only(Testing.synth(chart) as Manifest[], 'HorizontalPodAutoscaler');
}

describe('autoscaling metrics (autoscaling/v2)', () => {
  it('scales on CPU at 70 % of the request by default', () => {
    expect(hpa({ minReplicas: 2, maxReplicas: 4 }).spec.metrics).to.deep.equal([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
  });

  it('scales on memory, custom Pods and Object metrics and an External metric as well as CPU', () => {
    const object = hpa({
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        ScalingMetric.cpu({ utilization: 60 }),
        ScalingMetric.memory({ utilization: 80 }),
        ScalingMetric.pods('http_requests_per_second', '50'),
        ScalingMetric.object({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'todo' }, 'requests_per_second', { value: '2k' }),
        ScalingMetric.external('queue_messages_ready', { averageValue: '30' }, { queue: 'reminders' }),
      ],
    });
    expect(object.spec.metrics).to.deep.equal([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '50' } } },
      {
        type: 'Object',
        object: {
          describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'todo' },
          metric: { name: 'requests_per_second' },
          target: { type: 'Value', value: '2k' },
        },
      },
      {
        type: 'External',
        external: {
          metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'reminders' } } },
          target: { type: 'AverageValue', averageValue: '30' },
        },
      },
    ]);
    new HorizontalPodAutoscaler(object as never).validate();
  });

  it('takes a memory target as an average quantity per pod', () => {
    expect(hpa({ minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.memory({ averageValue: '200Mi' })] }).spec.metrics).to.deep.equal([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
    ]);
  });

  it('passes the hardening policy with no waiver in a WebService', async () => {
    const objects = environment((chart) => {
      new WebService(chart, 'Api', {
        ...BASE,
        ingressController: INGRESS_NGINX,
        autoscaling: {
          minReplicas: 2,
          maxReplicas: 6,
          metrics: [ScalingMetric.memory({ utilization: 75 }), ScalingMetric.pods('inflight_requests', '20')],
        },
      });
    });
    expect(await hardeningViolations(objects)).to.deep.equal([]);
  });

  describe('validation', () => {
    const cases: ReadonlyArray<[string, AutoscalingSpec, string]> = [
      [
        'targetCpuUtilization together with metrics',
        { minReplicas: 2, maxReplicas: 4, targetCpuUtilization: 50, metrics: [ScalingMetric.memory({ utilization: 80 })] },
        'invalid autoscaling.targetCpuUtilization 50: conflicts with metrics',
      ],
      [
        'an empty metrics list',
        { minReplicas: 2, maxReplicas: 4, metrics: [] },
        'invalid autoscaling.metrics []: name at least one metric',
      ],
      [
        'a zero utilization',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.memory({ utilization: 0 })] },
        'invalid autoscaling.metrics[0].target.utilization 0: must be an integer percentage from 1 to 100',
      ],
      [
        'a utilization over 100 %',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.cpu({ utilization: 150 })] },
        'invalid autoscaling.metrics[0].target.utilization 150',
      ],
      [
        'a memory average that is not a quantity',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.memory({ averageValue: '200 MB' })] },
        'invalid autoscaling.metrics[0].target.averageValue "200 MB": must be a positive Kubernetes quantity',
      ],
      [
        'a zero Pods target',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.pods('rps', '0')] },
        'invalid autoscaling.metrics[0].target.averageValue "0": must be a positive',
      ],
      [
        'a metric name with a space',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.external('queue depth', { value: '10' })] },
        'invalid autoscaling.metrics[0].metric "queue depth"',
      ],
      [
        'both value and averageValue',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.external('q', { value: '1', averageValue: '2' } as never)] },
        'invalid autoscaling.metrics[0].target {"value":"1","averageValue":"2"}: give exactly one of value, averageValue',
      ],
      [
        'a utilization and an average for one resource',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.cpu({ utilization: 50, averageValue: '1' } as never)] },
        'invalid autoscaling.metrics[0].target {"utilization":50,"averageValue":"1"}: give exactly one of utilization, averageValue',
      ],
      [
        'an Object metric on a lowercase kind',
        {
          minReplicas: 2,
          maxReplicas: 4,
          metrics: [ScalingMetric.object({ apiVersion: 'v1', kind: 'service', name: 'api' }, 'rps', { value: '1' })],
        },
        'invalid autoscaling.metrics[0].object.kind "service"',
      ],
      [
        'a bad selector label',
        { minReplicas: 2, maxReplicas: 4, metrics: [ScalingMetric.external('q', { value: '1' }, { queue: 'a b' })] },
        'invalid autoscaling.metrics[0].selector "a b"',
      ],
      [
        'the same metric twice',
        {
          minReplicas: 2,
          maxReplicas: 4,
          metrics: [ScalingMetric.memory({ utilization: 80 }), ScalingMetric.memory({ averageValue: '1Gi' })],
        },
        'invalid autoscaling.metrics[1] "Resource/memory": the same metric twice',
      ],
      [
        'a plain object instead of a ScalingMetric',
        { minReplicas: 2, maxReplicas: 4, metrics: [{ type: 'Resource' } as never] },
        'invalid autoscaling.metrics[0] {"type":"Resource"}: must be a ScalingMetric',
      ],
    ];
    for (const [what, autoscaling, message] of cases) {
      it(`refuses ${what}`, () => expect(() => hpa(autoscaling)).to.throw(InvalidPropsError, `test/api: ${message}`));
    }
  });
});
