import { Construct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import type { ContainerResources } from './pod-hardening.js';
import { type AppIdentity } from './labels.js';
import { NamespacePeer } from './network-peers.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
/**
 * Continuous backup to an S3-compatible object store (WAL archive plus scheduled base backups),
 * through the Barman Cloud plugin: CloudNativePG deprecated the in-tree `spec.backup.barmanObjectStore`
 * in 1.26 and removes it in 1.31, so the store is a `barmancloud.cnpg.io/v1` ObjectStore and the
 * Cluster names it in `spec.plugins`. The plugin must be installed next to the operator.
 */
export interface CloudNativePgBackup {
    /** Cron schedule of base backups, with seconds (CloudNativePG's six-field format), e.g. `0 0 2 * * *`. */
    readonly schedule: string;
    /** Object store URL, e.g. `s3://bucket/path`. */
    readonly destinationPath: string;
    /** Existing Secret with `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY` for the store. */
    readonly credentialsSecret: string;
    /**
     * How long backups are kept.
     * @default '30d' - a month of point-in-time recovery
     */
    readonly retentionPolicy?: string;
    /**
     * Resources of the plugin's sidecar in each instance pod (it runs barman-cloud for WAL and base backups).
     * @default - 50m/100m cpu, 128Mi memory, 256Mi/1Gi ephemeral storage: WAL uploads are small and
     *   streamed, and without explicit values the namespace's ResourceQuota would refuse the pods
     */
    readonly sidecarResources?: ContainerResources;
}
export interface CloudNativePgDatabaseProps {
    /** Labels; `identity.name` is the Cluster's name and the pods' `app.kubernetes.io/name`. */
    readonly identity: AppIdentity;
    /** The namespace of the Cluster, its pods and its clients. */
    readonly namespace: string;
    /** PostgreSQL operand image with an explicit version tag, e.g. `ghcr.io/cloudnative-pg/postgresql:17.6`. */
    readonly imageName: string;
    /**
     * Refuse an `imageName` without a `@sha256:` digest (I02), like the environment's other images.
     * @default false - tags are enough until the release workflow pins digests
     */
    readonly requireDigest?: boolean;
    /**
     * Number of PostgreSQL instances: one primary, the rest streaming replicas the operator fails over to.
     * @default 3 - survives the loss of one instance while keeping a replica
     */
    readonly instances?: number;
    /** Size of each instance's volume, e.g. `50Gi`. */
    readonly storage: string;
    /** Database created at bootstrap, owned by a role of the same name. */
    readonly database: string;
    /** Resources of each instance; requests equal to limits give the database Guaranteed QoS. */
    readonly resources: ContainerResources;
    /** Backups; without them a lost volume is lost data. */
    readonly backup: CloudNativePgBackup;
    /**
     * The CloudNativePG operator's pods: the only callers of each instance's status port besides the
     * other instances.
     * @default - namespace `cnpg-system`, pods labelled `app.kubernetes.io/name: cloudnative-pg`: where and
     *   how the operator's manifests and Helm chart install it; any other pod of that namespace stays out
     */
    readonly operator?: NamespacePeer;
    /**
     * Address ranges of the Kubernetes API server (reached on 443 and 6443: the instance manager watches
     * its Cluster through the API). Required, because the default would be the whole internet: name your
     * cluster's API endpoints (e.g. the control plane's subnet).
     */
    readonly apiServerCidrs: readonly string[];
    /**
     * Address ranges of the backup object store (reached on 443 for WAL archiving and base backups), e.g.
     * the VPC endpoint's or the on-premises store's subnet. Required, for the same reason.
     */
    readonly objectStoreCidrs: readonly string[];
    /**
     * The uid and gid PostgreSQL runs as in the instance pods (CloudNativePG's `postgresUID` and
     * `postgresGID`; the operator also makes the gid the pods' `fsGroup`, so the volumes are writable).
     * @default 10001 / 10001 - the hardening bar (S06: >= 10001); the operator's own default, 26, is a
     *   system id that kube-score and Polaris flag
     */
    readonly runAsIds?: {
        readonly uid: number;
        readonly gid: number;
    };
}
/** The CloudNativePG instance manager's HTTP status port. */
/** Where and how the operator's own manifests and Helm chart install it. */
export declare const DEFAULT_CNPG_OPERATOR: NamespacePeer;
/** The name the Barman Cloud plugin registers with the operator. */
export declare const BARMAN_CLOUD_PLUGIN = "barman-cloud.cloudnative-pg.io";
/**
 * The ObjectStore's `apiVersion/kind`: no published kubernetes-models package has its schema, so
 * schema validation (K01) must be told to accept it: `validateSchemas(objects, { allowUnknownKinds: [BARMAN_OBJECT_STORE_KIND] })`.
 */
export declare const BARMAN_OBJECT_STORE_KIND = "barmancloud.cnpg.io/v1/ObjectStore";
/** The Barman Cloud sidecar's resources unless `backup.sidecarResources` says otherwise (namespace quotas need them). */
export declare const DEFAULT_BARMAN_SIDECAR_RESOURCES: ContainerResources;
/**
 * A CloudNativePG `Cluster` with a Barman Cloud `ObjectStore` and a `ScheduledBackup`: operator-managed
 * PostgreSQL with failover, WAL archiving and base backups. The operator makes the Secret `<name>-app`
 * whose `uri` key is the connection string the services mount as a file.
 */
export declare class CloudNativePgDatabase extends Construct implements INetworkPeer {
    readonly peerName: string;
    readonly namespace: string;
    /**
     * The operator's own `cnpg.io/cluster` label selects the instances: CloudNativePG sets the pods'
     * labels itself and may set `app.kubernetes.io/name` to `postgresql`, over the inherited labels.
     */
    readonly podSelectorLabels: Readonly<Record<string, string>>;
    /** The read-write Service (points at the primary). */
    readonly serviceName: string;
    readonly port = 5432;
    /** The Secret the operator makes with the application role's credentials. */
    readonly appSecret: {
        readonly name: string;
        readonly uriKey: string;
    };
    /** The instances' network policy; clients are added with `allowClient`. */
    readonly networkPolicy: WorkloadNetworkPolicy;
    /** The Barman Cloud ObjectStore the WAL archive and base backups go to. */
    readonly objectStoreName: string;
    constructor(scope: Construct, id: string, props: CloudNativePgDatabaseProps);
    /** Lets `client` connect to PostgreSQL (the client's own egress is its policy's business). */
    allowClient(client: INetworkPeer): this;
}
