/**
 * The custom rule API: a rule is an id, a description, a fix and a check of one object that
 * returns its findings. Custom rules run after the built-in ones, on every object of the set, and
 * their findings are waived, graded and reported exactly like the built-in ones.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { KubeObject } from './types.js';
import type { ContainerRef, PodTemplate } from './kube.js';
import { containersOf, podTemplateOf } from './kube.js';
import { isRuleId } from './rules.js';

/** One finding of a custom rule on the object it was given. */
export interface RuleFinding {
  /** What is wrong, naming the field and value. */
  readonly message: string;
  /** The field, e.g. `spec.template.spec.containers[0].image`. @default '' - the whole object */
  readonly path?: string;
  /** The container the finding is about, so a waiver can be narrowed to it. */
  readonly container?: string;
}

/** What a custom rule may read besides its object. */
export interface RuleContext {
  /** Every object of the set being checked (one environment's output). */
  readonly objects: readonly KubeObject[];
  /** The pod spec an object runs (Pod, workload, or a custom resource embedding a pod template), if any. */
  podTemplateOf(object: KubeObject): PodTemplate | undefined;
  /** The init and regular containers of a pod template, each with its field path. */
  containersOf(template: PodTemplate): ContainerRef[];
}

/** A rule of your own, e.g. "every Deployment sets a priorityClassName". */
export interface PolicyRule {
  /** Unique id used in findings and waivers: letters, digits and `-`, not a built-in id. */
  readonly id: string;
  /** One line: what the rule expects (the report's recommendation). */
  readonly description: string;
  /** How to fix a finding (the report's fix). */
  readonly fix: string;
  /** The findings of one object; `[]` when it complies. */
  check(object: KubeObject, context: RuleContext): readonly RuleFinding[];
}

const RULE_ID = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;

/** Throws an error naming `source` and the offending field unless `rule` is a usable PolicyRule. */
export function validateRule(rule: unknown, source: string): PolicyRule {
  const r = (typeof rule === 'object' && rule !== null ? rule : {}) as Partial<Record<keyof PolicyRule, unknown>>;
  const fail = (why: string): never => {
    throw new Error(`HardeningValidation: custom rule ${JSON.stringify(r.id ?? rule)} from ${source}: ${why}`);
  };
  if (typeof r.id !== 'string' || !RULE_ID.test(r.id)) fail('id must be letters, digits and "-" (max 63), starting with a letter');
  if (isRuleId(r.id as string)) fail('id is a built-in rule id');
  for (const key of ['description', 'fix'] as const) {
    if (typeof r[key] !== 'string' || (r[key] as string).trim() === '') fail(`${key} must be a non-empty string`);
  }
  if (typeof r.check !== 'function') fail('check must be a function (object, context) => findings');
  return rule as PolicyRule;
}

/** Loads the rules a module exports as `rules` (an array) or as its default export; paths are relative to the working directory. */
export async function loadRuleModule(path: string): Promise<PolicyRule[]> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as { rules?: unknown; default?: unknown };
  const exported = module.rules ?? module.default;
  if (!Array.isArray(exported)) {
    throw new Error(`HardeningValidation: rules module ${JSON.stringify(path)} must export an array of rules as "rules" or default`);
  }
  return exported.map((rule) => validateRule(rule, path));
}

/** The context custom rules get for one set of objects. */
export function ruleContext(objects: readonly KubeObject[]): RuleContext {
  return { objects, podTemplateOf, containersOf };
}
