import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import type { IScheduledBackup } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ScheduledBackup';
import { Construct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { ContainerResources } from './pod-hardening.js';
import { checkImage } from './image-reference.js';
import { recommendedLabels, type AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import { NamespacePeer } from './network-peers.js';
import { checkContainerResources } from './pod-hardening.js';
import { parseQuantity } from './quantity.js';
import { WorkloadNetworkPolicy, type IngressSource } from './workload-network-policy.js';

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
   * PostgreSQL's `archive_timeout`: a WAL segment that is not full is switched and archived at the
   * latest after this long, so it bounds the data a region-level loss of the cluster can take (the RPO).
   * @default '5min' - CloudNativePG's own default, set explicitly so the RPO is written in the manifest
   */
  readonly archiveTimeout?: string;
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
  readonly runAsIds?: { readonly uid: number; readonly gid: number };
}

/**
 * The resolved settings of a database's instances: what a recovery cluster copies so it runs like
 * the cluster it replaces (same image, size, uids, network reach and object store).
 */
export interface CloudNativePgClusterSettings {
  /** Labels; `identity.name` is the Cluster's name. */
  readonly identity: AppIdentity;
  /** The namespace of the Cluster and its clients. */
  readonly namespace: string;
  /** The operand image. */
  readonly imageName: string;
  /** Number of instances, the default applied. */
  readonly instances: number;
  /** Each instance's volume size. */
  readonly storage: string;
  /** The application database, owned by the role of the same name. */
  readonly database: string;
  /** Each instance's resources. */
  readonly resources: ContainerResources;
  /** `postgresUID` / `postgresGID`, the default applied. */
  readonly runAsIds: { readonly uid: number; readonly gid: number };
  /** The operator's pods, the default applied. */
  readonly operator: NamespacePeer;
  /** The API server's address ranges (egress 443, 6443). */
  readonly apiServerCidrs: readonly string[];
  /** The object store's address ranges (egress 443). */
  readonly objectStoreCidrs: readonly string[];
  /** The base backups' six-field cron schedule. */
  readonly backupSchedule: string;
  /** PostgreSQL's `archive_timeout`, the default applied. */
  readonly archiveTimeout: string;
  /** The Barman Cloud ObjectStore holding the WAL archive and base backups. */
  readonly objectStoreName: string;
}

/** Where and how the operator's own manifests and Helm chart install it. */
export const DEFAULT_CNPG_OPERATOR = new NamespacePeer('cnpg-system', { 'app.kubernetes.io/name': 'cloudnative-pg' });
/** The lowest uid/gid the hardening bar accepts (S06). */
const MIN_RUN_AS_ID = 10001;

/** The instances' Prometheus exporter, CloudNativePG's `metrics` container port. */
const CNPG_METRICS_PORT = 9187;
/** The CloudNativePG instance manager's HTTP status port. */
const STATUS_PORT = 8000;
/** PostgreSQL's archive_timeout unless `backup.archiveTimeout` says otherwise (CloudNativePG's default, made explicit). */
export const DEFAULT_ARCHIVE_TIMEOUT = '5min';
/** PostgreSQL time settings in the units that make sense for archive_timeout. */
const PG_DURATION = /^[1-9][0-9]*(s|min|h)$/;
/** The name the Barman Cloud plugin registers with the operator. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
/**
 * The ObjectStore's `apiVersion/kind`: no published kubernetes-models package has its schema, so
 * the policy must be told to accept it: `new HardeningValidation({ allowUnknownKinds: [BARMAN_OBJECT_STORE_KIND] })`
 * (or given its CRD with `crdFiles`).
 */
export const BARMAN_OBJECT_STORE_KIND = 'barmancloud.cnpg.io/v1/ObjectStore';
/** The Barman Cloud sidecar's resources unless `backup.sidecarResources` says otherwise (namespace quotas need them). */
export const DEFAULT_BARMAN_SIDECAR_RESOURCES: ContainerResources = {
  requests: { cpu: '50m', memory: '128Mi', ephemeralStorage: '256Mi' },
  limits: { cpu: '100m', memory: '128Mi', ephemeralStorage: '1Gi' },
};
const SIX_FIELD_CRON = /^(\S+\s+){5}\S+$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A CloudNativePG `Cluster` with a Barman Cloud `ObjectStore` and a `ScheduledBackup`: operator-managed
 * PostgreSQL with failover, WAL archiving and base backups. The operator makes the Secret `<name>-app`
 * whose `uri` key is the connection string the services mount as a file.
 */
export class CloudNativePgDatabase extends Construct implements INetworkPeer {
  public readonly peerName: string;
  public readonly namespace: string;
  /**
   * The operator's own `cnpg.io/cluster` label selects the instances: CloudNativePG sets the pods'
   * labels itself and may set `app.kubernetes.io/name` to `postgresql`, over the inherited labels.
   */
  public readonly podSelectorLabels: Readonly<Record<string, string>>;
  /** The read-write Service (points at the primary). */
  public readonly serviceName: string;
  public readonly port = 5432;
  /** The Secret the operator makes with the application role's credentials. */
  public readonly appSecret: { readonly name: string; readonly uriKey: string };
  /** The instances' network policy; clients are added with `allowClient`. */
  public readonly networkPolicy: WorkloadNetworkPolicy;
  /** The Barman Cloud ObjectStore the WAL archive and base backups go to. */
  public readonly objectStoreName: string;
  /** The recommended labels every object of the database carries. */
  private readonly labels: Record<string, string>;
  /** The resolved settings, for a recovery cluster that must run like this one (`CloudNativePgRecovery`). */
  public readonly settings: CloudNativePgClusterSettings;
  private readonly allowedClients: INetworkPeer[] = [];

  constructor(scope: Construct, id: string, props: CloudNativePgDatabaseProps) {
    super(scope, id);
    const instances = props.instances ?? 3;
    checkImage(this, 'imageName', props.imageName, props.requireDigest ?? false);
    if (!Number.isInteger(instances) || instances < 1) invalidProp(this, 'instances', instances, 'must be a whole number >= 1');
    if (parseQuantity(props.storage) === undefined) invalidProp(this, 'storage', props.storage, 'must be a quantity such as "50Gi"');
    if (!IDENTIFIER.test(props.database)) invalidProp(this, 'database', props.database, 'must be a lowercase SQL identifier');
    if (!SIX_FIELD_CRON.test(props.backup.schedule)) {
      invalidProp(this, 'backup.schedule', props.backup.schedule, 'must be a six-field cron expression (with seconds)');
    }
    if (!/^s3:\/\/[^/]+/.test(props.backup.destinationPath)) {
      invalidProp(this, 'backup.destinationPath', props.backup.destinationPath, 'must be an s3:// URL');
    }
    checkContainerResources(this, 'resources', props.resources);
    for (const prop of ['apiServerCidrs', 'objectStoreCidrs'] as const) checkCidrs(this, prop, props[prop]);
    const runAsIds = props.runAsIds ?? { uid: MIN_RUN_AS_ID, gid: MIN_RUN_AS_ID };
    for (const key of ['uid', 'gid'] as const) {
      if (!Number.isInteger(runAsIds[key]) || runAsIds[key] < MIN_RUN_AS_ID) {
        invalidProp(this, `runAsIds.${key}`, runAsIds[key], `must be a whole number >= ${MIN_RUN_AS_ID} (S06)`);
      }
    }
    const sidecarResources = props.backup.sidecarResources ?? DEFAULT_BARMAN_SIDECAR_RESOURCES;
    checkContainerResources(this, 'backup.sidecarResources', sidecarResources);
    const archiveTimeout = props.backup.archiveTimeout ?? DEFAULT_ARCHIVE_TIMEOUT;
    if (!PG_DURATION.test(archiveTimeout)) {
      invalidProp(this, 'backup.archiveTimeout', archiveTimeout, 'must be a PostgreSQL duration in s, min or h, e.g. "5min"');
    }

    const name = props.identity.name;
    const labels = recommendedLabels(props.identity);
    this.labels = labels;
    this.peerName = name;
    this.podSelectorLabels = { 'cnpg.io/cluster': name };
    this.namespace = props.namespace;
    this.serviceName = `${name}-rw`;
    this.appSecret = { name: `${name}-app`, uriKey: 'uri' };
    this.objectStoreName = `${name}-backup`;

    this.settings = {
      identity: props.identity,
      namespace: props.namespace,
      imageName: props.imageName,
      instances,
      storage: props.storage,
      database: props.database,
      resources: props.resources,
      runAsIds,
      operator: props.operator ?? DEFAULT_CNPG_OPERATOR,
      apiServerCidrs: props.apiServerCidrs,
      objectStoreCidrs: props.objectStoreCidrs,
      backupSchedule: props.backup.schedule,
      archiveTimeout,
      objectStoreName: this.objectStoreName,
    };

    const cluster: ICluster['spec'] = {
      ...instanceSpec(this.settings, labels),
      bootstrap: { initdb: { database: props.database, owner: props.database } },
      // WAL archiving through the Barman Cloud plugin (the in-tree barmanObjectStore is deprecated).
      plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: this.objectStoreName } }],
    };
    // Before the Cluster in the same apply: the plugin's sidecar reads the store when the first instance starts.
    addKubeObject(this, 'object-store', {
      apiVersion: 'barmancloud.cnpg.io/v1',
      kind: 'ObjectStore',
      metadata: { name: this.objectStoreName, namespace: props.namespace, labels },
      spec: {
        // Retention lives on the ObjectStore with the plugin (it was on the Cluster in-tree).
        retentionPolicy: props.backup.retentionPolicy ?? '30d',
        configuration: {
          destinationPath: props.backup.destinationPath,
          s3Credentials: {
            accessKeyId: { name: props.backup.credentialsSecret, key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: props.backup.credentialsSecret, key: 'ACCESS_SECRET_KEY' },
          },
          wal: { compression: 'gzip' },
        },
        instanceSidecarConfiguration: { resources: resourceRequirements(sidecarResources) },
      },
    });
    addKubeObject<ICluster>(this, 'cluster', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name, namespace: props.namespace, labels },
      spec: cluster,
    });

    this.networkPolicy = instanceNetworkPolicy(this, this, this.settings);
    scheduledBackup(this, name, this.settings, labels);
  }

  /**
   * Lets `scraper` (a Prometheus) scrape every instance's exporter (CloudNativePG's `metrics` port,
   * 9187) and emits the Prometheus Operator PodMonitor that tells it to: WAL archiving, replication
   * and the Barman Cloud plugin's last-backup time are only known from these series.
   */
  public scrapeMetrics(scraper: IngressSource): this {
    if (this.node.tryFindChild('pod-monitor')) throw new Error(`${this.node.path}: scrapeMetrics() was already called`);
    this.networkPolicy.allowFrom(scraper, CNPG_METRICS_PORT);
    addKubeObject<IPodMonitor>(this, 'pod-monitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: { name: this.peerName, namespace: this.namespace, labels: this.labels },
      spec: { selector: { matchLabels: { ...this.podSelectorLabels } }, podMetricsEndpoints: [{ port: 'metrics' }] },
    });
    return this;
  }

  /** Lets `client` connect to PostgreSQL (the client's own egress is its policy's business). */
  public allowClient(client: INetworkPeer): this {
    this.networkPolicy.allowFrom(client, this.port);
    this.allowedClients.push(client);
    return this;
  }

  /** The clients admitted so far with `allowClient`. */
  public get clients(): readonly INetworkPeer[] {
    return [...this.allowedClients];
  }
}

/**
 * The Cluster spec every instance set of a database shares, bootstrapped from scratch or recovered:
 * image, uids, size, resources, spread, and the PostgreSQL settings the backups depend on.
 */
export function instanceSpec(settings: CloudNativePgClusterSettings, labels: Record<string, string>): ICluster['spec'] {
  return {
    instances: settings.instances,
    imageName: settings.imageName,
    postgresUID: settings.runAsIds.uid,
    postgresGID: settings.runAsIds.gid,
    // Rolling updates restart replicas first and switch over to an updated one, never down.
    primaryUpdateStrategy: 'unsupervised',
    storage: { size: settings.storage },
    // Explicit, not CloudNativePG's implicit default: it is the RPO of a region-level loss.
    postgresql: { parameters: { archive_timeout: settings.archiveTimeout } },
    // Labels the pods carry, so network policies and PDB-like logic select them like any workload.
    inheritedMetadata: { labels },
    enablePDB: true,
    affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
    resources: resourceRequirements(settings.resources),
  };
}

/**
 * The instances' network policy. The operator creates the pods, so the policy that default-deny
 * demands is made here: PostgreSQL and the instance manager's status port between instances and
 * from the operator, and egress to the API server and the object store.
 */
export function instanceNetworkPolicy(
  scope: Construct,
  workload: INetworkPeer,
  settings: CloudNativePgClusterSettings,
): WorkloadNetworkPolicy {
  const policy = new WorkloadNetworkPolicy(scope, 'network-policy', {
    workload,
    identity: { ...settings.identity, name: workload.peerName },
  });
  for (const port of [5432, STATUS_PORT]) {
    policy.allowFrom(workload, port).allowTo(workload, port).allowFrom(settings.operator, port);
  }
  for (const cidr of settings.apiServerCidrs) policy.allowToCidr(cidr, 443).allowToCidr(cidr, 6443);
  for (const cidr of settings.objectStoreCidrs) policy.allowToCidr(cidr, 443);
  return policy;
}

/** The daily base backup of cluster `name` through the plugin, the first one right away. */
export function scheduledBackup(
  scope: Construct,
  name: string,
  settings: CloudNativePgClusterSettings,
  labels: Record<string, string>,
): void {
  const scheduled: IScheduledBackup['spec'] = {
    schedule: settings.backupSchedule,
    cluster: { name },
    backupOwnerReference: 'self',
    method: 'plugin',
    pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
    // Take a backup right away, so a new cluster is never without one until the first schedule.
    immediate: true,
  };
  addKubeObject<IScheduledBackup>(scope, 'scheduled-backup', {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'ScheduledBackup',
    metadata: { name: `${name}-daily`, namespace: settings.namespace, labels },
    spec: scheduled,
  });
}

/** Refuses an empty list and any range that means "everywhere" (0.0.0.0/0, ::/0). */
function checkCidrs(scope: Construct, prop: string, cidrs: readonly string[] | undefined): void {
  if (!Array.isArray(cidrs) || cidrs.length === 0) invalidProp(scope, prop, cidrs, 'must name at least one address range');
  for (const cidr of cidrs) {
    if (/\/0$/.test(cidr)) invalidProp(scope, prop, cidr, 'is every address on the internet: name the ranges the database must reach');
  }
}

/** Resource requests and limits as the operator CRDs spell them (plain quantity strings). */
export function resourceRequirements({ requests, limits }: ContainerResources): Record<'requests' | 'limits', Record<string, string>> {
  const quantities = (q: ContainerResources['requests']) => ({ cpu: q.cpu, memory: q.memory, 'ephemeral-storage': q.ephemeralStorage });
  return { requests: quantities(requests), limits: quantities(limits) };
}
