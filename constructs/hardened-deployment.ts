import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer as Container } from 'kubernetes-models/v1/Container';
import type { IEnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IProbe as Probe } from 'kubernetes-models/v1/Probe';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IVolume as Volume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount as VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { isValidLabelValue, recommendedLabels, selectorLabels } from './labels.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import { isDns1035Label, isDnsSubdomain } from './names.js';
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
import type { ContainerResources, ScratchDirectory } from './pod-hardening.js';
import { looksLikeSecretName } from './policy/secret-names.js';
import { parseQuantity } from './quantity.js';

export type { ContainerResources, ResourceQuantities } from './pod-hardening.js';

/** A named container port. */
export interface ContainerPortSpec {
  /** IANA service name (<= 15 chars, lowercase, a letter, no `--`); Services and probes refer to the port by it. */
  readonly name: string;
  /** Port number, 1024–65535: unprivileged, so the container never needs `NET_BIND_SERVICE`. */
  readonly port: number;
}

/** The HTTP health-probe contract of the container. */
export interface ProbeSpec {
  /**
   * Name of the declared container port the probes call.
   * @default - the port named `http`, else the first port: the design serves health on the app port
   */
  readonly port?: string;
  /**
   * Readiness path: failing takes the pod out of its Service (dependencies down, starting, draining).
   * @default '/readyz' - the design's contract
   */
  readonly readinessPath?: string;
  /**
   * Liveness path: failing restarts the container; must not depend on anything outside the process.
   * @default '/livez' - the design's contract
   */
  readonly livenessPath?: string;
  /**
   * Startup path: liveness and readiness wait until this answers once, so slow starts are not killed.
   * @default - the liveness path: "the process is up" is what startup waits for
   */
  readonly startupPath?: string;
  /**
   * How long startup may take before the kubelet restarts the container.
   * @default 60 - migrations on a cold database fit comfortably
   */
  readonly startupTimeoutSeconds?: number;
}

/** A key (or all keys) of an existing Secret mounted read-only as files. */
export interface SecretFileSpec {
  /** Name of an existing Secret in the same namespace (made by an operator or ExternalSecret, never by us). */
  readonly secretName: string;
  /**
   * One key to mount, as the file `<mountPath>/<key>`.
   * @default - every key of the Secret, one file each
   */
  readonly key?: string;
  /** Absolute directory to mount the files in. */
  readonly mountPath: string;
  /**
   * An env var set to the file's path (`<mountPath>/<key>`, or the directory without a key), for
   * services that read `NAME_FILE`, e.g. `DATABASE_URL_FILE`.
   * @default - no env var
   */
  readonly envVarForPath?: string;
}

/** A writable directory: an emptyDir with a size limit, since the root filesystem is read-only. */
export interface WritablePathSpec {
  /** Absolute path in the container. */
  readonly path: string;
  /**
   * Most the directory may hold before the pod is evicted.
   * @default '64Mi' - scratch space, not storage
   */
  readonly sizeLimit?: string;
}

/** Plain configuration files, e.g. a web server's config, mounted read-only from a ConfigMap. */
export interface ConfigFilesSpec {
  /** Absolute directory the files appear in (the ConfigMap replaces the directory's content). */
  readonly mountPath: string;
  /** File name → content. Names that look like secrets are refused: secrets go in `secretFiles`. */
  readonly files: Readonly<Record<string, string>>;
}

/** Horizontal autoscaling on CPU (autoscaling/v2). */
export interface AutoscalingSpec {
  /** Fewest pods, >= 2 so one pod's loss never takes the service down. */
  readonly minReplicas: number;
  /** Most pods, > minReplicas. */
  readonly maxReplicas: number;
  /**
   * Average CPU utilization (percent of `requests.cpu`) the HPA steers to.
   * @default 70 - leaves headroom for the time a new pod takes to become ready
   */
  readonly targetCpuUtilization?: number;
}

/** How the container pauses before SIGTERM so endpoints are removed before it stops accepting. */
export type PreStopMode = 'exec' | 'sleep-action';

export interface HardenedDeploymentProps {
  /** `app.kubernetes.io/name` and the name of every object (Deployment, ServiceAccount, ...): a DNS-1035 label. */
  readonly name: string;
  /** Namespace of every object; `default` and `kube-*` are refused (N07). */
  readonly namespace: string;
  /** `app.kubernetes.io/component`, e.g. `api`. */
  readonly component: string;
  /** `app.kubernetes.io/part-of`, e.g. `todo`. */
  readonly partOf: string;
  /**
   * `app.kubernetes.io/instance`.
   * @default - the name
   */
  readonly instance?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag, so the label always says what runs
   */
  readonly version?: string;
  /** Image as `repo:tag` or `repo:tag@sha256:<digest>`; a tag is required and may not be `latest`. */
  readonly image: string;
  /**
   * Refuse an image without a `@sha256:` digest (production pins what was tested).
   * @default false - dev and CI deploy freshly built tags
   */
  readonly requireDigest?: boolean;
  /** cpu, memory and ephemeral-storage requests and limits; required because defaults hide capacity decisions. */
  readonly resources: ContainerResources;
  /**
   * Container ports.
   * @default [{ name: 'http', port: 8080 }] - the design's service port
   */
  readonly ports?: readonly ContainerPortSpec[];
  /**
   * Health probes.
   * @default - /readyz and /livez on the `http` port, startup on /livez
   */
  readonly probes?: ProbeSpec;
  /**
   * Plain configuration: stored in a ConfigMap `<name>-config`, passed as env vars by
   * `configMapKeyRef`, and hashed into the pod annotation `checksum/config` so a change rolls the pods.
   * Names that look like secrets are refused: secrets go in `secretFiles`.
   * @default - no ConfigMap
   */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * Configuration files: stored in a ConfigMap `<name>-files`, mounted read-only, and hashed into the
   * pod annotation `checksum/config-files` so a change rolls the pods like an env change does.
   * @default - no files
   */
  readonly configFiles?: ConfigFilesSpec;
  /**
   * Existing Secrets mounted read-only as files (never env vars: env leaks into logs and child processes).
   * @default - none
   */
  readonly secretFiles?: readonly SecretFileSpec[];
  /**
   * Writable directories besides `/tmp` (which is always mounted).
   * @default - only /tmp
   */
  readonly writablePaths?: readonly WritablePathSpec[];
  /**
   * Size limit of the `/tmp` emptyDir.
   * @default '64Mi' - scratch space for a web service; it counts against the ephemeral-storage limit
   */
  readonly tmpSizeLimit?: string;
  /**
   * Fixed replica count, ignored with `autoscaling`. 1 is the single-node dev mode: no PodDisruptionBudget.
   * @default 2 - survives the loss of a pod or node
   */
  readonly replicas?: number;
  /**
   * Autoscale with an HPA instead of a fixed count; the Deployment then omits `spec.replicas`.
   * @default - fixed replicas
   */
  readonly autoscaling?: AutoscalingSpec;
  /** Container entrypoint override. @default - the image's ENTRYPOINT */
  readonly command?: readonly string[];
  /** Container arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /**
   * uid of the pod's processes, >= 10001 (kube-score wants > 10000 so it never maps to a host user).
   * @default 10001 - the first uid every tool accepts (S06), and the uid the service images run as
   */
  readonly runAsUser?: number;
  /**
   * gid of the pod's processes, >= 10001.
   * @default - the runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes, so the non-root user can read secret files.
   * @default - the runAsGroup
   */
  readonly fsGroup?: number;
  /**
   * Seconds the container keeps serving after it is told to stop, while endpoints drain.
   * @default 5 - longer than kube-proxy and ingress controllers take to drop the pod
   */
  readonly preStopSleepSeconds?: number;
  /**
   * `exec` runs `sleep N` in the container (needs a `sleep` binary); `sleep-action` uses the kubelet's
   * `lifecycle.preStop.sleep` (Kubernetes >= 1.30, works in distroless images).
   * @default 'exec' - works on every supported cluster
   */
  readonly preStopMode?: PreStopMode;
  /**
   * Seconds from the start of termination to SIGKILL. The preStop pause runs inside this budget and
   * SIGTERM comes after it, so it must exceed the pause plus the service's own drain after SIGTERM.
   * @default - preStop sleep + 25: room for a readiness-failing delay and in-flight requests after SIGTERM
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** The probe contract as the container ends up with it (ProbedService checks it). */
export interface ResolvedProbes {
  /** The container port the three probes call. */
  readonly portName: string;
  /** The readiness probe's path. */
  readonly readinessPath: string;
  /** The liveness probe's path. */
  readonly livenessPath: string;
  /** The startup probe's path. */
  readonly startupPath: string;
}

const IANA_SERVICE_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A ConfigMap or Secret key (and so a file name in the mounted directory). */
const OBJECT_KEY = /^[-._a-zA-Z0-9]+$/;
const DEFAULT_PORTS: readonly ContainerPortSpec[] = [{ name: 'http', port: 8080 }];
const CONFIG_FILE_MODE = 0o444;

/**
 * A Deployment that passes every S, I, R, P and A rule of constructs/docs/rules.md by default, with its
 * own ServiceAccount, an optional ConfigMap, a PodDisruptionBudget when replicated and an optional
 * HPA. Every object has a stable name (no hash suffix), the namespace and the recommended labels.
 */
export class HardenedDeployment extends Construct implements INetworkPeer {
  /** Name of the Deployment (and of the ServiceAccount, PDB and HPA). */
  public readonly deploymentName: string;
  /** Name of the ServiceAccount the pods run as. */
  public readonly serviceAccountName: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** `app.kubernetes.io/name` of the pods: what network policies select on. */
  public readonly peerName: string;
  /** The recommended labels' source, for objects that belong to this workload (Service, policies). */
  public readonly identity: AppIdentity;
  /** The six recommended labels; every object here carries them. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The Deployment's selector (name + instance: immutable over the workload's life). */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** Labels on the pods (the recommended labels, a superset of the selector). */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** The container's ports. */
  public readonly ports: readonly ContainerPortSpec[];
  /** The probe contract the container carries. */
  public readonly probes: ResolvedProbes;
  /** Name of the ConfigMap holding `config`, if any. */
  public readonly configMapName?: string;
  /** sha256 of the config data (the pod annotation `checksum/config`), if any. */
  public readonly configChecksum?: string;
  /** Name of the ConfigMap holding `configFiles`, if any. */
  public readonly configFilesMapName?: string;
  /** Whether more than one pod runs (then a PodDisruptionBudget exists). */
  public readonly replicated: boolean;
  /** The Deployment object, for escape hatches (`addJsonPatch`). */
  public readonly deployment: ApiObject;
  /** The PodDisruptionBudget, when replicated. */
  public readonly podDisruptionBudget?: ApiObject;
  /** The HPA, with autoscaling. */
  public readonly autoscaler?: ApiObject;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(scope, id);
    const resolved = this.validate(props);
    const { ports, probes, version, runAsUser, runAsGroup, fsGroup, preStopSeconds, gracePeriod } = resolved;

    this.deploymentName = props.name;
    this.serviceAccountName = props.name;
    this.namespace = props.namespace;
    this.peerName = props.name;
    this.identity = {
      name: props.name,
      version,
      component: props.component,
      partOf: props.partOf,
      ...(props.instance !== undefined ? { instance: props.instance } : {}),
    };
    this.labels = recommendedLabels(this.identity);
    this.selectorLabels = selectorLabels(this.identity);
    this.podLabels = { ...this.labels };
    this.ports = ports;
    this.probes = probes;
    this.replicated = props.autoscaling !== undefined || (props.replicas ?? 2) > 1;
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels: { ...this.labels } });

    addKubeObject<IServiceAccount>(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: metadata(this.serviceAccountName),
      automountServiceAccountToken: false,
    });

    const env: EnvVar[] = [];
    const podAnnotations: Record<string, string> = {};
    if (props.config !== undefined) {
      const configMapName = `${props.name}-config`;
      const data = sortedRecord(props.config);
      addKubeObject<IConfigMap>(this, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configMapName), data });
      this.configMapName = configMapName;
      this.configChecksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');
      podAnnotations['checksum/config'] = this.configChecksum;
      for (const key of Object.keys(data)) {
        env.push({ name: key, valueFrom: { configMapKeyRef: { name: configMapName, key } } });
      }
    }

    if (props.configFiles !== undefined) {
      const configFilesMapName = `${props.name}-files`;
      const data = sortedRecord(props.configFiles.files);
      addKubeObject<IConfigMap>(this, 'ConfigFiles', { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configFilesMapName), data });
      this.configFilesMapName = configFilesMapName;
      podAnnotations['checksum/config-files'] = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    }

    const files = filesystem(props);
    env.push(...files.env);
    const container = hardenedContainer(props, resolved, env, files.mounts);

    this.deployment = addKubeObject<IDeployment>(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(this.deploymentName),
      spec: {
        ...(props.autoscaling === undefined ? { replicas: props.replicas ?? 2 } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...this.selectorLabels } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
        },
        template: {
          metadata: {
            labels: { ...this.podLabels },
            ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
          },
          spec: {
            serviceAccountName: this.serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: gracePeriod,
            securityContext: podSecurityContext({ runAsUser, runAsGroup, fsGroup }),
            affinity: preferredHostAntiAffinity(this.selectorLabels),
            topologySpreadConstraints: zoneSpread(this.selectorLabels),
            containers: [container],
            volumes: files.volumes,
          },
        },
      },
    });
    if (resolved.preStopMode === 'sleep-action') {
      // The kubelet's own preStop.sleep (k8s >= 1.30) in place of the exec hook; see hardenedContainer.
      this.deployment.addJsonPatch(
        JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: preStopSeconds } } }),
      );
    }

    if (this.replicated) {
      this.podDisruptionBudget = addKubeObject<IPodDisruptionBudget>(this, 'Budget', {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: metadata(this.deploymentName),
        spec: {
          maxUnavailable: 1,
          unhealthyPodEvictionPolicy: 'AlwaysAllow',
          selector: { matchLabels: { ...this.selectorLabels } },
        },
      });
    }

    if (props.autoscaling !== undefined) {
      this.autoscaler = addKubeObject<IHorizontalPodAutoscaler>(this, 'Autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: metadata(this.deploymentName),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deploymentName },
          minReplicas: props.autoscaling.minReplicas,
          maxReplicas: props.autoscaling.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: props.autoscaling.targetCpuUtilization ?? 70 },
              },
            },
          ],
        },
      });
    }
  }

  /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
  private validate(props: HardenedDeploymentProps) {
    const fail: (prop: string, value: unknown, why: string) => never = (prop, value, why) => invalidProp(this, prop, value, why);

    if (!isDns1035Label(props.name, 56)) {
      fail('name', props.name, 'must be a DNS-1035 label of at most 56 characters (room for "-config")');
    }
    if (!isDns1035Label(props.namespace)) {
      fail('namespace', props.namespace, 'must be a DNS-1123 label');
    }
    if (props.namespace === 'default' || props.namespace.startsWith('kube-')) {
      fail('namespace', props.namespace, 'workloads never go in "default" or a kube-* namespace (N07)');
    }
    for (const [prop, value] of [['component', props.component], ['partOf', props.partOf], ['instance', props.instance]] as const) {
      if (value !== undefined && (value === '' || !isValidLabelValue(value))) {
        fail(prop, value, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
      }
    }

    const tag = checkImage(this, 'image', props.image, props.requireDigest ?? false);
    const version = props.version ?? tag;
    if (!isValidLabelValue(version)) fail('version', version, 'must be a valid label value');

    checkContainerResources(this, 'resources', props.resources);

    const ports = props.ports ?? DEFAULT_PORTS;
    if (ports.length === 0) fail('ports', ports, 'declare at least one port: probes and Services need one');
    const seenPortNames = new Set<string>();
    const seenPortNumbers = new Set<number>();
    for (const port of ports) {
      if (!Number.isInteger(port.port) || port.port < 1024 || port.port > 65535 || port.port === 22) {
        fail('ports', port, 'port must be an integer from 1024 to 65535 and never 22 (P05)');
      }
      if (port.name.length > 15 || !IANA_SERVICE_NAME.test(port.name)) {
        fail('ports', port, 'name must be an IANA service name: <= 15 lowercase letters, digits and single dashes (P04)');
      }
      if (seenPortNames.has(port.name) || seenPortNumbers.has(port.port)) fail('ports', port, 'duplicate port name or number (P04)');
      seenPortNames.add(port.name);
      seenPortNumbers.add(port.port);
    }

    const probeSpec = props.probes ?? {};
    const portName = probeSpec.port ?? (ports.find((p) => p.name === 'http') ?? ports[0]!).name;
    if (!seenPortNames.has(portName)) {
      fail('probes.port', portName, `is not a declared port (declared: ${[...seenPortNames].join(', ')}) (P03)`);
    }
    const livenessPath = probeSpec.livenessPath ?? '/livez';
    const probes: ResolvedProbes = {
      portName,
      readinessPath: probeSpec.readinessPath ?? '/readyz',
      livenessPath,
      startupPath: probeSpec.startupPath ?? livenessPath,
    };
    for (const [prop, path] of [
      ['probes.readinessPath', probes.readinessPath],
      ['probes.livenessPath', probes.livenessPath],
      ['probes.startupPath', probes.startupPath],
    ] as const) {
      if (!path.startsWith('/')) fail(prop, path, 'must be an absolute HTTP path');
    }
    if (probes.readinessPath === probes.livenessPath) {
      fail('probes.readinessPath', probes.readinessPath, 'readiness and liveness must differ: a failing dependency must not restart pods (P02)');
    }
    const startupTimeoutSeconds = probeSpec.startupTimeoutSeconds ?? 60;
    if (!(startupTimeoutSeconds > 0)) fail('probes.startupTimeoutSeconds', startupTimeoutSeconds, 'must be positive');

    if (props.autoscaling !== undefined) {
      const { minReplicas, maxReplicas, targetCpuUtilization } = props.autoscaling;
      if (props.replicas !== undefined) {
        fail('replicas', props.replicas, 'conflicts with autoscaling: the HPA owns the replica count (A02)');
      }
      if (!Number.isInteger(minReplicas) || minReplicas < 2) {
        fail('autoscaling.minReplicas', minReplicas, 'must be an integer >= 2 (A02)');
      }
      if (!Number.isInteger(maxReplicas) || maxReplicas <= minReplicas) {
        fail('autoscaling.maxReplicas', maxReplicas, `must be an integer greater than minReplicas ${minReplicas} (A02)`);
      }
      if (targetCpuUtilization !== undefined && !(Number.isInteger(targetCpuUtilization) && targetCpuUtilization > 0 && targetCpuUtilization <= 100)) {
        fail('autoscaling.targetCpuUtilization', targetCpuUtilization, 'must be an integer percentage from 1 to 100');
      }
    } else if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      fail('replicas', props.replicas, 'must be an integer >= 1 (1 only for a single-node dev environment)');
    }

    const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_ID;
    const runAsGroup = props.runAsGroup ?? runAsUser;
    const fsGroup = props.fsGroup ?? runAsGroup;
    checkRunAsIds(this, { runAsUser, runAsGroup, fsGroup });

    const preStopSeconds = props.preStopSleepSeconds ?? 5;
    if (!Number.isInteger(preStopSeconds) || preStopSeconds < 1) {
      fail('preStopSleepSeconds', preStopSeconds, 'must be an integer >= 1 so endpoints drain before shutdown');
    }
    const gracePeriod = props.terminationGracePeriodSeconds ?? preStopSeconds + 25;
    if (!Number.isInteger(gracePeriod) || gracePeriod <= preStopSeconds) {
      fail('terminationGracePeriodSeconds', gracePeriod, `must be an integer greater than the preStop sleep ${preStopSeconds}`);
    }
    const preStopMode = props.preStopMode ?? 'exec';
    if (preStopMode !== 'exec' && preStopMode !== 'sleep-action') {
      fail('preStopMode', preStopMode, 'must be "exec" or "sleep-action"');
    }

    this.validateFilesAndEnv(props, fail);

    return { ports, probes, version, runAsUser, runAsGroup, fsGroup, preStopSeconds, gracePeriod, preStopMode, startupTimeoutSeconds };
  }

  private validateFilesAndEnv(props: HardenedDeploymentProps, fail: (prop: string, value: unknown, why: string) => never) {
    const envNames = new Set<string>();
    const addEnv = (prop: string, name: string) => {
      if (!ENV_NAME.test(name)) fail(prop, name, 'must be an env var name: letters, digits and "_", not starting with a digit');
      if (envNames.has(name)) fail(prop, name, 'duplicate env var name (S20)');
      envNames.add(name);
    };
    for (const [name] of Object.entries(props.config ?? {})) {
      addEnv('config', name);
      if (looksLikeSecretName(name)) {
        fail('config', name, 'looks like a secret; mount it from an existing Secret with secretFiles instead (S19)');
      }
    }

    const tmpSize = parseQuantity(props.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE);
    if (tmpSize === undefined || tmpSize <= 0) fail('tmpSizeLimit', props.tmpSizeLimit, 'must be a positive Kubernetes quantity');
    const scratch = scratchDirectories(props);
    checkScratchDirectories(this, 'writablePaths', scratch, props.resources.limits.ephemeralStorage);

    // Config and secret directories must not shadow a scratch directory or each other.
    const mountPaths = new Set(scratch.map((dir) => dir.path));
    const addMount = (prop: string, path: string) => {
      if (!path.startsWith('/') || posix.normalize(path) !== path || path === '/') {
        fail(prop, path, 'must be an absolute, normalized path other than "/"');
      }
      if (mountPaths.has(path)) fail(prop, path, 'is mounted twice');
      mountPaths.add(path);
    };

    if (props.configFiles !== undefined) {
      addMount('configFiles.mountPath', props.configFiles.mountPath);
      const names = Object.keys(props.configFiles.files);
      if (names.length === 0) fail('configFiles.files', props.configFiles.files, 'name at least one file');
      for (const name of names) {
        if (!OBJECT_KEY.test(name)) fail('configFiles.files', name, 'must be a file name usable as a ConfigMap key');
        if (looksLikeSecretName(name)) fail('configFiles.files', name, 'looks like a secret; mount it from an existing Secret with secretFiles instead (S19)');
      }
    }

    for (const file of props.secretFiles ?? []) {
      if (!isDnsSubdomain(file.secretName)) fail('secretFiles.secretName', file.secretName, 'must be a DNS-1123 subdomain');
      if (file.key !== undefined && !OBJECT_KEY.test(file.key)) fail('secretFiles.key', file.key, 'must be a Secret key');
      addMount('secretFiles.mountPath', file.mountPath);
      if (file.envVarForPath !== undefined) addEnv('secretFiles.envVarForPath', file.envVarForPath);
    }
  }
}

type ResolvedProps = ReturnType<HardenedDeployment['validate']>;

/** `/tmp` (always) and the writable paths: the size-limited emptyDirs of the read-only root filesystem (S08). */
function scratchDirectories(props: HardenedDeploymentProps): ScratchDirectory[] {
  return [{ path: '/tmp', sizeLimit: props.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE }, ...(props.writablePaths ?? [])];
}

/** The container's writable and secret mounts: size-limited emptyDirs, read-only Secret files, and their NAME_FILE env vars. */
function filesystem(props: HardenedDeploymentProps): { volumes: Volume[]; mounts: VolumeMount[]; env: EnvVar[] } {
  const { volumes, mounts } = scratchVolumes(scratchDirectories(props));
  const env: EnvVar[] = [];
  if (props.configFiles !== undefined) {
    volumes.push({ name: 'config-files', configMap: { name: `${props.name}-files`, defaultMode: CONFIG_FILE_MODE } });
    mounts.push({ name: 'config-files', mountPath: props.configFiles.mountPath, readOnly: true });
  }
  (props.secretFiles ?? []).forEach((file, index) => {
    const secret = secretFileVolume(`secret-${index}`, file);
    volumes.push(secret.volume);
    mounts.push(secret.mount);
    if (file.envVarForPath !== undefined) env.push({ name: file.envVarForPath, value: secret.filePath });
  });
  return { volumes, mounts, env };
}

/** The one container: restricted securityContext, resources, the three HTTP probes, the preStop pause. */
function hardenedContainer(props: HardenedDeploymentProps, resolved: ResolvedProps, env: EnvVar[], volumeMounts: VolumeMount[]): Container {
  const { probes, runAsUser, runAsGroup, preStopSeconds } = resolved;
  const probePort = probes.portName;
  const httpProbe = (path: string, timing: Omit<Probe, 'httpGet'>): Probe => ({ httpGet: { path, port: probePort }, timeoutSeconds: 2, ...timing });
  const startupPeriod = 2;
  return {
    name: props.name,
    image: props.image,
    imagePullPolicy: 'Always',
    ...(props.command !== undefined ? { command: [...props.command] } : {}),
    ...(props.args !== undefined ? { args: [...props.args] } : {}),
    ports: resolved.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
    ...(env.length > 0 ? { env } : {}),
    resources: containerResources(props.resources),
    securityContext: containerSecurityContext({ runAsUser, runAsGroup }),
    startupProbe: httpProbe(probes.startupPath, {
      periodSeconds: startupPeriod,
      failureThreshold: Math.ceil(resolved.startupTimeoutSeconds / startupPeriod),
    }),
    readinessProbe: httpProbe(probes.readinessPath, { periodSeconds: 5, failureThreshold: 2 }),
    livenessProbe: httpProbe(probes.livenessPath, { periodSeconds: 10, failureThreshold: 3 }),
    // 'sleep-action' is added as a patch after rendering (see the constructor).
    ...(resolved.preStopMode === 'exec' ? { lifecycle: { preStop: { exec: { command: ['sleep', String(preStopSeconds)] } } } } : {}),
    volumeMounts,
  };
}

/** A copy with keys sorted, so the ConfigMap and its checksum do not depend on prop order. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
