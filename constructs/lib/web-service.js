import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { HardenedDeployment } from './hardened-deployment.js';
import { ProbedService } from './probed-service.js';
import { TlsIngress } from './tls-ingress.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
/**
 * One service of the platform from one props object: a HardenedDeployment (with its
 * ServiceAccount, ConfigMap, PodDisruptionBudget and HPA), a ProbedService (and ServiceMonitor) in
 * front of it, a WorkloadNetworkPolicy that allows exactly the declared connections, and optionally
 * its own HTTPS route (TlsIngress). Services sharing a host: hand each `backend` to one TlsIngress.
 */
export class WebService extends Construct {
    workload;
    service;
    networkPolicy;
    /** The route's TlsIngress, with `route`. */
    ingress;
    /** `app.kubernetes.io/name` of the pods. */
    peerName;
    namespace;
    constructor(scope, id, props) {
        super(scope, id);
        if (props.metrics !== undefined && props.metrics !== false && props.scrapedBy === undefined) {
            invalidProp(this, 'scrapedBy', props.scrapedBy, 'metrics are on but nothing may scrape them: name the Prometheus namespace, or the network policy blocks every scrape');
        }
        if (props.route !== undefined && props.ingressController === undefined) {
            invalidProp(this, 'ingressController', props.ingressController, 'a route needs the ingress controller or Gateway namespace, or the network policy blocks its traffic');
        }
        this.workload = new HardenedDeployment(this, 'Workload', props);
        this.service = new ProbedService(this, 'Service', {
            workload: this.workload,
            ...(props.servicePort !== undefined ? { port: props.servicePort } : {}),
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
        for (const source of sources)
            this.networkPolicy.allowFrom(source, this.service.targetPortNumber);
        if (props.database !== undefined)
            this.networkPolicy.allowTo(props.database, props.database.port);
        for (const callee of props.calls ?? [])
            this.call(callee);
        if (props.route !== undefined) {
            const { host, path, websocket, maxBodySize, ...ingress } = props.route;
            this.ingress = new TlsIngress(this, 'Route', {
                ...ingress,
                name: this.service.serviceName,
                namespace: this.namespace,
                partOf: props.partOf,
                version: this.workload.identity.version,
                routes: [{ host, backend: this.service, ...(path !== undefined ? { path } : {}), ...(websocket !== undefined ? { websocket } : {}), ...(maxBodySize !== undefined ? { maxBodySize } : {}) }],
            });
        }
    }
    /** The Service port routes send traffic to. */
    get backend() {
        return this.service;
    }
    /** Lets this service call `callee`: egress here, ingress there, on the callee's container port. */
    call(callee) {
        this.networkPolicy.allowTo(callee, callee.service.targetPortNumber);
        callee.networkPolicy.allowFrom(this, callee.service.targetPortNumber);
        return this;
    }
}
