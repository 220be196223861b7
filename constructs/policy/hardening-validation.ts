/**
 * The one way into the policy: `HardeningValidation`, both a cdk8s-cli validation plugin
 * (cdk8s.yaml `validations:`) and a programmatic check for apps that check before they write.
 *
 * Nothing is loaded when this module is: schema models, CRD files and custom rule modules are
 * imported inside the (async) check, so the module graph has no top-level await and cdk8s-cli can
 * `require()` it.
 */
import { basename, dirname } from 'node:path';
import type { Finding, KubeObject, Severity } from './types.js';
import { CLUSTER_SCOPE, formatFinding } from './types.js';
import type { RawFinding, RuleOptions } from './context.js';
import { findingOn } from './context.js';
import { runBuiltInRules } from './check.js';
import { RULES, isRuleId } from './rules.js';
import type { PolicyRule } from './rule-api.js';
import { loadRuleModule, ruleContext } from './rule-api.js';
import type { CrdSchema } from './schemas.js';
import { readCrdFiles, validateSchemas } from './schemas.js';
import { DEFAULT_WAIVER_PREFIX, applyWaivers } from './waivers.js';
import { isRecord } from './kube.js';
import type { EnvironmentProps, HardeningValidationProps } from './props.js';
import { validateProps } from './props.js';
import type { ValidationContextLike } from './plugin-report.js';
import { reportFindings } from './plugin-report.js';
import { readManifest } from './manifests.js';

/** Rules whose findings are about the check's own integrity: their severity cannot be lowered. */
const FIXED_SEVERITY = new Set(['X01', 'W01', 'W02', 'W03']);

/** The rules and schemas loaded on the first check (custom rule modules, CRD files). */
interface Loaded {
  readonly rules: readonly PolicyRule[];
  readonly crdSchemas: readonly CrdSchema[];
}

/** A finding with the object it is on (when in the set), for the plugin report's manifest path. */
interface Located {
  readonly finding: Finding;
  readonly object?: KubeObject;
}

export class HardeningValidation {
  private readonly props: HardeningValidationProps;
  private loading?: Promise<Loaded>;
  /** The custom rules once loaded, for the report's descriptions. */
  private loadedRules: readonly PolicyRule[] = [];

  /** Throws InvalidPropsError naming the property and value when `props` are not usable. */
  constructor(props: HardeningValidationProps = {}) {
    this.props = validateProps(props);
  }

  /**
   * Every finding of a complete set of objects (one environment's output): built-in rules, custom
   * rules and schemas, after waivers, sorted by object then rule. Rejects only when the configuration
   * is broken: a rule module or CRD file that does not load, a custom rule that throws, an unknown
   * rule id in severity.
   */
  async check(objects: readonly unknown[]): Promise<Finding[]> {
    return (await this.evaluate(objects, this.props)).map((l) => l.finding);
  }

  /**
   * The cdk8s-cli plugin entry: checks every manifest the app wrote, each output directory as its
   * own set (with its `directories` overrides), reports each finding with its rule, object, field
   * and fix, and submits `failure` when any error-severity finding remains.
   */
  async validate(context: ValidationContextLike): Promise<void> {
    const sets = new Map<string, { objects: unknown[]; files: Map<unknown, string> }>();
    for (const manifest of context.manifests) {
      const dir = dirname(manifest);
      const set = sets.get(dir) ?? { objects: [], files: new Map<unknown, string>() };
      sets.set(dir, set);
      for (const doc of readManifest(manifest)) {
        set.objects.push(doc);
        set.files.set(doc, manifest);
      }
    }
    const located: { finding: Finding; manifestPath: string }[] = [];
    for (const [dir, set] of sets) {
      const env = this.props.directories?.[basename(dir)] ?? {};
      for (const l of await this.evaluate(set.objects, { ...this.props, ...env })) {
        located.push({ finding: l.finding, manifestPath: (l.object && set.files.get(l.object)) ?? dir });
      }
    }
    reportFindings(context, located, (rule) => this.describe(rule));
  }

  /** The report text of a rule: what it checks and why, and how to fix it. */
  private describe(rule: string): { recommendation: string; fix: string } {
    if (isRuleId(rule)) return { recommendation: `${RULES[rule].checks} (${RULES[rule].why})`, fix: RULES[rule].fix };
    const custom = this.loadedRules.find((r) => r.id === rule);
    return { recommendation: custom?.description ?? rule, fix: custom?.fix ?? '' };
  }

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const modules = await Promise.all((this.props.rulesModules ?? []).map(loadRuleModule));
      const rules = [...(this.props.rules ?? []), ...modules.flat()];
      const ids = new Set<string>();
      for (const r of rules) {
        if (ids.has(r.id)) throw new Error(`HardeningValidation: two custom rules have the id ${JSON.stringify(r.id)}`);
        ids.add(r.id);
      }
      for (const rule of Object.keys(this.props.severity ?? {})) {
        if (!isRuleId(rule) && !ids.has(rule)) throw new Error(`HardeningValidation: severity names unknown rule ${JSON.stringify(rule)}`);
        if (FIXED_SEVERITY.has(rule)) throw new Error(`HardeningValidation: the severity of ${rule} cannot be changed`);
      }
      this.loadedRules = rules;
      return { rules, crdSchemas: [...(this.props.crdSchemas ?? []), ...readCrdFiles(this.props.crdFiles ?? [])] };
    })();
    return this.loading;
  }

  private async evaluate(input: readonly unknown[], env: EnvironmentProps): Promise<Located[]> {
    const { rules, crdSchemas } = await this.load();
    const objects: KubeObject[] = [];
    const raw: RawFinding[] = [];
    for (const o of input) {
      if (isRecord(o) && typeof o.apiVersion === 'string' && o.apiVersion !== '' && typeof o.kind === 'string' && o.kind !== '') {
        objects.push(o as KubeObject);
      } else {
        const meta = isRecord(o) && isRecord(o.metadata) ? o.metadata : {};
        const subject = {
          kind: isRecord(o) && typeof o.kind === 'string' && o.kind !== '' ? o.kind : '<no kind>',
          namespace: typeof meta.namespace === 'string' ? meta.namespace : CLUSTER_SCOPE,
          name: typeof meta.name === 'string' ? meta.name : '<unnamed>',
        };
        raw.push(findingOn(subject, 'K01', 'is not a Kubernetes object: it has no apiVersion or kind'));
      }
    }
    const options: RuleOptions = {
      singleNode: env.singleNode ?? false,
      requireDigests: env.requireDigests ?? false,
      externalNamespaces: new Set(env.externalNamespaces ?? []),
    };
    raw.push(...runBuiltInRules(objects, options));
    raw.push(...customFindings(objects, rules));
    raw.push(
      ...(await validateSchemas(objects, {
        models: this.props.models ?? [],
        crdSchemas,
        allowUnknownKinds: this.props.allowUnknownKinds ?? [],
      })),
    );

    const severity = this.props.severity ?? {};
    const waivable = new Map<string, boolean>([
      ...Object.entries(RULES).map(([id, info]): [string, boolean] => [id, info.waivable]),
      ...rules.map((r): [string, boolean] => [r.id, true]),
    ]);
    const kept = applyWaivers(
      objects,
      raw.filter((f) => severity[f.rule] !== 'off'),
      {
        prefix: this.props.waiverAnnotationPrefix ?? DEFAULT_WAIVER_PREFIX,
        rules: waivable,
        now: new Date(),
      },
    );
    const located = kept.map((f): Located => ({
      finding: toFinding(f, severity[f.rule] === 'warning' ? 'warning' : 'error'),
      object: f.object,
    }));
    return located.sort((a, b) => compare(formatFinding(a.finding), formatFinding(b.finding)) || compare(a.finding.path, b.finding.path));
  }
}

/** The findings of the custom rules; a rule that throws fails the check naming the rule and the object. */
function customFindings(objects: readonly KubeObject[], rules: readonly PolicyRule[]): RawFinding[] {
  if (rules.length === 0) return [];
  const context = ruleContext(objects);
  const findings: RawFinding[] = [];
  for (const rule of rules) {
    for (const object of objects) {
      let found: readonly unknown[];
      try {
        found = rule.check(object, context);
      } catch (error) {
        throw new Error(
          `HardeningValidation: custom rule ${rule.id} failed on ${object.kind} ${String(object.metadata?.name)}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (!Array.isArray(found))
        throw new Error(`HardeningValidation: custom rule ${rule.id} returned ${JSON.stringify(found)}, expected an array of findings`);
      for (const f of found) {
        const r = (isRecord(f) ? f : {}) as { message?: unknown; path?: unknown; container?: unknown };
        if (typeof r.message !== 'string' || r.message === '')
          throw new Error(`HardeningValidation: custom rule ${rule.id} returned a finding without a message: ${JSON.stringify(f)}`);
        findings.push(
          findingOn(object, rule.id, r.message, {
            ...(typeof r.path === 'string' ? { path: r.path } : {}),
            ...(typeof r.container === 'string' ? { container: r.container } : {}),
          }),
        );
      }
    }
  }
  return findings;
}

function toFinding(f: RawFinding, severity: Severity): Finding {
  return {
    rule: f.rule,
    kind: f.kind,
    namespace: f.namespace,
    name: f.name,
    path: f.path,
    ...(f.container === undefined ? {} : { container: f.container }),
    message: f.message,
    severity,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
