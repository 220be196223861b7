import { RULES, isRuleId } from './rules.js';
import { displayNamespace, nameOf, stringMap } from './kube.js';
export const WAIVER_PREFIX = 'hardening.todo-platform.dev/waive-';
/**
 * Waives one rule for one object, with the reason a reviewer will read in the output.
 * Throws if the rule is unknown or not waivable, or the reason is empty.
 */
export function waive(apiObject, rule, reason) {
    const path = apiObject.node.path;
    if (!isRuleId(rule))
        throw new Error(`${path}: cannot waive unknown rule ${JSON.stringify(rule)}`);
    if (!RULES[rule].waivable)
        throw new Error(`${path}: rule ${rule} cannot be waived`);
    if (typeof reason !== 'string' || reason.trim() === '')
        throw new Error(`${path}: waiver of ${rule} needs a written reason`);
    apiObject.metadata.addAnnotation(`${WAIVER_PREFIX}${rule}`, reason.trim());
}
const identity = (kind, namespace, name) => `${kind}/${namespace}/${name}`;
/**
 * Drops violations their object waives, and reports waiver annotations that name an unknown or
 * unwaivable rule or give no reason (W01).
 */
export function applyWaivers(objects, violations) {
    const waived = new Set();
    const invalid = [];
    for (const o of objects) {
        const where = { kind: o.kind, namespace: displayNamespace(o), name: nameOf(o) };
        for (const [key, reason] of Object.entries(stringMap(o.metadata?.annotations))) {
            if (!key.startsWith(WAIVER_PREFIX))
                continue;
            const rule = key.slice(WAIVER_PREFIX.length);
            if (!isRuleId(rule) || !RULES[rule].waivable) {
                invalid.push({ rule: 'W01', ...where, message: `waiver annotation "${key}" names ${isRuleId(rule) ? 'a rule that cannot be waived' : 'an unknown rule'}` });
            }
            else if (reason.trim() === '') {
                invalid.push({ rule: 'W01', ...where, message: `waiver annotation "${key}" gives no reason` });
            }
            else {
                waived.add(`${identity(where.kind, where.namespace, where.name)}#${rule}`);
            }
        }
    }
    const kept = violations.filter((v) => !waived.has(`${identity(v.kind, v.namespace, v.name)}#${v.rule}`));
    return [...kept, ...invalid];
}
