import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
import type { IRouteBackend } from './contracts.js';
import type { HardenedDeployment } from './hardened-deployment.js';
/** The health endpoints every service of the design serves (design.md, "Services: shared conventions"). */
export declare const PROBE_CONTRACT: {
    readonly livenessPath: '/livez';
    readonly readinessPath: '/readyz';
};
/** A Prometheus Operator ServiceMonitor scraping the Service's port. */
export interface MetricsScrapeSpec {
    /**
     * Path of the Prometheus text endpoint.
     * @default '/metrics' - what prom-client serves in every service of the design
     */
    readonly path?: string;
    /**
     * Scrape interval, a Prometheus duration.
     * @default '30s' - the Prometheus Operator's usual interval; enough for rate() over 2m
     */
    readonly interval?: string;
    /**
     * Extra labels on the ServiceMonitor, e.g. `release: kube-prometheus-stack` so a Prometheus selects it.
     * @default - the recommended labels only
     */
    readonly labels?: Readonly<Record<string, string>>;
}
export interface ProbedServiceProps {
    /** The workload whose pods the Service sends traffic to; it must carry the /livez + /readyz contract. */
    readonly workload: HardenedDeployment;
    /**
     * Name of the workload's container port to expose (the Service's `targetPort`, by name).
     * @default - the port the workload's probes use: the one the contract is checked on
     */
    readonly portName?: string;
    /**
     * The Service's port number.
     * @default 80 - clients call `http://<name>.<namespace>.svc` without a port
     */
    readonly port?: number;
    /**
     * The Service's name.
     * @default - the workload's name, so DNS names match `app.kubernetes.io/name`
     */
    readonly name?: string;
    /**
     * Also emit a ServiceMonitor (monitoring.coreos.com/v1) for the port's metrics; `true` for the defaults.
     * @default false - clusters without the Prometheus Operator would reject the kind
     */
    readonly metrics?: boolean | MetricsScrapeSpec;
}
/**
 * A ClusterIP Service in front of a HardenedDeployment's pods, by named targetPort, that refuses
 * pods without the design's probe contract on that port, with an optional ServiceMonitor.
 */
export declare class ProbedService extends Construct implements IRouteBackend {
    readonly serviceName: string;
    readonly namespace: string;
    /** The Service port's name (same as the container port's name). */
    readonly portName: string;
    readonly port: number;
    /** The container port number behind it (what NetworkPolicies allow: they see pod ports). */
    readonly targetPortNumber: number;
    /** The Service object. */
    readonly service: ApiObject;
    /** The ServiceMonitor, when `metrics` is on. */
    readonly serviceMonitor?: ApiObject;
    constructor(scope: Construct, id: string, props: ProbedServiceProps);
}
