/**
 * Horizontal autoscaling (autoscaling/v2) for any scalable workload: CPU and memory as a percentage
 * of the request or an average quantity per pod, and custom metrics (Pods, Object) and External
 * metrics, each validated before the HorizontalPodAutoscaler is built (A02).
 */
import type { IHorizontalPodAutoscalerSpec as HpaSpec } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscalerSpec';
import type { IMetricSpec as MetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import type { IMetricTarget as MetricTarget } from 'kubernetes-models/autoscaling/v2/MetricTarget';
import type { IConstruct } from 'constructs';
import { invalidProp } from './errors.js';
import { isDnsSubdomain } from './names.js';
import { checkLabels } from './network-peers.js';
import { parseQuantity } from './quantity.js';

/** A CPU or memory target: a percentage of the pods' request, or an average quantity per pod. */
export type ResourceTarget = { readonly utilization: number } | { readonly averageValue: string };

/** A custom or external metric target: the metric's value, or its value divided by the pod count. */
export type MetricValueTarget = { readonly value: string } | { readonly averageValue: string };

/** The object an Object metric describes, e.g. an Ingress's requests per second. */
export interface DescribedObject {
  /** Its API version, e.g. `networking.k8s.io/v1`. */
  readonly apiVersion: string;
  /** Its kind, e.g. `Ingress`. */
  readonly kind: string;
  /** Its name, in the autoscaler's namespace. */
  readonly name: string;
}

type MetricSource =
  | { readonly type: 'Resource'; readonly resource: 'cpu' | 'memory'; readonly target: ResourceTarget }
  | {
      readonly type: 'Pods';
      readonly metric: string;
      readonly target: { readonly averageValue: string };
      readonly selector?: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'Object';
      readonly metric: string;
      readonly object: DescribedObject;
      readonly target: MetricValueTarget;
      readonly selector?: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'External';
      readonly metric: string;
      readonly target: MetricValueTarget;
      readonly selector?: Readonly<Record<string, string>>;
    };

/**
 * One metric the HPA scales on; with several, it scales to the largest replica count any asks for.
 * `ScalingMetric.cpu({ utilization: 70 })`, `ScalingMetric.memory({ averageValue: '400Mi' })`,
 * `ScalingMetric.pods('http_requests_per_second', '50')`, `ScalingMetric.external('queue_depth', { averageValue: '30' })`.
 */
export class ScalingMetric {
  /** Average CPU per pod: `utilization` percent of `requests.cpu`, or an `averageValue` such as `500m`. */
  public static cpu(target: ResourceTarget): ScalingMetric {
    return new ScalingMetric({ type: 'Resource', resource: 'cpu', target });
  }

  /** Average memory per pod: `utilization` percent of `requests.memory`, or an `averageValue` such as `400Mi`. */
  public static memory(target: ResourceTarget): ScalingMetric {
    return new ScalingMetric({ type: 'Resource', resource: 'memory', target });
  }

  /** A custom metric of the pods (custom.metrics.k8s.io, e.g. prometheus-adapter), averaged over them. */
  public static pods(metric: string, averageValue: string, selector?: Readonly<Record<string, string>>): ScalingMetric {
    return new ScalingMetric({ type: 'Pods', metric, target: { averageValue }, ...(selector !== undefined ? { selector } : {}) });
  }

  /** A custom metric of another object in the namespace (custom.metrics.k8s.io), e.g. an Ingress's request rate. */
  public static object(
    object: DescribedObject,
    metric: string,
    target: MetricValueTarget,
    selector?: Readonly<Record<string, string>>,
  ): ScalingMetric {
    return new ScalingMetric({ type: 'Object', metric, object, target, ...(selector !== undefined ? { selector } : {}) });
  }

  /** A metric from outside the cluster (external.metrics.k8s.io, e.g. a queue's depth via KEDA or an adapter). */
  public static external(metric: string, target: MetricValueTarget, selector?: Readonly<Record<string, string>>): ScalingMetric {
    return new ScalingMetric({ type: 'External', metric, target, ...(selector !== undefined ? { selector } : {}) });
  }

  private constructor(
    /** The metric's source and target. */
    public readonly source: MetricSource,
  ) {}

  /** What identifies the metric; two metrics with the same identity would fight. */
  public get identity(): string {
    const s = this.source;
    switch (s.type) {
      case 'Resource':
        return `Resource/${s.resource}`;
      case 'Object':
        return `Object/${s.object.kind}/${s.object.name}/${s.metric}/${JSON.stringify(s.selector ?? {})}`;
      default:
        return `${s.type}/${s.metric}/${JSON.stringify(s.selector ?? {})}`;
    }
  }
}

/** Horizontal autoscaling (autoscaling/v2). */
export interface AutoscalingSpec {
  /** Fewest pods, >= 2 so one pod's loss never takes the service down. */
  readonly minReplicas: number;
  /** Most pods, > minReplicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization (percent of `requests.cpu`) the HPA steers to; shorthand for
   * `metrics: [ScalingMetric.cpu({ utilization })]`, so it cannot be combined with `metrics`.
   * @default 70 - leaves headroom for the time a new pod takes to become ready
   */
  readonly targetCpuUtilization?: number;
  /**
   * The metrics to scale on (CPU, memory, Pods, Object, External); the HPA follows whichever asks for most pods.
   * @default - CPU at `targetCpuUtilization`
   */
  readonly metrics?: readonly ScalingMetric[];
}

const DEFAULT_CPU_UTILIZATION = 70;
const NO_WHITESPACE = /^\S+$/;

/** Refuses bad replica bounds (A02), utilization outside 1–100, non-positive quantities, bad names and duplicate metrics. */
export function checkAutoscaling(scope: IConstruct, prop: string, spec: AutoscalingSpec): void {
  const { minReplicas, maxReplicas, targetCpuUtilization, metrics } = spec;
  if (!Number.isInteger(minReplicas) || minReplicas < 2)
    invalidProp(scope, `${prop}.minReplicas`, minReplicas, 'must be an integer >= 2 (A02)');
  if (!Number.isInteger(maxReplicas) || maxReplicas <= minReplicas) {
    invalidProp(scope, `${prop}.maxReplicas`, maxReplicas, `must be an integer greater than minReplicas ${minReplicas} (A02)`);
  }
  if (targetCpuUtilization !== undefined) {
    checkUtilization(scope, `${prop}.targetCpuUtilization`, targetCpuUtilization);
    if (metrics !== undefined) {
      invalidProp(
        scope,
        `${prop}.targetCpuUtilization`,
        targetCpuUtilization,
        'conflicts with metrics: put ScalingMetric.cpu({ utilization }) in metrics instead',
      );
    }
  }
  if (metrics === undefined) return;
  if (metrics.length === 0) invalidProp(scope, `${prop}.metrics`, [], 'name at least one metric, or omit metrics for the CPU default');
  const seen = new Set<string>();
  metrics.forEach((metric, index) => {
    const where = `${prop}.metrics[${index}]`;
    if (!(metric instanceof ScalingMetric))
      invalidProp(scope, where, metric, 'must be a ScalingMetric (ScalingMetric.cpu, .memory, .pods, .object, .external)');
    if (seen.has(metric.identity))
      invalidProp(scope, where, metric.identity, 'the same metric twice: the HPA would follow two targets for one signal');
    seen.add(metric.identity);
    checkSource(scope, where, metric.source);
  });
}

function checkSource(scope: IConstruct, prop: string, s: MetricSource): void {
  if (s.type === 'Resource') {
    checkTarget(scope, `${prop}.target`, s.target, ['utilization', 'averageValue']);
    return;
  }
  if (typeof s.metric !== 'string' || !NO_WHITESPACE.test(s.metric))
    invalidProp(scope, `${prop}.metric`, s.metric, 'must be a metric name without spaces');
  if (s.selector !== undefined) checkLabels(scope, `${prop}.selector`, s.selector);
  if (s.type === 'Object') {
    const { apiVersion, kind, name } = s.object;
    if (typeof apiVersion !== 'string' || !NO_WHITESPACE.test(apiVersion))
      invalidProp(scope, `${prop}.object.apiVersion`, apiVersion, 'must be an API version such as "networking.k8s.io/v1"');
    if (typeof kind !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(kind))
      invalidProp(scope, `${prop}.object.kind`, kind, 'must be a kind such as "Ingress"');
    if (typeof name !== 'string' || !isDnsSubdomain(name))
      invalidProp(scope, `${prop}.object.name`, name, 'must be an object name (DNS-1123 subdomain)');
  }
  checkTarget(scope, `${prop}.target`, s.target, s.type === 'Pods' ? ['averageValue'] : ['value', 'averageValue']);
}

function checkTarget(scope: IConstruct, prop: string, target: object, allowed: readonly string[]): void {
  const given = Object.entries(target ?? {}).filter(([, value]) => value !== undefined);
  if (given.length !== 1 || !allowed.includes(given[0]![0])) {
    invalidProp(scope, prop, target, `give exactly one of ${allowed.join(', ')}`);
  }
  const [key, value] = given[0]!;
  if (key === 'utilization') {
    checkUtilization(scope, `${prop}.utilization`, value);
  } else {
    const quantity = typeof value === 'string' ? parseQuantity(value) : undefined;
    if (quantity === undefined || quantity <= 0)
      invalidProp(scope, `${prop}.${key}`, value, 'must be a positive Kubernetes quantity such as "500m", "400Mi" or "30"');
  }
}

function checkUtilization(scope: IConstruct, prop: string, value: unknown): void {
  if (!(Number.isInteger(value) && (value as number) > 0 && (value as number) <= 100)) {
    invalidProp(scope, prop, value, 'must be an integer percentage from 1 to 100 (of the request)');
  }
}

/** The HPA's `metrics`: the given ones, else CPU at `targetCpuUtilization` (default 70 %). */
export function autoscalingMetrics(spec: AutoscalingSpec): MetricSpec[] {
  const metrics = spec.metrics ?? [ScalingMetric.cpu({ utilization: spec.targetCpuUtilization ?? DEFAULT_CPU_UTILIZATION })];
  return metrics.map((metric) => metricSpec(metric.source));
}

/** The HPA spec scaling `target` (in the HPA's namespace) between the bounds on the metrics. */
export function autoscalerSpec(
  spec: AutoscalingSpec,
  target: { readonly apiVersion: string; readonly kind: string; readonly name: string },
): HpaSpec {
  return {
    scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics: autoscalingMetrics(spec),
  };
}

function metricSpec(s: MetricSource): MetricSpec {
  const identifier = (metric: string, selector?: Readonly<Record<string, string>>) => ({
    name: metric,
    ...(selector !== undefined ? { selector: { matchLabels: { ...selector } } } : {}),
  });
  switch (s.type) {
    case 'Resource':
      return { type: 'Resource', resource: { name: s.resource, target: metricTarget(s.target) } };
    case 'Pods':
      return { type: 'Pods', pods: { metric: identifier(s.metric, s.selector), target: metricTarget(s.target) } };
    case 'Object':
      return {
        type: 'Object',
        object: { describedObject: { ...s.object }, metric: identifier(s.metric, s.selector), target: metricTarget(s.target) },
      };
    case 'External':
      return { type: 'External', external: { metric: identifier(s.metric, s.selector), target: metricTarget(s.target) } };
  }
}

function metricTarget(target: ResourceTarget | MetricValueTarget): MetricTarget {
  if ('utilization' in target) return { type: 'Utilization', averageUtilization: target.utilization };
  if ('averageValue' in target) return { type: 'AverageValue', averageValue: target.averageValue };
  return { type: 'Value', value: target.value };
}
