import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import type { ContainerResources } from './pod-hardening.js';
import type { PortedPeer } from './web-service.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
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
    readonly passwordSecret: {
        readonly name: string;
        readonly key: string;
    };
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
/** The script the job runs (kept as a file so it can be read, linted and tested on its own). */
export declare const PG_DUMP_SCRIPT: string;
/** A PostgreSQL identifier that needs no quoting (database and role names). */
export declare const SQL_IDENTIFIER: RegExp;
/**
 * A nightly `pg_dump -Fc` of one database into a PersistentVolumeClaim, keeping the newest N dumps:
 * a batch/v1 CronJob (hardened pod, one run at a time, bounded retries and run time), its own
 * ServiceAccount, the claim, and a NetworkPolicy that accepts no connections and lets the job reach
 * only the server's port and DNS. The server's policy must admit this peer (PostgresStatefulSet does).
 */
export declare class PgDumpBackup extends Construct implements INetworkPeer {
    /** `app.kubernetes.io/name` of the job's pods. */
    readonly peerName: string;
    readonly namespace: string;
    /** Name of the CronJob (and of its ServiceAccount, claim and NetworkPolicy). */
    readonly cronJobName: string;
    /** Name of the claim holding the dumps. */
    readonly claimName: string;
    /** Directory the dumps are written to in the job's container. */
    readonly backupDirectory = "/var/lib/backups";
    readonly cronJob: ApiObject;
    readonly networkPolicy: WorkloadNetworkPolicy;
    constructor(scope: Construct, id: string, props: PgDumpBackupProps);
    /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
    private validate;
}
/** An existing Secret's name and key. */
export declare function checkPasswordSecret(scope: IConstruct, prop: string, secret: {
    readonly name: string;
    readonly key: string;
}): void;
/** A storage quantity greater than zero, e.g. `2Gi`. */
export declare function checkStorage(scope: IConstruct, prop: string, storage: string): void;
export declare function checkTimeZone(scope: IConstruct, prop: string, timeZone: string): void;
/**
 * A five-field cron schedule as the CronJob controller reads it: `*`, numbers, ranges, steps,
 * lists, and month/day names. Macros (`@daily`) and `TZ=` prefixes are refused: use `timeZone`.
 */
export declare function checkCronSchedule(scope: IConstruct, prop: string, schedule: string): void;
