/** The namespace shown for cluster-scoped objects in violations. */
export const CLUSTER_SCOPE = '-';
/** `<kind>/<namespace>/<name>: <rule id> <what is wrong>`, e.g. `Deployment/todo/api: S08 container "api" ...`. */
export function formatViolation(v) {
    return `${v.kind}/${v.namespace}/${v.name}: ${v.rule} ${v.message}`;
}
