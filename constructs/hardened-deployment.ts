import { createHash } from 'node:crypto';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { IAnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import type { IRollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IEnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
import { autoscalerSpec, checkAutoscaling } from './autoscaling.js';
import { Delivery, analysisTemplateSpec, canaryStrategy, resolveCanary } from './canary-delivery.js';
import type { ResolvedCanary } from './canary-delivery.js';
import type { AutoscalingSpec } from './autoscaling.js';
import { OBJECT_KEY, defaultProbePort } from './containers.js';
import type { ContainerPortSpec } from './containers.js';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import { hardenedPodTemplate, ownServiceAccount, podDisruptionBudget, resolvePodProps } from './pod-template.js';
import type { HardenedPodProps, PodShape } from './pod-template.js';
import { looksLikeSecretName } from './policy/secret-names.js';
import { Probe, resolveProbes } from './probes.js';
import type { ResolvedContainerProbes } from './probes.js';

export type { ContainerResources, ResourceQuantities } from './pod-hardening.js';
export type { ContainerPortSpec, SecretFileSpec, WritablePathSpec } from './containers.js';
export type { AutoscalingSpec } from './autoscaling.js';

/**
 * The main container's health probes: the design's `/readyz` + `/livez` HTTP contract by default,
 * or any `Probe` (HTTP on any path and port, gRPC, TCP, exec) per probe kind.
 */
export interface ProbeSpec {
  /**
   * Readiness probe: failing takes the pod out of its Service (dependencies down, starting, draining).
   * Replaces `readinessPath`.
   * @default - `Probe.http(readinessPath)` on `port`
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe: failing restarts the container; must not depend on anything outside the process,
   * and must differ from readiness (P02). Replaces `livenessPath`.
   * @default - `Probe.http(livenessPath)` on `port`
   */
  readonly liveness?: Probe;
  /**
   * Startup probe: liveness and readiness wait until it succeeds once. Replaces `startupPath`.
   * @default - `Probe.http(startupPath)` with a path given, else the liveness check
   */
  readonly startup?: Probe;
  /**
   * Name of the declared container port probes call when they name none.
   * @default - the port named `http`, else the first port: the design serves health on the app port
   */
  readonly port?: string;
  /**
   * Readiness path of the default HTTP readiness probe.
   * @default '/readyz' - the design's contract
   */
  readonly readinessPath?: string;
  /**
   * Liveness path of the default HTTP liveness probe.
   * @default '/livez' - the design's contract
   */
  readonly livenessPath?: string;
  /**
   * Startup path of an HTTP startup probe.
   * @default - the liveness check: "the process is up" is what startup waits for
   */
  readonly startupPath?: string;
  /**
   * How long startup may take before the kubelet restarts the container.
   * @default 60 - migrations on a cold database fit comfortably
   */
  readonly startupTimeoutSeconds?: number;
}

/** Plain configuration files, e.g. a web server's config, mounted read-only from a ConfigMap. */
export interface ConfigFilesSpec {
  /** Absolute directory the files appear in (the ConfigMap replaces the directory's content). */
  readonly mountPath: string;
  /** File name → content. Names that look like secrets are refused: secrets go in `secretFiles`. */
  readonly files: Readonly<Record<string, string>>;
}

/** How the container pauses before SIGTERM so endpoints are removed before it stops accepting. */
export type PreStopMode = 'exec' | 'sleep-action';

/**
 * Props of HardenedDeployment: the common pod props (HardenedPodProps: identity, image, resources,
 * ids, files, sidecars and init containers, scheduling) and the Deployment's own.
 */
export interface HardenedDeploymentProps extends HardenedPodProps {
  /**
   * Container ports, each optionally with the `appProtocol` it speaks (`http`, `h2c`, `grpc`).
   * @default [{ name: 'http', port: 8080 }] - the design's service port
   */
  readonly ports?: readonly ContainerPortSpec[];
  /**
   * Health probes: any `Probe` per kind, or the HTTP contract's paths.
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
   * Fixed replica count, ignored with `autoscaling`. 1 is the single-node dev mode: no PodDisruptionBudget.
   * @default 2 - survives the loss of a pod or node
   */
  readonly replicas?: number;
  /**
   * Autoscale with an HPA (CPU by default; memory, Pods, Object and External metrics with `metrics`)
   * instead of a fixed count; the Deployment then omits `spec.replicas`.
   * @default - fixed replicas
   */
  readonly autoscaling?: AutoscalingSpec;
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
  /**
   * How a new version ships: `Delivery.rolling()` (a Deployment) or `Delivery.canary({...})` (an Argo
   * Rollouts `Rollout` with the same pod template, plus an `AnalysisTemplate` that rolls it back when
   * Prometheus shows the new pods breaching their error or latency objective; needs the Argo Rollouts
   * controller and the pods' metrics scraped by a ServiceMonitor).
   * @default Delivery.rolling() - needs nothing beyond Kubernetes itself
   */
  readonly delivery?: Delivery;
}

/** The probe contract as the container ends up with it (ProbedService checks it). */
export interface ResolvedProbes {
  /** The port the readiness probe calls (the default probe port for an exec readiness probe). */
  readonly portName: string;
  /** The readiness probe's path, when it is an HTTP probe. */
  readonly readinessPath?: string;
  /** The liveness probe's path, when it is an HTTP probe. */
  readonly livenessPath?: string;
  /** The startup probe's path, when it is an HTTP probe. */
  readonly startupPath?: string;
}

const DEFAULT_PORTS: readonly ContainerPortSpec[] = [{ name: 'http', port: 8080 }];
const CONFIG_FILE_MODE = 0o444;
const CONFIG_FILES_VOLUME = 'config-files';

/**
 * A Deployment (an Argo Rollouts Rollout with `delivery: Delivery.canary(...)`) that passes every S, I,
 * R, P and A rule of constructs/docs/rules.md by default, with its own ServiceAccount, an optional
 * ConfigMap, a PodDisruptionBudget when replicated and an optional HPA. Every object has a stable
 * name (no hash suffix), the namespace and the recommended labels.
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
  /** The main container's three probes, defaults filled in (any kind: HTTP, gRPC, TCP, exec). */
  public readonly containerProbes: ResolvedContainerProbes;
  /** Names of every container in the pod: the main one, then sidecars and init containers. */
  public readonly containerNames: readonly string[];
  /** Name of the ConfigMap holding `config`, if any. */
  public readonly configMapName?: string;
  /** sha256 of the config data (the pod annotation `checksum/config`), if any. */
  public readonly configChecksum?: string;
  /** Name of the ConfigMap holding `configFiles`, if any. */
  public readonly configFilesMapName?: string;
  /** Whether more than one pod runs (then a PodDisruptionBudget exists). */
  public readonly replicated: boolean;
  /** `Deployment`, or `Rollout` with canary delivery: the kind the HPA scales. */
  public readonly workloadKind: 'Deployment' | 'Rollout';
  /** The Deployment object (the Rollout with canary delivery), for escape hatches (`addJsonPatch`). */
  public readonly deployment: ApiObject;
  /** The AnalysisTemplate that judges each canary, with canary delivery. */
  public readonly analysisTemplate?: ApiObject;
  /** The PodDisruptionBudget, when replicated. */
  public readonly podDisruptionBudget?: ApiObject;
  /** The HPA, with autoscaling. */
  public readonly autoscaler?: ApiObject;

  constructor(scope: Construct, id: string, props: HardenedDeploymentProps) {
    super(scope, id);
    const { pod, probes, containerProbes, preStopSeconds, gracePeriod, preStopMode, canary } = this.validate(props);

    this.deploymentName = props.name;
    this.serviceAccountName = props.name;
    this.namespace = props.namespace;
    this.peerName = props.name;
    this.identity = pod.identity;
    this.labels = pod.labels;
    this.selectorLabels = pod.selector;
    this.podLabels = { ...this.labels };
    this.ports = pod.ports;
    this.probes = probes;
    this.containerProbes = containerProbes;
    this.containerNames = [
      pod.containerName,
      ...pod.extra.sidecars.map((c) => c.spec.name),
      ...pod.extra.initContainers.map((c) => c.name),
    ];
    this.replicated = props.autoscaling !== undefined || (props.replicas ?? 2) > 1;
    const metadata = (name: string) => ({ name, namespace: props.namespace, labels: { ...this.labels } });

    ownServiceAccount(this, metadata(this.serviceAccountName));

    const env: EnvVar[] = [];
    const annotations: Record<string, string> = {};
    if (props.config !== undefined) {
      const configMapName = `${props.name}-config`;
      const data = sortedRecord(props.config);
      addKubeObject<IConfigMap>(this, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configMapName), data });
      this.configMapName = configMapName;
      this.configChecksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');
      annotations['checksum/config'] = this.configChecksum;
      for (const key of Object.keys(data)) {
        env.push({ name: key, valueFrom: { configMapKeyRef: { name: configMapName, key } } });
      }
    }

    let configFiles: PodShape['configFiles'];
    if (props.configFiles !== undefined) {
      const configFilesMapName = `${props.name}-files`;
      const data = sortedRecord(props.configFiles.files);
      addKubeObject<IConfigMap>(this, 'ConfigFiles', { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configFilesMapName), data });
      this.configFilesMapName = configFilesMapName;
      annotations['checksum/config-files'] = createHash('sha256').update(JSON.stringify(data)).digest('hex');
      configFiles = {
        volume: { name: CONFIG_FILES_VOLUME, configMap: { name: configFilesMapName, defaultMode: CONFIG_FILE_MODE } },
        mount: { name: CONFIG_FILES_VOLUME, mountPath: props.configFiles.mountPath, readOnly: true },
      };
    }

    const template = hardenedPodTemplate({
      props,
      resolved: pod,
      probes: containerProbes,
      env,
      annotations,
      ...(configFiles !== undefined ? { configFiles } : {}),
      spread: true,
      terminationGracePeriodSeconds: gracePeriod,
      // 'sleep-action' is added as a patch below.
      ...(preStopMode === 'exec' ? { preStopCommand: ['sleep', String(preStopSeconds)] } : {}),
    });
    const workloadSpec = {
      ...(props.autoscaling === undefined ? { replicas: props.replicas ?? 2 } : {}),
      revisionHistoryLimit: 5,
      selector: { matchLabels: { ...this.selectorLabels } },
      template,
    };
    this.workloadKind = canary === undefined ? 'Deployment' : 'Rollout';
    if (canary === undefined) {
      this.deployment = addKubeObject<IDeployment>(this, 'Deployment', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: metadata(this.deploymentName),
        spec: { ...workloadSpec, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } },
      });
    } else {
      this.analysisTemplate = addKubeObject<IAnalysisTemplate>(this, 'Analysis', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: metadata(this.deploymentName),
        spec: analysisTemplateSpec(canary, props.namespace),
      });
      this.deployment = addKubeObject<IRollout>(this, 'Rollout', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: metadata(this.deploymentName),
        spec: {
          ...workloadSpec,
          // A canary that never becomes ready (crash loop, failing readiness) is aborted too, not left half-rolled.
          progressDeadlineSeconds: 600,
          progressDeadlineAbort: true,
          strategy: { canary: canaryStrategy(canary, this.deploymentName) },
        },
      });
    }
    if (preStopMode === 'sleep-action') {
      // The kubelet's own preStop.sleep (k8s >= 1.30), which the Container model's types do not know yet.
      this.deployment.addJsonPatch(
        JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: preStopSeconds } } }),
      );
    }

    if (this.replicated) {
      this.podDisruptionBudget = podDisruptionBudget(this, metadata(this.deploymentName), this.selectorLabels, 'AlwaysAllow');
    }

    if (props.autoscaling !== undefined) {
      this.autoscaler = addKubeObject<IHorizontalPodAutoscaler>(this, 'Autoscaler', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: metadata(this.deploymentName),
        spec: autoscalerSpec(props.autoscaling, {
          apiVersion: canary === undefined ? 'apps/v1' : 'argoproj.io/v1alpha1',
          kind: this.workloadKind,
          name: this.deploymentName,
        }),
      });
    }
  }

  /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
  private validate(props: HardenedDeploymentProps) {
    const fail: (prop: string, value: unknown, why: string) => never = (prop, value, why) => invalidProp(this, prop, value, why);

    const ports = props.ports ?? DEFAULT_PORTS;
    if (ports.length === 0) fail('ports', ports, 'declare at least one port: probes and Services need one');
    this.checkConfigFiles(props, fail);
    const pod = resolvePodProps(this, props, {
      maxNameLength: 56,
      why: 'room for "-config"',
      ports,
      plainEnv: [{ prop: 'config', names: Object.keys(props.config ?? {}) }],
      // Config and secret directories must not shadow a scratch directory or each other.
      otherMounts:
        props.configFiles !== undefined
          ? [{ prop: 'configFiles.mountPath', path: props.configFiles.mountPath, volumeName: CONFIG_FILES_VOLUME }]
          : [],
    });
    const { probes, containerProbes } = this.resolveMainProbes(props.probes ?? {}, ports);

    if (props.autoscaling !== undefined) {
      if (props.replicas !== undefined) {
        fail('replicas', props.replicas, 'conflicts with autoscaling: the HPA owns the replica count (A02)');
      }
      checkAutoscaling(this, 'autoscaling', props.autoscaling);
    } else if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
      fail('replicas', props.replicas, 'must be an integer >= 1 (1 only for a single-node dev environment)');
    }

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
    let canary: ResolvedCanary | undefined;
    if (props.delivery !== undefined) {
      if (!(props.delivery instanceof Delivery)) fail('delivery', props.delivery, 'must be Delivery.rolling() or Delivery.canary({...})');
      if (props.delivery.canary !== undefined) canary = resolveCanary(this, props.delivery.canary);
    }
    return { pod, probes, containerProbes, preStopSeconds, gracePeriod, preStopMode, canary };
  }

  /**
   * The main container's probes: the given Probes, or HTTP probes on the contract's paths. Paths and
   * Probes of the same kind together are refused: one of them would be silently ignored.
   */
  private resolveMainProbes(
    spec: ProbeSpec,
    ports: readonly ContainerPortSpec[],
  ): { probes: ResolvedProbes; containerProbes: ResolvedContainerProbes } {
    const portName = spec.port ?? defaultProbePort(ports)!;
    if (!ports.some((p) => p.name === portName)) {
      invalidProp(this, 'probes.port', portName, `is not a declared port (declared: ${ports.map((p) => p.name).join(', ')}) (P03)`);
    }
    for (const [kind, path] of [
      ['readiness', spec.readinessPath],
      ['liveness', spec.livenessPath],
      ['startup', spec.startupPath],
    ] as const) {
      if (path === undefined) continue;
      if (spec[kind] !== undefined)
        invalidProp(this, `probes.${kind}Path`, path, `conflicts with probes.${kind}: give the path or the Probe`);
      if (!path.startsWith('/')) invalidProp(this, `probes.${kind}Path`, path, 'must be an absolute HTTP path');
    }
    const readinessPath = spec.readinessPath ?? '/readyz';
    const livenessPath = spec.livenessPath ?? '/livez';
    if (spec.readiness === undefined && spec.liveness === undefined && readinessPath === livenessPath) {
      invalidProp(
        this,
        'probes.readinessPath',
        readinessPath,
        'readiness and liveness must differ: a failing dependency must not restart pods (P02)',
      );
    }
    const containerProbes = resolveProbes(
      this,
      'probes',
      {
        readiness: spec.readiness ?? Probe.http(readinessPath),
        liveness: spec.liveness ?? Probe.http(livenessPath),
        ...(spec.startup !== undefined
          ? { startup: spec.startup }
          : spec.startupPath !== undefined
            ? { startup: Probe.http(spec.startupPath) }
            : {}),
        ...(spec.startupTimeoutSeconds !== undefined ? { startupTimeoutSeconds: spec.startupTimeoutSeconds } : {}),
      },
      ports,
      portName,
    );
    const pathOf = (probe: Probe) => (probe.check.type === 'http' ? probe.check.path : undefined);
    const probes: ResolvedProbes = {
      portName: containerProbes.readiness.port ?? portName,
      ...optional('readinessPath', pathOf(containerProbes.readiness)),
      ...optional('livenessPath', pathOf(containerProbes.liveness)),
      ...optional('startupPath', pathOf(containerProbes.startup)),
    };
    return { probes, containerProbes };
  }

  private checkConfigFiles(props: HardenedDeploymentProps, fail: (prop: string, value: unknown, why: string) => never) {
    if (props.configFiles === undefined) return;
    const names = Object.keys(props.configFiles.files);
    if (names.length === 0) fail('configFiles.files', props.configFiles.files, 'name at least one file');
    for (const name of names) {
      if (!OBJECT_KEY.test(name)) fail('configFiles.files', name, 'must be a file name usable as a ConfigMap key');
      if (looksLikeSecretName(name))
        fail('configFiles.files', name, 'looks like a secret; mount it from an existing Secret with secretFiles instead (S19)');
    }
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value !== undefined ? ({ [key]: value } as Record<K, string>) : {};
}

/** A copy with keys sorted, so the ConfigMap and its checksum do not depend on prop order. */
function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
