/** The built-in rule engine: every rule of constructs/docs/rules.md over a set of plain manifests. */
import type { KubeObject } from './types.js';
import type { RawFinding, RuleOptions } from './context.js';
import { CheckContext } from './context.js';
import { apiGroup, displayNamespace, nameOf } from './kube.js';
import { checkPods } from './pod-rules.js';
import { checkAvailability, checkLabels, checkServiceAccounts } from './workload-rules.js';
import { checkApiVersions, checkNamespaces, checkNetworkPolicies, checkRoutes, checkServices, checkSnippets } from './network-rules.js';

const RULE_SETS = [
  checkPods,
  checkServiceAccounts,
  checkAvailability,
  checkLabels,
  checkServices,
  checkRoutes,
  checkSnippets,
  checkNetworkPolicies,
  checkNamespaces,
  checkApiVersions,
  checkCollisions,
] as const;

/**
 * Every built-in rule over a complete set of manifests (one environment's output), before waivers.
 * Cross-object rules (ServiceAccounts, Services, routes, budgets, policies, namespaces) look only
 * inside this set.
 */
export function runBuiltInRules(objects: readonly KubeObject[], options: RuleOptions): RawFinding[] {
  const ctx = new CheckContext(objects, options);
  for (const ruleSet of RULE_SETS) ruleSet(ctx);
  return ctx.findings;
}

/** X01: two objects with the same API group, kind, namespace and name; the later silently replaces the earlier. */
function checkCollisions(ctx: CheckContext): void {
  const seen = new Set<string>();
  for (const o of ctx.objects) {
    const key = `${apiGroup(o.apiVersion)}/${o.kind}/${displayNamespace(o)}/${nameOf(o)}`;
    if (seen.has(key))
      ctx.report(o, 'X01', `another ${o.kind} in API group "${apiGroup(o.apiVersion) || 'core'}" has the same namespace and name`, {
        path: 'metadata.name',
      });
    seen.add(key);
  }
}
