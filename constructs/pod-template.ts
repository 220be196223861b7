/**
 * The one pod-template builder of the workload shapes (Worker, Job, CronJob, StatefulService): the
 * props every hardened pod takes, their checks, and `hardenedPodTemplate()`, which assembles the
 * pod spec from the pod-hardening.ts helpers. Everything a shape adds (ports, probes, claims,
 * spread) goes through this single function, so the whole pod assembly lives in one place.
 */
import { posix } from 'node:path';
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer as Container } from 'kubernetes-models/v1/Container';
import type { IEnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IPodSpec as PodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe as Probe } from 'kubernetes-models/v1/Probe';
import type { IVolume as Volume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount as VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { IConstruct } from 'constructs';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { isValidLabelValue, recommendedLabels, selectorLabels } from './labels.js';
import type { AppIdentity } from './labels.js';
import { isDns1035Label, isDnsLabel, isDnsSubdomain } from './names.js';
import { checkNamespace } from './network-peers.js';
import {
  DEFAULT_RUN_AS_ID,
  DEFAULT_SCRATCH_SIZE,
  checkContainerResources,
  checkRunAsIds,
  checkScratchDirectories,
  containerResources,
  containerSecurityContext,
  podSecurityContext,
  preferredHostAntiAffinity,
  scratchVolumes,
  secretFileVolume,
  zoneSpread,
} from './pod-hardening.js';
import type { ContainerResources, FsGroupChangePolicy, RunAsIds, ScratchDirectory } from './pod-hardening.js';
import { addKubeObject } from './model-object.js';
import { looksLikeSecretName } from './policy/secret-names.js';
import { parseQuantity } from './quantity.js';

/** A key (or every key) of an existing Secret, mounted read-only as files (never env: S19). */
export interface PodSecretFile {
  /** Name of an existing Secret in the same namespace (made by an operator, an ExternalSecret or by hand). */
  readonly secretName: string;
  /**
   * One key, mounted as the file `<mountPath>/<key>`.
   * @default - every key of the Secret, one file each
   */
  readonly key?: string;
  /** Absolute directory the files appear in. */
  readonly mountPath: string;
  /**
   * An env var set to the file's path, for programs that read `NAME_FILE` (e.g. `DATABASE_URL_FILE`).
   * @default - no env var
   */
  readonly envVarForPath?: string;
  /**
   * Name of the secret volume.
   * @default - `secret-<index in the list>`, as HardenedDeployment names them
   */
  readonly volumeName?: string;
}

/** A writable directory on the read-only root filesystem: a size-limited emptyDir (S08). */
export interface PodWritablePath {
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Most the directory may hold before the pod is evicted; it counts against the ephemeral-storage limit.
   * @default '64Mi' - scratch space, not storage
   */
  readonly sizeLimit?: string;
  /**
   * Name of the emptyDir volume.
   * @default - `scratch-<index>` (index 0 is /tmp)
   */
  readonly volumeName?: string;
}

/** An existing PersistentVolumeClaim mounted in the container. */
export interface ClaimMount {
  /** Name of the volume in the pod. */
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

/** What a probe runs. Exactly one of the four. */
export type ProbeAction =
  /** A command in the container; healthy when it exits 0. Needs no port: the shape for workloads that serve nothing. */
  | { readonly exec: readonly string[] }
  /** An HTTP GET on a declared port (by name); healthy on 2xx/3xx. */
  | { readonly http: { readonly path: string; readonly port: string } }
  /** A TCP connect to a declared port (by name). */
  | { readonly tcp: { readonly port: string } }
  /** The gRPC health-checking protocol on a declared port (by name). */
  | { readonly grpc: { readonly port: string; readonly service?: string } };

/** One probe: what it runs and how often. */
export interface WorkloadProbe {
  /** What the probe runs. */
  readonly action: ProbeAction;
  /**
   * Seconds between probes.
   * @default 10 - the kubelet's default
   */
  readonly periodSeconds?: number;
  /**
   * Seconds one probe may take.
   * @default 5 - an exec probe forks a process; 1 s (the kubelet's default) fails on a busy node
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the probe counts as failed.
   * @default 3 - the kubelet's default; startup defaults to 12 (one minute at 5 s)
   */
  readonly failureThreshold?: number;
}

/** Startup, readiness and liveness (P01): every long-running container has all three. */
export interface HealthChecks {
  /**
   * Gates readiness and liveness until it succeeds once, so a slow start is not killed.
   * @default - the liveness action every 5 s for up to one minute
   */
  readonly startup?: WorkloadProbe;
  /** Failing takes the pod out of Services and holds a rollout (the next pod waits). */
  readonly readiness: WorkloadProbe;
  /** Failing restarts the container; must differ from readiness (P02) and not depend on anything outside the process. */
  readonly liveness: WorkloadProbe;
}

/** A named container port. */
export interface PodPort {
  /** IANA service name (<= 15 chars, lowercase, a letter, no `--`); Services, probes and policies use it. */
  readonly name: string;
  /** 1024–65535, never 22 (P05). */
  readonly port: number;
}

/** The props every hardened pod of the workload shapes takes. */
export interface HardenedPodProps {
  /** `app.kubernetes.io/name` and the name of every object: a DNS-1035 label. */
  readonly name: string;
  /** Namespace of every object; `default` and `kube-*` are refused (N07). */
  readonly namespace: string;
  /** `app.kubernetes.io/component`, e.g. `worker`, `backup`. */
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
   * Refuse an image without a `@sha256:` digest (I02).
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
   * Plain env vars, in this order. Names that look like secrets are refused (S19): secrets go in `secretFiles`.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Existing Secrets mounted read-only as files (mode 0440, readable through the fsGroup).
   * @default - none
   */
  readonly secretFiles?: readonly PodSecretFile[];
  /**
   * Writable directories besides `/tmp` (always mounted), each a size-limited emptyDir (S08).
   * @default - only /tmp
   */
  readonly writablePaths?: readonly PodWritablePath[];
  /**
   * Size limit of the `/tmp` emptyDir.
   * @default '64Mi' - scratch space; it counts against the ephemeral-storage limit
   */
  readonly tmpSizeLimit?: string;
  /**
   * uid of the pod's processes (S06).
   * @default 10001 - the first uid every tool accepts, and the uid the service images run as
   */
  readonly runAsUser?: number;
  /** gid of the pod's processes. @default - the runAsUser */
  readonly runAsGroup?: number;
  /** Group that owns mounted volumes, so the non-root user can read secrets and write claims. @default - the runAsGroup */
  readonly fsGroup?: number;
  /**
   * When the kubelet re-applies fsGroup to a volume's files.
   * @default - the kubelet's default (`Always`); `OnRootMismatch` skips the recursive chown of large volumes
   */
  readonly fsGroupChangePolicy?: FsGroupChangePolicy;
  /**
   * A PriorityClass (e.g. `PriorityClass.priorityClassName`), so the scheduler knows what to place first (Polaris priorityClassNotSet).
   * @default - none: the cluster's global default priority
   */
  readonly priorityClassName?: string;
  /**
   * Name of the container.
   * @default - the name
   */
  readonly containerName?: string;
}

/** What a shape adds to the common props when it assembles its pod. */
export interface PodShape {
  /** The validated props. */
  readonly props: HardenedPodProps;
  /** The resolved ids and labels (from `resolvePodProps`). */
  readonly resolved: ResolvedPodProps;
  /** Container ports. @default - none */
  readonly ports?: readonly PodPort[];
  /** Probes, for long-running containers. @default - none (run-to-completion pods) */
  readonly probes?: HealthChecks;
  /** Volume mounts placed before the scratch directories (a StatefulSet's volumeClaimTemplates). @default - none */
  readonly leadingMounts?: readonly VolumeMount[];
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

/** The props as the pod ends up with them. */
export interface ResolvedPodProps {
  readonly identity: AppIdentity;
  /** The six recommended labels (every object and the pod template). */
  readonly labels: Record<string, string>;
  /** name + instance: what selectors, spread and budgets key on. */
  readonly selector: Record<string, string>;
  readonly ids: RunAsIds;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OBJECT_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const IANA_SERVICE_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks the common props (naming `scope`'s path and the value) and resolves labels and ids.
 * `maxNameLength` leaves room for what the shape's controller appends to the name.
 */
export function resolvePodProps(scope: IConstruct, props: HardenedPodProps, maxNameLength: number, why: string): ResolvedPodProps {
  const fail = (prop: string, value: unknown, reason: string): never => invalidProp(scope, prop, value, reason);
  if (!isDns1035Label(props.name, maxNameLength)) fail('name', props.name, `must be a DNS-1035 label of at most ${maxNameLength} characters (${why})`);
  checkNamespace(scope, 'namespace', props.namespace);
  if (props.namespace.startsWith('kube-')) fail('namespace', props.namespace, 'workloads never go in a kube-* namespace (N07)');
  for (const [prop, value] of [['component', props.component], ['partOf', props.partOf], ['instance', props.instance]] as const) {
    if (value !== undefined && (value === '' || !isValidLabelValue(value))) {
      fail(prop, value, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
    }
  }
  const tag = checkImage(scope, 'image', props.image, props.requireDigest ?? false);
  const version = props.version ?? tag;
  if (version === '' || !isValidLabelValue(version)) fail('version', version, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
  checkContainerResources(scope, 'resources', props.resources);
  if (props.containerName !== undefined && !isDns1035Label(props.containerName)) fail('containerName', props.containerName, 'must be a DNS-1035 label');
  if (props.priorityClassName !== undefined && !isDnsSubdomain(props.priorityClassName)) {
    fail('priorityClassName', props.priorityClassName, 'must be a PriorityClass name (DNS-1123 subdomain)');
  }
  const policy = props.fsGroupChangePolicy;
  if (policy !== undefined && policy !== 'OnRootMismatch' && policy !== 'Always') fail('fsGroupChangePolicy', policy, 'must be "OnRootMismatch" or "Always"');

  const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_ID;
  const runAsGroup = props.runAsGroup ?? runAsUser;
  const ids = { runAsUser, runAsGroup, fsGroup: props.fsGroup ?? runAsGroup };
  checkRunAsIds(scope, ids);
  checkFilesAndEnv(scope, props);

  const identity: AppIdentity = {
    name: props.name,
    version,
    component: props.component,
    partOf: props.partOf,
    ...(props.instance !== undefined ? { instance: props.instance } : {}),
  };
  return { identity, labels: recommendedLabels(identity), selector: selectorLabels(identity), ids };
}

function checkFilesAndEnv(scope: IConstruct, props: HardenedPodProps): void {
  const fail = (prop: string, value: unknown, reason: string): never => invalidProp(scope, prop, value, reason);
  const envNames = new Set<string>();
  const addEnv = (prop: string, name: string) => {
    if (!ENV_NAME.test(name)) fail(prop, name, 'must be an env var name: letters, digits and "_", not starting with a digit');
    if (envNames.has(name)) fail(prop, name, 'duplicate env var name (S20)');
    envNames.add(name);
  };
  for (const name of Object.keys(props.env ?? {})) {
    addEnv('env', name);
    if (looksLikeSecretName(name)) fail('env', name, 'looks like a secret; mount it from an existing Secret with secretFiles instead (S19)');
  }

  const tmpSize = parseQuantity(props.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE);
  if (tmpSize === undefined || tmpSize <= 0) fail('tmpSizeLimit', props.tmpSizeLimit, 'must be a positive Kubernetes quantity');
  const scratch = scratchDirectories(props);
  checkScratchDirectories(scope, 'writablePaths', scratch, props.resources.limits.ephemeralStorage);

  const mountPaths = new Set(scratch.map((dir) => dir.path));
  const volumeNames = new Set(scratch.map((dir) => dir.volumeName!));
  const addMount = (prop: string, path: string, volumeName: string) => {
    if (!path.startsWith('/') || posix.normalize(path) !== path || path === '/') fail(prop, path, 'must be an absolute, normalized path other than "/"');
    if (mountPaths.has(path)) fail(prop, path, 'is mounted twice');
    if (!isDnsLabel(volumeName)) fail(prop, volumeName, 'a volume name must be a DNS-1123 label');
    if (volumeNames.has(volumeName)) fail(prop, volumeName, 'duplicate volume name');
    mountPaths.add(path);
    volumeNames.add(volumeName);
  };
  (props.secretFiles ?? []).forEach((file, index) => {
    if (!isDnsSubdomain(file.secretName)) fail('secretFiles.secretName', file.secretName, 'must be a Secret name (DNS-1123 subdomain)');
    if (file.key !== undefined && !OBJECT_KEY.test(file.key)) fail('secretFiles.key', file.key, 'must be a Secret key (letters, digits, "-", "_", ".")');
    addMount('secretFiles.mountPath', file.mountPath, file.volumeName ?? `secret-${index}`);
    if (file.envVarForPath !== undefined) addEnv('secretFiles.envVarForPath', file.envVarForPath);
  });
}

/** Checks the shape's own mounts (claims) against the common ones: no path or volume name twice. */
export function checkClaimMounts(scope: IConstruct, prop: string, props: HardenedPodProps, claims: readonly { volumeName: string; mountPath: string }[]): void {
  const taken = new Set<string>([...scratchDirectories(props).map((d) => d.path), ...(props.secretFiles ?? []).map((f) => f.mountPath)]);
  const names = new Set<string>([
    ...scratchDirectories(props).map((dir) => dir.volumeName!),
    ...(props.secretFiles ?? []).map((file, index) => file.volumeName ?? `secret-${index}`),
  ]);
  for (const claim of claims) {
    if (!isDnsLabel(claim.volumeName)) invalidProp(scope, `${prop}.name`, claim.volumeName, 'a volume name must be a DNS-1123 label');
    if (names.has(claim.volumeName)) invalidProp(scope, `${prop}.name`, claim.volumeName, 'duplicate volume name');
    if (!claim.mountPath.startsWith('/') || posix.normalize(claim.mountPath) !== claim.mountPath || claim.mountPath === '/') {
      invalidProp(scope, `${prop}.mountPath`, claim.mountPath, 'must be an absolute, normalized path other than "/"');
    }
    if (taken.has(claim.mountPath)) invalidProp(scope, `${prop}.mountPath`, claim.mountPath, 'is mounted twice');
    names.add(claim.volumeName);
    taken.add(claim.mountPath);
  }
}

/** Refuses malformed ports: unprivileged numbers (P05), IANA names (P04), no duplicates. */
export function checkPorts(scope: IConstruct, prop: string, ports: readonly PodPort[]): void {
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const port of ports) {
    if (!Number.isInteger(port.port) || port.port < 1024 || port.port > 65535 || port.port === 22) {
      invalidProp(scope, prop, port, 'port must be an integer from 1024 to 65535 and never 22 (P05)');
    }
    if (port.name.length > 15 || !IANA_SERVICE_NAME.test(port.name)) {
      invalidProp(scope, prop, port, 'name must be an IANA service name: <= 15 lowercase letters, digits and single dashes (P04)');
    }
    if (names.has(port.name) || numbers.has(port.port)) invalidProp(scope, prop, port, 'duplicate port name or number (P04)');
    names.add(port.name);
    numbers.add(port.port);
  }
}

/**
 * Refuses probes that cannot work: a port that is not declared (P03), equal readiness and liveness
 * (P02), relative HTTP paths, empty commands and non-positive timings.
 */
export function checkHealthChecks(scope: IConstruct, prop: string, checks: HealthChecks | undefined, ports: readonly PodPort[]): asserts checks is HealthChecks {
  if (checks?.readiness === undefined || checks.liveness === undefined) {
    invalidProp(scope, prop, checks, 'readiness and liveness are required for a long-running container (P01)');
  }
  const declared = new Set(ports.map((p) => p.name));
  const entries = [['readiness', checks.readiness], ['liveness', checks.liveness], ['startup', checks.startup]] as const;
  for (const [kind, check] of entries) {
    if (check === undefined) continue;
    const where = `${prop}.${kind}`;
    const action = check.action as Record<string, unknown> | undefined;
    const kinds = Object.keys(action ?? {}).filter((key) => ['exec', 'http', 'tcp', 'grpc'].includes(key));
    if (action === undefined || kinds.length !== 1) invalidProp(scope, `${where}.action`, action, 'must be exactly one of exec, http, tcp, grpc');
    if ('exec' in check.action) {
      const command = check.action.exec;
      if (!Array.isArray(command) || command.length === 0 || command.some((arg) => typeof arg !== 'string' || arg === '')) {
        invalidProp(scope, `${where}.action.exec`, command, 'must be a non-empty command of non-empty strings');
      }
    } else {
      const target = 'http' in check.action ? check.action.http : 'tcp' in check.action ? check.action.tcp : check.action.grpc;
      if (!declared.has(target.port)) {
        invalidProp(scope, `${where}.action`, target.port, `is not a declared port (declared: ${[...declared].join(', ') || 'none'}) (P03)`);
      }
      if ('http' in check.action && !check.action.http.path.startsWith('/')) invalidProp(scope, `${where}.action.http.path`, check.action.http.path, 'must be an absolute HTTP path');
    }
    for (const field of ['periodSeconds', 'timeoutSeconds', 'failureThreshold'] as const) {
      const value = check[field];
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) invalidProp(scope, `${where}.${field}`, value, 'must be an integer >= 1');
    }
  }
  if (JSON.stringify(checks.readiness.action) === JSON.stringify(checks.liveness.action)) {
    invalidProp(scope, `${prop}.liveness`, checks.liveness.action, 'readiness and liveness must differ: a failing dependency must not restart the container (P02)');
  }
}

/** `/tmp` (always) and the writable paths. */
function scratchDirectories(props: HardenedPodProps): ScratchDirectory[] {
  return [
    { path: '/tmp', sizeLimit: props.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE, volumeName: 'tmp' },
    ...(props.writablePaths ?? []).map((dir, index) => ({ ...dir, volumeName: dir.volumeName ?? `scratch-${index + 1}` })),
  ];
}

function renderProbe(check: WorkloadProbe, ports: readonly PodPort[], defaults: { periodSeconds: number; failureThreshold: number }): Probe {
  const action = check.action;
  const handler: Probe =
    'exec' in action ? { exec: { command: [...action.exec] } }
    : 'http' in action ? { httpGet: { path: action.http.path, port: action.http.port } }
    : 'tcp' in action ? { tcpSocket: { port: action.tcp.port } }
    // gRPC probes take a port number, not a name.
    : { grpc: { port: ports.find((p) => p.name === action.grpc.port)!.port, ...(action.grpc.service !== undefined ? { service: action.grpc.service } : {}) } };
  return {
    ...handler,
    periodSeconds: check.periodSeconds ?? defaults.periodSeconds,
    timeoutSeconds: check.timeoutSeconds ?? 5,
    failureThreshold: check.failureThreshold ?? defaults.failureThreshold,
  };
}

/**
 * The hardened pod template (metadata + spec) of one container: restricted security contexts
 * (S02–S09), own ServiceAccount and no token (S18), no Service links, resources (R01, R02),
 * `imagePullPolicy: Always` (I03), size-limited scratch and read-only secret files (S08, S19),
 * the shape's ports, probes, claims and, for replicated pods, host anti-affinity and zone spread.
 */
export function hardenedPodTemplate(shape: PodShape): { metadata: { labels: Record<string, string> }; spec: PodSpec } {
  const { props, resolved } = shape;
  const scratch = scratchVolumes(scratchDirectories(props));
  const volumes: Volume[] = [...scratch.volumes];
  const mounts: VolumeMount[] = [...(shape.leadingMounts ?? []), ...scratch.mounts];
  const env: EnvVar[] = Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value }));
  (props.secretFiles ?? []).forEach((file, index) => {
    const secret = secretFileVolume(file.volumeName ?? `secret-${index}`, file);
    volumes.push(secret.volume);
    mounts.push(secret.mount);
    if (file.envVarForPath !== undefined) env.push({ name: file.envVarForPath, value: secret.filePath });
  });
  for (const claim of shape.claims ?? []) {
    volumes.push({ name: claim.volumeName, persistentVolumeClaim: { claimName: claim.claimName, ...(claim.readOnly ? { readOnly: true } : {}) } });
    mounts.push({ name: claim.volumeName, mountPath: claim.mountPath, ...(claim.readOnly ? { readOnly: true } : {}) });
  }
  const ports = shape.ports ?? [];
  const probes = shape.probes;
  const container: Container = {
    name: props.containerName ?? props.name,
    image: props.image,
    imagePullPolicy: 'Always',
    ...(props.command !== undefined ? { command: [...props.command] } : {}),
    ...(props.args !== undefined ? { args: [...props.args] } : {}),
    ...(ports.length > 0 ? { ports: ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) } : {}),
    ...(env.length > 0 ? { env } : {}),
    resources: containerResources(props.resources),
    securityContext: containerSecurityContext(resolved.ids),
    ...(probes !== undefined
      ? {
          startupProbe: renderProbe(probes.startup ?? { action: probes.liveness.action, periodSeconds: 5 }, ports, { periodSeconds: 5, failureThreshold: 12 }),
          readinessProbe: renderProbe(probes.readiness, ports, { periodSeconds: 10, failureThreshold: 3 }),
          livenessProbe: renderProbe(probes.liveness, ports, { periodSeconds: 10, failureThreshold: 3 }),
        }
      : {}),
    ...(shape.preStopCommand !== undefined ? { lifecycle: { preStop: { exec: { command: [...shape.preStopCommand] } } } } : {}),
    volumeMounts: mounts,
  };
  return {
    metadata: { labels: { ...resolved.labels } },
    spec: {
      serviceAccountName: props.name,
      automountServiceAccountToken: false,
      // Service links would inject e.g. TODO_DB_PORT=tcp://…, which no program here expects.
      enableServiceLinks: false,
      ...(shape.restartPolicy !== undefined ? { restartPolicy: shape.restartPolicy } : {}),
      ...(shape.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: shape.terminationGracePeriodSeconds } : {}),
      ...(props.priorityClassName !== undefined ? { priorityClassName: props.priorityClassName } : {}),
      securityContext: podSecurityContext(resolved.ids, props.fsGroupChangePolicy),
      ...(shape.spread ? { affinity: preferredHostAntiAffinity(resolved.selector), topologySpreadConstraints: zoneSpread(resolved.selector) } : {}),
      containers: [container],
      volumes,
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
  metadata: { name: string; namespace: string; labels: Record<string, string> },
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
