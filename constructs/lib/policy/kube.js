import { CLUSTER_SCOPE } from './types.js';
export function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** A field as a record, or an empty one: the policy reads optional structure without `?.` chains. */
export function rec(value) {
    return isRecord(value) ? value : {};
}
/** A field as an array of records (non-records dropped), or an empty array. */
export function list(value) {
    return Array.isArray(value) ? value.filter(isRecord) : [];
}
export function stringMap(value) {
    const out = {};
    for (const [k, v] of Object.entries(rec(value)))
        out[k] = String(v);
    return out;
}
/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function apiGroup(apiVersion) {
    const slash = apiVersion.indexOf('/');
    return slash < 0 ? '' : apiVersion.slice(0, slash);
}
/** Kinds that have no namespace (built-in and the CRDs this platform uses). */
const CLUSTER_SCOPED_KINDS = new Set([
    'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus',
    'ClusterRole', 'ClusterRoleBinding',
    'CustomResourceDefinition', 'APIService',
    'PriorityClass', 'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'RuntimeClass',
    'IngressClass', 'IngressClassParams',
    'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
    'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
    'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
    'ClusterIssuer', 'GatewayClass', 'ClusterSecretStore', 'ClusterExternalSecret', 'ClusterGenerator',
    'ClusterImageCatalog',
]);
/**
 * Scope of kinds: the known cluster-scoped kinds, overridden by any CustomResourceDefinition in the
 * output (its `spec.scope` is authoritative for its kind).
 */
export class ScopeTable {
    crdScopes = new Map();
    constructor(objects) {
        for (const o of objects) {
            if (o.kind !== 'CustomResourceDefinition')
                continue;
            const spec = rec(o.spec);
            const kind = rec(spec.names).kind;
            if (typeof spec.group === 'string' && typeof kind === 'string') {
                this.crdScopes.set(`${spec.group}/${kind}`, spec.scope === 'Cluster');
            }
        }
    }
    isClusterScoped(o) {
        return this.crdScopes.get(`${apiGroup(o.apiVersion)}/${o.kind}`) ?? CLUSTER_SCOPED_KINDS.has(o.kind);
    }
}
export function nameOf(o) {
    return typeof o.metadata?.name === 'string' && o.metadata.name !== '' ? o.metadata.name : '<unnamed>';
}
/** The namespace as written, or undefined. */
export function declaredNamespace(o) {
    const ns = o.metadata?.namespace;
    return typeof ns === 'string' && ns !== '' ? ns : undefined;
}
/** The namespace shown in a violation. */
export function displayNamespace(o) {
    return declaredNamespace(o) ?? CLUSTER_SCOPE;
}
/** Kinds whose objects carry a pod template (or are a pod). */
export const POD_BEARING_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
/** Kinds whose pods run to completion: no probes, and nothing needs to reach them. */
export const RUN_TO_COMPLETION_KINDS = new Set(['Job', 'CronJob']);
/** Kinds whose replicas count matters for availability (A rules). */
export const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet']);
export function podTemplateOf(o) {
    if (!POD_BEARING_KINDS.has(o.kind))
        return undefined;
    if (o.kind === 'Pod') {
        return { spec: rec(o.spec), labels: stringMap(o.metadata?.labels), annotations: stringMap(o.metadata?.annotations) };
    }
    const spec = rec(o.spec);
    const template = o.kind === 'CronJob' ? rec(rec(rec(spec.jobTemplate).spec).template) : rec(spec.template);
    const meta = rec(template.metadata);
    return { spec: rec(template.spec), labels: stringMap(meta.labels), annotations: stringMap(meta.annotations) };
}
export function containersOf(podSpec) {
    const toRef = (c, init) => ({
        container: c,
        name: typeof c.name === 'string' ? c.name : '<unnamed>',
        init: init && c.restartPolicy !== 'Always',
    });
    return [...list(podSpec.initContainers).map((c) => toRef(c, true)), ...list(podSpec.containers).map((c) => toRef(c, false))];
}
/** Whether a LabelSelector (matchLabels + matchExpressions) selects a set of labels. Empty selects all. */
export function selectorMatches(selector, labels) {
    const s = rec(selector);
    if (!matchLabels(stringMap(s.matchLabels), labels))
        return false;
    return list(s.matchExpressions).every((e) => {
        const key = String(e.key);
        const values = Array.isArray(e.values) ? e.values.map(String) : [];
        const has = Object.hasOwn(labels, key);
        switch (e.operator) {
            case 'In': return has && values.includes(labels[key]);
            case 'NotIn': return !has || !values.includes(labels[key]);
            case 'Exists': return has;
            case 'DoesNotExist': return !has;
            default: return false;
        }
    });
}
/** Whether every key/value of a plain selector map is in the labels (a Service selector). */
export function matchLabels(selector, labels) {
    return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
/** Whether a selector is empty (selects everything). */
export function isEmptySelector(selector) {
    const s = rec(selector);
    return Object.keys(rec(s.matchLabels)).length === 0 && list(s.matchExpressions).length === 0;
}
