/** Reading plain Kubernetes objects: scope, identity, pod templates, label selectors. */
import type { KubeObject } from './types.js';
export type Json = Record<string, unknown>;
export declare function isRecord(value: unknown): value is Json;
/** A field as a record, or an empty one: the policy reads optional structure without `?.` chains. */
export declare function rec(value: unknown): Json;
/** A field as an array of records (non-records dropped), or an empty array. */
export declare function list(value: unknown): Json[];
export declare function stringMap(value: unknown): Record<string, string>;
/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → `` (core). */
export declare function apiGroup(apiVersion: string): string;
/**
 * Scope of kinds: the known cluster-scoped kinds, overridden by any CustomResourceDefinition in the
 * output (its `spec.scope` is authoritative for its kind).
 */
export declare class ScopeTable {
    private readonly crdScopes;
    constructor(objects: readonly KubeObject[]);
    isClusterScoped(o: KubeObject): boolean;
}
export declare function nameOf(o: KubeObject): string;
/** The namespace as written, or undefined. */
export declare function declaredNamespace(o: KubeObject): string | undefined;
/** The namespace shown in a violation. */
export declare function displayNamespace(o: KubeObject): string;
/** Kinds whose objects carry a pod template (or are a pod). */
export declare const POD_BEARING_KINDS: Set<string>;
/** Kinds whose pods run to completion: no probes, and nothing needs to reach them. */
export declare const RUN_TO_COMPLETION_KINDS: Set<string>;
/** Kinds whose replicas count matters for availability (A rules). */
export declare const REPLICATED_KINDS: Set<string>;
/** A pod template as the rules read it. */
export interface PodTemplate {
    readonly spec: Json;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
}
export declare function podTemplateOf(o: KubeObject): PodTemplate | undefined;
/** A container with how it runs. */
export interface ContainerRef {
    readonly container: Json;
    readonly name: string;
    /** An init container that is not a restartable sidecar. */
    readonly init: boolean;
}
export declare function containersOf(podSpec: Json): ContainerRef[];
/** Whether a LabelSelector (matchLabels + matchExpressions) selects a set of labels. Empty selects all. */
export declare function selectorMatches(selector: unknown, labels: Record<string, string>): boolean;
/** Whether every key/value of a plain selector map is in the labels (a Service selector). */
export declare function matchLabels(selector: Record<string, string>, labels: Record<string, string>): boolean;
/** Whether a selector is empty (selects everything). */
export declare function isEmptySelector(selector: unknown): boolean;
