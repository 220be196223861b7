import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { recommendedLabels, type AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';

/** The service-level targets of one HTTP service, alerted on by a Prometheus Operator PrometheusRule. */
export interface SloAlertsProps {
  /** Labels of the rule object; `name` is also the `job` label Prometheus gives the service's metrics. */
  readonly identity: AppIdentity;
  /** Namespace of the rule and of the service's metrics. */
  readonly namespace: string;
  /**
   * Largest acceptable share of 5xx responses.
   * @default 0.01 - one request in a hundred
   */
  readonly maxErrorRatio?: number;
  /**
   * Largest acceptable 95th-percentile latency, in seconds.
   * @default 0.2 - what a person notices as lag
   */
  readonly maxP95LatencySeconds?: number;
  /**
   * Window the ratios are computed over.
   * @default '5m' - long enough to ignore one slow request, short enough to page quickly
   */
  readonly window?: string;
  /**
   * Name of the request counter (labels `status`, `route`).
   * @default 'http_requests_total' - prom-client's conventional name, used by every service here
   */
  readonly requestsMetric?: string;
  /**
   * Name of the request-duration histogram, in seconds.
   * @default 'http_request_duration_seconds' - prom-client's conventional name, used by every service here
   */
  readonly durationMetric?: string;
}

const DURATION = /^[1-9][0-9]*[smh]$/;

/**
 * A PrometheusRule with two alerts for one service: 5xx ratio above target, and p95 latency above
 * target, each sustained over the window. The `/metrics` scrape (ServiceMonitor) must exist.
 */
export class SloAlerts extends Construct {
  /** Name of the PrometheusRule object. */
  public readonly ruleName: string;

  constructor(scope: Construct, id: string, props: SloAlertsProps) {
    super(scope, id);
    const maxErrorRatio = props.maxErrorRatio ?? 0.01;
    const maxP95 = props.maxP95LatencySeconds ?? 0.2;
    const window = props.window ?? '5m';
    if (!(maxErrorRatio > 0 && maxErrorRatio < 1)) invalidProp(this, 'maxErrorRatio', maxErrorRatio, 'must be between 0 and 1');
    if (!(maxP95 > 0)) invalidProp(this, 'maxP95LatencySeconds', maxP95, 'must be positive');
    if (!DURATION.test(window)) invalidProp(this, 'window', window, 'must be a Prometheus duration such as "5m"');

    const job = props.identity.name;
    const selector = `job="${job}",namespace="${props.namespace}"`;
    const requests = props.requestsMetric ?? 'http_requests_total';
    const duration = props.durationMetric ?? 'http_request_duration_seconds';
    const prefix = job.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
    this.ruleName = `${job}-slo`;

    const spec: IPrometheusRule['spec'] = {
      groups: [
        {
          name: `${job}.slo`,
          rules: [
            {
              alert: `${prefix}HighErrorRatio`,
              expr:
                `sum(rate(${requests}{${selector},status=~"5.."}[${window}]))` +
                ` / sum(rate(${requests}{${selector}}[${window}])) > ${maxErrorRatio}`,
              for: window,
              labels: { severity: 'page' },
              annotations: {
                summary: `${job}: more than ${maxErrorRatio * 100}% of requests fail with 5xx`,
                description: `5xx ratio over ${window} is {{ $value | humanizePercentage }} (target ${maxErrorRatio * 100}%).`,
              },
            },
            {
              alert: `${prefix}HighLatencyP95`,
              expr:
                `histogram_quantile(0.95, sum by (le) (rate(${duration}_bucket{${selector}}[${window}])))` +
                ` > ${maxP95}`,
              for: window,
              labels: { severity: 'page' },
              annotations: {
                summary: `${job}: p95 latency above ${maxP95 * 1000} ms`,
                description: `p95 latency over ${window} is {{ $value | humanizeDuration }} (target ${maxP95 * 1000} ms).`,
              },
            },
          ],
        },
      ],
    };
    addKubeObject<IPrometheusRule>(this, 'rule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: this.ruleName, namespace: props.namespace, labels: recommendedLabels(props.identity) },
      spec,
    });
  }
}
