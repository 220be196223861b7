/**
 * The Kubernetes recommended labels (app.kubernetes.io/*) that every object carries (hardening A08),
 * and the single label that selectors and network policies key on (N06).
 */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const MANAGED_BY = 'cdk8s';
/** All six recommended labels for an object of this identity. */
export function recommendedLabels(id) {
    return {
        [NAME_LABEL]: id.name,
        [INSTANCE_LABEL]: id.instance ?? id.name,
        'app.kubernetes.io/version': id.version,
        'app.kubernetes.io/component': id.component,
        'app.kubernetes.io/part-of': id.partOf,
        'app.kubernetes.io/managed-by': MANAGED_BY,
    };
}
/**
 * The labels a workload's selector uses: name and instance only, because they never change over
 * the workload's life (a Deployment's selector is immutable; version is not).
 */
export function selectorLabels(id) {
    return { [NAME_LABEL]: id.name, [INSTANCE_LABEL]: id.instance ?? id.name };
}
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Whether a string is a valid label value (<= 63 chars, alphanumeric at both ends). */
export function isValidLabelValue(value) {
    return value.length <= 63 && LABEL_VALUE.test(value);
}
