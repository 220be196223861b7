/** The rule engine: every rule of shared/hardening.md over a set of plain manifests. */
import type { KubeObject, PolicyOptions, Violation } from './types.js';
/**
 * Checks a complete set of manifests (one environment's output) against every rule, honouring
 * waiver annotations. Cross-object rules (ServiceAccounts, Services, routes, budgets, policies,
 * namespaces) look only inside this set, so pass all of it at once.
 * @returns the violations, sorted by object then rule; empty when the set complies
 */
export declare function checkManifests(objects: readonly KubeObject[], options?: PolicyOptions): Violation[];
/** Stable order for reports and diffs: by object, then rule, then message. */
export declare function sortViolations(violations: readonly Violation[]): Violation[];
