import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { Construct } from 'constructs';
import {
  BARMAN_CLOUD_PLUGIN,
  instanceNetworkPolicy,
  instanceSpec,
  scheduledBackup,
  type CloudNativePgClusterSettings,
  type CloudNativePgDatabase,
} from './cloudnative-pg-database.js';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import { recommendedLabels } from './labels.js';
import { addKubeObject } from './model-object.js';
import { peerJson, peerPodLabels } from './network-peers.js';
import type { WorkloadNetworkPolicy } from './workload-network-policy.js';

export interface CloudNativePgRecoveryProps {
  /**
   * The database whose backups are recovered. The new cluster copies its settings (image, instances,
   * storage, resources, uids, operator, API server and object store ranges, archive_timeout, base
   * backup schedule) and reads the WAL archive and base backups from its ObjectStore.
   */
  readonly source: CloudNativePgDatabase;
  /**
   * The new Cluster's name: its pods, Services (`<name>-rw`) and app Secret (`<name>-app`), and the
   * folder of its own WAL archive in the store. Never the source's: recovery bootstraps a new cluster,
   * and the archive check refuses to write into a folder that holds another cluster's WAL.
   */
  readonly name: string;
  /**
   * The point in time to recover to, RFC 3339 with a time zone (`2026-12-07T02:15:00Z`,
   * `2026-12-07T03:15:00+01:00`): recovery replays WAL up to the last transaction committed at or
   * before it, from the closest base backup completed before it.
   */
  readonly targetTime: string;
  /**
   * The current time: a `targetTime` after it is refused (nothing was archived yet, so the recovery
   * would wait for WAL that does not exist).
   * @default - not checked, so a construct test or a planned restore is reproducible
   */
  readonly now?: Date;
  /**
   * Number of instances of the new cluster.
   * @default - the source's: the recovered cluster is meant to replace it
   */
  readonly instances?: number;
  /**
   * Workloads that may connect to the new cluster on 5432. Each gets an egress-only NetworkPolicy
   * `<name>-client-<peer>` too: its own policy allows egress to the source's pods only.
   * @default - the source's clients (`allowClient`) at the time of construction
   */
  readonly clients?: readonly INetworkPeer[];
}

/** A DNS-1035 label short enough for the names the operator derives (`<name>-<n>-full-recovery`, `<name>-app`). */
const CLUSTER_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** RFC 3339 date-time (section 5.6) with a mandatory offset; `T` or a space, any case, as the RFC allows. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

/**
 * A CloudNativePG `Cluster` bootstrapped by point-in-time recovery from a `CloudNativePgDatabase`'s
 * Barman Cloud object store (`bootstrap.recovery` from an `externalClusters` entry read through the
 * plugin, `recoveryTarget.targetTime`), hardened like the source: same uids, resources, spread and
 * network reach, its own NetworkPolicy, WAL archiving and daily base backups into the same ObjectStore
 * under its own server name. The operator makes `<name>-app` (key `uri`) once recovery completes.
 */
export class CloudNativePgRecovery extends Construct implements INetworkPeer {
  public readonly peerName: string;
  public readonly namespace: string;
  /** The operator's `cnpg.io/cluster` label, as for the source. */
  public readonly podSelectorLabels: Readonly<Record<string, string>>;
  /** The read-write Service of the new cluster. */
  public readonly serviceName: string;
  public readonly port = 5432;
  /** The Secret the operator makes for the application role: what the services switch their DATABASE_URL to. */
  public readonly appSecret: { readonly name: string; readonly uriKey: string };
  /** The recovery target, as given. */
  public readonly targetTime: string;
  /** The new cluster's NetworkPolicy. */
  public readonly networkPolicy: WorkloadNetworkPolicy;

  constructor(scope: Construct, id: string, props: CloudNativePgRecoveryProps) {
    super(scope, id);
    const source = props.source.settings;
    if (!CLUSTER_NAME.test(props.name)) invalidProp(this, 'name', props.name, 'must be a DNS-1035 label of at most 40 characters');
    if (props.name === source.identity.name) {
      invalidProp(this, 'name', props.name, "is the source cluster's name: recovery bootstraps a new cluster next to it");
    }
    const target = parseRfc3339(props.targetTime);
    if (target === undefined) {
      invalidProp(this, 'targetTime', props.targetTime, 'must be an RFC 3339 timestamp with a time zone, e.g. "2026-12-07T02:15:00Z"');
    }
    if (props.now !== undefined) {
      if (Number.isNaN(props.now.getTime())) invalidProp(this, 'now', String(props.now), 'must be a valid date');
      if (target > props.now.getTime()) {
        invalidProp(this, 'targetTime', props.targetTime, `is in the future (now is ${props.now.toISOString()}): no WAL exists for it yet`);
      }
    }
    const instances = props.instances ?? source.instances;
    if (!Number.isInteger(instances) || instances < 1) invalidProp(this, 'instances', instances, 'must be a whole number >= 1');
    const clients = props.clients ?? props.source.clients;

    const name = props.name;
    const settings: CloudNativePgClusterSettings = { ...source, identity: { ...source.identity, name }, instances };
    const labels = recommendedLabels(settings.identity);
    this.peerName = name;
    this.namespace = source.namespace;
    this.podSelectorLabels = { 'cnpg.io/cluster': name };
    this.serviceName = `${name}-rw`;
    this.appSecret = { name: `${name}-app`, uriKey: 'uri' };
    this.targetTime = props.targetTime;

    // The external cluster names the source's folder in the store: its server name is its cluster name.
    const origin = source.identity.name;
    const spec: ICluster['spec'] = {
      ...instanceSpec(settings, labels),
      bootstrap: {
        recovery: {
          source: origin,
          // The application role and database are recovered; naming them makes the operator write `<name>-app`.
          database: source.database,
          owner: source.database,
          recoveryTarget: { targetTime: props.targetTime },
        },
      },
      externalClusters: [
        {
          name: origin,
          plugin: { name: BARMAN_CLOUD_PLUGIN, parameters: { barmanObjectName: source.objectStoreName, serverName: origin } },
        },
      ],
      // The recovered cluster archives its own WAL at once, into its own folder of the same store.
      plugins: [
        { name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: source.objectStoreName, serverName: name } },
      ],
    };
    addKubeObject<ICluster>(this, 'cluster', {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name, namespace: this.namespace, labels },
      spec,
    });

    this.networkPolicy = instanceNetworkPolicy(this, this, settings);
    for (const client of clients) this.allowClient(client, labels);
    scheduledBackup(this, name, settings, labels);
  }

  /** Admits `client` on 5432 and lets it out to the new cluster (its own policy names the source only). */
  private allowClient(client: INetworkPeer, labels: Record<string, string>): void {
    this.networkPolicy.allowFrom(client, this.port);
    addKubeObject<INetworkPolicy>(this, `client-${client.namespace}-${client.peerName}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${this.peerName}-client-${client.peerName}`, namespace: client.namespace, labels },
      spec: {
        podSelector: { matchLabels: { ...peerPodLabels(client) } },
        // Egress only: the client's own policy keeps deciding who may call it.
        policyTypes: ['Egress'],
        egress: [{ to: [peerJson(client.namespace, this) as never], ports: [{ port: this.port, protocol: 'TCP' }] }],
      },
    });
  }
}

/** Milliseconds since the epoch of an RFC 3339 date-time with offset, or undefined if it is not one (or not a real date). */
export function parseRfc3339(value: string): number | undefined {
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, , zone, offsetHours, offsetMinutes] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || s > 59) return undefined;
  if (zone!.toUpperCase() !== 'Z' && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return undefined;
  const parsed = Date.parse(value.replace(' ', 'T').toUpperCase());
  return Number.isNaN(parsed) ? undefined : parsed;
}
