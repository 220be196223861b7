/**
 * What the PrometheusRule constructs (ServiceLevelObjective, PlatformAlerts) share: the checks of
 * PromQL pieces they splice into expressions, the runbook link every alert carries, and the object.
 */
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { recommendedLabels, type AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';

/** One rule group of a PrometheusRule spec. */
export type RuleGroup = NonNullable<IPrometheusRule['spec']['groups']>[number];
/** One recording or alerting rule. */
export type Rule = NonNullable<RuleGroup['rules']>[number];

/** How urgent an alert is: `page` wakes someone now, `ticket` is handled in working hours. */
export type AlertSeverity = 'page' | 'ticket';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const MATCHER = /^[a-zA-Z_][a-zA-Z0-9_]*(=|!=|=~|!~)"(?:[^"\\]|\\.)*"$/;
const DURATION = /^([1-9][0-9]*)([smhd])$/;
const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Refuses a metric name Prometheus would not accept (it would be spliced into every expression). */
export function checkMetricName(scope: Construct, prop: string, name: string): void {
  if (!METRIC_NAME.test(name)) invalidProp(scope, prop, name, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)');
}

/**
 * Refuses anything but comma-separated label matchers such as `status=~"5..",route!="/livez"`: a stray
 * brace or quote would break every rule, and only `promtool` would notice, after deployment.
 */
export function checkMatchers(scope: Construct, prop: string, matchers: string): void {
  const parts = splitMatchers(matchers);
  if (parts.length === 0 || !parts.every((part) => MATCHER.test(part))) {
    invalidProp(scope, prop, matchers, 'must be label matchers such as status=~"5..",route!="/livez"');
  }
}

/** Splits `a="x",b=~"y,z"` at the commas between matchers, never inside a quoted value. */
function splitMatchers(matchers: string): string[] {
  return matchers.match(/[^,"]+(?:"(?:[^"\\]|\\.)*")?/g)?.map((part) => part.trim()) ?? [];
}

/** Seconds of a Prometheus duration with one unit (`90s`, `26h`, `30d`); throws naming the prop otherwise. */
export function durationSeconds(scope: Construct, prop: string, duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) invalidProp(scope, prop, duration, 'must be a Prometheus duration with one unit, such as "26h" or "30d"');
  return Number(match[1]) * SECONDS_PER_UNIT[match[2] as keyof typeof SECONDS_PER_UNIT];
}

/** Refuses a runbook base that is not an https URL: a runbook_url must open in a browser. */
export function checkRunbookBaseUrl(scope: Construct, prop: string, url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'https:' || parsed.search || parsed.hash)
    invalidProp(scope, prop, url, 'must be an https URL without query or fragment');
  return url.replace(/\/+$/, '');
}

/** `CnpgWalArchivingFailing` -> `cnpg-wal-archiving-failing`: the runbook file of an alert. */
export function runbookFileName(alert: string): string {
  return `${alert.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.md`;
}

/** The runbook of an alert: `<base>/<kebab-case alert name>.md`. */
export function runbookUrl(base: string, alert: string): string {
  return `${base}/${runbookFileName(alert)}`;
}

/** A `label="value"` matcher, with the value escaped as PromQL requires. */
export function equals(label: string, value: string): string {
  return `${label}=${JSON.stringify(value)}`;
}

/** Emits the monitoring.coreos.com/v1 PrometheusRule; the policy's schema rule (K01) checks it with @kubernetes-models/prometheus-operator. */
export function addPrometheusRule(scope: Construct, name: string, namespace: string, identity: AppIdentity, groups: RuleGroup[]): void {
  addKubeObject<IPrometheusRule>(scope, 'rule', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name, namespace, labels: recommendedLabels(identity) },
    spec: { groups },
  });
}
