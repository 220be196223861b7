import { formatViolation } from './types.js';
import { CheckContext } from './context.js';
import { apiGroup, displayNamespace, nameOf } from './kube.js';
import { checkPods } from './pod-rules.js';
import { checkAvailability, checkLabels, checkServiceAccounts } from './workload-rules.js';
import { checkApiVersions, checkNamespaces, checkNetworkPolicies, checkRoutes, checkServices, checkSnippets } from './network-rules.js';
import { applyWaivers } from './waivers.js';
const RULE_SETS = [
    checkPods, checkServiceAccounts, checkAvailability, checkLabels,
    checkServices, checkRoutes, checkSnippets, checkNetworkPolicies, checkNamespaces, checkApiVersions,
    checkCollisions,
];
/**
 * Checks a complete set of manifests (one environment's output) against every rule, honouring
 * waiver annotations. Cross-object rules (ServiceAccounts, Services, routes, budgets, policies,
 * namespaces) look only inside this set, so pass all of it at once.
 * @returns the violations, sorted by object then rule; empty when the set complies
 */
export function checkManifests(objects, options = {}) {
    const ctx = new CheckContext(objects, options);
    for (const ruleSet of RULE_SETS)
        ruleSet(ctx);
    return sortViolations(applyWaivers(objects, ctx.violations));
}
/** X01: two objects with the same API group, kind, namespace and name; the later silently replaces the earlier. */
function checkCollisions(ctx) {
    const seen = new Set();
    for (const o of ctx.objects) {
        const key = `${apiGroup(o.apiVersion)}/${o.kind}/${displayNamespace(o)}/${nameOf(o)}`;
        if (seen.has(key))
            ctx.report(o, 'X01', `another ${o.kind} in API group "${apiGroup(o.apiVersion) || 'core'}" has the same namespace and name`);
        seen.add(key);
    }
}
/** Stable order for reports and diffs: by object, then rule, then message. */
export function sortViolations(violations) {
    return [...violations].sort((a, b) => compare(formatViolation(a), formatViolation(b)));
}
function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
