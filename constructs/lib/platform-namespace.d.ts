import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
import type { DnsServer, NamespacePeer } from './network-peers.js';
/** The namespace's total budget (ResourceQuota `spec.hard`). Quantities are Kubernetes quantity strings. */
export interface NamespaceQuota {
    /** @default '4' - room for the todo platform's three services at 2-3 replicas each */
    readonly requestsCpu?: string;
    /** @default '8Gi' - the services' requests at the largest replica counts, with room for a rollout's surge */
    readonly requestsMemory?: string;
    /** @default '8' - limits may burst to twice the requests */
    readonly limitsCpu?: string;
    /** @default '16Gi' - limits may burst to twice the requests */
    readonly limitsMemory?: string;
    /** @default '10Gi' - emptyDir /tmp and logs; a runaway writer is evicted before it fills the node */
    readonly requestsEphemeralStorage?: string;
    /** @default '20Gi' - twice the requests, like cpu and memory */
    readonly limitsEphemeralStorage?: string;
    /** @default 50 - caps a crash-looping autoscaler or a Job gone wild */
    readonly pods?: number;
    /** @default 0 - LoadBalancers only at the edge, by choice (N02); the ingress controller lives elsewhere */
    readonly servicesLoadBalancers?: number;
    /** @default 0 - NodePorts bypass the ingress and its TLS (N02) */
    readonly servicesNodePorts?: number;
}
/** Requests and limits of one resource, as quantity strings. */
export interface RequestAndLimit {
    /** The request, e.g. `250m` or `256Mi`. */
    readonly request: string;
    /** The limit, e.g. `1` or `512Mi`. */
    readonly limit: string;
}
/**
 * Defaults the LimitRange gives containers that declare nothing. Hardened workloads declare their
 * own (R01, R02); these exist so a stray pod still fits the quota (which requires limits) and
 * cannot take a node down.
 */
export interface ContainerDefaults {
    /** @default { request: '100m', limit: '500m' } - enough for a sidecar or debug pod, too little to starve a node */
    readonly cpu?: RequestAndLimit;
    /** @default { request: '128Mi', limit: '256Mi' } - a small process; a leak is OOM-killed early */
    readonly memory?: RequestAndLimit;
    /** @default { request: '64Mi', limit: '256Mi' } - logs and scratch only; a runaway writer is evicted */
    readonly ephemeralStorage?: RequestAndLimit;
}
/** Lets cert-manager's ACME http01 solver pods be reached by the ingress controller under default-deny. */
export interface AcmeSolverAccess {
    /** The ingress controller that serves `/.well-known/acme-challenge/` to Let's Encrypt. */
    readonly ingressController: NamespacePeer;
}
export interface PlatformNamespaceProps {
    /** The namespace's name (an RFC 1123 label, not `default`). */
    readonly name: string;
    /** `app.kubernetes.io/part-of` of the namespace and its guard objects. */
    readonly partOf: string;
    /** `app.kubernetes.io/version` of the namespace and its guard objects, usually the platform's release. */
    readonly version: string;
    /**
     * The Pod Security Standards version the `*-version` labels pin, e.g. `v1.30`.
     * @default 'latest' - the cluster's own version of the restricted profile, so it tightens with upgrades
     */
    readonly podSecurityVersion?: string;
    /**
     * The namespace's ResourceQuota; fields left out keep their defaults.
     * @default - see NamespaceQuota
     */
    readonly quota?: NamespaceQuota;
    /**
     * The LimitRange's container defaults; fields left out keep their defaults.
     * @default - see ContainerDefaults
     */
    readonly containerDefaults?: ContainerDefaults;
    /**
     * The cluster DNS every pod of the namespace may query.
     * @default KUBE_DNS - CoreDNS as `k8s-app=kube-dns` in kube-system
     */
    readonly dns?: DnsServer;
    /**
     * Admit the ingress controller to cert-manager's http01 solver pods (port 8089).
     * @default - no such policy: only needed when certificates are issued through ACME http01
     */
    readonly acmeSolver?: AcmeSolverAccess;
}
/** The label cert-manager puts on its ACME http01 solver pods, and the port they listen on. */
export declare const ACME_SOLVER_LABEL = "acme.cert-manager.io/http01-solver";
export declare const ACME_SOLVER_PORT = 8089;
/**
 * A namespace that is safe to deploy into (N06, N07, N09): Pod Security Admission `restricted`
 * enforced, audited and warned; a ResourceQuota (no LoadBalancer or NodePort Services); a
 * LimitRange with container defaults; a default-deny NetworkPolicy for both directions with DNS
 * egress allowed explicitly; and, optionally, access for the ingress controller to ACME solvers.
 */
export declare class PlatformNamespace extends Construct {
    /** The namespace's name. */
    readonly name: string;
    /** The Namespace object. */
    readonly namespace: ApiObject;
    /** Names of the NetworkPolicies the namespace starts with. */
    readonly policyNames: readonly string[];
    constructor(scope: Construct, id: string, props: PlatformNamespaceProps);
    private checkQuota;
    private checkContainerDefaults;
}
