import type { IConstruct } from 'constructs';
/** A construct was given props it cannot turn into safe manifests. Raised before anything is built. */
export declare class InvalidPropsError extends Error {
    readonly name = "InvalidPropsError";
}
/**
 * Throws an error naming the construct path, the prop and the offending value, so a failed
 * synth points straight at the line to fix: `Platform/dev/todo-api: image "todo:latest" ...`.
 */
export declare function invalidProp(scope: IConstruct, prop: string, value: unknown, why: string): never;
