import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import type { AppIdentity } from './labels.js';
import { NamespacePeer } from './network-peers.js';
import type { DnsServer, PolicyPort } from './network-peers.js';
/** Who may call the workload: another workload's pods, or pods of another namespace (ingress controller, Prometheus, operator). */
export type IngressSource = INetworkPeer | NamespacePeer;
/** An allowed inbound connection. */
export interface InboundConnection {
    /** The caller. */
    readonly from: IngressSource;
    /** The workload's port it may call: a number or the container port's name. */
    readonly port: PolicyPort;
}
/** An allowed outbound connection to pods in the cluster. */
export interface OutboundConnection {
    /** The callee. */
    readonly to: INetworkPeer | NamespacePeer;
    /** The callee's port: a number or its container port's name. */
    readonly port: PolicyPort;
}
/** An allowed outbound connection to addresses outside the cluster, e.g. a managed database. */
export interface CidrConnection {
    /** The address range, e.g. `10.20.0.5/32`. */
    readonly cidr: string;
    /** The port on those addresses. */
    readonly port: number;
    /**
     * Ranges inside `cidr` that stay forbidden.
     * @default - none
     */
    readonly except?: readonly string[];
}
export interface WorkloadNetworkPolicyProps {
    /** The workload whose pods the policy selects (by `app.kubernetes.io/name` only, N06). */
    readonly workload: INetworkPeer;
    /** The workload's identity, for the policy's recommended labels; its `name` must be the workload's peerName. */
    readonly identity: AppIdentity;
    /**
     * Who may call the workload, or `'none'` for a workload nothing calls (a worker, a job).
     * More sources can be added with `allowFrom()`.
     * @default - nothing yet: synth fails unless `allowFrom()` is called, because a workload whose
     *   inbound traffic nobody thought about is more often a forgotten rule than a deliberate "none"
     */
    readonly ingress?: readonly InboundConnection[] | 'none';
    /**
     * In-cluster callees. More can be added with `allowTo()`.
     * @default - none besides DNS
     */
    readonly egress?: readonly OutboundConnection[];
    /**
     * Out-of-cluster callees by address range. More can be added with `allowToCidr()`.
     * @default - none
     */
    readonly egressToCidrs?: readonly CidrConnection[];
    /**
     * The cluster DNS the pods may query (UDP and TCP 53), or `false` for pods that never resolve names.
     * @default KUBE_DNS - CoreDNS labelled `k8s-app=kube-dns` in kube-system, as on every mainstream distribution;
     *   without it every Service name lookup fails under the namespace's default-deny
     */
    readonly dns?: DnsServer | false;
}
/**
 * One networking.k8s.io/v1 NetworkPolicy per workload (N06): selects the pods on the single label
 * `app.kubernetes.io/name`, lists both policyTypes, and allows exactly the declared connections
 * plus DNS. Cross-namespace peers are matched by `kubernetes.io/metadata.name`.
 *
 * Rules are rendered at synth, so connections can be declared after construction
 * (`allowFrom`, `allowTo`, `allowToCidr`, `allowToDns`) — e.g. by a composite that wires routes.
 */
export declare class WorkloadNetworkPolicy extends Construct {
    /** The NetworkPolicy's name (the workload's name). */
    readonly policyName: string;
    readonly namespace: string;
    /** The NetworkPolicy object. */
    readonly policy: ApiObject;
    private readonly workload;
    private readonly ingressRules;
    private readonly egressRules;
    private ingressNone;
    private dns;
    constructor(scope: Construct, id: string, props: WorkloadNetworkPolicyProps);
    /** Lets `source` call the workload on `port` (a number or the workload's container port name). */
    allowFrom(source: IngressSource, port: PolicyPort): this;
    /** Lets the workload call `peer` on `port` (a number or the callee's container port name). */
    allowTo(peer: INetworkPeer | NamespacePeer, port: PolicyPort): this;
    /** Lets the workload call addresses in `cidr` (minus `except`) on `port`, e.g. an external database. */
    allowToCidr(cidr: string, port: number, except?: readonly string[]): this;
    /** Lets the workload query the cluster DNS on UDP and TCP 53 (on by default). */
    allowToDns(dns?: DnsServer): this;
    private renderSpec;
}
