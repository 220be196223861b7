import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
/** What the constructs need from a kubernetes-models object: its schema check and its plain JSON. */
export interface SchemaModel {
    validate(): void;
    toJSON(): unknown;
}
/**
 * Adds a kubernetes-models object to the tree as an ApiObject, after checking it against its
 * OpenAPI schema, so a malformed object fails at synth with the construct path rather than at
 * `kubectl apply`. Cluster-scoped kinds drop the chart's default namespace (cdk8s would add it).
 */
export declare function addModelObject(scope: Construct, id: string, model: SchemaModel, options?: {
    readonly clusterScoped?: boolean;
}): ApiObject;
/**
 * Adds a Kubernetes object given as plain JSON, typed by its kubernetes-models interface
 * (`addKubeObject<IService>(...)`). The interfaces are type-only imports, so no generated class
 * library is loaded at synth.
 */
export declare function addKubeObject<T extends {
    readonly apiVersion: string;
    readonly kind: string;
}>(scope: Construct, id: string, manifest: T): ApiObject;
