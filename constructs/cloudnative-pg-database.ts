import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { IScheduledBackup } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/ScheduledBackup';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { ContainerResources } from './hardened-deployment.js';
import { parseImage } from './hardened-deployment.js';
import { recommendedLabels, type AppIdentity } from './labels.js';
import { IngressControllerPeer } from './network-peers.js';
import { parseQuantity } from './quantity.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';

/** Continuous backup to an S3-compatible object store (WAL archive plus scheduled base backups). */
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
}

export interface CloudNativePgDatabaseProps {
  /** Labels; `identity.name` is the Cluster's name and the pods' `app.kubernetes.io/name`. */
  readonly identity: AppIdentity;
  readonly namespace: string;
  /** PostgreSQL operand image with an explicit version tag, e.g. `ghcr.io/cloudnative-pg/postgresql:17.6`. */
  readonly imageName: string;
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
   * The namespace the CloudNativePG operator runs in; it calls each instance's status port.
   * @default 'cnpg-system' - where the operator's manifests and Helm chart install it
   */
  readonly operatorNamespace?: string;
  /**
   * Address ranges of the Kubernetes API server and the backup object store, reached on 443 and
   * 6443: the instance manager watches its Cluster through the API, and WAL archiving writes to the store.
   * @default ['0.0.0.0/0'] - their addresses differ per cluster and cloud; narrow this where known
   */
  readonly controlPlaneAndStoreCidrs?: readonly string[];
}

/** The CloudNativePG instance manager's HTTP status port. */
const STATUS_PORT = 8000;
const SIX_FIELD_CRON = /^(\S+\s+){5}\S+$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A CloudNativePG `Cluster` with a `ScheduledBackup`: operator-managed PostgreSQL with failover,
 * WAL archiving and base backups. The operator makes the Secret `<name>-app` whose `uri` key is the
 * connection string the services mount as a file.
 */
export class CloudNativePgDatabase extends Construct implements INetworkPeer {
  public readonly peerName: string;
  public readonly namespace: string;
  /** The read-write Service (points at the primary). */
  public readonly serviceName: string;
  public readonly port = 5432;
  /** The Secret the operator makes with the application role's credentials. */
  public readonly appSecret: { readonly name: string; readonly uriKey: string };
  /** The instances' network policy; clients are added with `allowClient`. */
  public readonly networkPolicy: WorkloadNetworkPolicy;

  constructor(scope: Construct, id: string, props: CloudNativePgDatabaseProps) {
    super(scope, id);
    const instances = props.instances ?? 3;
    const image = parseImage(props.imageName);
    if (!image.tag || image.tag === 'latest') invalidProp(this, 'imageName', props.imageName, 'needs an explicit version tag');
    if (!Number.isInteger(instances) || instances < 1) invalidProp(this, 'instances', instances, 'must be a whole number >= 1');
    if (parseQuantity(props.storage) === undefined) invalidProp(this, 'storage', props.storage, 'must be a quantity such as "50Gi"');
    if (!IDENTIFIER.test(props.database)) invalidProp(this, 'database', props.database, 'must be a lowercase SQL identifier');
    if (!SIX_FIELD_CRON.test(props.backup.schedule)) {
      invalidProp(this, 'backup.schedule', props.backup.schedule, 'must be a six-field cron expression (with seconds)');
    }
    if (!/^s3:\/\/[^/]+/.test(props.backup.destinationPath)) {
      invalidProp(this, 'backup.destinationPath', props.backup.destinationPath, 'must be an s3:// URL');
    }

    const name = props.identity.name;
    const labels = recommendedLabels(props.identity);
    this.peerName = name;
    this.namespace = props.namespace;
    this.serviceName = `${name}-rw`;
    this.appSecret = { name: `${name}-app`, uriKey: 'uri' };

    const { requests, limits } = props.resources;
    const cluster: ICluster['spec'] = {
      instances,
      imageName: props.imageName,
      // Rolling updates restart replicas first and switch over to an updated one, never down.
      primaryUpdateStrategy: 'unsupervised',
      storage: { size: props.storage },
      bootstrap: { initdb: { database: props.database, owner: props.database } },
      // Labels the pods carry, so network policies and PDB-like logic select them like any workload.
      inheritedMetadata: { labels },
      enablePDB: true,
      affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
      resources: {
        requests: { cpu: requests.cpu, memory: requests.memory, 'ephemeral-storage': requests.ephemeralStorage },
        limits: { cpu: limits.cpu, memory: limits.memory, 'ephemeral-storage': limits.ephemeralStorage },
      },
      backup: {
        retentionPolicy: props.backup.retentionPolicy ?? '30d',
        barmanObjectStore: {
          destinationPath: props.backup.destinationPath,
          s3Credentials: {
            accessKeyId: { name: props.backup.credentialsSecret, key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: props.backup.credentialsSecret, key: 'ACCESS_SECRET_KEY' },
          },
          wal: { compression: 'gzip' },
        },
      },
      monitoring: { enablePodMonitor: false },
    };
    new ApiObject(this, 'cluster', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name, namespace: props.namespace, labels },
      spec: cluster,
    });

    const scheduled: IScheduledBackup['spec'] = {
      schedule: props.backup.schedule,
      cluster: { name },
      backupOwnerReference: 'self',
      // Take a backup right away, so a new cluster is never without one until the first schedule.
      immediate: true,
    };
    // The operator creates the pods, so the policy that default-deny demands is made here: PostgreSQL
    // and the instance manager's status port between instances and from the operator, and egress to
    // the API server and the object store.
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'network-policy', { workload: this, identity: props.identity });
    const operator = new IngressControllerPeer(props.operatorNamespace ?? 'cnpg-system');
    for (const port of [this.port, STATUS_PORT]) {
      this.networkPolicy.allowFrom(this, port).allowTo(this, port).allowFrom(operator, port);
    }
    for (const cidr of props.controlPlaneAndStoreCidrs ?? ['0.0.0.0/0']) {
      this.networkPolicy.allowToCidr(cidr, 443).allowToCidr(cidr, 6443);
    }

    new ApiObject(this, 'scheduled-backup', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'ScheduledBackup',
      metadata: { name: `${name}-daily`, namespace: props.namespace, labels },
      spec: scheduled,
    });
  }

  /** Lets `client` connect to PostgreSQL (the client's own egress is its policy's business). */
  public allowClient(client: INetworkPeer): this {
    this.networkPolicy.allowFrom(client, this.port);
    return this;
  }
}
