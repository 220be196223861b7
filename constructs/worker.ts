import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IMetricSpec as MetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import { checkLabels } from './network-peers.js';
import type { DnsServer } from './network-peers.js';
import { checkHealthChecks, hardenedPodTemplate, podDisruptionBudget, resolvePodProps } from './pod-template.js';
import type { HardenedPodProps, HealthChecks } from './pod-template.js';
import { parseQuantity } from './quantity.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
import type { CidrConnection, OutboundConnection } from './workload-network-policy.js';

/** A metric from the external metrics API (e.g. a queue's length through KEDA or prometheus-adapter). */
export interface ExternalMetricTarget {
  /** The metric's name as the adapter serves it, e.g. `rabbitmq_queue_messages_ready`. */
  readonly metricName: string;
  /**
   * Labels picking one series of the metric, e.g. `{ queue: 'reminders' }`.
   * @default - every series of the metric
   */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Target value per pod (`AverageValue`), e.g. `'30'` messages per worker: the HPA runs `ceil(total / 30)` pods. */
  readonly averageValue: string;
}

/** Horizontal autoscaling (autoscaling/v2) on CPU, memory and/or external metrics. */
export interface WorkerAutoscaling {
  /** Fewest pods, >= 2 so one pod's loss never stops the work (A02). */
  readonly minReplicas: number;
  /** Most pods, > minReplicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization (percent of `requests.cpu`) to steer to.
   * @default - 70 when no other metric is given: headroom for the time a new pod takes to start; else none
   */
  readonly targetCpuUtilization?: number;
  /**
   * Average memory utilization (percent of `requests.memory`) to steer to.
   * @default - none: most workers' memory does not shrink with more pods
   */
  readonly targetMemoryUtilization?: number;
  /**
   * External metrics, e.g. queue length: the signal that says a queue worker is behind.
   * @default - none
   */
  readonly external?: readonly ExternalMetricTarget[];
}

export interface WorkerProps extends HardenedPodProps {
  /**
   * Startup, readiness and liveness probes (P01). A worker declares no port, so they are `exec`
   * probes: e.g. liveness checks the age of a heartbeat file the work loop touches, readiness that
   * the queue connection is up. An HTTP, TCP or gRPC probe is refused (it would need a port).
   */
  readonly probes: HealthChecks;
  /**
   * Fixed replica count, ignored with `autoscaling`. 1 is the single-node dev mode: no PodDisruptionBudget.
   * @default 2 - survives the loss of a pod or node (A01)
   */
  readonly replicas?: number;
  /**
   * Scale with an HPA instead of a fixed count; the Deployment then omits `spec.replicas` (A02).
   * @default - fixed replicas
   */
  readonly autoscaling?: WorkerAutoscaling;
  /**
   * In-cluster callees (queue, database). More with `networkPolicy.allowTo()`.
   * @default - none besides DNS
   */
  readonly egress?: readonly OutboundConnection[];
  /**
   * Out-of-cluster callees by address range. More with `networkPolicy.allowToCidr()`.
   * @default - none
   */
  readonly egressToCidrs?: readonly CidrConnection[];
  /**
   * The cluster DNS the pods may query, or `false` for pods that never resolve names.
   * @default KUBE_DNS - CoreDNS in kube-system
   */
  readonly dns?: DnsServer | false;
  /**
   * Seconds from SIGTERM to SIGKILL: the time to finish (or hand back) the message in hand.
   * @default 30 - the kubelet's default; raise it to the longest message a worker handles
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** Longest name: a label value, and the Deployment's pods are `<name>-<hash>-<5>` (a DNS subdomain). */
const MAX_NAME = 63;

/**
 * A long-running Deployment that serves nothing: a queue consumer, a poller, a scheduler loop.
 * No Service and no container port; `exec` probes; its own ServiceAccount (no token), a
 * PodDisruptionBudget when replicated, an optional HPA on CPU, memory or external metrics (queue
 * length), and a NetworkPolicy that admits no connection at all (ingress deny-all) and lets the
 * pods reach only the declared callees and DNS. Passes the policy, N06 included, with no waiver.
 */
export class Worker extends Construct implements INetworkPeer {
  /** `app.kubernetes.io/name` of the pods: what network policies select on. */
  public readonly peerName: string;
  public readonly namespace: string;
  /** Name of the Deployment (and of its ServiceAccount, PodDisruptionBudget, HPA and NetworkPolicy). */
  public readonly deploymentName: string;
  /** The recommended labels' source. */
  public readonly identity: AppIdentity;
  /** The Deployment's selector (name + instance). */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  public readonly deployment: ApiObject;
  public readonly podDisruptionBudget?: ApiObject;
  public readonly autoscaler?: ApiObject;
  /** The worker's NetworkPolicy: add callees with `allowTo()`; `allowFrom()` is refused. */
  public readonly networkPolicy: WorkloadNetworkPolicy;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const resolved = resolvePodProps(this, props, MAX_NAME, 'a label value');
    for (const [kind, check] of Object.entries(props.probes ?? {})) {
      if (check?.action !== undefined && !('exec' in check.action)) {
        invalidProp(this, `probes.${kind}.action`, check.action, 'a Worker declares no port, so its probes are exec commands (docs/workloads.md)');
      }
    }
    checkHealthChecks(this, 'probes', props.probes, []);
    this.validate(props);
    this.peerName = props.name;
    this.namespace = props.namespace;
    this.deploymentName = props.name;
    this.identity = resolved.identity;
    this.selectorLabels = resolved.selector;
    const metadata = () => ({ name: props.name, namespace: props.namespace, labels: { ...resolved.labels } });

    addKubeObject<IServiceAccount>(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(), automountServiceAccountToken: false });
    this.deployment = addKubeObject<IDeployment>(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(),
      spec: {
        ...(props.autoscaling === undefined ? { replicas: props.replicas ?? 2 } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...resolved.selector } },
        // A new pod must be ready before an old one stops, so the queue never loses all its consumers (A06).
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: hardenedPodTemplate({
          props,
          resolved,
          probes: props.probes,
          spread: true,
          terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 30,
        }),
      },
    });

    if (props.autoscaling !== undefined || (props.replicas ?? 2) > 1) {
      this.podDisruptionBudget = podDisruptionBudget(this, metadata(), resolved.selector, 'AlwaysAllow');
    }
    if (props.autoscaling !== undefined) {
      this.autoscaler = addKubeObject<IHorizontalPodAutoscaler>(this, 'Autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: metadata(),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name },
          minReplicas: props.autoscaling.minReplicas,
          maxReplicas: props.autoscaling.maxReplicas,
          metrics: autoscalingMetrics(props.autoscaling),
        },
      });
    }

    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      workload: this,
      identity: this.identity,
      // Nothing calls a worker: the policy lists Ingress with no rule, so every inbound connection is denied.
      ingress: 'none',
      ...(props.egress !== undefined ? { egress: props.egress } : {}),
      ...(props.egressToCidrs !== undefined ? { egressToCidrs: props.egressToCidrs } : {}),
      ...(props.dns !== undefined ? { dns: props.dns } : {}),
    });
  }

  /** Checks the worker's own props; throws naming this construct's path and the bad value. */
  private validate(props: WorkerProps): void {
    const fail = (prop: string, value: unknown, why: string): never => invalidProp(this, prop, value, why);
    const grace = props.terminationGracePeriodSeconds;
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 1)) fail('terminationGracePeriodSeconds', grace, 'must be an integer >= 1');
    const scaling = props.autoscaling;
    if (scaling === undefined) {
      if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
        fail('replicas', props.replicas, 'must be an integer >= 1 (1 only for a single-node dev environment)');
      }
      return;
    }
    if (props.replicas !== undefined) fail('replicas', props.replicas, 'conflicts with autoscaling: the HPA owns the replica count (A02)');
    if (!Number.isInteger(scaling.minReplicas) || scaling.minReplicas < 2) fail('autoscaling.minReplicas', scaling.minReplicas, 'must be an integer >= 2 (A02)');
    if (!Number.isInteger(scaling.maxReplicas) || scaling.maxReplicas <= scaling.minReplicas) {
      fail('autoscaling.maxReplicas', scaling.maxReplicas, `must be an integer greater than minReplicas ${scaling.minReplicas} (A02)`);
    }
    for (const [prop, value] of [['targetCpuUtilization', scaling.targetCpuUtilization], ['targetMemoryUtilization', scaling.targetMemoryUtilization]] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0 && value <= 100)) fail(`autoscaling.${prop}`, value, 'must be an integer percentage from 1 to 100');
    }
    for (const metric of scaling.external ?? []) {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:.-]{0,252}$/.test(metric.metricName)) fail('autoscaling.external.metricName', metric.metricName, 'must be a metric name');
      if (metric.matchLabels !== undefined) checkLabels(this, 'autoscaling.external.matchLabels', metric.matchLabels);
      const value = parseQuantity(metric.averageValue);
      if (value === undefined || value <= 0) fail('autoscaling.external.averageValue', metric.averageValue, 'must be a positive quantity such as "30" or "500m"');
    }
  }
}

/** The HPA metrics: the ones asked for, or CPU at 70 % when none is. */
function autoscalingMetrics(scaling: WorkerAutoscaling): MetricSpec[] {
  const resource = (name: string, averageUtilization: number): MetricSpec => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } });
  const anyMetric = scaling.targetCpuUtilization !== undefined || scaling.targetMemoryUtilization !== undefined || (scaling.external ?? []).length > 0;
  const cpu = scaling.targetCpuUtilization ?? (anyMetric ? undefined : 70);
  return [
    ...(cpu !== undefined ? [resource('cpu', cpu)] : []),
    ...(scaling.targetMemoryUtilization !== undefined ? [resource('memory', scaling.targetMemoryUtilization)] : []),
    ...(scaling.external ?? []).map((metric): MetricSpec => ({
      type: 'External',
      external: {
        metric: { name: metric.metricName, ...(metric.matchLabels !== undefined ? { selector: { matchLabels: { ...metric.matchLabels } } } : {}) },
        target: { type: 'AverageValue', averageValue: metric.averageValue },
      },
    })),
  ];
}
