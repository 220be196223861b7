import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { recommendedLabels } from './labels.js';
const DURATION = /^[1-9][0-9]*[smh]$/;
/**
 * A PrometheusRule with two alerts for one service: 5xx ratio above target, and p95 latency above
 * target, each sustained over the window. The `/metrics` scrape (ServiceMonitor) must exist.
 */
export class SloAlerts extends Construct {
    /** Name of the PrometheusRule object. */
    ruleName;
    constructor(scope, id, props) {
        super(scope, id);
        const maxErrorRatio = props.maxErrorRatio ?? 0.01;
        const maxP95 = props.maxP95LatencySeconds ?? 0.2;
        const window = props.window ?? '5m';
        if (!(maxErrorRatio > 0 && maxErrorRatio < 1))
            invalidProp(this, 'maxErrorRatio', maxErrorRatio, 'must be between 0 and 1');
        if (!(maxP95 > 0))
            invalidProp(this, 'maxP95LatencySeconds', maxP95, 'must be positive');
        if (!DURATION.test(window))
            invalidProp(this, 'window', window, 'must be a Prometheus duration such as "5m"');
        const job = props.identity.name;
        const selector = `job="${job}",namespace="${props.namespace}"`;
        const requests = props.requestsMetric ?? 'http_requests_total';
        const duration = props.durationMetric ?? 'http_request_duration_seconds';
        const prefix = job.replace(/(^|-)([a-z])/g, (_, __, c) => c.toUpperCase());
        this.ruleName = `${job}-slo`;
        const spec = {
            groups: [
                {
                    name: `${job}.slo`,
                    rules: [
                        {
                            alert: `${prefix}HighErrorRatio`,
                            expr: `sum(rate(${requests}{${selector},status=~"5.."}[${window}]))` +
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
                            expr: `histogram_quantile(0.95, sum by (le) (rate(${duration}_bucket{${selector}}[${window}])))` +
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
        new ApiObject(this, 'rule', {
            apiVersion: 'monitoring.coreos.com/v1',
            kind: 'PrometheusRule',
            metadata: { name: this.ruleName, namespace: props.namespace, labels: recommendedLabels(props.identity) },
            spec,
        });
    }
}
