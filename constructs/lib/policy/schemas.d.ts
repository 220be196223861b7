/**
 * Schema validation (K01) with the OpenAPI-generated models of `kubernetes-models` and the
 * `@kubernetes-models/*` CRD packages: each object is validated by the model class of its
 * apiVersion and kind, so the API server (or Argo CD) cannot reject at sync what passed synth.
 *
 * Only the model module of each apiVersion/kind met is loaded (`<package>/<group>/<version>/<Kind>`,
 * a few dozen modules), not the packages' root indexes (thousands of modules, seconds per process).
 * The packages are ESM-only with "import"-only exports, so loading is a dynamic `import()` and
 * therefore async: `loadSchemas` (or `validateSchemas`, which calls it) loads, and
 * `validateLoadedSchemas` is the synchronous check for callers that cannot await (a cdk8s
 * validation inside `app.synth()`).
 */
import type { KubeObject, Violation } from './types.js';
/**
 * Loads the model of every apiVersion/kind among `objects` (once per process, concurrently), so
 * `validateLoadedSchemas` can check them synchronously. Objects without an apiVersion or kind are skipped.
 */
export declare function loadSchemas(objects: readonly KubeObject[]): Promise<void>;
/** `validateLoadedSchemas` met an apiVersion/kind whose model `loadSchemas` was never asked for: a caller's bug. */
export declare class SchemasNotLoadedError extends Error {
    readonly name = "SchemasNotLoadedError";
}
/** The `apiVersion/kind` pairs that have a schema, e.g. `apps/v1/Deployment`: loads every package in full (seconds), so for tooling only. */
export declare function knownSchemaKinds(): Promise<string[]>;
/** What schema validation may accept without a schema. */
export interface SchemaOptions {
    /**
     * `apiVersion/kind` pairs with no installed schema that are accepted unvalidated, e.g.
     * `external-secrets.io/v1/ExternalSecret` (a CRD version newer than the installed package).
     * @default [] - an object nobody can validate is reported, so a typo in apiVersion or kind cannot pass
     */
    readonly allowUnknownKinds?: readonly string[];
}
/**
 * Validates every object against its schema, loading the models it needs first; an object of an
 * unknown apiVersion/kind is reported unless allow-listed. Waiver annotations for K01 are honoured.
 */
export declare function validateSchemas(objects: readonly KubeObject[], options?: SchemaOptions): Promise<Violation[]>;
/**
 * `validateSchemas` without loading, for synchronous callers: every apiVersion/kind among `objects`
 * must have gone through `loadSchemas` (throws SchemasNotLoadedError naming the first that did not).
 */
export declare function validateLoadedSchemas(objects: readonly KubeObject[], options?: SchemaOptions): Violation[];
