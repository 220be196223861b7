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

/** How much a finding matters: an `error` fails the check, a `warning` is only reported. */
export type Severity = 'error' | 'warning';

/** One broken rule on one object. */
export interface Finding {
  /** The rule id, e.g. `S08` (a built-in rule) or the id of a custom rule. */
  readonly rule: string;
  /** The object's kind. */
  readonly kind: string;
  /** The object's namespace; `-` for cluster-scoped objects (and for namespaced ones missing it). */
  readonly namespace: string;
  /** The object's name. */
  readonly name: string;
  /** The field the finding is about, e.g. `spec.template.spec.containers[0].securityContext.privileged`; `` for the whole object. */
  readonly path: string;
  /** The container the finding is about, when there is one (a waiver can be narrowed to it). */
  readonly container?: string;
  /** What is wrong, naming the container, field and value where there is one. */
  readonly message: string;
  /** `error` unless the rule's severity was lowered with the `severity` property. */
  readonly severity: Severity;
}

/** The namespace shown for cluster-scoped objects in findings. */
export const CLUSTER_SCOPE = '-';

/** `<kind>/<namespace>/<name>: <rule id> <what is wrong>`, e.g. `Deployment/todo/api: S08 container "api" ...`. */
export function formatFinding(f: Finding): string {
  return `${f.kind}/${f.namespace}/${f.name}: ${f.rule} ${f.message}`;
}
