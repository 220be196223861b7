/** Reading plain Kubernetes objects: scope, identity, pod templates, label selectors. */
import type { KubeObject } from './types.js';
import { CLUSTER_SCOPE } from './types.js';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field as a record, or an empty one: the policy reads optional structure without `?.` chains. */
export function rec(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** A field as an array of records (non-records dropped), or an empty array. */
export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(value))) out[k] = String(v);
  return out;
}

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Kinds that have no namespace (built-in and the CRDs this platform uses). */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ComponentStatus',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'RuntimeClass',
  'IngressClass',
  'IngressClassParams',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ClusterIssuer',
  'GatewayClass',
  'ClusterSecretStore',
  'ClusterExternalSecret',
  'ClusterGenerator',
  'ClusterImageCatalog',
]);

/**
 * Scope of kinds: the known cluster-scoped kinds, overridden by any CustomResourceDefinition in the
 * output (its `spec.scope` is authoritative for its kind).
 */
export class ScopeTable {
  private readonly crdScopes = new Map<string, boolean>();

  constructor(objects: readonly KubeObject[]) {
    for (const o of objects) {
      if (o.kind !== 'CustomResourceDefinition') continue;
      const spec = rec(o.spec);
      const kind = rec(spec.names).kind;
      if (typeof spec.group === 'string' && typeof kind === 'string') {
        this.crdScopes.set(`${spec.group}/${kind}`, spec.scope === 'Cluster');
      }
    }
  }

  isClusterScoped(o: KubeObject): boolean {
    return this.crdScopes.get(`${apiGroup(o.apiVersion)}/${o.kind}`) ?? CLUSTER_SCOPED_KINDS.has(o.kind);
  }
}

export function nameOf(o: KubeObject): string {
  return typeof o.metadata?.name === 'string' && o.metadata.name !== '' ? o.metadata.name : '<unnamed>';
}

/** The namespace as written, or undefined. */
export function declaredNamespace(o: KubeObject): string | undefined {
  const ns = o.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** The namespace shown in a violation. */
export function displayNamespace(o: KubeObject): string {
  return declaredNamespace(o) ?? CLUSTER_SCOPE;
}

/** Built-in kinds and where their pod spec is; any other kind is searched at every path of POD_SPEC_PATHS. */
const BUILT_IN_POD_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};
/**
 * Where a custom resource embeds a pod template (Argo Rollouts, OpenKruise, KEDA ScaledJob, ...):
 * the same places as the built-in kinds. A template there counts when its spec has a containers list.
 */
const POD_TEMPLATE_PATHS: readonly (readonly string[])[] = [
  ['spec', 'template'],
  ['spec', 'jobTemplate', 'spec', 'template'],
  ['template'],
];
/** Kinds whose pods run to completion: no probes, and nothing needs to reach them. */
export const RUN_TO_COMPLETION_KINDS = new Set(['Job', 'CronJob']);
/** Kinds whose replicas count matters for availability (A rules); Rollout is Argo Rollouts' Deployment. */
export const REPLICATED_KINDS = new Set(['Deployment', 'StatefulSet', 'Rollout']);

/** A pod template as the rules read it. */
export interface PodTemplate {
  readonly spec: Json;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Where the pod spec is in the object, e.g. `spec.template.spec`. */
  readonly path: string;
}

function at(o: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => rec(value)[key], o);
}

function templateAt(o: KubeObject, path: readonly string[]): PodTemplate {
  const template = rec(at(o, path));
  const meta = rec(template.metadata);
  return {
    spec: rec(template.spec),
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    path: [...path, 'spec'].join('.'),
  };
}

/**
 * The pod spec an object runs, whatever its kind: a Pod's spec, a built-in workload's template, or
 * a pod template embedded by a custom resource at spec.template, spec.jobTemplate.spec.template or template.
 */
export function podTemplateOf(o: KubeObject): PodTemplate | undefined {
  if (o.kind === 'Pod' && o.apiVersion === 'v1') {
    return { spec: rec(o.spec), labels: stringMap(o.metadata?.labels), annotations: stringMap(o.metadata?.annotations), path: 'spec' };
  }
  const builtIn = isBuiltInGroup(apiGroup(String(o.apiVersion))) ? BUILT_IN_POD_TEMPLATES[o.kind] : undefined;
  if (builtIn) return templateAt(o, builtIn);
  const path = POD_TEMPLATE_PATHS.find((p) => Array.isArray(rec(rec(at(o, p)).spec).containers));
  return path ? templateAt(o, path) : undefined;
}

/** The core group, or a group without a dot (apps, batch, ...): where Kubernetes' own kinds live. */
function isBuiltInGroup(group: string): boolean {
  return !group.includes('.');
}

/** A container with how it runs. */
export interface ContainerRef {
  readonly container: Json;
  readonly name: string;
  /** An init container that is not a restartable sidecar. */
  readonly init: boolean;
  /** Where the container is in the object, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
}

export function containersOf(template: PodTemplate): ContainerRef[] {
  const toRef = (c: Json, init: boolean, index: number): ContainerRef => ({
    container: c,
    name: typeof c.name === 'string' ? c.name : '<unnamed>',
    init: init && c.restartPolicy !== 'Always',
    path: `${template.path}.${init ? 'initContainers' : 'containers'}[${index}]`,
  });
  const indexed = (value: unknown): [Json, number][] =>
    (Array.isArray(value) ? value.map((c, i): [unknown, number] => [c, i]) : []).filter((entry): entry is [Json, number] =>
      isRecord(entry[0]),
    );
  return [
    ...indexed(template.spec.initContainers).map(([c, i]) => toRef(c, true, i)),
    ...indexed(template.spec.containers).map(([c, i]) => toRef(c, false, i)),
  ];
}

/** Whether a LabelSelector (matchLabels + matchExpressions) selects a set of labels. Empty selects all. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const s = rec(selector);
  if (!matchLabels(stringMap(s.matchLabels), labels)) return false;
  return list(s.matchExpressions).every((e) => {
    const key = String(e.key);
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const has = Object.hasOwn(labels, key);
    switch (e.operator) {
      case 'In':
        return has && values.includes(labels[key]!);
      case 'NotIn':
        return !has || !values.includes(labels[key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** Whether every key/value of a plain selector map is in the labels (a Service selector). */
export function matchLabels(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Whether a selector is empty (selects everything). */
export function isEmptySelector(selector: unknown): boolean {
  const s = rec(selector);
  return Object.keys(rec(s.matchLabels)).length === 0 && list(s.matchExpressions).length === 0;
}
