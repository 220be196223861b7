import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import type { AppIdentity } from './labels.js';
import type { ContainerResources } from './pod-hardening.js';
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
/**
 * A Deployment that passes every S, I, R, P and A row of `shared/hardening.md` by default, with its
 * own ServiceAccount, an optional ConfigMap, a PodDisruptionBudget when replicated and an optional
 * HPA. Every object has a stable name (no hash suffix), the namespace and the recommended labels.
 */
export declare class HardenedDeployment extends Construct implements INetworkPeer {
    /** Name of the Deployment (and of the ServiceAccount, PDB and HPA). */
    readonly deploymentName: string;
    /** Name of the ServiceAccount the pods run as. */
    readonly serviceAccountName: string;
    /** Namespace of every object. */
    readonly namespace: string;
    /** `app.kubernetes.io/name` of the pods: what network policies select on. */
    readonly peerName: string;
    /** The recommended labels' source, for objects that belong to this workload (Service, policies). */
    readonly identity: AppIdentity;
    /** The six recommended labels; every object here carries them. */
    readonly labels: Readonly<Record<string, string>>;
    /** The Deployment's selector (name + instance: immutable over the workload's life). */
    readonly selectorLabels: Readonly<Record<string, string>>;
    /** Labels on the pods (the recommended labels, a superset of the selector). */
    readonly podLabels: Readonly<Record<string, string>>;
    /** The container's ports. */
    readonly ports: readonly ContainerPortSpec[];
    /** The probe contract the container carries. */
    readonly probes: ResolvedProbes;
    /** Name of the ConfigMap holding `config`, if any. */
    readonly configMapName?: string;
    /** sha256 of the config data (the pod annotation `checksum/config`), if any. */
    readonly configChecksum?: string;
    /** Name of the ConfigMap holding `configFiles`, if any. */
    readonly configFilesMapName?: string;
    /** Whether more than one pod runs (then a PodDisruptionBudget exists). */
    readonly replicated: boolean;
    /** The Deployment object, for escape hatches (`addJsonPatch`). */
    readonly deployment: ApiObject;
    /** The PodDisruptionBudget, when replicated. */
    readonly podDisruptionBudget?: ApiObject;
    /** The HPA, with autoscaling. */
    readonly autoscaler?: ApiObject;
    constructor(scope: Construct, id: string, props: HardenedDeploymentProps);
    /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
    private validate;
    private validateFilesAndEnv;
}
