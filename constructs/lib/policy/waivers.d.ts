/**
 * Waivers: one object, one rule, a written reason, carried in the output as an annotation
 * (`hardening.todo-platform.dev/waive-S08: "<reason>"`) so the pull-request diff shows every one.
 */
import type { ApiObject } from 'cdk8s';
import type { KubeObject, Violation } from './types.js';
import type { RuleId } from './rules.js';
export declare const WAIVER_PREFIX = "hardening.todo-platform.dev/waive-";
/**
 * Waives one rule for one object, with the reason a reviewer will read in the output.
 * Throws if the rule is unknown or not waivable, or the reason is empty.
 */
export declare function waive(apiObject: ApiObject, rule: RuleId, reason: string): void;
/**
 * Drops violations their object waives, and reports waiver annotations that name an unknown or
 * unwaivable rule or give no reason (W01).
 */
export declare function applyWaivers(objects: readonly KubeObject[], violations: readonly Violation[]): Violation[];
