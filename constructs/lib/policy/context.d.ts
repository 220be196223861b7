/** What every rule sees: the whole object set, indexed, and a way to report a violation. */
import type { KubeObject, PolicyOptions, Violation } from './types.js';
import type { RuleId } from './rules.js';
import type { PodTemplate } from './kube.js';
import { ScopeTable } from './kube.js';
/** A pod-bearing object and its pod template. */
export interface Workload {
    readonly object: KubeObject;
    readonly template: PodTemplate;
    /** The namespace as written (undefined when missing; N07 reports that). */
    readonly namespace: string | undefined;
}
/** Where a violation is reported: an object in the set, or one that should be (e.g. a missing Namespace). */
export type Subject = KubeObject | {
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
};
export declare class CheckContext {
    readonly objects: readonly KubeObject[];
    readonly workloads: readonly Workload[];
    readonly scopes: ScopeTable;
    readonly singleNode: boolean;
    readonly requireDigests: boolean;
    readonly externalNamespaces: ReadonlySet<string>;
    readonly violations: Violation[];
    constructor(objects: readonly KubeObject[], options: PolicyOptions);
    report(subject: Subject, rule: RuleId, message: string): void;
    /** Objects of a kind in a namespace. */
    inNamespace(kind: string, namespace: string | undefined): KubeObject[];
}
