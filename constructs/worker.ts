import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { autoscalerSpec, checkAutoscaling } from './autoscaling.js';
import type { AutoscalingSpec } from './autoscaling.js';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import type { DnsServer } from './network-peers.js';
import { hardenedPodTemplate, ownServiceAccount, plainEnv, podDisruptionBudget, resolvePodProps } from './pod-template.js';
import type { HardenedPodProps, PlainEnvSpec } from './pod-template.js';
import { Probe, resolveProbes } from './probes.js';
import type { ContainerProbes, ResolvedContainerProbes } from './probes.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
import type { CidrConnection, OutboundConnection } from './workload-network-policy.js';

export interface WorkerProps extends HardenedPodProps, PlainEnvSpec {
  /**
   * Startup, readiness and liveness probes (P01). A worker declares no port, so they are
   * `Probe.exec` probes: e.g. liveness checks the age of a heartbeat file the work loop touches,
   * readiness that the queue connection is up. An HTTP, TCP or gRPC probe is refused (it would need a port).
   */
  readonly probes: ContainerProbes;
  /**
   * Fixed replica count, ignored with `autoscaling`. 1 is the single-node dev mode: no PodDisruptionBudget.
   * @default 2 - survives the loss of a pod or node (A01)
   */
  readonly replicas?: number;
  /**
   * Scale with an HPA instead of a fixed count (CPU by default; memory and queue length with
   * `metrics: [ScalingMetric.external(...)]`); the Deployment then omits `spec.replicas` (A02).
   * @default - fixed replicas
   */
  readonly autoscaling?: AutoscalingSpec;
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
 * No Service and no container port; `Probe.exec` probes; sidecars, init containers and
 * scheduling like every shape's; its own ServiceAccount (no token), a PodDisruptionBudget when replicated, an optional HPA on CPU, memory or external metrics (queue
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
    const resolved = resolvePodProps(this, props, {
      maxNameLength: MAX_NAME,
      why: 'a label value',
      plainEnv: [{ prop: 'env', names: Object.keys(props.env ?? {}) }],
    });
    const probes = this.validate(props);
    this.peerName = props.name;
    this.namespace = props.namespace;
    this.deploymentName = props.name;
    this.identity = resolved.identity;
    this.selectorLabels = resolved.selector;
    const metadata = () => ({ name: props.name, namespace: props.namespace, labels: { ...resolved.labels } });

    ownServiceAccount(this, metadata());
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
          probes,
          env: plainEnv(props.env),
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
        spec: autoscalerSpec(props.autoscaling, { apiVersion: 'apps/v1', kind: 'Deployment', name: props.name }),
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

  /** Checks the worker's own props and resolves its probes; throws naming this construct's path and the bad value. */
  private validate(props: WorkerProps): ResolvedContainerProbes {
    const fail = (prop: string, value: unknown, why: string): never => invalidProp(this, prop, value, why);
    for (const kind of ['startup', 'readiness', 'liveness'] as const) {
      const probe = props.probes?.[kind];
      if (probe instanceof Probe && probe.check.type !== 'exec') {
        fail(`probes.${kind}`, probe.check, 'a Worker declares no port, so its probes are Probe.exec commands (docs/workloads.md)');
      }
    }
    if (props.probes === undefined) fail('probes', props.probes, 'readiness and liveness are required for a long-running container (P01)');
    // A port anywhere in the pod makes it callable, and then N06 wants ingress rules a Worker never has.
    (props.sidecars ?? []).forEach((sidecar, index) => {
      if ((sidecar.ports ?? []).length > 0)
        fail(`sidecars[${index}].ports`, sidecar.ports, 'a Worker declares no port, its sidecars neither: probe them with Probe.exec');
    });
    const probes = resolveProbes(this, 'probes', props.probes, [], undefined);
    const grace = props.terminationGracePeriodSeconds;
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 1))
      fail('terminationGracePeriodSeconds', grace, 'must be an integer >= 1');
    if (props.autoscaling !== undefined) {
      if (props.replicas !== undefined)
        fail('replicas', props.replicas, 'conflicts with autoscaling: the HPA owns the replica count (A02)');
      checkAutoscaling(this, 'autoscaling', props.autoscaling);
    } else if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      fail('replicas', props.replicas, 'must be an integer >= 1 (1 only for a single-node dev environment)');
    }
    return probes;
  }
}
