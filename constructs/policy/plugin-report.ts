/** Findings as a cdk8s-cli validation report: one violation per rule, one resource per object, one location per field. */
import type { Finding } from './types.js';

/** The parts of cdk8s-cli's ValidationContext the plugin uses (typed here so the package needs no cdk8s-cli at run time). */
export interface ValidationContextLike {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: readonly {
        readonly resourceName: string;
        readonly locations: readonly string[];
        readonly manifestPath: string;
      }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
}

/**
 * Adds a violation per rule (`S08`, or `S08 (warning)`), listing each object by name (cdk8s maps
 * the name to its construct path) and manifest, with a location per finding: `<Kind> <field>: <message>`.
 */
export function reportFindings(
  context: ValidationContextLike,
  located: readonly { readonly finding: Finding; readonly manifestPath: string }[],
  describe: (rule: string) => { recommendation: string; fix: string },
): void {
  const byRule = new Map<string, Map<string, { resourceName: string; manifestPath: string; locations: string[] }>>();
  for (const { finding: f, manifestPath } of located) {
    const ruleName = f.severity === 'warning' ? `${f.rule} (warning)` : f.rule;
    const resources = byRule.get(ruleName) ?? new Map();
    byRule.set(ruleName, resources);
    const key = `${manifestPath}\n${f.kind}/${f.namespace}/${f.name}`;
    const resource = resources.get(key) ?? { resourceName: f.name, manifestPath, locations: [] };
    resources.set(key, resource);
    resource.locations.push(`${f.kind} ${f.path || '(object)'}: ${f.message}`);
  }
  for (const [ruleName, resources] of byRule) {
    context.report.addViolation({ ruleName, ...describe(ruleName.split(' ')[0]!), violatingResources: [...resources.values()] });
  }
  const errors = located.filter((l) => l.finding.severity === 'error').length;
  context.report.submit(errors > 0 ? 'failure' : 'success', {
    findings: String(located.length),
    errors: String(errors),
    warnings: String(located.length - errors),
  });
}
