/**
 * The Kubernetes recommended labels (app.kubernetes.io/*) that every object carries (hardening A08),
 * and the single label that selectors and network policies key on (N06).
 */
/** Who an object belongs to; the source of its recommended labels. */
export interface AppIdentity {
    /** `app.kubernetes.io/name`: the workload's name, unique in its namespace; the one label policies select on. */
    readonly name: string;
    /**
     * `app.kubernetes.io/instance`: this installation of the workload.
     * @default - the name, since one installation per namespace is the common case
     */
    readonly instance?: string;
    /** `app.kubernetes.io/version`: the version being deployed, usually the image tag. */
    readonly version: string;
    /** `app.kubernetes.io/component`: the role in the architecture, e.g. `api`, `frontend`, `database`. */
    readonly component: string;
    /** `app.kubernetes.io/part-of`: the application this belongs to. */
    readonly partOf: string;
}
export declare const NAME_LABEL = "app.kubernetes.io/name";
export declare const INSTANCE_LABEL = "app.kubernetes.io/instance";
export declare const MANAGED_BY = "cdk8s";
/** All six recommended labels for an object of this identity. */
export declare function recommendedLabels(id: AppIdentity): Record<string, string>;
/**
 * The labels a workload's selector uses: name and instance only, because they never change over
 * the workload's life (a Deployment's selector is immutable; version is not).
 */
export declare function selectorLabels(id: AppIdentity): Record<string, string>;
/** Whether a string is a valid label value (<= 63 chars, alphanumeric at both ends). */
export declare function isValidLabelValue(value: string): boolean;
