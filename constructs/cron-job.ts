import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IConstruct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import { batchNetworkPolicy, resolveBatch } from './job.js';
import type { BatchPodProps } from './job.js';
import type { WorkloadNetworkPolicy } from './workload-network-policy.js';
import { ownServiceAccount } from './pod-template.js';

/** What the CronJob controller does when a run is due while the previous one still runs. */
export type ConcurrencyPolicy = 'Forbid' | 'Replace' | 'Allow';

export interface CronJobProps extends BatchPodProps {
  /** Cron schedule, five fields (minute hour day-of-month month day-of-week), e.g. `17 3 * * *`; macros and `TZ=` are refused (use `timeZone`). */
  readonly schedule: string;
  /**
   * IANA time zone the schedule is read in.
   * @default 'Etc/UTC' - otherwise the schedule follows the controller-manager's local clock
   */
  readonly timeZone?: string;
  /**
   * A run that is due while the previous one still runs is skipped (`Forbid`), replaces it (`Replace`) or runs alongside (`Allow`).
   * @default 'Forbid' - two runs of one job would compete for the same data, claim or lock; a skipped run shows up as a late one
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * A run that could not start within this many seconds of its time (controller down, Forbid) is skipped.
   * @default 3600 - a run missed by more than an hour waits for the next time instead of firing late
   */
  readonly startingDeadlineSeconds?: number;
  /**
   * Finished successful Jobs kept (with their pods' logs).
   * @default 3 - the last runs stay readable; this, not a TTL, bounds a CronJob's Jobs
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Failed Jobs kept.
   * @default 3 - more than Kubernetes' 1, so a recurring failure's earlier logs are still there
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Create no new runs (running ones continue): pause a job without deleting its history.
   * @default false - a scheduled job runs
   */
  readonly suspend?: boolean;
}

/** The CronJob controller appends an 11-character suffix (`-<minutes since epoch>`) to Job names, which must stay 63-character labels. */
const MAX_NAME = 52;

/**
 * A batch/v1 CronJob: a hardened pod (own ServiceAccount, no token, restricted contexts,
 * resources, size-limited scratch, secret files and claims) on a schedule in an explicit time zone,
 * one run at a time, with bounded retries, run time and history, and a NetworkPolicy that admits
 * nothing and lets the pod reach only what it declares and DNS. Its Jobs carry no
 * `ttlSecondsAfterFinished`: the history limits bound them (kube-linter job-ttl).
 */
export class CronJob extends Construct implements INetworkPeer {
  /** `app.kubernetes.io/name` of the job's pods. */
  public readonly peerName: string;
  public readonly namespace: string;
  /** Name of the CronJob (and of its ServiceAccount and NetworkPolicy). */
  public readonly cronJobName: string;
  public readonly identity: AppIdentity;
  public readonly cronJob: ApiObject;
  /** The job's NetworkPolicy: add callees with `allowTo()`; `allowFrom()` is refused. */
  public readonly networkPolicy: WorkloadNetworkPolicy;

  constructor(scope: Construct, id: string, props: CronJobProps) {
    super(scope, id);
    const { resolved, jobSpec } = resolveBatch(this, props, MAX_NAME, 'the CronJob adds an 11-character suffix to Job names');
    const spec = this.validate(props);
    this.peerName = props.name;
    this.namespace = props.namespace;
    this.cronJobName = props.name;
    this.identity = resolved.identity;
    const metadata = () => ({ name: props.name, namespace: props.namespace, labels: { ...resolved.labels } });

    ownServiceAccount(this, metadata());
    this.cronJob = addKubeObject<ICronJob>(this, 'CronJob', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: metadata(),
      spec: {
        schedule: props.schedule,
        ...spec,
        ...(props.suspend === true ? { suspend: true } : {}),
        jobTemplate: { metadata: { labels: { ...resolved.labels } }, spec: jobSpec },
      },
    });
    this.networkPolicy = batchNetworkPolicy(this, this, this.identity, props);
  }

  private validate(props: CronJobProps) {
    checkCronSchedule(this, 'schedule', props.schedule);
    const timeZone = props.timeZone ?? 'Etc/UTC';
    checkTimeZone(this, 'timeZone', timeZone);
    const concurrencyPolicy = props.concurrencyPolicy ?? 'Forbid';
    if (!['Forbid', 'Replace', 'Allow'].includes(concurrencyPolicy))
      invalidProp(this, 'concurrencyPolicy', concurrencyPolicy, 'must be "Forbid", "Replace" or "Allow"');
    const startingDeadlineSeconds = props.startingDeadlineSeconds ?? 3600;
    // The controller checks schedules every 10 s: a shorter deadline can skip runs at random.
    if (!Number.isInteger(startingDeadlineSeconds) || startingDeadlineSeconds < 10) {
      invalidProp(this, 'startingDeadlineSeconds', startingDeadlineSeconds, 'must be an integer >= 10 (the controller checks every 10 s)');
    }
    const successfulJobsHistoryLimit = props.successfulJobsHistoryLimit ?? 3;
    const failedJobsHistoryLimit = props.failedJobsHistoryLimit ?? 3;
    for (const [prop, value] of [
      ['successfulJobsHistoryLimit', successfulJobsHistoryLimit],
      ['failedJobsHistoryLimit', failedJobsHistoryLimit],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value > 100) invalidProp(this, prop, value, 'must be an integer from 0 to 100');
    }
    if (props.suspend !== undefined && typeof props.suspend !== 'boolean')
      invalidProp(this, 'suspend', props.suspend, 'must be true or false');
    return { timeZone, concurrencyPolicy, startingDeadlineSeconds, successfulJobsHistoryLimit, failedJobsHistoryLimit };
  }
}

/** Refuses a time zone the runtime's IANA database does not know. */
export function checkTimeZone(scope: IConstruct, prop: string, timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    invalidProp(scope, prop, timeZone, 'is not an IANA time zone such as "Etc/UTC" or "Europe/Berlin"');
  }
}

const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;
const CRON_ITEM = /^(\*|([0-9A-Za-z]+)(-([0-9A-Za-z]+))?)(\/(\d+))?$/;

/**
 * A five-field cron schedule as the CronJob controller reads it: `*`, numbers, ranges, steps,
 * lists, and month/day names. Macros (`@daily`) and `TZ=` prefixes are refused: use `timeZone`.
 */
export function checkCronSchedule(scope: IConstruct, prop: string, schedule: string): void {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    invalidProp(scope, prop, schedule, `must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  }
  fields.forEach((field, index) => {
    const spec = CRON_FIELDS[index]!;
    const names: readonly string[] = 'names' in spec ? spec.names : [];
    const value = (token: string): number | undefined => {
      const byName = names.indexOf(token.toUpperCase());
      if (byName >= 0) return byName + spec.min;
      return /^\d+$/.test(token) ? Number(token) : undefined;
    };
    for (const item of field.split(',')) {
      const match = CRON_ITEM.exec(item);
      const from = match?.[2] !== undefined ? value(match[2]) : spec.min;
      const to = match?.[4] !== undefined ? value(match[4]) : from;
      const step = match?.[6] !== undefined ? Number(match[6]) : 1;
      const ok = match !== null && from !== undefined && to !== undefined && from >= spec.min && to <= spec.max && from <= to && step >= 1;
      if (!ok)
        invalidProp(
          scope,
          prop,
          schedule,
          `the ${spec.name} field "${field}" is not valid (${spec.min}-${spec.max}, "*", ranges, steps, lists)`,
        );
    }
  });
}
