/** What every built-in rule sees: the whole object set, indexed, and a way to report a finding. */
import type { Finding, KubeObject } from './types.js';
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

/** Where a finding is reported: an object in the set, or one that should be (e.g. a missing Namespace). */
export type Subject = KubeObject | { readonly kind: string; readonly namespace: string; readonly name: string };

/** Where in the object a finding is: the field path, and the container when there is one. */
export interface Location {
  readonly path?: string;
  readonly container?: string;
}

/** A finding before waivers and severities: the rule, the object (when in the set) and where. */
export interface RawFinding extends Omit<Finding, 'severity'> {
  /** The object reported on, when it is in the set (not for a missing Namespace). */
  readonly object?: KubeObject;
}

/** The environment assumptions the built-in rules read. */
export interface RuleOptions {
  readonly singleNode: boolean;
  readonly requireDigests: boolean;
  readonly externalNamespaces: ReadonlySet<string>;
}

export class CheckContext {
  readonly workloads: readonly Workload[];
  readonly scopes: ScopeTable;
  readonly singleNode: boolean;
  readonly requireDigests: boolean;
  readonly externalNamespaces: ReadonlySet<string>;
  readonly findings: RawFinding[] = [];

  constructor(
    readonly objects: readonly KubeObject[],
    options: RuleOptions,
  ) {
    this.scopes = new ScopeTable(objects);
    this.singleNode = options.singleNode;
    this.requireDigests = options.requireDigests;
    this.externalNamespaces = options.externalNamespaces;
    this.workloads = objects.flatMap((object) => {
      const template = podTemplateOf(object);
      return template ? [{ object, template, namespace: declaredNamespace(object) }] : [];
    });
  }

  report(subject: Subject, rule: RuleId, message: string, at: Location = {}): void {
    this.findings.push(findingOn(subject, rule, message, at));
  }

  /** Objects of a kind in a namespace. */
  inNamespace(kind: string, namespace: string | undefined): KubeObject[] {
    return this.objects.filter((o) => o.kind === kind && declaredNamespace(o) === namespace);
  }
}

/** A finding on a subject, naming it the way every report does. */
export function findingOn(subject: Subject, rule: string, message: string, at: Location = {}): RawFinding {
  const inSet = 'apiVersion' in subject || 'metadata' in subject;
  const where = inSet
    ? {
        kind: String(subject.kind),
        namespace: displayNamespace(subject as KubeObject),
        name: nameOf(subject as KubeObject),
        object: subject as KubeObject,
      }
    : { kind: subject.kind, namespace: subject.namespace, name: subject.name };
  return { rule, ...where, path: at.path ?? '', ...(at.container === undefined ? {} : { container: at.container }), message };
}
