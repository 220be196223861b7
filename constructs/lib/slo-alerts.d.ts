import { Construct } from 'constructs';
import { type AppIdentity } from './labels.js';
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
/**
 * A PrometheusRule with two alerts for one service: 5xx ratio above target, and p95 latency above
 * target, each sustained over the window. The `/metrics` scrape (ServiceMonitor) must exist.
 */
export declare class SloAlerts extends Construct {
    /** Name of the PrometheusRule object. */
    readonly ruleName: string;
    constructor(scope: Construct, id: string, props: SloAlertsProps);
}
