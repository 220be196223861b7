import { Construct } from 'constructs';
import type { INetworkPeer, IRouteBackend } from './contracts.js';
import { HardenedDeployment } from './hardened-deployment.js';
import type { HardenedDeploymentProps } from './hardened-deployment.js';
import type { DnsServer, NamespacePeer } from './network-peers.js';
import { ProbedService } from './probed-service.js';
import type { MetricsScrapeSpec } from './probed-service.js';
import { TlsIngress } from './tls-ingress.js';
import type { GatewayAttachment, RouteMode } from './tls-ingress.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
import type { CidrConnection, OutboundConnection } from './workload-network-policy.js';
/** An in-cluster dependency reached on one port, e.g. a CloudNativePgDatabase (which carries its own `port`). */
export interface PortedPeer extends INetworkPeer {
    /** The port the pods listen on. */
    readonly port: number;
}
/** A public HTTPS route to this service alone (its own TlsIngress and certificate). */
export interface WebServiceRoute {
    /** The public host name. */
    readonly host: string;
    /**
     * The path prefix.
     * @default '/' - the whole host
     */
    readonly path?: string;
    /**
     * WebSocket timeouts on the route (see `TlsRoute.websocket`).
     * @default false - plain HTTP requests keep the controller's timeouts
     */
    readonly websocket?: boolean;
    /**
     * Largest request body, an nginx size such as `8m` (ingress mode only).
     * @default - the controller's default
     */
    readonly maxBodySize?: string;
    /** The cert-manager ClusterIssuer that signs the route's certificate. */
    readonly clusterIssuer: string;
    /**
     * Ingress (ingress-nginx) or Gateway API HTTPRoute.
     * @default 'ingress' - still the most widely installed controller API
     */
    readonly mode?: RouteMode;
    /**
     * The IngressClass (ingress mode).
     * @default 'nginx' - ingress-nginx's class
     */
    readonly ingressClassName?: string;
    /** The Gateway to attach to (gateway-api mode). @default - none; required in gateway-api mode */
    readonly gateway?: GatewayAttachment;
}
export interface WebServiceProps extends HardenedDeploymentProps {
    /**
     * The ingress controller or Gateway proxy (namespace, optionally pod labels) allowed to call the
     * service's port; required with `route`.
     * @default - not reachable from outside the namespace's workloads
     */
    readonly ingressController?: NamespacePeer;
    /**
     * Other workloads allowed to call the service's port (a WebService is one). Prefer `calls` on the
     * caller when the caller is a WebService: it opens both ends.
     * @default - none
     */
    readonly allowFrom?: readonly INetworkPeer[];
    /**
     * WebServices this one calls: opens this service's egress and the callee's ingress on the callee's port.
     * @default - none
     */
    readonly calls?: readonly WebService[];
    /**
     * The database the service uses: egress to its pods on its port.
     * @default - no database
     */
    readonly database?: PortedPeer;
    /**
     * Other in-cluster callees (by pod peer and port).
     * @default - none besides DNS (and `calls`, `database`)
     */
    readonly allowTo?: readonly OutboundConnection[];
    /**
     * Out-of-cluster callees by address range, e.g. a managed database or an identity provider.
     * @default - none
     */
    readonly allowToCidrs?: readonly CidrConnection[];
    /**
     * The cluster DNS the pods may query.
     * @default KUBE_DNS - CoreDNS labelled `k8s-app=kube-dns` in kube-system
     */
    readonly dns?: DnsServer;
    /**
     * The Service's port number.
     * @default 80 - clients call `http://<name>.<namespace>.svc`
     */
    readonly servicePort?: number;
    /**
     * Emit a ServiceMonitor for `/metrics`; requires `scrapedBy` so the network policy lets Prometheus in.
     * @default false - clusters without the Prometheus Operator reject the kind
     */
    readonly metrics?: boolean | MetricsScrapeSpec;
    /**
     * Where Prometheus runs (its namespace, optionally pod labels): allowed to call the service's port.
     * @default - none; required with `metrics`
     */
    readonly scrapedBy?: NamespacePeer;
    /**
     * A public HTTPS route of its own. Several services under one host share a TlsIngress instead:
     * pass each one's `backend` to a TlsIngress in the chart.
     * @default - no route
     */
    readonly route?: WebServiceRoute;
}
/**
 * One service of the platform from one props object: a HardenedDeployment (with its
 * ServiceAccount, ConfigMap, PodDisruptionBudget and HPA), a ProbedService (and ServiceMonitor) in
 * front of it, a WorkloadNetworkPolicy that allows exactly the declared connections, and optionally
 * its own HTTPS route (TlsIngress). Services sharing a host: hand each `backend` to one TlsIngress.
 */
export declare class WebService extends Construct implements INetworkPeer {
    readonly workload: HardenedDeployment;
    readonly service: ProbedService;
    readonly networkPolicy: WorkloadNetworkPolicy;
    /** The route's TlsIngress, with `route`. */
    readonly ingress?: TlsIngress;
    /** `app.kubernetes.io/name` of the pods. */
    readonly peerName: string;
    readonly namespace: string;
    constructor(scope: Construct, id: string, props: WebServiceProps);
    /** The Service port routes send traffic to. */
    get backend(): IRouteBackend;
    /** Lets this service call `callee`: egress here, ingress there, on the callee's container port. */
    call(callee: WebService): this;
}
