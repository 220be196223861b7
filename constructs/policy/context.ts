/** What every rule sees: the whole object set, indexed, and a way to report a violation. */
import type { KubeObject, PolicyOptions, Violation } from './types.js';
import type { RuleId } from './rules.js';
import type { PodTemplate } from './kube.js';
import { ScopeTable, declaredNamespace, displayNamespace, nameOf, podTemplateOf } from './kube.js';

/** A pod-bearing object and its pod template. */
export interface Workload {
  readonly object: KubeObject;
  readonly template: PodTemplate;
  /** The namespace as written (undefined when missing; N07 reports that). */
  readonly namespace: string | undefined;
}

/** Where a violation is reported: an object in the set, or one that should be (e.g. a missing Namespace). */
export type Subject = KubeObject | { readonly kind: string; readonly namespace: string; readonly name: string };

export class CheckContext {
  readonly workloads: readonly Workload[];
  readonly scopes: ScopeTable;
  readonly singleNode: boolean;
  readonly requireDigests: boolean;
  readonly externalNamespaces: ReadonlySet<string>;
  readonly violations: Violation[] = [];

  constructor(readonly objects: readonly KubeObject[], options: PolicyOptions) {
    this.scopes = new ScopeTable(objects);
    this.singleNode = options.singleNode ?? false;
    this.requireDigests = options.requireDigests ?? false;
    this.externalNamespaces = new Set(options.externalNamespaces ?? []);
    this.workloads = objects.flatMap((object) => {
      const template = podTemplateOf(object);
      return template ? [{ object, template, namespace: declaredNamespace(object) }] : [];
    });
  }

  report(subject: Subject, rule: RuleId, message: string): void {
    const where = 'apiVersion' in subject || 'metadata' in subject
      ? { kind: String(subject.kind), namespace: displayNamespace(subject as KubeObject), name: nameOf(subject as KubeObject) }
      : { kind: subject.kind, namespace: subject.namespace, name: subject.name };
    this.violations.push({ rule, ...where, message });
  }

  /** Objects of a kind in a namespace. */
  inNamespace(kind: string, namespace: string | undefined): KubeObject[] {
    return this.objects.filter((o) => o.kind === kind && declaredNamespace(o) === namespace);
  }
}
