import type { RuleId } from './rules.js';
/** Object metadata as the policy reads it. */
export interface KubeMetadata {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly [key: string]: unknown;
}
/** A plain Kubernetes object, as synthesized to JSON (or parsed from YAML). */
export interface KubeObject {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata?: KubeMetadata;
    readonly [key: string]: unknown;
}
/** One broken rule on one object. */
export interface Violation {
    /** The rule id, e.g. `S08`. */
    readonly rule: RuleId;
    /** The object's kind. */
    readonly kind: string;
    /** The object's namespace; `-` for cluster-scoped objects (and for namespaced ones missing it). */
    readonly namespace: string;
    /** The object's name. */
    readonly name: string;
    /** What is wrong, naming the container, field and value where there is one. */
    readonly message: string;
}
/** What the check may assume about the environment the manifests are for. */
export interface PolicyOptions {
    /**
     * A single-node dev environment: A01 accepts `replicas: 1` and a workload with one replica needs
     * no PodDisruptionBudget (A03).
     * @default false - every environment but a single-node dev one needs redundancy
     */
    readonly singleNode?: boolean;
    /**
     * Every image must be pinned by `@sha256:` digest (I02).
     * @default false - tags are enough where images are built and pushed by the same pipeline
     */
    readonly requireDigests?: boolean;
    /**
     * Namespaces that exist outside this output (e.g. `argocd`, `kube-system`, `ingress-nginx`):
     * the namespace rules (N06 default-deny, N09) do not demand them, and route backends there are
     * not resolved (N03).
     * @default [] - every namespace an object uses must be in the output
     */
    readonly externalNamespaces?: readonly string[];
}
/** The namespace shown for cluster-scoped objects in violations. */
export declare const CLUSTER_SCOPE = "-";
/** `<kind>/<namespace>/<name>: <rule id> <what is wrong>`, e.g. `Deployment/todo/api: S08 container "api" ...`. */
export declare function formatViolation(v: Violation): string;
