/**
 * The pod-level hardening of constructs/docs/rules.md as small functions, so every construct that makes
 * pods (HardenedDeployment, PostgresStatefulSet, PgDumpBackup, ...) emits the same fields: security
 * contexts (S03–S09), resources (R01, R02), size-limited scratch directories (S08), secret files
 * (S19), scheduling spread (A04, A05) and the scheduling props every workload takes (priority,
 * tolerations, node selection, extra affinity, image pull secrets). Each returns plain Kubernetes JSON (typed with the
 * kubernetes-models interfaces), in the shape HardenedDeployment synthesizes, plus the prop checks
 * that go with it.
 */
import { posix } from 'node:path';
import { Affinity as AffinityModel } from 'kubernetes-models/v1/Affinity';
import type { IAffinity as Affinity } from 'kubernetes-models/v1/Affinity';
import type { IPodSecurityContext as PodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IPodSpec as PodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IResourceRequirements as ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ISecurityContext as SecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { ITopologySpreadConstraint as TopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import type { IVolume as Volume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount as VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { IConstruct } from 'constructs';
import { invalidProp } from './errors.js';
import { isDnsSubdomain } from './names.js';
import { checkLabels } from './network-peers.js';
import { parseQuantity } from './quantity.js';

/** One set of cpu, memory and ephemeral-storage quantities. */
export interface ResourceQuantities {
  /** CPU, e.g. `"250m"`. */
  readonly cpu: string;
  /** Memory, e.g. `"256Mi"`. */
  readonly memory: string;
  /** Scratch disk (logs, emptyDirs), e.g. `"256Mi"`; without it one pod can fill a node's disk. */
  readonly ephemeralStorage: string;
}

/** Requests (what the scheduler reserves) and limits (what the kubelet enforces). */
export interface ContainerResources {
  /** Reserved for the container; the HPA's CPU target is a percentage of `requests.cpu`. */
  readonly requests: ResourceQuantities;
  /** Hard ceiling; each must be >= its request. */
  readonly limits: ResourceQuantities;
}

/** uid/gid the hardened pods run as: above 10000, so it never maps to a host user (S06). */
export const DEFAULT_RUN_AS_ID = 10001;
/** Size limit of a scratch directory when none is given: scratch space, not storage. */
export const DEFAULT_SCRATCH_SIZE = '64Mi';
/** Mode of mounted secret files: owner and group (the fsGroup) may read, nobody else. */
export const SECRET_FILE_MODE = 0o440;

/** The ids a pod's processes and volumes run as. */
export interface RunAsIds {
  /** uid of every process, >= 10001. */
  readonly runAsUser: number;
  /** gid of every process, >= 10001. */
  readonly runAsGroup: number;
  /** Group that owns mounted volumes (secret files, PVCs), so the non-root user can read and write them. */
  readonly fsGroup: number;
}

/** How the kubelet applies `fsGroup` to a volume's existing files. */
export type FsGroupChangePolicy = 'OnRootMismatch' | 'Always';

/** The restricted pod securityContext (S05, S06, S07, S09). */
export function podSecurityContext(ids: RunAsIds, fsGroupChangePolicy?: FsGroupChangePolicy): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: ids.runAsUser,
    runAsGroup: ids.runAsGroup,
    fsGroup: ids.fsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
    ...(fsGroupChangePolicy !== undefined ? { fsGroupChangePolicy } : {}),
  };
}

/** The restricted container securityContext (S02, S03, S04, S05, S06, S08, S09). */
export function containerSecurityContext(ids: Pick<RunAsIds, 'runAsUser' | 'runAsGroup'>): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: ids.runAsUser,
    runAsGroup: ids.runAsGroup,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
}

/** cpu, memory and ephemeral-storage requests and limits, rendered as quantity strings (R01, R02). */
export function containerResources(resources: ContainerResources): ResourceRequirements {
  const quantities = (q: ResourceQuantities) => ({
    cpu: q.cpu,
    memory: q.memory,
    'ephemeral-storage': q.ephemeralStorage,
  });
  return { requests: quantities(resources.requests), limits: quantities(resources.limits) };
}

/** A writable directory on the read-only root filesystem: a size-limited emptyDir (S08). */
export interface ScratchDirectory {
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Most the directory may hold before the pod is evicted.
   * @default '64Mi' - scratch space, not storage
   */
  readonly sizeLimit?: string;
  /**
   * Name of the emptyDir volume.
   * @default - `tmp` for /tmp, else `scratch-<index in the list>`: HardenedDeployment's names
   */
  readonly volumeName?: string;
}

/** One size-limited emptyDir volume and its mount per directory, in order. */
export function scratchVolumes(directories: readonly ScratchDirectory[]): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  directories.forEach((dir, index) => {
    const name = scratchVolumeName(dir, index);
    volumes.push({ name, emptyDir: { sizeLimit: dir.sizeLimit ?? DEFAULT_SCRATCH_SIZE } });
    mounts.push({ name, mountPath: dir.path });
  });
  return { volumes, mounts };
}

function scratchVolumeName(dir: ScratchDirectory, index: number): string {
  return dir.volumeName ?? (dir.path === '/tmp' ? 'tmp' : `scratch-${index}`);
}

/** One key (or every key) of an existing Secret, mounted read-only as files. */
export interface SecretFile {
  /** The Secret's name (made outside the manifests: by hand, an operator or an ExternalSecret). */
  readonly secretName: string;
  /**
   * The key; the file is `<mountPath>/<key>`.
   * @default - every key of the Secret, one file each
   */
  readonly key?: string;
  /** Absolute directory the file appears in. */
  readonly mountPath: string;
}

/**
 * A secret volume holding one key (or all), mode 0440 (readable through the fsGroup), mounted
 * read-only as a directory (not `subPath`, so a rotated Secret reaches the file). Secrets are files,
 * never env (S19). `filePath` is the key's file, or the directory without a key.
 */
export function secretFileVolume(volumeName: string, file: SecretFile): { volume: Volume; mount: VolumeMount; filePath: string } {
  const items = file.key !== undefined ? { items: [{ key: file.key, path: file.key }] } : {};
  return {
    volume: { name: volumeName, secret: { secretName: file.secretName, defaultMode: SECRET_FILE_MODE, ...items } },
    mount: { name: volumeName, mountPath: file.mountPath, readOnly: true },
    filePath: file.key !== undefined ? posix.join(file.mountPath, file.key) : file.mountPath,
  };
}

/** Preferred anti-affinity: the scheduler keeps the selected pods on different nodes when it can (A04). */
export function preferredHostAntiAffinity(selector: Readonly<Record<string, string>>): Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...selector } } },
        },
      ],
    },
  };
}

/** Spread the selected pods over zones, without blocking scheduling where there is only one (A05). */
export function zoneSpread(selector: Readonly<Record<string, string>>): TopologySpreadConstraint[] {
  return [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...selector } },
    },
  ];
}

/** Refuses ids below 10001 (S06), naming the construct path. */
export function checkRunAsIds(scope: IConstruct, ids: RunAsIds): void {
  for (const [prop, id] of Object.entries(ids)) {
    if (!Number.isInteger(id) || id < DEFAULT_RUN_AS_ID) {
      invalidProp(scope, prop, id, 'must be an integer >= 10001 so it never maps to a host user (S06)');
    }
  }
}

/** Refuses missing or malformed quantities and limits below their requests (R01, R02). */
export function checkContainerResources(
  scope: IConstruct,
  prop: string,
  resources: ContainerResources | undefined,
): asserts resources is ContainerResources {
  if (resources === undefined)
    invalidProp(scope, prop, resources, 'requests and limits for cpu, memory and ephemeralStorage are required (R01, R02)');
  const keys = ['cpu', 'memory', 'ephemeralStorage'] as const;
  for (const kind of ['requests', 'limits'] as const) {
    for (const key of keys) {
      const value = resources[kind]?.[key];
      if (value === undefined) invalidProp(scope, `${prop}.${kind}.${key}`, value, 'is required (R01, R02)');
      const parsed = parseQuantity(value);
      if (parsed === undefined || parsed <= 0) {
        invalidProp(scope, `${prop}.${kind}.${key}`, value, 'must be a positive Kubernetes quantity such as "250m" or "256Mi"');
      }
    }
  }
  for (const key of keys) {
    if (parseQuantity(resources.limits[key])! < parseQuantity(resources.requests[key])!) {
      invalidProp(scope, `${prop}.limits.${key}`, resources.limits[key], `is below the request ${JSON.stringify(resources.requests[key])}`);
    }
  }
}

/**
 * Refuses relative, unnormalized or duplicate paths, duplicate volume names, bad size limits, and
 * scratch space that does not fit the container's ephemeral-storage limit (the kubelet would evict).
 */
export function checkScratchDirectories(
  scope: IConstruct,
  prop: string,
  directories: readonly ScratchDirectory[],
  ephemeralStorageLimit: string,
  limitProp = 'resources.limits.ephemeralStorage',
): void {
  const paths = new Set<string>();
  const names = new Set<string>();
  let total = 0;
  directories.forEach((dir, index) => {
    if (!dir.path.startsWith('/') || posix.normalize(dir.path) !== dir.path || dir.path === '/') {
      invalidProp(scope, prop, dir.path, 'must be an absolute, normalized path other than "/"');
    }
    if (paths.has(dir.path)) invalidProp(scope, prop, dir.path, 'is mounted twice');
    paths.add(dir.path);
    const name = scratchVolumeName(dir, index);
    if (names.has(name)) invalidProp(scope, prop, name, 'duplicate volume name');
    names.add(name);
    const size = parseQuantity(dir.sizeLimit ?? DEFAULT_SCRATCH_SIZE);
    if (size === undefined || size <= 0) invalidProp(scope, prop, dir, 'sizeLimit must be a positive Kubernetes quantity');
    total += size;
  });
  const limit = parseQuantity(ephemeralStorageLimit);
  if (limit === undefined || total > limit) {
    invalidProp(scope, limitProp, ephemeralStorageLimit, `is smaller than the emptyDir size limits it must hold (${total} bytes)`);
  }
}

/** A taint's effect. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** Lets the pods run on nodes with a matching taint (e.g. a dedicated GPU or batch pool). */
export interface TolerationSpec {
  /** The taint key; required, since a toleration without one tolerates every taint. */
  readonly key: string;
  /**
   * `Equal` matches `value`; `Exists` matches any value.
   * @default - `Equal` with a value, else `Exists`
   */
  readonly operator?: 'Equal' | 'Exists';
  /**
   * The taint value (`Equal` only).
   * @default - none (`Exists`)
   */
  readonly value?: string;
  /**
   * The taint effect to match.
   * @default - every effect
   */
  readonly effect?: TaintEffect;
  /**
   * How long the pods stay on a node after the taint appears (`NoExecute` only).
   * @default - forever
   */
  readonly tolerationSeconds?: number;
}

/** Where and how urgently the pods are scheduled, and how their images are pulled. */
export interface PodSchedulingSpec {
  /**
   * A PriorityClass: higher-priority pods are scheduled first and may preempt others.
   * @default - the cluster's global default PriorityClass (none: priority 0)
   */
  readonly priorityClassName?: string;
  /**
   * Taints the pods tolerate. Tolerating every taint (no key) or control-plane taints is refused.
   * @default - none: the pods run only on untainted nodes
   */
  readonly tolerations?: readonly TolerationSpec[];
  /**
   * Node labels a node must carry, e.g. `{ 'kubernetes.io/arch': 'arm64' }`.
   * @default - any node
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * More affinity rules (node affinity, pod affinity, pod anti-affinity), merged with the default
   * preferred anti-affinity on `kubernetes.io/hostname` (A04), which is always kept.
   * @default - only the default anti-affinity
   */
  readonly affinity?: Affinity;
  /**
   * Secrets (type `kubernetes.io/dockerconfigjson`) with credentials for a private registry.
   * @default - none: the node's credentials or a public registry
   */
  readonly imagePullSecrets?: readonly string[];
}

/** Reserved for node- and cluster-critical pods; the API admits them only in kube-system by default. */
const SYSTEM_PRIORITY_CLASSES = new Set(['system-node-critical', 'system-cluster-critical']);
const CONTROL_PLANE_TAINTS = new Set(['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']);
const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const TAINT_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Refuses bad names, tolerations of everything or of the control plane, bad node labels and affinity that fails its schema. */
export function checkPodScheduling(scope: IConstruct, spec: PodSchedulingSpec): void {
  if (spec.priorityClassName !== undefined) {
    if (!isDnsSubdomain(spec.priorityClassName))
      invalidProp(scope, 'priorityClassName', spec.priorityClassName, 'must be a DNS-1123 subdomain');
    if (SYSTEM_PRIORITY_CLASSES.has(spec.priorityClassName)) {
      invalidProp(scope, 'priorityClassName', spec.priorityClassName, 'is reserved for node- and cluster-critical pods in kube-system');
    }
  }
  (spec.tolerations ?? []).forEach((t, index) => {
    const prop = `tolerations[${index}]`;
    if (typeof t.key !== 'string' || t.key === '' || !TAINT_KEY.test(t.key)) {
      invalidProp(scope, `${prop}.key`, t.key, 'must be a taint key; a toleration without one tolerates every taint');
    }
    if (CONTROL_PLANE_TAINTS.has(t.key)) invalidProp(scope, `${prop}.key`, t.key, 'workloads do not run on control-plane nodes');
    const operator = t.operator ?? (t.value !== undefined ? 'Equal' : 'Exists');
    if (operator !== 'Equal' && operator !== 'Exists') invalidProp(scope, `${prop}.operator`, t.operator, 'must be "Equal" or "Exists"');
    if (operator === 'Exists' && t.value !== undefined)
      invalidProp(scope, `${prop}.value`, t.value, 'operator "Exists" matches any value; drop the value or use "Equal"');
    if (operator === 'Equal' && t.value === undefined)
      invalidProp(scope, `${prop}.value`, t.value, 'operator "Equal" needs the value to match');
    if (t.effect !== undefined && !TAINT_EFFECTS.includes(t.effect))
      invalidProp(scope, `${prop}.effect`, t.effect, `must be one of ${TAINT_EFFECTS.join(', ')}`);
    if (t.tolerationSeconds !== undefined) {
      if (t.effect !== 'NoExecute')
        invalidProp(scope, `${prop}.tolerationSeconds`, t.tolerationSeconds, 'only applies to effect "NoExecute"');
      if (!Number.isInteger(t.tolerationSeconds) || t.tolerationSeconds < 0)
        invalidProp(scope, `${prop}.tolerationSeconds`, t.tolerationSeconds, 'must be an integer >= 0');
    }
  });
  if (spec.nodeSelector !== undefined) checkLabels(scope, 'nodeSelector', spec.nodeSelector);
  if (spec.affinity !== undefined) checkAffinity(scope, spec.affinity);
  const pullSecrets = new Set<string>();
  for (const name of spec.imagePullSecrets ?? []) {
    if (!isDnsSubdomain(name)) invalidProp(scope, 'imagePullSecrets', name, 'must be a Secret name (DNS-1123 subdomain)');
    if (pullSecrets.has(name)) invalidProp(scope, 'imagePullSecrets', name, 'is listed twice');
    pullSecrets.add(name);
  }
}

function checkAffinity(scope: IConstruct, affinity: Affinity): void {
  try {
    new AffinityModel(affinity).validate();
  } catch (error) {
    invalidProp(scope, 'affinity', affinity, `fails the Affinity schema: ${(error as Error).message}`);
  }
  const preferred = [
    ...(affinity.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(affinity.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(affinity.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
  ];
  for (const term of preferred) {
    if (!Number.isInteger(term.weight) || term.weight < 1 || term.weight > 100) {
      invalidProp(scope, 'affinity', term, 'every preferred term needs a weight from 1 to 100');
    }
  }
}

/**
 * The pod-spec scheduling fields: the optional priority, tolerations, node selector and pull
 * secrets, and `spec.affinity`; with `spread` (replicated workloads) merged with the default
 * anti-affinity (A04) and the zone spread (A05). Run-to-completion pods are not spread: one pod per
 * run has nothing to spread from.
 */
export function podScheduling(
  spec: PodSchedulingSpec,
  selector: Readonly<Record<string, string>>,
  spread = true,
): Pick<PodSpec, 'priorityClassName' | 'nodeSelector' | 'tolerations' | 'affinity' | 'topologySpreadConstraints' | 'imagePullSecrets'> {
  return {
    ...(spec.priorityClassName !== undefined ? { priorityClassName: spec.priorityClassName } : {}),
    ...(spec.nodeSelector !== undefined ? { nodeSelector: { ...spec.nodeSelector } } : {}),
    ...(spec.tolerations !== undefined && spec.tolerations.length > 0
      ? { tolerations: spec.tolerations.map((t) => ({ ...t, operator: t.operator ?? (t.value !== undefined ? 'Equal' : 'Exists') })) }
      : {}),
    ...(spread
      ? { affinity: spreadAffinity(spec.affinity ?? {}, selector), topologySpreadConstraints: zoneSpread(selector) }
      : spec.affinity !== undefined
        ? { affinity: spec.affinity }
        : {}),
    ...(spec.imagePullSecrets !== undefined && spec.imagePullSecrets.length > 0
      ? { imagePullSecrets: spec.imagePullSecrets.map((name) => ({ name })) }
      : {}),
  };
}

/** `extra` with the default preferred anti-affinity on `kubernetes.io/hostname` first (A04). */
function spreadAffinity(extra: Affinity, selector: Readonly<Record<string, string>>): Affinity {
  const own = preferredHostAntiAffinity(selector).podAntiAffinity!;
  const required = extra.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return {
    ...(extra.nodeAffinity !== undefined ? { nodeAffinity: extra.nodeAffinity } : {}),
    ...(extra.podAffinity !== undefined ? { podAffinity: extra.podAffinity } : {}),
    podAntiAffinity: {
      ...(required !== undefined ? { requiredDuringSchedulingIgnoredDuringExecution: required } : {}),
      preferredDuringSchedulingIgnoredDuringExecution: [
        ...own.preferredDuringSchedulingIgnoredDuringExecution!,
        ...(extra.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []),
      ],
    },
  };
}
