/**
 * The policy check on a cdk8s construct tree: collects what every Chart under a scope synthesizes
 * (cdk8s-plus constructs, raw ApiObjects and Included YAML alike), runs the rules and schema
 * validation, and fails with one error listing every violation.
 */
import { Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { Node } from 'constructs';
import type { KubeObject, PolicyOptions, Violation } from './types.js';
import { formatViolation } from './types.js';
import type { SchemaOptions } from './schemas.js';
import { validateSchemas } from './schemas.js';
import { checkManifests, sortViolations } from './check.js';

/** Options of the check on a construct tree: the rules' and schema validation's. */
export type HardeningOptions = PolicyOptions & SchemaOptions;

/** The synthesized objects broke the hardening policy; `violations` lists each one. */
export class HardeningPolicyError extends Error {
  override readonly name = 'HardeningPolicyError';

  constructor(readonly violations: readonly Violation[]) {
    super(`hardening policy check failed with ${violations.length} violation(s):\n${violations.map(formatViolation).join('\n')}`);
  }
}

/** True while charts are being synthesized for a check: Chart.toJson() runs the app's validations, this one included. */
let collecting = false;

/**
 * Every object the Charts at or under `scope` synthesize, in the order cdk8s writes them.
 * Throws if there is no Chart there.
 */
export function collectManifests(scope: IConstruct): KubeObject[] {
  const charts = scope.node.findAll().filter((c): c is Chart => Chart.isChart(c));
  if (charts.length === 0) throw new Error(`${scope.node.path || '<app>'}: no Chart to check at or under this construct`);
  const wasCollecting = collecting;
  collecting = true;
  try {
    return charts.flatMap((chart) => chart.toJson().filter((o: unknown): o is KubeObject => o !== undefined && o !== null));
  } finally {
    collecting = wasCollecting;
  }
}

/** Every violation of the objects under `scope` (rules and schemas, sorted by object), without throwing. */
export function checkHardening(scope: IConstruct, options: HardeningOptions = {}): Violation[] {
  const objects = collectManifests(scope);
  return sortViolations([...checkManifests(objects, options), ...validateSchemas(objects, options)]);
}

/** Throws one HardeningPolicyError listing every violation under `scope`, one per line. */
export function enforceHardening(scope: IConstruct, options: HardeningOptions = {}): void {
  const violations = checkHardening(scope, options);
  if (violations.length > 0) throw new HardeningPolicyError(violations);
}

/**
 * Makes `app.synth()` (and so `cdk8s synth`) fail on any violation under `scope`: App.synth()
 * runs construct validations before it writes a file (it only creates the empty outdir), and this
 * one throws the HardeningPolicyError. Validations also run inside Chart.toJson(), so the check
 * skips itself while it is collecting.
 */
export function addHardeningValidation(scope: IConstruct, options: HardeningOptions = {}): void {
  Node.of(scope).addValidation({
    validate: () => {
      if (!collecting) enforceHardening(scope, options);
      return [];
    },
  });
}
