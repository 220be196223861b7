import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IService } from 'kubernetes-models/v1/Service';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import type { DnsServer, PolicyPort } from './network-peers.js';
import { SERVICE_APP_PROTOCOL, defaultProbePort } from './containers.js';
import type { ContainerPortSpec } from './containers.js';
import { hardenedPodTemplate, ownServiceAccount, plainEnv, podDisruptionBudget, resolvePodProps } from './pod-template.js';
import type { HardenedPodProps, PlainEnvSpec, ResolvedPodProps, UnhealthyPodEvictionPolicy } from './pod-template.js';
import { resolveProbes } from './probes.js';
import type { ContainerProbes, ResolvedContainerProbes } from './probes.js';
import { parseQuantity } from './quantity.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
import type { CidrConnection, InboundConnection, IngressSource, OutboundConnection } from './workload-network-policy.js';

/** How a volume may be mounted: by one node (`ReadWriteOnce`), one pod (`ReadWriteOncePod`), many nodes. */
export type AccessMode = 'ReadWriteOnce' | 'ReadWriteOncePod' | 'ReadOnlyMany' | 'ReadWriteMany';

/** One volumeClaimTemplate: every pod gets its own claim `<name>-<set name>-<ordinal>`, kept across restarts and reschedules. */
export interface VolumeClaimSpec {
  /** Name of the template (and of the volume in the pod): a DNS-1123 label. */
  readonly name: string;
  /** Absolute directory the volume appears at. */
  readonly mountPath: string;
  /** Size, e.g. `10Gi`. */
  readonly storage: string;
  /**
   * StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * How the volume may be mounted.
   * @default ['ReadWriteOnce'] - what every block-storage class offers; one pod per volume is what a StatefulSet is for
   */
  readonly accessModes?: readonly AccessMode[];
}

/** How pods are replaced when the template changes. */
export type StatefulUpdateStrategy =
  /** One pod at a time from the highest ordinal; pods below `partition` keep the old template (a canary). */
  | { readonly type: 'RollingUpdate'; readonly partition?: number }
  /** Pods are replaced only when deleted by hand: for data stores that must be upgraded in a choreographed order. */
  | { readonly type: 'OnDelete' };

/** What happens to the claims when the StatefulSet is deleted or scaled down. */
export interface ClaimRetention {
  /** The claims of every pod when the StatefulSet is deleted. */
  readonly whenDeleted: 'Retain' | 'Delete';
  /** The claims of the removed pods when the StatefulSet is scaled down. */
  readonly whenScaled: 'Retain' | 'Delete';
}

export interface StatefulServiceProps extends HardenedPodProps, PlainEnvSpec {
  /**
   * Number of pods. How many members a stateful program runs is part of its own clustering
   * configuration, so there is no default; 1 is the single-node dev mode (no PodDisruptionBudget).
   */
  readonly replicas: number;
  /**
   * Container ports (at least one): the Services expose each with the same number, targetPort by
   * name, and the port's `appProtocol`.
   */
  readonly ports: readonly ContainerPortSpec[];
  /**
   * Startup, readiness and liveness probes (P01): any `Probe` (exec, HTTP, TCP, gRPC); a port probe
   * that names no port calls the port named `http`, else the first.
   */
  readonly probes: ContainerProbes;
  /** The per-pod volumes (at least one: without state, use a Deployment). */
  readonly volumeClaims: readonly VolumeClaimSpec[];
  /**
   * `OrderedReady` starts pods one by one, each after the previous is ready; `Parallel` starts them together.
   * @default 'OrderedReady' - members that join a cluster expect the earlier ones to be up
   */
  readonly podManagementPolicy?: 'OrderedReady' | 'Parallel';
  /**
   * How pods are replaced on a template change.
   * @default { type: 'RollingUpdate' } - one pod at a time, each ready before the next, from the highest ordinal
   */
  readonly updateStrategy?: StatefulUpdateStrategy;
  /**
   * What happens to the claims when the StatefulSet is deleted or scaled down.
   * @default { whenDeleted: 'Retain', whenScaled: 'Retain' } - deleting or scaling a set never deletes data
   */
  readonly claimRetention?: ClaimRetention;
  /**
   * List not-ready pods in the headless Service's DNS, for members that must find each other before they are ready (etcd, ZooKeeper).
   * @default false - DNS names only ready pods, like any Service
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * Also make a ClusterIP Service `<name>` for clients (the headless `<name>-headless` is always there for the pods' own DNS names).
   * @default true - clients want one stable address, members use the headless names
   */
  readonly clientService?: boolean;
  /**
   * How the PodDisruptionBudget treats running pods that are not ready.
   * @default 'IfHealthyBudget' - a member that is catching up (not ready) is evicted only while the rest are healthy, so a drain never breaks quorum
   */
  readonly unhealthyPodEvictionPolicy?: UnhealthyPodEvictionPolicy;
  /**
   * Who may connect. More with `allowFrom()`; synth fails when nobody may (a forgotten rule).
   * @default - nobody yet
   */
  readonly ingress?: readonly InboundConnection[];
  /**
   * Ports (names) the members call each other on, e.g. a replication or gossip port: opened both
   * ways between this StatefulSet's own pods.
   * @default - none: members that do not replicate never talk to each other
   */
  readonly memberPorts?: readonly string[];
  /**
   * In-cluster callees. More with `networkPolicy.allowTo()`.
   * @default - none besides DNS
   */
  readonly egress?: readonly OutboundConnection[];
  /**
   * Out-of-cluster callees by address range.
   * @default - none
   */
  readonly egressToCidrs?: readonly CidrConnection[];
  /**
   * The cluster DNS the pods may query, or `false`.
   * @default KUBE_DNS - CoreDNS in kube-system
   */
  readonly dns?: DnsServer | false;
  /**
   * Seconds from the start of termination to SIGKILL: the time to flush and close cleanly.
   * @default 30 - the kubelet's default; data stores that checkpoint on shutdown want more
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * A command run before SIGTERM, e.g. a data store's own fast, clean shutdown.
   * @default - none
   */
  readonly preStopCommand?: readonly string[];
}

/** Longest name: the pods' `controller-revision-hash` label is `<name>-<10-char hash>`, a 63-character label value. */
const MAX_NAME = 52;
const CLAIM_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * An apps/v1 StatefulSet with per-pod volumes (volumeClaimTemplates), a headless Service for the
 * pods' stable DNS names and an optional ClusterIP Service for clients, its own ServiceAccount (no
 * token), a PodDisruptionBudget when replicated, and a NetworkPolicy admitting only declared
 * callers. The pod is hardened like every shape's (restricted contexts, fsGroup so the non-root
 * user owns its volumes, read-only root, resources, probes, sidecars, init containers, scheduling,
 * spread over hosts and zones).
 */
export class StatefulService extends Construct implements INetworkPeer {
  /** `app.kubernetes.io/name` of the pods. */
  public readonly peerName: string;
  public readonly namespace: string;
  /** Name of the StatefulSet (and of its ServiceAccount, budget and NetworkPolicy). */
  public readonly statefulSetName: string;
  /** The ClusterIP Service clients use (`<name>`), unless `clientService: false`. */
  public readonly serviceName?: string;
  /** The headless Service (`<name>-headless`): pod `i` is `<name>-<i>.<name>-headless.<namespace>.svc`. */
  public readonly headlessServiceName: string;
  public readonly identity: AppIdentity;
  /** The six recommended labels every object here carries. */
  public readonly labels: Readonly<Record<string, string>>;
  public readonly selectorLabels: Readonly<Record<string, string>>;
  public readonly ports: readonly ContainerPortSpec[];
  public readonly statefulSet: ApiObject;
  public readonly podDisruptionBudget?: ApiObject;
  public readonly networkPolicy: WorkloadNetworkPolicy;

  constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    super(scope, id);
    const { resolved, probes } = this.validate(props);
    this.peerName = props.name;
    this.namespace = props.namespace;
    this.statefulSetName = props.name;
    this.headlessServiceName = `${props.name}-headless`;
    this.identity = resolved.identity;
    this.labels = resolved.labels;
    this.selectorLabels = resolved.selector;
    this.ports = props.ports;
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels: { ...resolved.labels } });
    const selector = { ...resolved.selector };

    ownServiceAccount(this, metadata(props.name));
    const servicePorts = () =>
      props.ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.name,
        protocol: 'TCP' as const,
        ...(p.appProtocol !== undefined ? { appProtocol: SERVICE_APP_PROTOCOL[p.appProtocol] } : {}),
      }));
    addKubeObject<IService>(this, 'HeadlessService', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(this.headlessServiceName),
      spec: {
        type: 'ClusterIP',
        clusterIP: 'None',
        selector: { ...selector },
        ports: servicePorts(),
        ...(props.publishNotReadyAddresses === true ? { publishNotReadyAddresses: true } : {}),
      },
    });
    if (props.clientService !== false) {
      this.serviceName = props.name;
      addKubeObject<IService>(this, 'Service', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: metadata(props.name),
        spec: { type: 'ClusterIP', selector: { ...selector }, ports: servicePorts() },
      });
    }

    const strategy = props.updateStrategy ?? { type: 'RollingUpdate' };
    this.statefulSet = addKubeObject<IStatefulSet>(this, 'StatefulSet', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: metadata(props.name),
      spec: {
        replicas: props.replicas,
        serviceName: this.headlessServiceName,
        selector: { matchLabels: { ...selector } },
        podManagementPolicy: props.podManagementPolicy ?? 'OrderedReady',
        updateStrategy:
          strategy.type === 'RollingUpdate' && strategy.partition !== undefined
            ? { type: 'RollingUpdate', rollingUpdate: { partition: strategy.partition } }
            : { type: strategy.type },
        revisionHistoryLimit: 5,
        persistentVolumeClaimRetentionPolicy: { ...(props.claimRetention ?? { whenDeleted: 'Retain', whenScaled: 'Retain' }) },
        template: hardenedPodTemplate({
          props,
          resolved,
          probes,
          env: plainEnv(props.env),
          leadingMounts: props.volumeClaims.map((claim) => ({ name: claim.name, mountPath: claim.mountPath })),
          spread: true,
          terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 30,
          ...(props.preStopCommand !== undefined ? { preStopCommand: props.preStopCommand } : {}),
        }),
        volumeClaimTemplates: props.volumeClaims.map((claim) => ({
          metadata: { name: claim.name, labels: { ...resolved.labels } },
          spec: {
            accessModes: [...(claim.accessModes ?? ['ReadWriteOnce'])],
            ...(claim.storageClassName !== undefined ? { storageClassName: claim.storageClassName } : {}),
            resources: { requests: { storage: claim.storage } },
          },
        })),
      },
    });

    if (props.replicas > 1) {
      this.podDisruptionBudget = podDisruptionBudget(
        this,
        metadata(props.name),
        selector,
        props.unhealthyPodEvictionPolicy ?? 'IfHealthyBudget',
      );
    }

    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      workload: this,
      identity: this.identity,
      ...(props.ingress !== undefined ? { ingress: props.ingress } : {}),
      ...(props.egress !== undefined ? { egress: props.egress } : {}),
      ...(props.egressToCidrs !== undefined ? { egressToCidrs: props.egressToCidrs } : {}),
      ...(props.dns !== undefined ? { dns: props.dns } : {}),
    });
    for (const port of props.memberPorts ?? []) {
      this.networkPolicy.allowFrom(this, port);
      this.networkPolicy.allowTo(this, port);
    }
  }

  /** Lets `source` connect on `port` (a number or a container port's name). */
  public allowFrom(source: IngressSource, port: PolicyPort): this {
    this.networkPolicy.allowFrom(source, port);
    return this;
  }

  /** Checks every prop and resolves the pod's; throws naming this construct's path and the bad value. */
  private validate(props: StatefulServiceProps): { resolved: ResolvedPodProps; probes: ResolvedContainerProbes } {
    const fail = (prop: string, value: unknown, why: string): never => invalidProp(this, prop, value, why);
    if (!Number.isInteger(props.replicas) || props.replicas < 1)
      fail('replicas', props.replicas, 'must be an integer >= 1 (1 only for a single-node dev environment)');
    if (props.ports === undefined || props.ports.length === 0)
      fail('ports', props.ports, 'declare at least one port: the Services and callers need one');
    if (props.volumeClaims === undefined || props.volumeClaims.length === 0)
      fail('volumeClaims', props.volumeClaims, 'declare at least one volume: a StatefulSet without state is a Deployment');
    for (const claim of props.volumeClaims) {
      // The claim is `<template>-<set name>-<ordinal>`, a DNS subdomain; the template name is also the pod's volume name.
      if (!CLAIM_NAME.test(claim.name) || claim.name.length > 63) fail('volumeClaims.name', claim.name, 'must be a DNS-1123 label');
      const size = parseQuantity(claim.storage);
      if (size === undefined || size <= 0)
        fail('volumeClaims.storage', claim.storage, 'must be a positive Kubernetes quantity such as "10Gi"');
      if (claim.storageClassName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(claim.storageClassName)) {
        fail('volumeClaims.storageClassName', claim.storageClassName, 'must be a StorageClass name');
      }
      const modes = claim.accessModes ?? ['ReadWriteOnce'];
      if (modes.length === 0 || modes.some((m) => !['ReadWriteOnce', 'ReadWriteOncePod', 'ReadOnlyMany', 'ReadWriteMany'].includes(m))) {
        fail('volumeClaims.accessModes', modes, 'must be one or more of ReadWriteOnce, ReadWriteOncePod, ReadOnlyMany, ReadWriteMany');
      }
    }
    const resolved = resolvePodProps(this, props, {
      maxNameLength: MAX_NAME,
      why: 'the controller-revision-hash label is the name and a 10-character hash',
      ports: props.ports,
      plainEnv: [{ prop: 'env', names: Object.keys(props.env ?? {}) }],
      otherMounts: props.volumeClaims.map((claim) => ({ prop: 'volumeClaims.mountPath', path: claim.mountPath, volumeName: claim.name })),
    });
    if (props.probes === undefined) fail('probes', props.probes, 'readiness and liveness are required for a long-running container (P01)');
    const probes = resolveProbes(this, 'probes', props.probes, props.ports, defaultProbePort(props.ports));
    for (const port of props.memberPorts ?? []) {
      if (!props.ports.some((p) => p.name === port))
        fail('memberPorts', port, `is not a declared port (declared: ${props.ports.map((p) => p.name).join(', ')})`);
    }
    const policy = props.podManagementPolicy;
    if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel')
      fail('podManagementPolicy', policy, 'must be "OrderedReady" or "Parallel"');
    const strategy = props.updateStrategy;
    if (strategy !== undefined) {
      if (strategy.type !== 'RollingUpdate' && strategy.type !== 'OnDelete')
        fail('updateStrategy.type', (strategy as { type: unknown }).type, 'must be "RollingUpdate" or "OnDelete"');
      if (
        strategy.type === 'RollingUpdate' &&
        strategy.partition !== undefined &&
        (!Number.isInteger(strategy.partition) || strategy.partition < 0 || strategy.partition > props.replicas)
      ) {
        fail('updateStrategy.partition', strategy.partition, `must be an integer from 0 to replicas (${props.replicas})`);
      }
    }
    for (const [prop, value] of Object.entries(props.claimRetention ?? {})) {
      if (value !== 'Retain' && value !== 'Delete') fail(`claimRetention.${prop}`, value, 'must be "Retain" or "Delete"');
    }
    const eviction = props.unhealthyPodEvictionPolicy;
    if (eviction !== undefined && eviction !== 'AlwaysAllow' && eviction !== 'IfHealthyBudget')
      fail('unhealthyPodEvictionPolicy', eviction, 'must be "AlwaysAllow" or "IfHealthyBudget"');
    const grace = props.terminationGracePeriodSeconds;
    if (grace !== undefined && (!Number.isInteger(grace) || grace < 1))
      fail('terminationGracePeriodSeconds', grace, 'must be an integer >= 1');
    if (props.preStopCommand !== undefined && (props.preStopCommand.length === 0 || props.preStopCommand.some((arg) => arg === ''))) {
      fail('preStopCommand', props.preStopCommand, 'must be a non-empty command of non-empty strings');
    }
    return { resolved, probes };
  }
}
