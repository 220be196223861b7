import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import type { AppIdentity } from './labels.js';
import { PgDumpBackup } from './pg-dump-backup.js';
import type { ContainerResources } from './pod-hardening.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
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
    readonly passwordSecret: {
        readonly name: string;
        readonly key: string;
    };
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
/**
 * A single PostgreSQL server for single-node dev environments: the official `postgres` image in a
 * one-replica apps/v1 StatefulSet with a persistent volume, hardened like every workload (uid
 * 10001 via the image's nss_wrapper support, read-only root filesystem, restricted contexts, the
 * password as a mounted file), a headless Service for the StatefulSet and a ClusterIP Service
 * `<name>` for clients, a NetworkPolicy admitting only declared clients and the backup, and a
 * nightly pg_dump CronJob (PgDumpBackup). Replicated environments use CloudNativePgDatabase.
 * No PodDisruptionBudget: with one replica any budget either blocks node drains or allows nothing.
 */
export declare class PostgresStatefulSet extends Construct implements INetworkPeer {
    /** `app.kubernetes.io/name` of the server's pod. */
    readonly peerName: string;
    readonly namespace: string;
    /** The port clients connect to (a PortedPeer, like CloudNativePgDatabase). */
    readonly port = 5432;
    /** The ClusterIP Service clients connect to. */
    readonly serviceName: string;
    /** The headless Service that gives the pod its stable DNS name (the StatefulSet's serviceName). */
    readonly headlessServiceName: string;
    /** The Service's DNS name inside the cluster, for connection strings. */
    readonly host: string;
    /** The database and the role that owns it. */
    readonly database: string;
    readonly user: string;
    /** The six recommended labels every object here carries. */
    readonly identity: AppIdentity;
    readonly statefulSet: ApiObject;
    readonly networkPolicy: WorkloadNetworkPolicy;
    readonly backup: PgDumpBackup;
    private readonly clients;
    constructor(scope: Construct, id: string, props: PostgresStatefulSetProps);
    /** Lets `client`'s pods connect on port 5432 (the client needs the matching egress, e.g. WebService `database`). */
    allowClient(client: INetworkPeer): this;
    /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
    private validate;
}
