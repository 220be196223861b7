import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IJobSpec as JobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import type { IConstruct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import type { DnsServer } from './network-peers.js';
import { claimMounts, hardenedPodTemplate, ownServiceAccount, plainEnv, resolvePodProps } from './pod-template.js';
import type { ClaimMount, HardenedPodProps, PlainEnvSpec, ResolvedPodProps } from './pod-template.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
import type { CidrConnection, OutboundConnection } from './workload-network-policy.js';

/**
 * What a run-to-completion pod (Job, CronJob) takes besides the common pod props. Sidecars run
 * beside the job and stop when it ends (native sidecars, Kubernetes >= 1.29); the pods are not
 * spread (one pod per run), and the scheduling props apply as given.
 */
export interface BatchPodProps extends HardenedPodProps, PlainEnvSpec {
  /**
   * Retries of a failed run before the Job is marked failed.
   * @default 2 - a transient failure is retried; a broken setup is not hammered (Kubernetes' 6 is a lot of noise)
   */
  readonly backoffLimit?: number;
  /**
   * Longest a run (all its retries) may take before it is killed.
   * @default 3600 - a run stuck for an hour holds its resources and hides the failure; set it to the job's real bound
   */
  readonly activeDeadlineSeconds?: number;
  /**
   * `Never` makes a new pod per retry (failed pods stay for `kubectl logs`); `OnFailure` restarts the container in place.
   * @default 'Never' - a failure's logs stay readable
   */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /**
   * Existing PersistentVolumeClaims to mount (e.g. where a backup writes).
   * @default - none
   */
  readonly persistentVolumeClaims?: readonly ClaimMount[];
  /**
   * In-cluster callees. More with `networkPolicy.allowTo()`.
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
}

export interface JobProps extends BatchPodProps {
  /**
   * Seconds after it finishes that the Job (and its pods and logs) is deleted.
   * @default 86400 - a day to read the logs; without it finished Jobs pile up forever (kube-linter job-ttl)
   */
  readonly ttlSecondsAfterFinished?: number;
}

/** The checked batch props, the labels and the pod template. */
export interface ResolvedBatch {
  readonly resolved: ResolvedPodProps;
  /** The Job spec without `ttlSecondsAfterFinished` (a CronJob's history limits bound its Jobs instead). */
  readonly jobSpec: JobSpec;
}

/** Checks the batch props (naming `scope`'s path) and builds the Job spec every batch shape shares. */
export function resolveBatch(scope: IConstruct, props: BatchPodProps, maxNameLength: number, why: string): ResolvedBatch {
  const claims = props.persistentVolumeClaims ?? [];
  const resolved = resolvePodProps(scope, props, {
    maxNameLength,
    why,
    plainEnv: [{ prop: 'env', names: Object.keys(props.env ?? {}) }],
    otherMounts: claimMounts(scope, 'persistentVolumeClaims', claims),
  });
  const backoffLimit = props.backoffLimit ?? 2;
  if (!Number.isInteger(backoffLimit) || backoffLimit < 0 || backoffLimit > 20)
    invalidProp(scope, 'backoffLimit', backoffLimit, 'must be an integer from 0 to 20');
  const deadline = props.activeDeadlineSeconds ?? 3600;
  if (!Number.isInteger(deadline) || deadline < 1) invalidProp(scope, 'activeDeadlineSeconds', deadline, 'must be an integer >= 1');
  const restartPolicy = props.restartPolicy ?? 'Never';
  if (restartPolicy !== 'Never' && restartPolicy !== 'OnFailure')
    invalidProp(scope, 'restartPolicy', restartPolicy, 'must be "Never" or "OnFailure" (a Job pod never restarts "Always")');
  return {
    resolved,
    jobSpec: {
      backoffLimit,
      activeDeadlineSeconds: deadline,
      template: hardenedPodTemplate({ props, resolved, env: plainEnv(props.env), restartPolicy, claims }),
    },
  };
}

/** A batch pod's NetworkPolicy: no ingress at all (nothing calls a job), egress to what it declares and DNS. */
export function batchNetworkPolicy(
  scope: Construct,
  workload: INetworkPeer,
  identity: AppIdentity,
  props: BatchPodProps,
): WorkloadNetworkPolicy {
  return new WorkloadNetworkPolicy(scope, 'NetworkPolicy', {
    workload,
    identity,
    ingress: 'none',
    ...(props.egress !== undefined ? { egress: props.egress } : {}),
    ...(props.egressToCidrs !== undefined ? { egressToCidrs: props.egressToCidrs } : {}),
    ...(props.dns !== undefined ? { dns: props.dns } : {}),
  });
}

/** Job names are the `batch.kubernetes.io/job-name` label of its pods: at most 63 characters. */
const MAX_NAME = 63;

/**
 * A standalone batch/v1 Job that runs once to completion (a migration, a one-off import): a
 * hardened pod (own ServiceAccount, no token, restricted contexts, resources, size-limited scratch,
 * secret files), bounded retries and run time, deleted a day after it finishes, and a NetworkPolicy
 * that admits nothing and lets the pod reach only what it declares and DNS.
 *
 * Under Argo CD a Job deleted by its TTL is missing from the cluster and gets synced (run) again;
 * give one-off Jobs an `argocd.argoproj.io/hook` annotation (escape hatch `job.metadata.addAnnotation`)
 * or use a CronJob for recurring work.
 */
export class Job extends Construct implements INetworkPeer {
  /** `app.kubernetes.io/name` of the job's pods. */
  public readonly peerName: string;
  public readonly namespace: string;
  /** Name of the Job (and of its ServiceAccount and NetworkPolicy). */
  public readonly jobName: string;
  public readonly identity: AppIdentity;
  public readonly job: ApiObject;
  /** The job's NetworkPolicy: add callees with `allowTo()`; `allowFrom()` is refused. */
  public readonly networkPolicy: WorkloadNetworkPolicy;

  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id);
    const { resolved, jobSpec } = resolveBatch(this, props, MAX_NAME, 'the job-name label of its pods');
    const ttl = props.ttlSecondsAfterFinished ?? 86400;
    if (!Number.isInteger(ttl) || ttl < 0) invalidProp(this, 'ttlSecondsAfterFinished', ttl, 'must be an integer >= 0');
    this.peerName = props.name;
    this.namespace = props.namespace;
    this.jobName = props.name;
    this.identity = resolved.identity;
    const metadata = () => ({ name: props.name, namespace: props.namespace, labels: { ...resolved.labels } });

    ownServiceAccount(this, metadata());
    this.job = addKubeObject<IJob>(this, 'Job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: metadata(),
      spec: { ...jobSpec, ttlSecondsAfterFinished: ttl },
    });
    this.networkPolicy = batchNetworkPolicy(this, this, this.identity, props);
  }
}
