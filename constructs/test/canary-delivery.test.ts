import { expect } from 'chai';
import type { Chart } from 'cdk8s';
import { ScalingMetric } from '../autoscaling.js';
import { CanaryStep, Delivery } from '../canary-delivery.js';
import type { CanaryDeliveryProps } from '../canary-delivery.js';
import { InvalidPropsError } from '../errors.js';
import { NamespacePeer } from '../network-peers.js';
import { WebService } from '../web-service.js';
import type { WebServiceProps } from '../web-service.js';
import { INGRESS_NGINX, checkedEnvironment, environment, hardeningViolations } from './support/policy.js';
import type { Manifest } from './support/snapshot.js';

const PROMETHEUS = new NamespacePeer('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
const ANALYSIS: CanaryDeliveryProps['analysis'] = {
  errorRatio: { counter: 'http_requests_total', errorMatchers: 'status=~"5.."', max: 0.01 },
  latency: { histogram: 'http_request_duration_seconds', maxSeconds: 0.5 },
};

function apiProps(extra: Partial<WebServiceProps> = {}): WebServiceProps {
  return {
    name: 'todo-api',
    namespace: 'todo',
    component: 'api',
    partOf: 'todo',
    image: 'ghcr.io/example/todo-api:1.0.0',
    resources: {
      requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
      limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '256Mi' },
    },
    ports: [{ name: 'http', port: 8080 }],
    ingressController: INGRESS_NGINX,
    metrics: true,
    scrapedBy: PROMETHEUS,
    autoscaling: { minReplicas: 2, maxReplicas: 6, metrics: [ScalingMetric.cpu({ utilization: 70 })] },
    ...extra,
  };
}

const canary = (extra: Partial<CanaryDeliveryProps> = {}) => Delivery.canary({ analysis: ANALYSIS, ...extra });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const named = (objects: Manifest[], kind: string): any => objects.find((o) => o.kind === kind);

describe('canary delivery', () => {
  describe('a WebService with Delivery.canary', () => {
    let objects: Manifest[];
    let violations: string[];
    before(
      async () =>
        ({ objects, violations } = await checkedEnvironment((chart) => new WebService(chart, 'Api', apiProps({ delivery: canary() })))),
    );

    it('passes every rule and schema with no waiver (Rollout and AnalysisTemplate validated by the Argo Rollouts models)', () => {
      expect(violations).to.deep.equal([]);
    });

    it('emits a Rollout instead of the Deployment, with the very pod template the rolling Deployment has', () => {
      const rolling = environment((chart) => new WebService(chart, 'Api', apiProps()));
      const rollout = named(objects, 'Rollout');
      expect(named(objects, 'Deployment')).to.equal(undefined);
      expect(rollout.apiVersion).to.equal('argoproj.io/v1alpha1');
      expect(rollout.spec.template).to.deep.equal(named(rolling, 'Deployment').spec.template);
      expect(rollout.spec.selector).to.deep.equal(named(rolling, 'Deployment').spec.selector);
      expect(rollout.spec).not.to.have.property('replicas');
    });

    it('steps through 20/50/80 % with pauses, never below capacity, aborting on a stuck canary', () => {
      const spec = named(objects, 'Rollout').spec;
      expect(spec.strategy.canary.steps).to.deep.equal([
        { setWeight: 20 },
        { pause: { duration: '5m' } },
        { setWeight: 50 },
        { pause: { duration: '5m' } },
        { setWeight: 80 },
        { pause: { duration: '5m' } },
      ]);
      expect(spec.strategy.canary).to.include({ maxSurge: 1, maxUnavailable: 0 });
      expect(spec.progressDeadlineAbort).to.equal(true);
      expect(spec.strategy.canary.analysis).to.deep.equal({
        templates: [{ templateName: 'todo-api' }],
        startingStep: 1,
        args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }],
      });
    });

    it('judges the newest pods on Prometheus: error ratio and p95 latency, no traffic counting as healthy', () => {
      const template = named(objects, 'AnalysisTemplate');
      const pods = 'namespace="todo",rollouts_pod_template_hash="{{args.canary-hash}}"';
      expect(template.spec.args).to.deep.equal([{ name: 'canary-hash' }]);
      expect(template.spec.metrics).to.deep.equal([
        {
          name: 'error-ratio',
          interval: '1m',
          failureLimit: 1,
          successCondition: 'result[0] <= 0.01',
          provider: {
            prometheus: {
              address: 'http://prometheus-operated.monitoring.svc:9090',
              query: `(sum(rate(http_requests_total{${pods},status=~"5.."}[2m])) / (sum(rate(http_requests_total{${pods}}[2m])) > 0)) or vector(0)`,
            },
          },
        },
        {
          name: 'latency-p95',
          interval: '1m',
          failureLimit: 1,
          successCondition: 'result[0] <= 0.5',
          provider: {
            prometheus: {
              address: 'http://prometheus-operated.monitoring.svc:9090',
              query: `(histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${pods}}[2m]))) >= 0) or vector(0)`,
            },
          },
        },
      ]);
    });

    it('keeps the HPA, PDB, Service and ServiceMonitor on the Rollout and both its revisions', () => {
      const hpa = named(objects, 'HorizontalPodAutoscaler');
      expect(hpa.spec.scaleTargetRef).to.deep.equal({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'todo-api' });
      const podLabels = named(objects, 'Rollout').spec.template.metadata.labels;
      // A canary pod carries the revision's hash on top of the template labels: every selector still matches.
      const canaryPod = { ...podLabels, 'rollouts-pod-template-hash': '5d4f8b' };
      const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => canaryPod[k] === v);
      expect(matches(named(objects, 'PodDisruptionBudget').spec.selector.matchLabels)).to.equal(true);
      expect(matches(named(objects, 'Service').spec.selector)).to.equal(true);
      const ownPolicy = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'todo-api') as Manifest;
      expect(matches(ownPolicy.spec.podSelector.matchLabels)).to.equal(true);
      expect(named(objects, 'ServiceMonitor').spec.podTargetLabels).to.deep.equal(['rollouts-pod-template-hash']);
    });
  });

  it('is off by default and with Delivery.rolling(): a Deployment, no AnalysisTemplate, no podTargetLabels', () => {
    for (const delivery of [undefined, Delivery.rolling()]) {
      const objects = environment((chart) => new WebService(chart, 'Api', apiProps(delivery ? { delivery } : {})));
      expect(objects.map((o) => o.kind))
        .to.include('Deployment')
        .and.not.include('Rollout')
        .and.not.include('AnalysisTemplate');
      expect(named(objects, 'ServiceMonitor').spec).not.to.have.property('podTargetLabels');
      expect(named(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef.kind).to.equal('Deployment');
    }
  });

  it('takes custom steps, a Prometheus address, one objective, and fixed replicas', async () => {
    const { objects, violations } = await checkedEnvironment(
      (chart) =>
        new WebService(
          chart,
          'Gw',
          apiProps({
            name: 'chat-gateway',
            autoscaling: undefined,
            replicas: 3,
            delivery: Delivery.canary({
              steps: [CanaryStep.setWeight(34), CanaryStep.pause('10m'), CanaryStep.pauseUntilPromoted()],
              analysis: {
                prometheusAddress: 'http://prom.obs.svc:9090',
                interval: '30s',
                failureLimit: 0,
                latency: { histogram: 'chat_gateway_reply_duration_seconds', quantile: 0.99, maxSeconds: 1 },
              },
            }),
          }),
        ),
    );
    expect(violations).to.deep.equal([]);
    const rollout = named(objects, 'Rollout');
    expect(rollout.spec.replicas).to.equal(3);
    expect(rollout.spec.strategy.canary.steps).to.deep.equal([{ setWeight: 34 }, { pause: { duration: '10m' } }, { pause: {} }]);
    const [metric, ...rest] = named(objects, 'AnalysisTemplate').spec.metrics;
    expect(rest).to.deep.equal([]);
    expect(metric).to.include({ name: 'latency-p99', interval: '30s', failureLimit: 0, successCondition: 'result[0] <= 1' });
    expect(metric.provider.prometheus.address).to.equal('http://prom.obs.svc:9090');
    expect(metric.provider.prometheus.query)
      .to.contain('histogram_quantile(0.99,')
      .and.contain('chat_gateway_reply_duration_seconds_bucket{')
      .and.contain('[60s]');
  });

  it('patches the kubelet preStop sleep into the Rollout as into the Deployment', () => {
    const objects = environment((chart) => new WebService(chart, 'Api', apiProps({ delivery: canary(), preStopMode: 'sleep-action' })));
    expect(named(objects, 'Rollout').spec.template.spec.containers[0].lifecycle).to.deep.equal({ preStop: { sleep: { seconds: 5 } } });
  });

  describe('refuses props it cannot release safely, naming the path and value', () => {
    const cases: [string, Partial<WebServiceProps>, RegExp][] = [
      [
        'no metrics to judge',
        { delivery: canary(), metrics: false, scrapedBy: undefined },
        /Api: invalid metrics false: a canary delivery is judged on the pods' metrics/,
      ],
      [
        'no objective',
        { delivery: Delivery.canary({ analysis: {} }) },
        /Api\/Workload: invalid delivery\.analysis \{\}: give errorRatio, latency or both/,
      ],
      [
        'weights that go back',
        { delivery: canary({ steps: [CanaryStep.setWeight(50), CanaryStep.pause('1m'), CanaryStep.setWeight(20)] }) },
        /invalid delivery\.steps\[2\]\.setWeight 20: must be an integer percentage above the previous weight 50/,
      ],
      [
        'a weight above 100',
        { delivery: canary({ steps: [CanaryStep.setWeight(120), CanaryStep.pause('1m')] }) },
        /invalid delivery\.steps\[0\]\.setWeight 120/,
      ],
      [
        'a bad pause',
        { delivery: canary({ steps: [CanaryStep.setWeight(20), CanaryStep.pause('5 minutes')] }) },
        /invalid delivery\.steps\[1\]\.pause "5 minutes": must be a duration/,
      ],
      [
        'no pause',
        { delivery: canary({ steps: [CanaryStep.setWeight(50)] }) },
        /invalid delivery\.steps \[\{"setWeight":50\}\]: needs a pause/,
      ],
      ['no steps', { delivery: canary({ steps: [] }) }, /invalid delivery\.steps \[\]: give at least one step/],
      [
        'an injected matcher',
        {
          delivery: Delivery.canary({
            analysis: { errorRatio: { counter: 'http_requests_total', errorMatchers: 'status="5"}) or vector(0', max: 0.01 } },
          }),
        },
        /invalid delivery\.analysis\.errorRatio\.errorMatchers/,
      ],
      [
        'a bad counter',
        { delivery: Delivery.canary({ analysis: { errorRatio: { counter: 'http-requests', errorMatchers: 'status="500"', max: 0.01 } } }) },
        /invalid delivery\.analysis\.errorRatio\.counter "http-requests"/,
      ],
      [
        'a ratio above 1',
        { delivery: Delivery.canary({ analysis: { errorRatio: { counter: 'x_total', errorMatchers: 'code="e"', max: 5 } } }) },
        /invalid delivery\.analysis\.errorRatio\.max 5: must be a share between 0 and 1/,
      ],
      [
        'a quantile of 95',
        { delivery: Delivery.canary({ analysis: { latency: { histogram: 'h', quantile: 95, maxSeconds: 1 } } }) },
        /invalid delivery\.analysis\.latency\.quantile 95/,
      ],
      [
        'a zero latency budget',
        { delivery: Delivery.canary({ analysis: { latency: { histogram: 'h', maxSeconds: 0 } } }) },
        /invalid delivery\.analysis\.latency\.maxSeconds 0/,
      ],
      [
        'a bad interval',
        { delivery: canary({ analysis: { ...ANALYSIS, interval: '1 minute' } }) },
        /invalid delivery\.analysis\.interval "1 minute"/,
      ],
      [
        'a negative failure limit',
        { delivery: canary({ analysis: { ...ANALYSIS, failureLimit: -1 } }) },
        /invalid delivery\.analysis\.failureLimit -1/,
      ],
      [
        'a Prometheus address that is no URL',
        { delivery: canary({ analysis: { ...ANALYSIS, prometheusAddress: 'prometheus:9090' } }) },
        /invalid delivery\.analysis\.prometheusAddress "prometheus:9090": must be an http\(s\) URL/,
      ],
      [
        'a plain object for a Delivery',
        { delivery: { canary: { analysis: ANALYSIS } } as unknown as Delivery },
        /invalid delivery .*: must be Delivery\.rolling\(\) or Delivery\.canary/,
      ],
    ];
    for (const [title, extra, message] of cases) {
      it(title, () => {
        expect(() => environment((chart: Chart) => new WebService(chart, 'Api', apiProps(extra)))).to.throw(InvalidPropsError, message);
      });
    }
  });

  describe('the policy treats a Rollout as a workload', () => {
    let base: Manifest[];
    before(() => {
      base = environment((chart) => new WebService(chart, 'Api', apiProps({ delivery: canary() })));
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const edited = (edit: (objects: any[]) => void): Manifest[] => {
      const copy = JSON.parse(JSON.stringify(base)) as Manifest[];
      edit(copy);
      return copy;
    };
    const rules = (violations: string[]) => [...new Set(violations.map((v) => / ([A-Z][0-9]{2}) /.exec(v)?.[1]))].sort();

    it('checks its pod template: privileged: true is found', async () => {
      const violations = await hardeningViolations(
        edited((o) => {
          named(o, 'Rollout').spec.template.spec.containers[0].securityContext.privileged = true;
        }),
      );
      expect(violations.some((v) => v.startsWith('Rollout/todo/todo-api: S') && v.includes('privileged'))).to.equal(
        true,
        violations.join('\n'),
      );
    });

    it('A01: one replica without an HPA', async () => {
      const violations = await hardeningViolations(
        edited((o) => {
          o.splice(o.indexOf(named(o, 'HorizontalPodAutoscaler')), 1);
          named(o, 'Rollout').spec.replicas = 1;
        }),
      );
      expect(violations.filter((v) => v.startsWith('Rollout/todo/todo-api: A01'))).to.have.length(1);
    });

    it('A02: replicas beside the HPA that scales the Rollout', async () => {
      const violations = await hardeningViolations(
        edited((o) => {
          named(o, 'Rollout').spec.replicas = 2;
        }),
      );
      expect(rules(violations)).to.deep.equal(['A02']);
    });

    it('A03: no PodDisruptionBudget for its pods', async () => {
      const violations = await hardeningViolations(
        edited((o) => {
          o.splice(o.indexOf(named(o, 'PodDisruptionBudget')), 1);
        }),
      );
      expect(violations).to.deep.equal(['Rollout/todo/todo-api: A03 no PodDisruptionBudget selects its pods']);
    });

    it('A06: a canary that may drop below capacity (Argo Rollouts defaults maxUnavailable to 25 %)', async () => {
      const violations = await hardeningViolations(
        edited((o) => {
          delete named(o, 'Rollout').spec.strategy.canary.maxUnavailable;
        }),
      );
      expect(violations).to.deep.equal(['Rollout/todo/todo-api: A06 canary maxUnavailable is absent, expected 0']);
    });

    it('A07 and N01: a selector that misses its pods, a Service that selects none', async () => {
      const violations = await hardeningViolations(
        edited((o) => {
          named(o, 'Rollout').spec.template.metadata.labels['app.kubernetes.io/instance'] = 'other';
        }),
      );
      expect(rules(violations)).to.include.members(['A07', 'N01']);
      expect(violations.some((v) => v.startsWith('Rollout/todo/todo-api: A07'))).to.equal(true);
    });

    it('K01: a Rollout that fails the Argo Rollouts schema', async () => {
      const violations = await hardeningViolations(
        edited((o) => {
          named(o, 'Rollout').spec.strategy.canary.steps[0].setWeight = 'twenty';
        }),
      );
      expect(violations.filter((v) => v.includes(' K01 ')).join('\n')).to.match(/^Rollout\/todo\/todo-api: K01 schema: .*setWeight/);
    });
  });
});
