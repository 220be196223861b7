import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { isDnsSubdomain } from './names.js';
import {
  addPrometheusRule,
  type AlertSeverity,
  checkMatchers,
  checkMetricName,
  checkRunbookBaseUrl,
  durationSeconds,
  equals,
  type Rule,
  type RuleGroup,
  runbookUrl,
} from './prometheus-rules.js';

/** Availability: the share of requests that must not fail. */
export interface AvailabilityObjective {
  /** Percent of requests that must succeed over the period, e.g. `99.9` (an error budget of 0.1 %). */
  readonly objectivePercent: number;
  /**
   * The request counter.
   * @default 'http_requests_total' - prom-client's conventional name, exported by the todo-api
   */
  readonly requestsMetric?: string;
  /**
   * Label matchers that pick the failed requests out of the counter.
   * @default 'status=~"5.."' - server errors only: a 4xx is the client's mistake, not the service failing
   */
  readonly errorMatchers?: string;
}

/** Latency: the share of requests that must be faster than a threshold ("95 % under 0.2 s" is a p95 target). */
export interface LatencyObjective {
  /** Percent of requests that must be faster than `thresholdSeconds`, e.g. `95` for a p95 target. */
  readonly objectivePercent: number;
  /**
   * The threshold, in seconds. Must be one of the histogram's bucket bounds (its `le` label): the
   * SLI counts the requests in that bucket, so a bound the histogram lacks yields no series at all.
   */
  readonly thresholdSeconds: number;
  /**
   * The request-duration histogram (its `_bucket` and `_count` series are read), in seconds.
   * @default 'http_request_duration_seconds' - prom-client's conventional name, exported by the todo-api
   */
  readonly histogram?: string;
}

/** Service-level objectives of one service, turned into recording rules and burn-rate alerts. */
export interface ServiceLevelObjectiveProps {
  /** Labels of the rule object; `name` is also the `job` label Prometheus gives the service's metrics. */
  readonly identity: AppIdentity;
  /** Namespace of the rule object and of the service's metrics (their `namespace` label). */
  readonly namespace: string;
  /** Where the runbooks are: each alert links `<runbookBaseUrl>/<kebab-case alert name>.md`, e.g. `availability-budget-burn.md`. */
  readonly runbookBaseUrl: string;
  /** The availability objective. At least one of `availability` and `latency` is required. */
  readonly availability?: AvailabilityObjective;
  /** The latency objective. */
  readonly latency?: LatencyObjective;
  /**
   * Extra label matchers on every series the indicators read, e.g. `route!~"/livez|/readyz|/metrics"`.
   * @default - none: every request the metrics count is an event of the objective
   */
  readonly eventMatchers?: string;
  /**
   * The period the objective holds over (whole days).
   * @default '30d' - the SRE workbook's period, for which its burn-rate table (14.4, 6, 3, 1) is stated
   */
  readonly period?: string;
}

/** Names of the alerts this construct emits; each has a runbook `<kebab-case name>.md`. */
export const SLO_ALERTS = ['AvailabilityBudgetBurn', 'LatencyBudgetBurn'] as const;

/** The windows the error ratio is recorded over: every window of the burn-rate table. */
const RATE_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
type RateWindow = (typeof RATE_WINDOWS)[number];

/**
 * The SRE workbook's multi-window, multi-burn-rate table (chapter "Alerting on SLOs"), as Sloth and
 * Pyrra generate it: alert when both windows burn faster than the rate that would spend
 * `budgetShare` of the period's budget within the long window. Over 30 days the factors are 14.4,
 * 6, 3 and 1; over other periods they scale with the period.
 */
const BURN_RATE_TABLE: readonly { severity: AlertSeverity; short: RateWindow; long: RateWindow; budgetShare: number }[] = [
  { severity: 'page', short: '5m', long: '1h', budgetShare: 0.02 },
  { severity: 'page', short: '30m', long: '6h', budgetShare: 0.05 },
  { severity: 'ticket', short: '2h', long: '1d', budgetShare: 0.1 },
  { severity: 'ticket', short: '6h', long: '3d', budgetShare: 0.1 },
];

const ROUND = (value: number) => Number(value.toPrecision(10));

/** One indicator: its bad-event ratio over a window, as PromQL. */
interface Indicator {
  readonly sli: 'availability' | 'latency';
  readonly alert: (typeof SLO_ALERTS)[number];
  readonly objectivePercent: number;
  /** The objective in words, for the annotations. */
  readonly goal: string;
  /** The bad events, in words. */
  readonly bad: string;
  errorRatio(window: string): string;
}

/**
 * Service-level objectives as a PrometheusRule: per indicator, recording rules of the error ratio over
 * every window of the SRE workbook's table (`slo:sli_error:ratio_rate<window>`), the ratio over the
 * period and the budget left, and two alerts: `severity: page` when the budget burns 14.4× (5m and 1h)
 * or 6× (30m and 6h) too fast, `severity: ticket` at 3× (2h and 1d) or 1× (6h and 3d). The service's
 * `/metrics` scrape (a ServiceMonitor) must exist.
 */
export class ServiceLevelObjective extends Construct {
  /** Name of the PrometheusRule object. */
  public readonly ruleName: string;
  /** The `slo` label of the recorded series and alerts, per indicator (`<name>-availability`, `<name>-latency`). */
  public readonly sloNames: readonly string[];

  constructor(scope: Construct, id: string, props: ServiceLevelObjectiveProps) {
    super(scope, id);
    const period = props.period ?? '30d';
    const periodSeconds = this.checkPeriod(period);
    const runbooks = checkRunbookBaseUrl(this, 'runbookBaseUrl', props.runbookBaseUrl);
    if (!isDnsSubdomain(props.namespace)) invalidProp(this, 'namespace', props.namespace, 'must be a namespace name');
    if (props.eventMatchers !== undefined) checkMatchers(this, 'eventMatchers', props.eventMatchers);
    if (!props.availability && !props.latency) invalidProp(this, 'availability', undefined, 'give availability, latency or both');

    const job = props.identity.name;
    const events = [equals('job', job), equals('namespace', props.namespace), ...(props.eventMatchers ? [props.eventMatchers] : [])].join(
      ',',
    );
    const indicators = [
      ...(props.availability ? [this.availability(props.availability, events)] : []),
      ...(props.latency ? [this.latency(props.latency, events)] : []),
    ];
    const quickest = ROUND((BURN_RATE_TABLE[0]!.budgetShare * periodSeconds) / durationSeconds(this, 'window', BURN_RATE_TABLE[0]!.long));
    for (const indicator of indicators) {
      const budget = errorBudget(indicator.objectivePercent);
      // A page threshold at or above 100 % errors can never be crossed: the objective is too loose for this table.
      if (!(quickest * budget < 1)) {
        invalidProp(
          this,
          `${indicator.sli}.objectivePercent`,
          indicator.objectivePercent,
          `leaves a budget of ${budget * 100} %, which burning ${quickest}× would exceed 100 % of requests: the page alert could never fire`,
        );
      }
    }

    this.ruleName = `${job}-slo`;
    this.sloNames = indicators.map((indicator) => `${job}-${indicator.sli}`);
    const groups = indicators.flatMap((indicator) =>
      this.groups(indicator, { job, namespace: props.namespace, period, periodSeconds, runbooks }),
    );
    addPrometheusRule(this, this.ruleName, props.namespace, props.identity, groups);
  }

  private checkPeriod(period: string): number {
    const seconds = durationSeconds(this, 'period', period);
    if (!period.endsWith('d') || seconds < 7 * 86_400 || seconds > 365 * 86_400) {
      invalidProp(this, 'period', period, 'must be whole days from "7d" to "365d" (longer than the 3-day alert window)');
    }
    return seconds;
  }

  private checkObjective(prop: string, percent: number): void {
    if (!(percent > 0 && percent < 100)) invalidProp(this, prop, percent, 'must be a percentage between 0 and 100 (exclusive)');
  }

  private availability(objective: AvailabilityObjective, events: string): Indicator {
    this.checkObjective('availability.objectivePercent', objective.objectivePercent);
    const requests = objective.requestsMetric ?? 'http_requests_total';
    const errors = objective.errorMatchers ?? 'status=~"5.."';
    checkMetricName(this, 'availability.requestsMetric', requests);
    checkMatchers(this, 'availability.errorMatchers', errors);
    return {
      sli: 'availability',
      alert: 'AvailabilityBudgetBurn',
      objectivePercent: objective.objectivePercent,
      goal: `${objective.objectivePercent} % of requests succeed`,
      bad: `failed (${errors})`,
      // No failed request leaves the numerator empty, not 0: `or vector(0)` keeps the ratio a series.
      errorRatio: (window) =>
        `(sum(rate(${requests}{${events},${errors}}[${window}])) or vector(0)) / ${busy(`sum(rate(${requests}{${events}}[${window}]))`)}`,
    };
  }

  private latency(objective: LatencyObjective, events: string): Indicator {
    this.checkObjective('latency.objectivePercent', objective.objectivePercent);
    const threshold = objective.thresholdSeconds;
    if (!(Number.isFinite(threshold) && threshold > 0))
      invalidProp(this, 'latency.thresholdSeconds', threshold, 'must be a positive number of seconds');
    const histogram = objective.histogram ?? 'http_request_duration_seconds';
    checkMetricName(this, 'latency.histogram', histogram);
    // prom-client writes le="1" where Prometheus 3 normalises whole bounds to le="1.0": accept both.
    const le = Number.isInteger(threshold) ? `le=~"${threshold}|${threshold}.0"` : equals('le', String(threshold));
    return {
      sli: 'latency',
      alert: 'LatencyBudgetBurn',
      objectivePercent: objective.objectivePercent,
      goal: `${objective.objectivePercent} % of requests faster than ${threshold} s`,
      bad: `slower than ${threshold} s`,
      errorRatio: (window) =>
        `1 - sum(rate(${histogram}_bucket{${events},${le}}[${window}])) / ${busy(`sum(rate(${histogram}_count{${events}}[${window}]))`)}`,
    };
  }

  private groups(
    indicator: Indicator,
    context: { job: string; namespace: string; period: string; periodSeconds: number; runbooks: string },
  ): RuleGroup[] {
    const slo = `${context.job}-${indicator.sli}`;
    const labels = { slo, service: context.job, namespace: context.namespace };
    const series = `{${equals('slo', slo)},${equals('namespace', context.namespace)}}`;
    const budget = errorBudget(indicator.objectivePercent);
    const ratio = (window: string) => `slo:sli_error:ratio_rate${window}`;

    const recordings: Rule[] = [
      ...RATE_WINDOWS.map((window) => ({ record: ratio(window), expr: indicator.errorRatio(window), labels })),
      // The period's ratio as the mean of the 5-minute ratios: a 30-day rate() over raw series is too costly to evaluate every minute.
      {
        record: ratio(context.period),
        expr: `sum_over_time(${ratio('5m')}${series}[${context.period}]) / count_over_time(${ratio('5m')}${series}[${context.period}])`,
        labels,
      },
      { record: 'slo:objective:ratio', expr: `vector(${ROUND(indicator.objectivePercent / 100)})`, labels },
      { record: 'slo:error_budget:ratio', expr: `vector(${budget})`, labels },
      {
        record: 'slo:period_error_budget_remaining:ratio',
        expr: `1 - ${ratio(context.period)}${series} / slo:error_budget:ratio${series}`,
        labels,
      },
    ];

    const alerts = (['page', 'ticket'] as const).map((severity): Rule => {
      const rows = BURN_RATE_TABLE.filter((row) => row.severity === severity).map((row) => ({
        ...row,
        factor: ROUND((row.budgetShare * context.periodSeconds) / durationSeconds(this, 'window', row.long)),
      }));
      const expr = rows
        .map(
          (row) =>
            `(${ratio(row.short)}${series} > (${row.factor} * ${budget}) and ${ratio(row.long)}${series} > (${row.factor} * ${budget}))`,
        )
        .join(' or ');
      const burns = rows.map((row) => `${row.factor}× over ${row.short} and ${row.long}`).join(', or ');
      return {
        alert: indicator.alert,
        expr,
        // The slo label is on the recorded series already; on the rule too, it tells the rules of two SLOs apart.
        labels: { severity, slo },
        annotations: {
          summary: `{{ $labels.service }}: the ${indicator.sli} error budget is burning too fast (${severity})`,
          description:
            `Objective: ${indicator.goal} over ${context.period} (budget ${ROUND(budget * 100)} % ${indicator.bad}). ` +
            `{{ $value | humanizePercentage }} of requests were ${indicator.bad} over the shorter window; ` +
            `this fires when the budget burns ${burns} faster than the period allows.`,
          runbook_url: runbookUrl(context.runbooks, indicator.alert),
        },
      };
    });

    return [
      { name: `${slo}.sli`, rules: recordings },
      { name: `${slo}.alerts`, rules: alerts },
    ];
  }
}

/**
 * The event rate, only where there were events: an idle window then records nothing instead of
 * 0/0 = NaN, which would turn the period's mean of the 5-minute ratios into NaN for a whole period.
 */
function busy(rate: string): string {
  return `(${rate} > 0)`;
}

/** The share of events allowed to be bad: 99.9 % -> 0.001 (rounded, so 100 - 99.9 prints as 0.001). */
function errorBudget(objectivePercent: number): number {
  return ROUND((100 - objectivePercent) / 100);
}
