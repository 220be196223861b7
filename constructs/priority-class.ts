import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { IPriorityClass } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { invalidProp } from './errors.js';
import { identityLabels } from './network-peers.js';
import { isDnsSubdomain } from './names.js';

/** Whether pods of this priority may evict lower-priority pods to get scheduled. */
export type PreemptionPolicy = 'Never' | 'PreemptLowerPriority';

export interface PriorityClassProps {
  /** The PriorityClass's name, what pods name in `priorityClassName`; `system-*` is reserved. */
  readonly name: string;
  /**
   * Priority: higher is scheduled first. User classes range up to 1,000,000,000 (above is `system-*`).
   */
  readonly value: number;
  /**
   * `Never` queues the pods ahead of lower priorities without evicting anything; `PreemptLowerPriority` evicts to make room.
   * @default 'Never' - a priority that cannot evict other pods is safe in a shared cluster; opt in to preemption for what must run
   */
  readonly preemptionPolicy?: PreemptionPolicy;
  /**
   * What the class is for, shown by `kubectl get priorityclass`.
   * @default - "`<partOf>` workloads, priority `<value>`"
   */
  readonly description?: string;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** `app.kubernetes.io/version`. */
  readonly version: string;
}

/** User-defined classes stay at or below one billion; higher values are reserved for `system-*` classes. */
const MAX_VALUE = 1_000_000_000;

/**
 * A scheduling.k8s.io/v1 PriorityClass (cluster-scoped) for the workloads' `priorityClassName`, so
 * the scheduler knows what to place first under pressure (Polaris priorityClassNotSet).
 * `globalDefault` is always false: a class in one app's manifests must not change the priority
 * of every other pod in the cluster.
 */
export class PriorityClass extends Construct {
  /** The name pods use in `priorityClassName`. */
  public readonly priorityClassName: string;
  public readonly value: number;
  public readonly priorityClass: ApiObject;

  constructor(scope: Construct, id: string, props: PriorityClassProps) {
    super(scope, id);
    if (!isDnsSubdomain(props.name) || props.name.length > 63)
      invalidProp(this, 'name', props.name, 'must be a DNS-1123 subdomain of at most 63 characters (it is also a label value)');
    if (props.name.startsWith('system-')) invalidProp(this, 'name', props.name, 'the "system-" prefix is reserved for Kubernetes');
    if (!Number.isInteger(props.value) || props.value < -2_147_483_648 || props.value > MAX_VALUE) {
      invalidProp(this, 'value', props.value, 'must be an integer of at most 1000000000 (higher values are reserved for system classes)');
    }
    const preemptionPolicy = props.preemptionPolicy ?? 'Never';
    if (preemptionPolicy !== 'Never' && preemptionPolicy !== 'PreemptLowerPriority') {
      invalidProp(this, 'preemptionPolicy', preemptionPolicy, 'must be "Never" or "PreemptLowerPriority"');
    }
    const description = props.description ?? `${props.partOf} workloads, priority ${props.value}`;
    if (description.trim() === '') invalidProp(this, 'description', description, 'must say what the class is for');
    const labels = identityLabels(this, { name: props.name, component: 'scheduling', partOf: props.partOf, version: props.version });
    this.priorityClassName = props.name;
    this.value = props.value;
    const manifest: IPriorityClass = {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: props.name, labels },
      value: props.value,
      globalDefault: false,
      preemptionPolicy,
      description,
    };
    this.priorityClass = new ApiObject(this, 'Resource', manifest as never);
    // Cluster-scoped: drop the namespace a chart with a default namespace would add.
    if (Chart.of(this).namespace !== undefined) this.priorityClass.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}
