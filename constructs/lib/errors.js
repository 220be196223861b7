/** A construct was given props it cannot turn into safe manifests. Raised before anything is built. */
export class InvalidPropsError extends Error {
    name = 'InvalidPropsError';
}
/**
 * Throws an error naming the construct path, the prop and the offending value, so a failed
 * synth points straight at the line to fix: `Platform/dev/todo-api: image "todo:latest" ...`.
 */
export function invalidProp(scope, prop, value, why) {
    throw new InvalidPropsError(`${scope.node.path}: invalid ${prop} ${JSON.stringify(value)}: ${why}`);
}
