/**
 * How a HardenedDeployment (and so a WebService) ships a new version: the Deployment's rolling update,
 * or an Argo Rollouts canary that shifts a share of the pods at a time while an AnalysisTemplate asks
 * Prometheus whether the new pods breach the service's error or latency objective, and aborts (the
 * stable pods take everything back) when they do.
 */
import type { Construct } from 'constructs';
import type { IAnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { ICanaryStrategy } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/CanaryStrategy';
import type { IMetric } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Metric';
import { invalidProp } from './errors.js';

/** One step of a canary release. */
export class CanaryStep {
  /** Run this percentage of the pods (by replica count) on the new version. */
  public static setWeight(percent: number): CanaryStep {
    return new CanaryStep({ setWeight: percent });
  }

  /** Hold the current weight for a duration such as `30s`, `5m` or `1h` while the analysis measures. */
  public static pause(duration: string): CanaryStep {
    return new CanaryStep({ pause: { duration } });
  }

  /** Hold until a person promotes (`kubectl argo rollouts promote <name>`). */
  public static pauseUntilPromoted(): CanaryStep {
    return new CanaryStep({ pause: {} });
  }

  /** The step as the Rollout spells it: `{ setWeight }` or `{ pause: { duration? } }`. */
  private constructor(public readonly step: { readonly setWeight?: number; readonly pause?: { readonly duration?: string } }) {}
}

/** The share of the service's requests that fail: `errors / all` of one counter. */
export interface ErrorRatioCheck {
  /** The counter of handled requests or messages, e.g. `http_requests_total`. */
  readonly counter: string;
  /** The label matchers that pick the failures out of it, e.g. `status=~"5.."`. */
  readonly errorMatchers: string;
  /** Largest error share the new pods may have, between 0 and 1 (0.01 = 1 %). */
  readonly max: number;
}

/** A latency quantile from a Prometheus histogram. */
export interface LatencyCheck {
  /** The histogram's name without `_bucket`, e.g. `http_request_duration_seconds`. */
  readonly histogram: string;
  /**
   * The quantile compared with `maxSeconds`.
   * @default 0.95 - the tail users notice, steadier than p99 on a canary's few requests
   */
  readonly quantile?: number;
  /** Largest quantile latency the new pods may have, in seconds. */
  readonly maxSeconds: number;
}

/** What the Argo Rollouts controller measures on the new pods while the canary runs. */
export interface CanaryAnalysis {
  /**
   * Prometheus base URL the Argo Rollouts controller queries (the controller, not the app pods, calls it).
   * @default 'http://prometheus-operated.monitoring.svc:9090' - the Prometheus Operator's Service in `monitoring`
   */
  readonly prometheusAddress?: string;
  /**
   * Error ratio objective of the new pods.
   * @default - none; give this, `latency` or both
   */
  readonly errorRatio?: ErrorRatioCheck;
  /**
   * Latency objective of the new pods.
   * @default - none; give this, `errorRatio` or both
   */
  readonly latency?: LatencyCheck;
  /**
   * How often each measurement runs, and the rate window of its query (twice this).
   * @default '1m' - two scrapes at the usual 30 s interval per window
   */
  readonly interval?: string;
  /**
   * Measurements that may breach the objective before the release aborts.
   * @default 1 - one noisy minute does not roll back; two do
   */
  readonly failureLimit?: number;
}

/** Props of a canary release. */
export interface CanaryDeliveryProps {
  /**
   * The steps, in order; the release completes (100 %) after the last one.
   * @default - 20 %, 5 minutes, 50 %, 5 minutes, 80 %, 5 minutes: each weight measured over five intervals
   */
  readonly steps?: readonly CanaryStep[];
  /** The objectives that abort and roll back the release when the new pods breach them. */
  readonly analysis: CanaryAnalysis;
}

/** How new versions are rolled out. */
export class Delivery {
  /** The Deployment's rolling update: one surge pod at a time, never below the desired count. */
  public static rolling(): Delivery {
    return new Delivery(undefined);
  }

  /**
   * An Argo Rollouts `Rollout` (instead of the Deployment) with canary steps, traffic split by replica
   * count (works behind any ingress or Gateway), and an `AnalysisTemplate` on Prometheus that aborts it.
   */
  public static canary(props: CanaryDeliveryProps): Delivery {
    return new Delivery(props);
  }

  /** The canary's props; `undefined` for a rolling update. */
  private constructor(public readonly canary: CanaryDeliveryProps | undefined) {}
}

export const DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus-operated.monitoring.svc:9090';
/** The label Argo Rollouts puts on each revision's pods; ServiceMonitors copy it onto the samples (`podTargetLabels`). */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
const HASH_ARG = 'canary-hash';
const DEFAULT_STEPS: readonly CanaryStep[] = [20, 50, 80].flatMap((w) => [CanaryStep.setWeight(w), CanaryStep.pause('5m')]);
const DURATION = /^[1-9][0-9]*(s|m|h)$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** One or more `label op "value"` matchers, comma-separated: the part between a selector's braces. */
const MATCHERS = /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"[^"\\{}]*"(\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"[^"\\{}]*")*\s*$/;

/** A canary release as its objects need it, props checked and defaults filled in (see CanaryDeliveryProps). */
export interface ResolvedCanary {
  /** The steps, the default ones when none were given. */
  readonly steps: readonly CanaryStep[];
  /** Where the controller queries Prometheus. */
  readonly prometheusAddress: string;
  /** The error ratio objective, if any. */
  readonly errorRatio?: ErrorRatioCheck;
  /** The latency objective with its quantile, if any. */
  readonly latency?: Required<LatencyCheck>;
  /** Measurement interval (a duration). */
  readonly interval: string;
  /** Failed measurements tolerated per objective. */
  readonly failureLimit: number;
}

/** Checks a canary's props; throws naming the construct path, `delivery.<prop>` and the bad value. */
export function resolveCanary(scope: Construct, props: CanaryDeliveryProps): ResolvedCanary {
  const fail = (prop: string, value: unknown, why: string): never => invalidProp(scope, `delivery.${prop}`, value, why);
  const steps = props.steps ?? DEFAULT_STEPS;
  if (steps.length === 0) fail('steps', steps, 'give at least one step (or use Delivery.rolling())');
  let lastWeight = 0;
  steps.forEach(({ step }, i) => {
    if (step.setWeight !== undefined) {
      if (!Number.isInteger(step.setWeight) || step.setWeight <= lastWeight || step.setWeight > 100) {
        fail(
          `steps[${i}].setWeight`,
          step.setWeight,
          `must be an integer percentage above the previous weight ${lastWeight} and at most 100`,
        );
      }
      lastWeight = step.setWeight;
    } else if (step.pause?.duration !== undefined && !DURATION.test(step.pause.duration)) {
      fail(`steps[${i}].pause`, step.pause.duration, 'must be a duration such as 30s, 5m or 1h');
    }
  });
  if (!steps.some(({ step }) => step.pause !== undefined)) {
    fail(
      'steps',
      steps.map(({ step }) => step),
      'needs a pause: without one the analysis never measures the new pods before they take everything',
    );
  }

  const { analysis } = props;
  if (analysis.errorRatio === undefined && analysis.latency === undefined) {
    fail('analysis', analysis, 'give errorRatio, latency or both: a canary nothing measures cannot roll back');
  }
  const prometheusAddress = analysis.prometheusAddress ?? DEFAULT_PROMETHEUS_ADDRESS;
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(prometheusAddress))
    fail('analysis.prometheusAddress', prometheusAddress, 'must be an http(s) URL');
  const interval = analysis.interval ?? '1m';
  if (!DURATION.test(interval)) fail('analysis.interval', interval, 'must be a duration such as 30s, 1m or 5m');
  const failureLimit = analysis.failureLimit ?? 1;
  if (!Number.isInteger(failureLimit) || failureLimit < 0) fail('analysis.failureLimit', failureLimit, 'must be an integer >= 0');

  const { errorRatio, latency } = analysis;
  if (errorRatio !== undefined) {
    if (!METRIC_NAME.test(errorRatio.counter)) fail('analysis.errorRatio.counter', errorRatio.counter, 'must be a Prometheus metric name');
    if (!MATCHERS.test(errorRatio.errorMatchers))
      fail('analysis.errorRatio.errorMatchers', errorRatio.errorMatchers, 'must be label matchers such as status=~"5.."');
    if (!(errorRatio.max >= 0 && errorRatio.max < 1)) fail('analysis.errorRatio.max', errorRatio.max, 'must be a share between 0 and 1');
  }
  let resolvedLatency: Required<LatencyCheck> | undefined;
  if (latency !== undefined) {
    const quantile = latency.quantile ?? 0.95;
    if (!METRIC_NAME.test(latency.histogram))
      fail('analysis.latency.histogram', latency.histogram, 'must be a Prometheus metric name (without _bucket)');
    if (!(quantile > 0 && quantile < 1)) fail('analysis.latency.quantile', quantile, 'must be between 0 and 1');
    if (!(latency.maxSeconds > 0 && Number.isFinite(latency.maxSeconds)))
      fail('analysis.latency.maxSeconds', latency.maxSeconds, 'must be a positive number of seconds');
    resolvedLatency = { histogram: latency.histogram, quantile, maxSeconds: latency.maxSeconds };
  }
  return {
    steps,
    prometheusAddress,
    interval,
    failureLimit,
    ...(errorRatio !== undefined ? { errorRatio } : {}),
    ...(resolvedLatency !== undefined ? { latency: resolvedLatency } : {}),
  };
}

/**
 * The Rollout's canary strategy: the steps, never below the desired pod count (A06), a background
 * analysis from the first pause on, measuring the newest pods by their pod-template hash.
 */
export function canaryStrategy(canary: ResolvedCanary, templateName: string): ICanaryStrategy {
  const firstPause = canary.steps.findIndex(({ step }) => step.pause !== undefined);
  return {
    maxSurge: 1,
    maxUnavailable: 0,
    steps: canary.steps.map(({ step }) => ({ ...step })),
    analysis: {
      templates: [{ templateName }],
      startingStep: firstPause,
      args: [{ name: HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }],
    },
  };
}

/**
 * The AnalysisTemplate: one Prometheus query per objective on the pods of the revision under test
 * (`namespace` + the pod-template hash the ServiceMonitor copies onto each sample). No traffic yet
 * counts as meeting the objective: the query yields 0, not an empty result the controller would call an error.
 */
export function analysisTemplateSpec(canary: ResolvedCanary, namespace: string): IAnalysisTemplate['spec'] {
  const pods = `namespace="${namespace}",${POD_TEMPLATE_HASH_LABEL.replaceAll('-', '_')}="{{args.${HASH_ARG}}}"`;
  const window = `${Number.parseInt(canary.interval, 10) * 2}${canary.interval.slice(-1)}`;
  const measure = (name: string, query: string, max: number): IMetric => ({
    name,
    interval: canary.interval,
    failureLimit: canary.failureLimit,
    successCondition: `result[0] <= ${max}`,
    provider: { prometheus: { address: canary.prometheusAddress, query } },
  });
  const metrics: IMetric[] = [];
  if (canary.errorRatio !== undefined) {
    const { counter, errorMatchers, max } = canary.errorRatio;
    const rate = (matchers: string) => `sum(rate(${counter}{${matchers}}[${window}]))`;
    metrics.push(measure('error-ratio', `(${rate(`${pods},${errorMatchers.trim()}`)} / (${rate(pods)} > 0)) or vector(0)`, max));
  }
  if (canary.latency !== undefined) {
    const { histogram, quantile, maxSeconds } = canary.latency;
    const query = `(histogram_quantile(${quantile}, sum by (le) (rate(${histogram}_bucket{${pods}}[${window}]))) >= 0) or vector(0)`;
    metrics.push(measure(`latency-p${Math.round(quantile * 100)}`, query, maxSeconds));
  }
  return { args: [{ name: HASH_ARG }], metrics };
}
