import { Construct } from 'constructs';
import type { INetworkPeer, IRouteBackend } from './contracts.js';
import { invalidProp } from './errors.js';
import { HardenedDeployment } from './hardened-deployment.js';
import type { HardenedDeploymentProps } from './hardened-deployment.js';
import type { DnsServer, NamespacePeer } from './network-peers.js';
import { ProbedService } from './probed-service.js';
import type { MetricsScrapeSpec, ProbeContract } from './probed-service.js';
import { TlsIngress } from './tls-ingress.js';
import type { GatewayAttachment, RouteMode, RouteProtocol } from './tls-ingress.js';
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
  /**
   * `grpc` for a gRPC route (a GRPCRoute in gateway-api mode); see `TlsRoute.protocol`.
   * @default - `grpc` when the service port's appProtocol is `grpc`, else `http`
   */
  readonly protocol?: RouteProtocol;
  /**
   * gRPC in gateway-api mode: route only this fully-qualified service.
   * @default - every service
   */
  readonly grpcService?: string;
  /** The cert-manager ClusterIssuer that signs the route's certificate. */
  readonly clusterIssuer: string;
  /**
   * Ingress (ingress-nginx) or Gateway API HTTPRoute / GRPCRoute.
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
   * What the Service demands of the probes: the design's `/livez` + `/readyz`, or any readiness probe
   * on the service port (gRPC health, other paths) with `readiness-on-port`.
   * @default 'livez-readyz' - the design's contract
   */
  readonly probeContract?: ProbeContract;
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
export class WebService extends Construct implements INetworkPeer {
  public readonly workload: HardenedDeployment;
  public readonly service: ProbedService;
  public readonly networkPolicy: WorkloadNetworkPolicy;
  /** The route's TlsIngress, with `route`. */
  public readonly ingress?: TlsIngress;
  /** `app.kubernetes.io/name` of the pods. */
  public readonly peerName: string;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    if (props.metrics !== undefined && props.metrics !== false && props.scrapedBy === undefined) {
      invalidProp(
        this,
        'scrapedBy',
        props.scrapedBy,
        'metrics are on but nothing may scrape them: name the Prometheus namespace, or the network policy blocks every scrape',
      );
    }
    if (props.delivery?.canary !== undefined && (props.metrics === undefined || props.metrics === false)) {
      invalidProp(
        this,
        'metrics',
        props.metrics,
        "a canary delivery is judged on the pods' metrics: turn metrics on (with scrapedBy), or every analysis passes on no data",
      );
    }
    if (props.route !== undefined && props.ingressController === undefined) {
      invalidProp(
        this,
        'ingressController',
        props.ingressController,
        'a route needs the ingress controller or Gateway namespace, or the network policy blocks its traffic',
      );
    }
    this.workload = new HardenedDeployment(this, 'Workload', props);
    this.service = new ProbedService(this, 'Service', {
      workload: this.workload,
      ...(props.servicePort !== undefined ? { port: props.servicePort } : {}),
      ...(props.probeContract !== undefined ? { probeContract: props.probeContract } : {}),
      ...(props.metrics !== undefined ? { metrics: props.metrics } : {}),
    });
    this.peerName = this.workload.peerName;
    this.namespace = this.workload.namespace;

    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      workload: this.workload,
      identity: this.workload.identity,
      ...(props.allowTo !== undefined ? { egress: props.allowTo } : {}),
      ...(props.allowToCidrs !== undefined ? { egressToCidrs: props.allowToCidrs } : {}),
      ...(props.dns !== undefined ? { dns: props.dns } : {}),
    });
    const sources = [
      ...(props.ingressController !== undefined ? [props.ingressController] : []),
      ...(props.scrapedBy !== undefined ? [props.scrapedBy] : []),
      ...(props.allowFrom ?? []),
    ];
    for (const source of sources) this.networkPolicy.allowFrom(source, this.service.targetPortNumber);
    if (props.database !== undefined) this.networkPolicy.allowTo(props.database, props.database.port);
    for (const callee of props.calls ?? []) this.call(callee);

    if (props.route !== undefined) {
      const { host, path, websocket, maxBodySize, protocol, grpcService, ...ingress } = props.route;
      this.ingress = new TlsIngress(this, 'Route', {
        ...ingress,
        name: this.service.serviceName,
        namespace: this.namespace,
        partOf: props.partOf,
        version: this.workload.identity.version,
        routes: [
          {
            host,
            backend: this.service,
            ...(path !== undefined ? { path } : {}),
            ...(websocket !== undefined ? { websocket } : {}),
            ...(maxBodySize !== undefined ? { maxBodySize } : {}),
            ...(protocol !== undefined ? { protocol } : {}),
            ...(grpcService !== undefined ? { grpcService } : {}),
          },
        ],
      });
    }
  }

  /** The Service port routes send traffic to. */
  public get backend(): IRouteBackend {
    return this.service;
  }

  /** Lets this service call `callee`: egress here, ingress there, on the callee's container port. */
  public call(callee: WebService): this {
    this.networkPolicy.allowTo(callee, callee.service.targetPortNumber);
    callee.networkPolicy.allowFrom(this, callee.service.targetPortNumber);
    return this;
  }
}
