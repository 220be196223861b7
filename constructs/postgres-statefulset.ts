import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import { checkCronSchedule, checkTimeZone } from './cron-job.js';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { isValidLabelValue } from './labels.js';
import type { AppIdentity } from './labels.js';
import { isDns1035Label } from './names.js';
import { checkNamespace } from './network-peers.js';
import { PgDumpBackup, SQL_IDENTIFIER, checkPasswordSecret, checkStorage } from './pg-dump-backup.js';
import { checkContainerResources, checkScratchDirectories } from './pod-hardening.js';
import type { ContainerResources, ScratchDirectory } from './pod-hardening.js';
import { Probe } from './probes.js';
import { parseQuantity } from './quantity.js';
import { StatefulService } from './stateful-service.js';
import type { WorkloadNetworkPolicy } from './workload-network-policy.js';

/** The nightly pg_dump CronJob (PgDumpBackup) of the database. */
export interface PostgresBackupSpec {
  /** Cron schedule, five fields, e.g. `17 3 * * *` (03:17, off the top of the hour when every other job runs). */
  readonly schedule: string;
  /** Size of the PersistentVolumeClaim holding the dumps, e.g. `2Gi`: room for `keep` dumps. */
  readonly storage: string;
  /**
   * How many dumps to keep.
   * @default 7 - a week of nightly dumps
   */
  readonly keep?: number;
  /**
   * IANA time zone of the schedule.
   * @default 'Etc/UTC' - otherwise the schedule follows the controller-manager's local clock
   */
  readonly timeZone?: string;
  /**
   * Resources of the backup container.
   * @default - the database's resources: it fits wherever the database fits
   */
  readonly resources?: ContainerResources;
}

export interface PostgresStatefulSetProps {
  /**
   * Name of the StatefulSet, its ServiceAccount, NetworkPolicy and ClusterIP Service (what clients
   * connect to), and `app.kubernetes.io/name`; the headless Service is `<name>-headless`, the backup
   * `<name>-backup`. A DNS-1035 label of at most 45 characters.
   */
  readonly name: string;
  /** Namespace of every object; `default` and `kube-*` are refused (N07). */
  readonly namespace: string;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag, so the label says which PostgreSQL runs
   */
  readonly version?: string;
  /**
   * The official `postgres` image (or one with its entrypoint), `repo:tag` or `repo:tag@sha256:…`;
   * a tag is required and may not be `latest`. Its `pg_dump` also runs the backup.
   */
  readonly image: string;
  /**
   * Refuse an image without a `@sha256:` digest.
   * @default false - dev deploys the tag it names
   */
  readonly requireDigest?: boolean;
  /** Size of the data volume (the StatefulSet's volumeClaimTemplate), e.g. `2Gi`. */
  readonly storage: string;
  /**
   * StorageClass of the data and backup volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /** Database created on first start (`POSTGRES_DB`). */
  readonly database: string;
  /**
   * Role created on first start (`POSTGRES_USER`), owner of everything; the backup logs in as it too.
   * @default - the database's name, as CloudNativePG names the application role
   */
  readonly user?: string;
  /**
   * Existing Secret and key with the role's password, mounted as a file (`POSTGRES_PASSWORD_FILE`);
   * never an env var. The Secret is made outside the manifests (see docs/database.md).
   */
  readonly passwordSecret: { readonly name: string; readonly key: string };
  /** cpu, memory and ephemeral-storage requests and limits (requests equal to limits give Guaranteed QoS). */
  readonly resources: ContainerResources;
  /**
   * `shared_buffers`, in PostgreSQL units (`kB`, `MB`, `GB`).
   * @default - a quarter of the memory limit (PostgreSQL's tuning guide), instead of the fixed 128MB
   *   that would leave a small dev pod's memory limit no room for connections
   */
  readonly sharedBuffers?: string;
  /** The nightly pg_dump backup. */
  readonly backup: PostgresBackupSpec;
  /**
   * Must be `true`: one PostgreSQL pod is a single point of failure, acceptable only in a
   * single-node dev environment. Replicated environments use CloudNativePgDatabase.
   */
  readonly singleNode: boolean;
  /**
   * Workloads allowed to connect on port 5432; more with `allowClient()`.
   * @default - none yet: synth fails unless `allowClient()` is called, since a database nobody may reach is a forgotten rule
   */
  readonly clients?: readonly INetworkPeer[];
}

const PORT = 5432;
const PORT_NAME = 'postgres';
const DATA_MOUNT = '/var/lib/postgresql/data';
/** A subdirectory, because the volume's root holds `lost+found` and initdb wants an empty directory. */
const PGDATA = `${DATA_MOUNT}/pgdata`;
const SOCKET_DIR = '/var/run/postgresql';
const SECRET_DIR = '/var/run/secrets/postgres';
/** /tmp holds the entrypoint's nss_wrapper passwd files; the socket directory the socket, lock and pid files. */
const TMP_SIZE = '16Mi';
const RUN_DIR = { path: SOCKET_DIR, sizeLimit: '1Mi', volumeName: 'run' };
const SCRATCH: readonly ScratchDirectory[] = [{ path: '/tmp', sizeLimit: TMP_SIZE }, RUN_DIR];
const MEMORY_SETTING = /^\d+(kB|MB|GB|TB)$/;
/** Longest name: `<name>-backup-<11-char Job suffix>` stays a 63-character label and `<name>-headless` a Service name. */
const MAX_NAME = 45;

/**
 * A single PostgreSQL server for single-node dev environments: the official `postgres` image in a
 * one-replica apps/v1 StatefulSet with a persistent volume, hardened like every workload (uid
 * 10001 via the image's nss_wrapper support, read-only root filesystem, restricted contexts, the
 * password as a mounted file), a headless Service for the StatefulSet and a ClusterIP Service
 * `<name>` for clients, a NetworkPolicy admitting only declared clients and the backup, and a
 * nightly pg_dump CronJob (PgDumpBackup). Replicated environments use CloudNativePgDatabase.
 * No PodDisruptionBudget: with one replica any budget either blocks node drains or allows nothing.
 */
export class PostgresStatefulSet extends Construct implements INetworkPeer {
  /** `app.kubernetes.io/name` of the server's pod. */
  public readonly peerName: string;
  public readonly namespace: string;
  /** The port clients connect to (a PortedPeer, like CloudNativePgDatabase). */
  public readonly port = PORT;
  /** The ClusterIP Service clients connect to. */
  public readonly serviceName: string;
  /** The headless Service that gives the pod its stable DNS name (the StatefulSet's serviceName). */
  public readonly headlessServiceName: string;
  /** The Service's DNS name inside the cluster, for connection strings. */
  public readonly host: string;
  /** The database and the role that owns it. */
  public readonly database: string;
  public readonly user: string;
  /** The six recommended labels every object here carries. */
  public readonly identity: AppIdentity;
  /** The StatefulService running the server. */
  public readonly server: StatefulService;
  public readonly statefulSet: ApiObject;
  public readonly networkPolicy: WorkloadNetworkPolicy;
  public readonly backup: PgDumpBackup;

  private readonly clients = new Set<string>();

  constructor(scope: Construct, id: string, props: PostgresStatefulSetProps) {
    super(scope, id);
    const { version, user, sharedBuffers } = this.validate(props);
    this.peerName = props.name;
    this.namespace = props.namespace;
    this.serviceName = props.name;
    this.headlessServiceName = `${props.name}-headless`;
    this.host = `${props.name}.${props.namespace}.svc.cluster.local`;
    this.database = props.database;
    this.user = user;
    this.identity = { name: props.name, version, component: 'database', partOf: props.partOf };

    // pg_isready over TCP: during first-start initialization the entrypoint's temporary server
    // listens on the socket only, so the pod is not ready (nor started) before the real server runs.
    const pgIsReady = ['pg_isready', '--host=127.0.0.1', `--port=${PORT}`, `--username=${user}`, `--dbname=${props.database}`, '--quiet'];
    this.server = new StatefulService(this, 'Server', {
      name: props.name,
      namespace: props.namespace,
      component: 'database',
      partOf: props.partOf,
      version,
      image: props.image,
      containerName: 'postgres',
      replicas: 1,
      resources: props.resources,
      args: ['-c', `shared_buffers=${sharedBuffers}`],
      ports: [{ name: PORT_NAME, port: PORT }],
      env: {
        PGDATA,
        POSTGRES_USER: user,
        POSTGRES_DB: props.database,
        POSTGRES_PASSWORD_FILE: `${SECRET_DIR}/${props.passwordSecret.key}`,
      },
      secretFiles: [
        { secretName: props.passwordSecret.name, key: props.passwordSecret.key, mountPath: SECRET_DIR, volumeName: 'password' },
      ],
      tmpSizeLimit: TMP_SIZE,
      writablePaths: [RUN_DIR],
      volumeClaims: [
        {
          name: 'data',
          mountPath: DATA_MOUNT,
          storage: props.storage,
          ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
        },
      ],
      // fsGroup makes the volume writable for uid 10001; OnRootMismatch skips the recursive chmod on
      // later starts, which would make PGDATA group-writable (PostgreSQL refuses that).
      fsGroupChangePolicy: 'OnRootMismatch',
      probes: {
        startup: Probe.exec(pgIsReady, { periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 }),
        readiness: Probe.exec(pgIsReady, { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 }),
        // Liveness only asks whether the server accepts TCP: a slow query must not restart it.
        liveness: Probe.tcp({ port: PORT_NAME, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
      },
      // Kubernetes sends SIGTERM, which PostgreSQL treats as a "smart" shutdown that waits for every
      // client to disconnect (pooled clients never do); a fast shutdown ends sessions and checkpoints.
      preStopCommand: ['pg_ctl', 'stop', '--mode=fast', '--wait', `--pgdata=${PGDATA}`],
      // Room for the preStop fast shutdown and the checkpoint it writes.
      terminationGracePeriodSeconds: 60,
    });
    this.statefulSet = this.server.statefulSet;
    this.networkPolicy = this.server.networkPolicy;

    this.backup = new PgDumpBackup(this, 'Backup', {
      name: `${props.name}-backup`,
      namespace: props.namespace,
      partOf: props.partOf,
      version,
      image: props.image,
      source: { server: this, host: this.host, database: props.database, user, passwordSecret: props.passwordSecret },
      schedule: props.backup.schedule,
      storage: props.backup.storage,
      resources: props.backup.resources ?? props.resources,
      ...(props.backup.keep !== undefined ? { keep: props.backup.keep } : {}),
      ...(props.backup.timeZone !== undefined ? { timeZone: props.backup.timeZone } : {}),
      ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
    });

    this.networkPolicy.allowFrom(this.backup, PORT);
    for (const client of props.clients ?? []) this.allowClient(client);
    this.node.addValidation({
      validate: () => {
        if (this.clients.size === 0) {
          invalidProp(
            this,
            'clients',
            [],
            'no workload may connect: call allowClient(<the API>) or pass clients, or the database is unreachable',
          );
        }
        return [];
      },
    });
  }

  /** Lets `client`'s pods connect on port 5432 (the client needs the matching egress, e.g. WebService `database`). */
  public allowClient(client: INetworkPeer): this {
    this.networkPolicy.allowFrom(client, PORT);
    this.clients.add(`${client.namespace}/${client.peerName}`);
    return this;
  }

  /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
  private validate(props: PostgresStatefulSetProps) {
    const fail: (prop: string, value: unknown, why: string) => never = (prop, value, why) => invalidProp(this, prop, value, why);
    if (props.singleNode !== true) {
      fail(
        'singleNode',
        props.singleNode,
        'a single PostgreSQL pod is not highly available; use CloudNativePgDatabase for replicated environments',
      );
    }
    if (!isDns1035Label(props.name, MAX_NAME)) {
      fail('name', props.name, `must be a DNS-1035 label of at most ${MAX_NAME} characters (room for "-backup" and the Job suffix)`);
    }
    checkNamespace(this, 'namespace', props.namespace);
    if (props.namespace.startsWith('kube-')) fail('namespace', props.namespace, 'workloads never go in a kube-* namespace (N07)');
    if (props.partOf === '' || !isValidLabelValue(props.partOf)) fail('partOf', props.partOf, 'must be a non-empty label value');

    const tag = checkImage(this, 'image', props.image, props.requireDigest ?? false);
    const version = props.version ?? tag;
    if (!isValidLabelValue(version)) fail('version', version, 'must be a valid label value');

    checkStorage(this, 'storage', props.storage);
    if (!SQL_IDENTIFIER.test(props.database))
      fail('database', props.database, 'must be a lowercase SQL identifier (a-z, 0-9, _; not starting with a digit)');
    const user = props.user ?? props.database;
    if (!SQL_IDENTIFIER.test(user) || user.startsWith('pg_'))
      fail('user', user, 'must be a lowercase SQL identifier not starting with "pg_" (reserved)');
    checkPasswordSecret(this, 'passwordSecret', props.passwordSecret);

    checkContainerResources(this, 'resources', props.resources);
    checkScratchDirectories(this, 'scratch', SCRATCH, props.resources.limits.ephemeralStorage);
    const memoryLimit = parseQuantity(props.resources.limits.memory)!;
    const sharedBuffers = props.sharedBuffers ?? `${Math.floor(memoryLimit / 4 / 1024)}kB`;
    if (!MEMORY_SETTING.test(sharedBuffers)) fail('sharedBuffers', sharedBuffers, 'must be a PostgreSQL memory setting such as "128MB"');
    if (memoryLimit < 128 * 2 ** 20)
      fail('resources.limits.memory', props.resources.limits.memory, 'PostgreSQL needs a memory limit of at least 128Mi');

    checkCronSchedule(this, 'backup.schedule', props.backup.schedule);
    checkStorage(this, 'backup.storage', props.backup.storage);
    if (props.backup.timeZone !== undefined) checkTimeZone(this, 'backup.timeZone', props.backup.timeZone);
    const keep = props.backup.keep;
    if (keep !== undefined && (!Number.isInteger(keep) || keep < 1 || keep > 100))
      fail('backup.keep', keep, 'must be an integer from 1 to 100');
    if (props.backup.resources !== undefined) checkContainerResources(this, 'backup.resources', props.backup.resources);
    return { version, user, sharedBuffers };
  }
}
