/**
 * A small evaluator of Kubernetes NetworkPolicy semantics over plain JSON (synthesized manifests),
 * so tests can ask "may pod A reach pod B on port P?" and assert that exactly the intended flows are
 * allowed and every other one is denied. It implements the networking.k8s.io/v1 rules:
 *
 * - a pod is isolated for a direction only if some policy in its namespace selects it and lists
 *   that direction in `policyTypes` (absent `policyTypes`: Ingress, plus Egress if `egress` is set);
 * - a connection needs the source's egress AND the destination's ingress to allow it;
 * - policies are additive (any rule of any selecting policy allowing the flow is enough);
 * - peers: `podSelector` alone (same namespace as the policy), `namespaceSelector` alone (all pods
 *   of matching namespaces), both (matching pods in matching namespaces), `ipBlock` (cidr minus except);
 * - ports: absent means all; `port` by number or by the destination container port's name;
 *   `endPort` ranges; protocol defaults to TCP.
 *
 * Not modelled (not needed by this project): hostNetwork pods, node-local exemptions, IPv6 ipBlocks.
 */
/** A label selector as it appears in JSON. */
export interface LabelSelectorJson {
    readonly matchLabels?: Record<string, string>;
    readonly matchExpressions?: ReadonlyArray<{
        readonly key: string;
        readonly operator: string;
        readonly values?: readonly string[];
    }>;
}
/** A named container port of a pod, which named policy ports resolve against. */
export interface NamedContainerPort {
    readonly name: string;
    readonly port: number;
    /** @default 'TCP' */
    readonly protocol?: string;
}
/** A pod as the evaluator sees it. */
export interface PodEndpoint {
    readonly namespace: string;
    readonly labels: Record<string, string>;
    /** The pod's named container ports (only needed when policies use named ports). */
    readonly ports?: readonly NamedContainerPort[];
    /** The pod's IP (only needed when policies use ipBlock for in-cluster pods). */
    readonly ip?: string;
}
/** An address outside the cluster (an external database, the internet), reachable only through ipBlock. */
export interface ExternalEndpoint {
    readonly ip: string;
}
export type Endpoint = PodEndpoint | ExternalEndpoint;
/** Namespace name → the namespace's labels; `kubernetes.io/metadata.name` is added automatically as the API server does. */
export type NamespaceLabels = Record<string, Record<string, string>>;
/** A connection attempt. */
export interface Flow {
    readonly from: Endpoint;
    readonly to: Endpoint;
    readonly port: number;
    /** @default 'TCP' */
    readonly protocol?: string;
}
/** Why a flow is or is not allowed: each side's verdict and the policies that decided it. */
export interface FlowVerdict {
    readonly allowed: boolean;
    /** Whether the source may send: `isolated` is false when no policy selects the source for Egress. */
    readonly egress: SideVerdict;
    /** Whether the destination may receive (always allowed for external destinations). */
    readonly ingress: SideVerdict;
}
export interface SideVerdict {
    readonly allowed: boolean;
    readonly isolated: boolean;
    /** Names (`namespace/name`) of the policies whose rules allowed the flow. */
    readonly allowedBy: readonly string[];
}
/** Whether a selector matches a label set (`{}` matches everything). */
export declare function selectorMatches(selector: LabelSelectorJson, labels: Record<string, string>): boolean;
/** Whether an IPv4 address lies in a CIDR range. */
export declare function cidrContains(cidr: string, ip: string): boolean;
/**
 * Evaluates one flow against a set of objects (non-NetworkPolicy objects are ignored, so a whole
 * synthesized manifest can be passed as is).
 */
export declare function evaluateFlow(objects: readonly unknown[], namespaces: NamespaceLabels, flow: Flow): FlowVerdict;
/** Whether `from` may open a connection to `to` on `port` under these policies. */
export declare function isAllowed(objects: readonly unknown[], namespaces: NamespaceLabels, from: Endpoint, to: Endpoint, port: number, protocol?: string): boolean;
/** The namespaces' labels, read from the Namespace objects of a synthesized manifest. */
export declare function namespacesOf(objects: readonly unknown[]): NamespaceLabels;
/** A named endpoint for {@link allowedFlows}. */
export interface NamedEndpoint {
    readonly name: string;
    readonly endpoint: Endpoint;
}
/**
 * Every allowed `from -> to:port` among these endpoints and ports (self-flows included), sorted:
 * a test can compare it to the exact list of intended flows, so an unintended allow and a
 * missing allow both fail the same assertion.
 */
export declare function allowedFlows(objects: readonly unknown[], namespaces: NamespaceLabels, endpoints: readonly NamedEndpoint[], ports: readonly number[], protocol?: string): string[];
