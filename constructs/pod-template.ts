/**
 * The one hardened-pod builder of every workload construct (HardenedDeployment, Worker, Job,
 * CronJob, StatefulService): the props every hardened pod takes, their checks (`resolvePodProps`),
 * and `hardenedPodTemplate()`, which assembles the pod template from the pod-hardening.ts,
 * containers.ts and probes.ts helpers. What a shape adds (ports, probes, config files, claims,
 * spread) goes through this single function, so the whole pod assembly lives in one place.
 */
import type { ApiObject } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IEnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec as PodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IVolume as Volume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount as VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import {
  EnvNames,
  checkContainerFilesystem,
  checkContainerPorts,
  containerFilesystem,
  hardenedContainer,
  renderExtraContainers,
  resolveExtraContainers,
} from './containers.js';
import type { ContainerFilesystemSpec, ContainerPortSpec, ExtraContainersSpec, OtherMount, ResolvedExtraContainers } from './containers.js';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { isValidLabelValue, recommendedLabels, selectorLabels } from './labels.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import { isDns1035Label, isDnsLabel, isDnsSubdomain } from './names.js';
import { checkNamespace } from './network-peers.js';
import {
  DEFAULT_RUN_AS_ID,
  checkContainerResources,
  checkPodScheduling,
  checkRunAsIds,
  podScheduling,
  podSecurityContext,
} from './pod-hardening.js';
import type { ContainerResources, FsGroupChangePolicy, PodSchedulingSpec, RunAsIds } from './pod-hardening.js';
import type { ResolvedContainerProbes } from './probes.js';

/**
 * The props every hardened pod takes, whatever controller runs it: identity, image, resources,
 * ids, the main container's files (`secretFiles`, `writablePaths`, `tmpSizeLimit`), `sidecars` and
 * `initContainers`, and scheduling (`priorityClassName`, `tolerations`, `nodeSelector`, `affinity`,
 * `imagePullSecrets`).
 */
export interface HardenedPodProps extends ContainerFilesystemSpec, ExtraContainersSpec, PodSchedulingSpec {
  /** `app.kubernetes.io/name` and the name of every object: a DNS-1035 label. */
  readonly name: string;
  /** Namespace of every object; `default` and `kube-*` are refused (N07). */
  readonly namespace: string;
  /** `app.kubernetes.io/component`, e.g. `api`, `worker`, `backup`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`, e.g. `todo`. */
  readonly partOf: string;
  /**
   * `app.kubernetes.io/instance`.
   * @default - the name: one installation per namespace is the common case
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag, so the label always says what runs
   */
  readonly version?: string;
  /** Image as `repo:tag` or `repo:tag@sha256:<digest>`; a tag is required and may not be `latest` (I01). */
  readonly image: string;
  /**
   * Refuse an image without a `@sha256:` digest (I02), on every container of the pod.
   * @default false - dev and CI deploy freshly built tags
   */
  readonly requireDigest?: boolean;
  /** cpu, memory and ephemeral-storage requests and limits (R01, R02); required because defaults hide capacity decisions. */
  readonly resources: ContainerResources;
  /** Entrypoint override. @default - the image's ENTRYPOINT */
  readonly command?: readonly string[];
  /** Arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /**
   * uid of the pod's processes, >= 10001 (S06).
   * @default 10001 - the first uid every tool accepts, and the uid the service images run as
   */
  readonly runAsUser?: number;
  /**
   * gid of the pod's processes, >= 10001.
   * @default - the runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes, so the non-root user can read secret files and write claims.
   * @default - the runAsGroup
   */
  readonly fsGroup?: number;
  /**
   * When the kubelet re-applies fsGroup to a volume's files.
   * @default - the kubelet's default (`Always`); `OnRootMismatch` skips the recursive chown of large volumes
   */
  readonly fsGroupChangePolicy?: FsGroupChangePolicy;
  /**
   * Name of the main container.
   * @default - the name
   */
  readonly containerName?: string;
}

/** Plain settings of the main container as literal env vars (the workload shapes without a ConfigMap). */
export interface PlainEnvSpec {
  /**
   * Plain env vars, in this order. Names that look like secrets are refused (S19): secrets go in `secretFiles`.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** `env` as the container's literal env vars, in order. */
/**
 * The workload's own ServiceAccount (S18): no shared identity with any other workload, and no API token
 * mounted (the pods set `automountServiceAccountToken: false` as well).
 */
export function ownServiceAccount(
  scope: Construct,
  metadata: { name: string; namespace: string; labels: Record<string, string> },
): ApiObject {
  return addKubeObject<IServiceAccount>(scope, 'ServiceAccount', {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata,
    automountServiceAccountToken: false,
  });
}

export function plainEnv(env: Readonly<Record<string, string>> | undefined): EnvVar[] {
  return Object.entries(env ?? {}).map(([name, value]) => ({ name, value }));
}

/** An existing PersistentVolumeClaim mounted in the main container. */
export interface ClaimMount {
  /** Name of the volume in the pod: a DNS-1123 label. */
  readonly volumeName: string;
  /** The claim's name. */
  readonly claimName: string;
  /** Absolute directory the volume appears at. */
  readonly mountPath: string;
  /**
   * Mount read-only.
   * @default false - a claim is usually mounted to be written
   */
  readonly readOnly?: boolean;
}

/** What a shape checks besides the common props. */
export interface PodChecks {
  /** Longest name: room for what the shape's controller or objects append to it. */
  readonly maxNameLength: number;
  /** Why the name is that short, for the error. */
  readonly why: string;
  /** The main container's ports. @default - none */
  readonly ports?: readonly ContainerPortSpec[];
  /** Plain env var names of the main container by prop (`env`, `config`): valid, unique, not secret-like. @default - none */
  readonly plainEnv?: readonly { readonly prop: string; readonly names: readonly string[] }[];
  /** The main container's other mounts (config files, claims): no path or volume name twice. @default - none */
  readonly otherMounts?: readonly OtherMount[];
}

/** The props as the pod ends up with them. */
export interface ResolvedPodProps {
  readonly identity: AppIdentity;
  /** The six recommended labels (every object and the pod template). */
  readonly labels: Record<string, string>;
  /** name + instance: what selectors, spread and budgets key on. */
  readonly selector: Record<string, string>;
  readonly ids: RunAsIds;
  /** Name of the main container. */
  readonly containerName: string;
  /** The main container's ports. */
  readonly ports: readonly ContainerPortSpec[];
  /** Sidecars and init containers, checked. */
  readonly extra: ResolvedExtraContainers;
}

/**
 * Checks the common props, the main container's ports, env names and mounts, the scheduling props
 * and the extra containers (naming `scope`'s path and the value), and resolves labels and ids.
 */
export function resolvePodProps(scope: IConstruct, props: HardenedPodProps, checks: PodChecks): ResolvedPodProps {
  const fail = (prop: string, value: unknown, reason: string): never => invalidProp(scope, prop, value, reason);
  if (!isDns1035Label(props.name, checks.maxNameLength)) {
    fail('name', props.name, `must be a DNS-1035 label of at most ${checks.maxNameLength} characters (${checks.why})`);
  }
  checkNamespace(scope, 'namespace', props.namespace);
  if (props.namespace.startsWith('kube-')) fail('namespace', props.namespace, 'workloads never go in a kube-* namespace (N07)');
  for (const [prop, value] of [
    ['component', props.component],
    ['partOf', props.partOf],
    ['instance', props.instance],
  ] as const) {
    if (value !== undefined && (value === '' || !isValidLabelValue(value))) {
      fail(prop, value, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
    }
  }
  const requireDigest = props.requireDigest ?? false;
  const tag = checkImage(scope, 'image', props.image, requireDigest);
  const version = props.version ?? tag;
  if (version === '' || !isValidLabelValue(version))
    fail('version', version, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
  checkContainerResources(scope, 'resources', props.resources);
  const containerName = props.containerName ?? props.name;
  if (!isDns1035Label(containerName)) fail('containerName', containerName, 'must be a DNS-1035 label');
  const ports = checks.ports ?? [];
  checkContainerPorts(scope, 'ports', ports);

  const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_ID;
  const runAsGroup = props.runAsGroup ?? runAsUser;
  const ids = { runAsUser, runAsGroup, fsGroup: props.fsGroup ?? runAsGroup };
  checkRunAsIds(scope, ids);
  const policy = props.fsGroupChangePolicy;
  if (policy !== undefined && policy !== 'OnRootMismatch' && policy !== 'Always')
    fail('fsGroupChangePolicy', policy, 'must be "OnRootMismatch" or "Always"');

  const env = new EnvNames(scope);
  for (const { prop, names } of checks.plainEnv ?? []) for (const name of names) env.addPlain(prop, name);
  checkContainerFilesystem(scope, '', props, props.resources.limits.ephemeralStorage, env, checks.otherMounts ?? []);
  checkPodScheduling(scope, props);
  const extra = resolveExtraContainers(scope, props, { containerNames: [containerName], ports, requireDigest });

  const identity: AppIdentity = {
    name: props.name,
    version,
    component: props.component,
    partOf: props.partOf,
    ...(props.instance !== undefined ? { instance: props.instance } : {}),
  };
  return { identity, labels: recommendedLabels(identity), selector: selectorLabels(identity), ids, containerName, ports, extra };
}

/** Claim mounts as the `otherMounts` of `resolvePodProps`, refusing claim names that are not DNS-1123 subdomains. */
export function claimMounts(scope: IConstruct, prop: string, claims: readonly ClaimMount[]): OtherMount[] {
  for (const claim of claims) {
    if (!isDnsLabel(claim.volumeName)) invalidProp(scope, `${prop}.volumeName`, claim.volumeName, 'a volume name must be a DNS-1123 label');
    if (!isDnsSubdomain(claim.claimName))
      invalidProp(scope, `${prop}.claimName`, claim.claimName, 'must be a claim name (DNS-1123 subdomain)');
  }
  return claims.map((claim) => ({ prop: `${prop}.mountPath`, path: claim.mountPath, volumeName: claim.volumeName }));
}

/** What a shape adds to the common props when it assembles its pod. */
export interface PodShape {
  /** The validated props. */
  readonly props: HardenedPodProps;
  /** The resolved ids, labels, ports and extra containers (from `resolvePodProps`). */
  readonly resolved: ResolvedPodProps;
  /** The main container's probes, for long-running containers. @default - none (run-to-completion pods) */
  readonly probes?: ResolvedContainerProbes;
  /** Env vars of the main container, before the secret files' path vars. @default - none */
  readonly env?: readonly EnvVar[];
  /** Pod template annotations (config checksums). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Volume mounts placed before the scratch directories (a StatefulSet's volumeClaimTemplates). @default - none */
  readonly leadingMounts?: readonly VolumeMount[];
  /** A volume and mount placed after the scratch directories, before the secret files (config files). @default - none */
  readonly configFiles?: { readonly volume: Volume; readonly mount: VolumeMount };
  /** Existing claims, mounted after the secret files. @default - none */
  readonly claims?: readonly ClaimMount[];
  /** Spread the pods over hosts and zones (A04, A05), for replicated workloads. @default false */
  readonly spread?: boolean;
  /** Job pods: `Never` or `OnFailure`. @default - unset (Always, the only value for long-running pods) */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /** @default - the kubelet's 30 s */
  readonly terminationGracePeriodSeconds?: number;
  /** A command run before SIGTERM. @default - none */
  readonly preStopCommand?: readonly string[];
}

/**
 * The hardened pod template (metadata + spec): restricted security contexts (S02–S09), own
 * ServiceAccount and no token (S18), no Service links, resources (R01, R02), `imagePullPolicy:
 * Always` (I03), size-limited scratch and read-only secret files (S08, S19), the shape's ports,
 * probes, config files and claims, the sidecars and init containers hardened the same way, the
 * scheduling props and, for replicated pods, host anti-affinity and zone spread.
 */
export function hardenedPodTemplate(shape: PodShape): {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
} {
  const { props, resolved } = shape;
  const files = containerFilesystem(props);
  if (shape.configFiles !== undefined) {
    const at = 1 + (props.writablePaths?.length ?? 0);
    files.volumes.splice(at, 0, shape.configFiles.volume);
    files.mounts.splice(at, 0, shape.configFiles.mount);
  }
  const volumes: Volume[] = [...files.volumes];
  const mounts: VolumeMount[] = [...(shape.leadingMounts ?? []), ...files.mounts];
  for (const claim of shape.claims ?? []) {
    volumes.push({
      name: claim.volumeName,
      persistentVolumeClaim: { claimName: claim.claimName, ...(claim.readOnly ? { readOnly: true } : {}) },
    });
    mounts.push({ name: claim.volumeName, mountPath: claim.mountPath, ...(claim.readOnly ? { readOnly: true } : {}) });
  }
  const container = {
    ...hardenedContainer({
      name: resolved.containerName,
      image: props.image,
      ...(props.command !== undefined ? { command: props.command } : {}),
      ...(props.args !== undefined ? { args: props.args } : {}),
      ports: resolved.ports,
      env: [...(shape.env ?? []), ...files.env],
      resources: props.resources,
      ids: resolved.ids,
      ...(shape.probes !== undefined ? { probes: shape.probes } : {}),
      volumeMounts: mounts,
    }),
    ...(shape.preStopCommand !== undefined ? { lifecycle: { preStop: { exec: { command: [...shape.preStopCommand] } } } } : {}),
  };
  const extra = renderExtraContainers(resolved.extra, resolved.ids);
  const annotations = shape.annotations ?? {};
  return {
    metadata: { labels: { ...resolved.labels }, ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}) },
    spec: {
      serviceAccountName: props.name,
      automountServiceAccountToken: false,
      // Service links would inject e.g. TODO_DB_PORT=tcp://…, which no program here expects.
      enableServiceLinks: false,
      ...(shape.restartPolicy !== undefined ? { restartPolicy: shape.restartPolicy } : {}),
      ...(shape.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: shape.terminationGracePeriodSeconds } : {}),
      securityContext: podSecurityContext(resolved.ids, props.fsGroupChangePolicy),
      ...podScheduling(props, resolved.selector, shape.spread ?? false),
      ...(extra.initContainers.length > 0 ? { initContainers: extra.initContainers } : {}),
      containers: [container],
      volumes: [...volumes, ...extra.volumes],
    },
  };
}

/** How a PodDisruptionBudget treats pods that are running but not ready. */
export type UnhealthyPodEvictionPolicy = 'AlwaysAllow' | 'IfHealthyBudget';

/**
 * The policy/v1 PodDisruptionBudget of a replicated workload (A03): one pod at a time may be
 * evicted (never 0, which blocks node drains), selecting the workload's pods.
 */
export function podDisruptionBudget(
  scope: Construct,
  metadata: { name: string; namespace: string; labels: Readonly<Record<string, string>> },
  selector: Readonly<Record<string, string>>,
  unhealthyPodEvictionPolicy: UnhealthyPodEvictionPolicy,
): ApiObject {
  return addKubeObject<IPodDisruptionBudget>(scope, 'Budget', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { ...metadata, labels: { ...metadata.labels } },
    spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy, selector: { matchLabels: { ...selector } } },
  });
}
