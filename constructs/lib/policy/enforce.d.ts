import type { IConstruct } from 'constructs';
import type { KubeObject, PolicyOptions, Violation } from './types.js';
import type { SchemaOptions } from './schemas.js';
/** Options of the check on a construct tree: the rules' and schema validation's. */
export type HardeningOptions = PolicyOptions & SchemaOptions;
/** The synthesized objects broke the hardening policy; `violations` lists each one. */
export declare class HardeningPolicyError extends Error {
    readonly violations: readonly Violation[];
    readonly name = "HardeningPolicyError";
    constructor(violations: readonly Violation[]);
}
/**
 * Every object the Charts at or under `scope` synthesize, in the order cdk8s writes them.
 * Throws if there is no Chart there.
 */
export declare function collectManifests(scope: IConstruct): KubeObject[];
/** Every violation of the objects under `scope` (rules and schemas, sorted by object), without throwing. */
export declare function checkHardening(scope: IConstruct, options?: HardeningOptions): Promise<Violation[]>;
/** Rejects with one HardeningPolicyError listing every violation under `scope`, one per line. */
export declare function enforceHardening(scope: IConstruct, options?: HardeningOptions): Promise<void>;
/**
 * Loads the schema models of every object under `scope`, for `addHardeningValidation`: call it
 * after the last construct is added and before `app.synth()`.
 */
export declare function loadSchemasFor(scope: IConstruct): Promise<void>;
/**
 * Makes `app.synth()` (and so `cdk8s synth`) fail on any violation under `scope`: App.synth()
 * runs construct validations before it writes a file (it only creates the empty outdir), and this
 * one throws the HardeningPolicyError. It is synchronous, so `await loadSchemasFor(scope)` must run
 * before `app.synth()`; an object whose schema was not loaded makes synth throw SchemasNotLoadedError.
 * Validations also run inside Chart.toJson(), so the check skips itself while it is collecting.
 */
export declare function addHardeningValidation(scope: IConstruct, options?: HardeningOptions): void;
