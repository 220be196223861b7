/**
 * The policy check on a cdk8s construct tree: collects what every Chart under a scope synthesizes
 * (cdk8s-plus constructs, raw ApiObjects and Included YAML alike), runs the rules and schema
 * validation, and fails with one error listing every violation.
 *
 * Schema models are loaded on demand with `import()` (see schemas.ts), so the explicit checks are
 * async. The cdk8s validation (`addHardeningValidation`) runs inside the synchronous `app.synth()`
 * and cannot await: it checks against models loaded beforehand with `await loadSchemasFor(app)`.
 * Static imports of every model would make it self-sufficient, but would cost every importer of
 * this module (the platform synth included) the seconds the on-demand loading saves.
 */
import { Chart } from 'cdk8s';
import { Node } from 'constructs';
import { formatViolation } from './types.js';
import { loadSchemas, validateLoadedSchemas } from './schemas.js';
import { checkManifests, sortViolations } from './check.js';
/** The synthesized objects broke the hardening policy; `violations` lists each one. */
export class HardeningPolicyError extends Error {
    violations;
    name = 'HardeningPolicyError';
    constructor(violations) {
        super(`hardening policy check failed with ${violations.length} violation(s):\n${violations.map(formatViolation).join('\n')}`);
        this.violations = violations;
    }
}
/** True while charts are being synthesized for a check: Chart.toJson() runs the app's validations, this one included. */
let collecting = false;
/**
 * Every object the Charts at or under `scope` synthesize, in the order cdk8s writes them.
 * Throws if there is no Chart there.
 */
export function collectManifests(scope) {
    const charts = scope.node.findAll().filter((c) => Chart.isChart(c));
    if (charts.length === 0)
        throw new Error(`${scope.node.path || '<app>'}: no Chart to check at or under this construct`);
    const wasCollecting = collecting;
    collecting = true;
    try {
        return charts.flatMap((chart) => chart.toJson().filter((o) => o !== undefined && o !== null));
    }
    finally {
        collecting = wasCollecting;
    }
}
/** Rules and schemas over already collected objects whose schemas are loaded, sorted by object. */
function violationsOf(objects, options) {
    return sortViolations([...checkManifests(objects, options), ...validateLoadedSchemas(objects, options)]);
}
/** Every violation of the objects under `scope` (rules and schemas, sorted by object), without throwing. */
export async function checkHardening(scope, options = {}) {
    const objects = collectManifests(scope);
    await loadSchemas(objects);
    return violationsOf(objects, options);
}
/** Rejects with one HardeningPolicyError listing every violation under `scope`, one per line. */
export async function enforceHardening(scope, options = {}) {
    const violations = await checkHardening(scope, options);
    if (violations.length > 0)
        throw new HardeningPolicyError(violations);
}
/**
 * Loads the schema models of every object under `scope`, for `addHardeningValidation`: call it
 * after the last construct is added and before `app.synth()`.
 */
export async function loadSchemasFor(scope) {
    await loadSchemas(collectManifests(scope));
}
/**
 * Makes `app.synth()` (and so `cdk8s synth`) fail on any violation under `scope`: App.synth()
 * runs construct validations before it writes a file (it only creates the empty outdir), and this
 * one throws the HardeningPolicyError. It is synchronous, so `await loadSchemasFor(scope)` must run
 * before `app.synth()`; an object whose schema was not loaded makes synth throw SchemasNotLoadedError.
 * Validations also run inside Chart.toJson(), so the check skips itself while it is collecting.
 */
export function addHardeningValidation(scope, options = {}) {
    Node.of(scope).addValidation({
        validate: () => {
            if (collecting)
                return [];
            const violations = violationsOf(collectManifests(scope), options);
            if (violations.length > 0)
                throw new HardeningPolicyError(violations);
            return [];
        },
    });
}
