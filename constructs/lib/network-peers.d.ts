/**
 * The pieces NetworkPolicy-building constructs share: peers that are not workloads of this app
 * (the ingress controller, the cluster DNS), port and name validation, and the JSON of a peer.
 */
import type { IConstruct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import type { AppIdentity } from './labels.js';
/** The label the API server puts on every namespace (Kubernetes >= 1.22): the only reliable namespace selector. */
export declare const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
/**
 * Pods of another namespace that are not a workload of this app, e.g. the ingress controller, a
 * Prometheus or an operator: selected by namespace and, optionally, by pod labels.
 */
export declare class NamespacePeer {
    readonly namespace: string;
    readonly podLabels?: Readonly<Record<string, string>> | undefined;
    /**
     * @param namespace the pods' namespace, e.g. `ingress-nginx`
     * @param podLabels labels of the pods; omit to admit every pod of that namespace
     *   (controllers label their pods differently, and the namespace is usually dedicated)
     */
    constructor(namespace: string, podLabels?: Readonly<Record<string, string>> | undefined);
}
/** Where the cluster DNS runs, for the explicit DNS egress rule (N06). */
export interface DnsServer {
    /** The DNS pods' namespace. */
    readonly namespace: string;
    /** The DNS pods' labels. */
    readonly podLabels: Readonly<Record<string, string>>;
}
/** CoreDNS as installed by kubeadm, kind, k3s, EKS, GKE and AKS: `k8s-app=kube-dns` in kube-system. */
export declare const KUBE_DNS: DnsServer;
/** A port in a NetworkPolicy rule: a number, or the name of the destination pod's container port. */
export type PolicyPort = number | string;
/** Validates a namespace name: a DNS label, and never `default` (N07). */
export declare function checkNamespace(scope: IConstruct, prop: string, namespace: string): void;
/** Validates a policy port: 1..65535, or an IANA service name (the container port's name). */
export declare function checkPort(scope: IConstruct, prop: string, port: PolicyPort): void;
/** Validates a label map (keys and values) used in a selector. */
export declare function checkLabels(scope: IConstruct, prop: string, labels: Readonly<Record<string, string>>): void;
/** Validates a workload peer. */
export declare function checkPeer(scope: IConstruct, prop: string, peer: INetworkPeer | NamespacePeer): void;
/** The NetworkPolicyPeer JSON for pods in `namespace` with `podLabels` (all pods if undefined), seen from `policyNamespace`. */
export declare function podPeerJson(policyNamespace: string, namespace: string, podLabels: Readonly<Record<string, string>> | undefined): Record<string, unknown>;
/** The NetworkPolicyPeer JSON for a workload or a controller peer. */
export declare function peerJson(policyNamespace: string, peer: INetworkPeer | NamespacePeer): Record<string, unknown>;
/** The labels that select a peer's pods: its own choice, else its name label. */
export declare function peerPodLabels(peer: INetworkPeer): Readonly<Record<string, string>>;
/** The egress rule that lets pods resolve names: UDP and TCP 53 to the DNS pods (TCP for large answers). */
export declare function dnsEgressRule(policyNamespace: string, dns: DnsServer): Record<string, unknown>;
/** The recommended labels of an identity, refusing values the API server would reject (A08). */
export declare function identityLabels(scope: IConstruct, identity: AppIdentity, propPrefix?: string): Record<string, string>;
