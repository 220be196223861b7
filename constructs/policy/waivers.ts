/**
 * Waivers: one object, one rule (optionally one container), a written reason and an optional
 * expiry, carried in the output as an annotation so the pull-request diff shows every one:
 *
 *   hardening.todo-platform.dev/waive-S08.nginx: "expires=2027-03-31; vendor image writes /var/cache (#123)"
 *
 * A waiver that names no known waivable rule, gives no reason or a bad date is W01; one past its
 * expiry no longer waives and is W02; one that waives nothing is W03.
 */
import type { ApiObject } from 'cdk8s';
import type { KubeObject } from './types.js';
import type { RawFinding } from './context.js';
import { findingOn } from './context.js';
import { RULES, isRuleId } from './rules.js';
import { stringMap } from './kube.js';

/** The annotation prefix of this package's waivers (`<prefix>waive-<RULE>`). */
export const DEFAULT_WAIVER_PREFIX = 'hardening.todo-platform.dev/';

const CUSTOM_RULE_ID = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const EXPIRES = /^\s*expires=([^;]*);\s*/;

/** How to narrow or time-limit a waiver. */
export interface WaiverOptions {
  /** Waive the rule only for this container's findings. @default - every finding of the rule on the object */
  readonly container?: string;
  /** ISO date (`2027-03-31`, valid through that day, UTC) or date-time after which the waiver is itself a finding (W02). @default - never expires */
  readonly expires?: string;
  /** The annotation prefix the check is configured with. @default DEFAULT_WAIVER_PREFIX */
  readonly prefix?: string;
}

/** When a waiver stops waiving, or undefined for a malformed date. */
export function expiryOf(value: string): Date | undefined {
  if (!DATE.test(value) && !DATE_TIME.test(value)) return undefined;
  const at = new Date(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) return undefined;
  if (DATE.test(value)) {
    if (at.toISOString().slice(0, 10) !== value) return undefined; // 2027-02-30 rolls over: refuse it
    at.setUTCDate(at.getUTCDate() + 1);
  }
  return at;
}

/**
 * Waives one rule for one object (optionally one container, until a date), with the reason a
 * reviewer will read in the output. Throws, naming the construct path, if the rule cannot be
 * waived, the reason is empty, the container is not a container name or the date is not ISO.
 */
export function waive(apiObject: ApiObject, rule: string, reason: string, options: WaiverOptions = {}): void {
  const path = apiObject.node.path;
  if (isRuleId(rule) ? !RULES[rule].waivable : !CUSTOM_RULE_ID.test(rule)) {
    throw new Error(`${path}: cannot waive ${isRuleId(rule) ? `rule ${rule}` : `unknown rule ${JSON.stringify(rule)}`}`);
  }
  if (typeof reason !== 'string' || reason.trim() === '') throw new Error(`${path}: waiver of ${rule} needs a written reason`);
  if (options.container !== undefined && !CONTAINER_NAME.test(options.container)) {
    throw new Error(`${path}: waiver of ${rule}: invalid container name ${JSON.stringify(options.container)}`);
  }
  if (options.expires !== undefined && expiryOf(options.expires) === undefined) {
    throw new Error(`${path}: waiver of ${rule}: expires ${JSON.stringify(options.expires)} is not an ISO date (YYYY-MM-DD) or date-time`);
  }
  const key = `${options.prefix ?? DEFAULT_WAIVER_PREFIX}waive-${rule}${options.container === undefined ? '' : `.${options.container}`}`;
  const value = `${options.expires === undefined ? '' : `expires=${options.expires}; `}${reason.trim()}`;
  apiObject.metadata.addAnnotation(key, value);
}

/** One parsed, valid, unexpired waiver annotation. */
interface Waiver {
  readonly object: KubeObject;
  readonly key: string;
  readonly rule: string;
  readonly container: string | undefined;
  used: boolean;
}

/** What applyWaivers needs to know: the prefix, which rule ids exist and may be waived, and the time. */
export interface WaiverSettings {
  readonly prefix: string;
  /** Every rule id (built-in and custom) with whether it may be waived. */
  readonly rules: ReadonlyMap<string, boolean>;
  readonly now: Date;
}

/** Drops the findings their object waives, and adds the findings about the waivers themselves (W01–W03). */
export function applyWaivers(objects: readonly KubeObject[], findings: readonly RawFinding[], settings: WaiverSettings): RawFinding[] {
  const waivers: Waiver[] = [];
  const problems: RawFinding[] = [];
  const marker = `${settings.prefix}waive-`;
  for (const object of objects) {
    for (const [key, raw] of Object.entries(stringMap(object.metadata?.annotations))) {
      if (!key.startsWith(marker)) continue;
      const at = { path: `metadata.annotations.${key}` };
      const [rule = '', container, ...rest] = key.slice(marker.length).split('.');
      const expires = EXPIRES.exec(raw);
      const reason = expires ? raw.slice(expires[0].length) : raw;
      const expiry = expires ? expiryOf(expires[1]!.trim()) : undefined;
      const problem = !settings.rules.has(rule)
        ? 'names an unknown rule'
        : settings.rules.get(rule) === false
          ? 'names a rule that cannot be waived'
          : rest.length > 0 || (container !== undefined && !CONTAINER_NAME.test(container))
            ? 'names no valid container after the rule'
            : expires && expiry === undefined
              ? `has expires=${expires[1]!.trim()}, not an ISO date (YYYY-MM-DD) or date-time`
              : reason.trim() === ''
                ? 'gives no reason'
                : undefined;
      if (problem) {
        problems.push(findingOn(object, 'W01', `waiver annotation "${key}" ${problem}`, at));
      } else if (expiry && expiry <= settings.now) {
        problems.push(
          findingOn(object, 'W02', `waiver annotation "${key}" expired on ${expires![1]!.trim()}; its findings are reported again`, at),
        );
      } else {
        waivers.push({ object, key, rule, container, used: false });
      }
    }
  }
  const kept = findings.filter((f) => {
    const matching = waivers.filter(
      (w) => w.object === f.object && w.rule === f.rule && (w.container === undefined || w.container === f.container),
    );
    for (const w of matching) w.used = true;
    return matching.length === 0;
  });
  for (const w of waivers.filter((x) => !x.used)) {
    problems.push(
      findingOn(
        w.object,
        'W03',
        `waiver annotation "${w.key}" waives nothing: no ${w.rule} finding${w.container ? ` on container "${w.container}"` : ''}`,
        { path: `metadata.annotations.${w.key}` },
      ),
    );
  }
  return [...kept, ...problems];
}
