import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IConstruct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import { CronJob, checkCronSchedule, checkTimeZone } from './cron-job.js';
import { invalidProp } from './errors.js';
import { isValidLabelValue, recommendedLabels } from './labels.js';
import { addKubeObject } from './model-object.js';
import { isDns1035Label, isDnsSubdomain } from './names.js';
import { checkNamespace } from './network-peers.js';
import { PG_DUMP_SCRIPT } from './pg-dump-script.js';
import type { ContainerResources } from './pod-hardening.js';
import { parseQuantity } from './quantity.js';
import type { PortedPeer } from './web-service.js';
import type { WorkloadNetworkPolicy } from './workload-network-policy.js';

export { PG_DUMP_SCRIPT } from './pg-dump-script.js';

/** The PostgreSQL server a backup reads, and how it logs in. */
export interface PgDumpSource {
  /** The server's pods (network policy peer) and port. */
  readonly server: PortedPeer;
  /** Host name the job connects to, e.g. the server's ClusterIP Service `todo-db.todo.svc.cluster.local`. */
  readonly host: string;
  /** Database to dump. */
  readonly database: string;
  /** Role that logs in; it must be able to read every table (the database owner is). */
  readonly user: string;
  /** Existing Secret and key holding the role's password, mounted as a file. */
  readonly passwordSecret: { readonly name: string; readonly key: string };
}

export interface PgDumpBackupProps {
  /** Name of the CronJob, its ServiceAccount, PersistentVolumeClaim and NetworkPolicy, and `app.kubernetes.io/name`. */
  readonly name: string;
  /** Namespace of every object (the server's). */
  readonly namespace: string;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** `app.kubernetes.io/version`, usually the image tag. */
  readonly version: string;
  /**
   * `app.kubernetes.io/component`.
   * @default 'database' - the backup belongs to the database (and syncs in its Argo CD wave)
   */
  readonly component?: string;
  /** PostgreSQL image providing `pg_dump`; its major version must be at least the server's (already validated by the caller). */
  readonly image: string;
  /** What to dump and how to log in. */
  readonly source: PgDumpSource;
  /** Cron schedule, five fields (minute hour day-of-month month day-of-week), e.g. `17 3 * * *`. */
  readonly schedule: string;
  /**
   * IANA time zone the schedule is read in.
   * @default 'Etc/UTC' - otherwise the schedule follows the controller-manager's local clock
   */
  readonly timeZone?: string;
  /** Size of the PersistentVolumeClaim holding the dumps, e.g. `2Gi`. */
  readonly storage: string;
  /**
   * StorageClass of the claim.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * How many dumps to keep; older ones are deleted after each successful dump.
   * @default 7 - a week of nightly dumps
   */
  readonly keep?: number;
  /** cpu, memory and ephemeral-storage of the job's container. */
  readonly resources: ContainerResources;
  /**
   * Longest a run may take before it is killed (the Job's activeDeadlineSeconds).
   * @default 3600 - a dev-sized database dumps in seconds; an hour means something is stuck
   */
  readonly timeoutSeconds?: number;
}

const BACKUP_DIR = '/var/lib/backups';
const SECRET_DIR = '/var/run/secrets/postgres';
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
/** A PostgreSQL identifier that needs no quoting (database and role names). */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A nightly `pg_dump -Fc` of one database into a PersistentVolumeClaim, keeping the newest N dumps:
 * a `CronJob` (hardened pod, one run at a time, bounded retries and run time, no ingress, egress
 * only to the server's port and DNS) running the embedded `PG_DUMP_SCRIPT` in the PostgreSQL
 * image, and the claim. The server's policy must admit this peer (PostgresStatefulSet does).
 */
export class PgDumpBackup extends Construct implements INetworkPeer {
  /** `app.kubernetes.io/name` of the job's pods. */
  public readonly peerName: string;
  public readonly namespace: string;
  /** Name of the CronJob (and of its ServiceAccount, claim and NetworkPolicy). */
  public readonly cronJobName: string;
  /** Name of the claim holding the dumps. */
  public readonly claimName: string;
  /** Directory the dumps are written to in the job's container. */
  public readonly backupDirectory = BACKUP_DIR;
  /** The CronJob construct (its `cronJob` is the object). */
  public readonly job: CronJob;
  public readonly cronJob: ApiObject;
  public readonly networkPolicy: WorkloadNetworkPolicy;

  constructor(scope: Construct, id: string, props: PgDumpBackupProps) {
    super(scope, id);
    const { keep } = this.validate(props);
    const component = props.component ?? 'database';
    const labels = recommendedLabels({ name: props.name, version: props.version, component, partOf: props.partOf });
    this.peerName = props.name;
    this.namespace = props.namespace;
    this.cronJobName = props.name;
    this.claimName = props.name;

    addKubeObject<IPersistentVolumeClaim>(this, 'Claim', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
        resources: { requests: { storage: props.storage } },
      },
    });

    const { source } = props;
    const password = source.passwordSecret;
    this.job = new CronJob(this, 'Job', {
      name: props.name,
      namespace: props.namespace,
      component,
      partOf: props.partOf,
      version: props.version,
      image: props.image,
      containerName: 'pg-dump',
      command: ['/bin/bash', '-c', PG_DUMP_SCRIPT],
      env: {
        PGHOST: source.host,
        PGPORT: String(source.server.port),
        PGUSER: source.user,
        PGDATABASE: source.database,
        DB_PASSWORD_FILE: `${SECRET_DIR}/${password.key}`,
        BACKUP_DIR,
        KEEP_DUMPS: String(keep),
      },
      resources: props.resources,
      tmpSizeLimit: '16Mi',
      secretFiles: [{ secretName: password.name, key: password.key, mountPath: SECRET_DIR, volumeName: 'password' }],
      persistentVolumeClaims: [{ volumeName: 'backups', claimName: this.claimName, mountPath: BACKUP_DIR }],
      // The claim's root keeps its owner after the first run; no recursive chown of old dumps.
      fsGroupChangePolicy: 'OnRootMismatch',
      schedule: props.schedule,
      ...(props.timeZone !== undefined ? { timeZone: props.timeZone } : {}),
      // A dump still running when the next one is due would compete for the same claim.
      concurrencyPolicy: 'Forbid',
      backoffLimit: 2,
      activeDeadlineSeconds: props.timeoutSeconds ?? 3600,
      egress: [{ to: source.server, port: source.server.port }],
    });
    this.cronJob = this.job.cronJob;
    this.networkPolicy = this.job.networkPolicy;
  }

  /** Checks the backup's own props; the CronJob checks the rest, naming its path (`<this path>/Job`). */
  private validate(props: PgDumpBackupProps) {
    checkBackupName(this, 'name', props.name);
    checkNamespace(this, 'namespace', props.namespace);
    for (const [prop, value] of [
      ['partOf', props.partOf],
      ['version', props.version],
      ['component', props.component],
    ] as const) {
      if (value !== undefined && (value === '' || !isValidLabelValue(value))) {
        invalidProp(this, prop, value, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
      }
    }
    checkPasswordSecret(this, 'source.passwordSecret', props.source.passwordSecret);
    if (!SQL_IDENTIFIER.test(props.source.database))
      invalidProp(this, 'source.database', props.source.database, 'must be a lowercase SQL identifier');
    if (!SQL_IDENTIFIER.test(props.source.user)) invalidProp(this, 'source.user', props.source.user, 'must be a lowercase SQL identifier');
    if (!isDnsSubdomain(props.source.host)) invalidProp(this, 'source.host', props.source.host, 'must be a DNS name');
    checkCronSchedule(this, 'schedule', props.schedule);
    if (props.timeZone !== undefined) checkTimeZone(this, 'timeZone', props.timeZone);
    checkStorage(this, 'storage', props.storage);
    const keep = props.keep ?? 7;
    if (!Number.isInteger(keep) || keep < 1 || keep > 100) invalidProp(this, 'keep', keep, 'must be an integer from 1 to 100');
    const timeoutSeconds = props.timeoutSeconds ?? 3600;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60)
      invalidProp(this, 'timeoutSeconds', timeoutSeconds, 'must be an integer >= 60');
    return { keep };
  }
}

/** A DNS-1035 label short enough for the Job names the CronJob makes (`<name>-<minutes since epoch>`). */
function checkBackupName(scope: IConstruct, prop: string, name: string): void {
  if (!isDns1035Label(name, 52)) {
    invalidProp(
      scope,
      prop,
      name,
      'must be a DNS-1035 label of at most 52 characters (the CronJob adds an 11-character suffix to Job names)',
    );
  }
}

/** An existing Secret's name and key. */
export function checkPasswordSecret(scope: IConstruct, prop: string, secret: { readonly name: string; readonly key: string }): void {
  if (!isDnsSubdomain(secret.name)) invalidProp(scope, `${prop}.name`, secret.name, 'must be a Secret name (DNS-1123 subdomain)');
  if (!SECRET_KEY.test(secret.key)) invalidProp(scope, `${prop}.key`, secret.key, 'must be a Secret key (letters, digits, "-", "_", ".")');
}

/** A storage quantity greater than zero, e.g. `2Gi`. */
export function checkStorage(scope: IConstruct, prop: string, storage: string): void {
  const bytes = parseQuantity(storage);
  if (bytes === undefined || bytes <= 0) invalidProp(scope, prop, storage, 'must be a positive Kubernetes quantity such as "2Gi"');
}
