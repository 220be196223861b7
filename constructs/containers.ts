/**
 * Containers of a hardened pod for any workload construct: named ports (with an application
 * protocol for Services and routes), each container's own filesystem (size-limited emptyDirs and
 * Secret files under volume names derived from the container's name, so no two containers' volumes
 * clash), and init containers and native sidecars hardened exactly like the main container.
 */
import { posix } from 'node:path';
import type { IContainer as Container } from 'kubernetes-models/v1/Container';
import type { IContainerPort as ContainerPort } from 'kubernetes-models/v1/ContainerPort';
import type { IEnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IVolume as Volume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount as VolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { IConstruct } from 'constructs';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { isDnsLabel, isDnsSubdomain } from './names.js';
import {
  DEFAULT_SCRATCH_SIZE,
  checkContainerResources,
  checkScratchDirectories,
  containerResources,
  containerSecurityContext,
  scratchVolumes,
  secretFileVolume,
} from './pod-hardening.js';
import type { ContainerResources, RunAsIds, ScratchDirectory } from './pod-hardening.js';
import { looksLikeSecretName } from './policy/secret-names.js';
import { renderProbes, resolveProbes } from './probes.js';
import type { ContainerProbes, ResolvedContainerProbes } from './probes.js';
import { parseQuantity } from './quantity.js';

/**
 * What a port speaks, for the Service port's `appProtocol` and the routes in front of it:
 * `http` (HTTP/1.1), `h2c` (HTTP/2 without TLS), `grpc` (gRPC, which is HTTP/2).
 */
export type AppProtocol = 'http' | 'h2c' | 'grpc';

/**
 * The Service port `appProtocol` per AppProtocol. gRPC is HTTP/2 prior knowledge on the wire, and
 * `kubernetes.io/h2c` is the value Gateway API implementations are conformance-tested on (GEP-1911).
 */
export const SERVICE_APP_PROTOCOL: Readonly<Record<AppProtocol, string>> = {
  http: 'http',
  h2c: 'kubernetes.io/h2c',
  grpc: 'kubernetes.io/h2c',
};

/** A named container port. */
export interface ContainerPortSpec {
  /** IANA service name (<= 15 chars, lowercase, a letter, no `--`); Services and probes refer to the port by it. */
  readonly name: string;
  /** Port number, 1024–65535: unprivileged, so the container never needs `NET_BIND_SERVICE`. */
  readonly port: number;
  /**
   * The protocol spoken on the port: carried to the Service port's `appProtocol` (`http`, or
   * `kubernetes.io/h2c` for `h2c` and `grpc`) so proxies speak HTTP/2 to it; `grpc` also makes
   * routes to it GRPCRoutes by default.
   * @default - none: proxies use HTTP/1.1, which is what the design's services speak
   */
  readonly appProtocol?: AppProtocol;
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
  /**
   * Name of the secret volume (prefixed with `<container>-` in a sidecar or init container).
   * @default - `secret-<index in the list>`
   */
  readonly volumeName?: string;
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
  /**
   * Name of the emptyDir volume (prefixed with `<container>-` in a sidecar or init container).
   * @default - `scratch-<index>` (index 0 is /tmp)
   */
  readonly volumeName?: string;
}

/** A container's files: `/tmp` (always), more writable directories, and Secret files. */
export interface ContainerFilesystemSpec {
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
   * @default '64Mi' - scratch space; it counts against the ephemeral-storage limit
   */
  readonly tmpSizeLimit?: string;
}

/** An ordinary init container: runs to completion, in order, after the sidecars have started and before the main container. */
export interface InitContainerSpec extends ContainerFilesystemSpec {
  /** Container name, unique in the pod: a DNS-1123 label of at most 40 characters (its volume names derive from it). */
  readonly name: string;
  /** Image as `repo:tag` or `repo:tag@sha256:<digest>`, checked like the main container's (I01, I02). */
  readonly image: string;
  /** Its own cpu, memory and ephemeral-storage requests and limits; required like the main container's (R01, R02). */
  readonly resources: ContainerResources;
  /** Entrypoint override. @default - the image's ENTRYPOINT */
  readonly command?: readonly string[];
  /** Arguments. @default - the image's CMD */
  readonly args?: readonly string[];
  /**
   * Plain settings as literal env vars (a change changes the pod template, so it rolls the pods).
   * Names that look like secrets are refused: secrets go in `secretFiles` (S19).
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * A native sidecar (an init container with `restartPolicy: Always`, Kubernetes >= 1.29): starts
 * before the main container, runs beside it, stops after it. Long-running, so it is probed (P01).
 */
export interface SidecarSpec extends InitContainerSpec {
  /**
   * Its ports; names and numbers must be unique across the pod (one network namespace).
   * @default - none
   */
  readonly ports?: readonly ContainerPortSpec[];
  /** Its startup, readiness and liveness probes (P01); ports by name among its own ports (P03). */
  readonly probes: ContainerProbes;
}

/** The containers besides the main one. */
export interface ExtraContainersSpec {
  /**
   * Native sidecars, started in order before the init containers, so an init container (a migration)
   * can use a sidecar (a database proxy).
   * @default - none
   */
  readonly sidecars?: readonly SidecarSpec[];
  /**
   * Ordinary init containers, run in order to completion after the sidecars have started.
   * @default - none
   */
  readonly initContainers?: readonly InitContainerSpec[];
}

/** What the rest of the pod already uses, so extra containers cannot clash with it. */
export interface PodContainerContext {
  /** Names of the containers already in the pod. */
  readonly containerNames: readonly string[];
  /** Ports already declared in the pod. */
  readonly ports: readonly ContainerPortSpec[];
  /** Require `@sha256:` digests on images (I02). */
  readonly requireDigest: boolean;
}

/** Extra containers after validation, ready to render. */
export interface ResolvedExtraContainers {
  readonly sidecars: readonly { readonly spec: SidecarSpec; readonly probes: ResolvedContainerProbes }[];
  readonly initContainers: readonly InitContainerSpec[];
}

const IANA_SERVICE_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A ConfigMap or Secret key (and so a file name in the mounted directory). */
export const OBJECT_KEY = /^[-._a-zA-Z0-9]+$/;
const APP_PROTOCOLS: readonly AppProtocol[] = ['http', 'h2c', 'grpc'];
/** Room in a 63-character volume name for the suffixes `-tmp`, `-scratch-<n>` and `-secret-<n>`. */
const MAX_EXTRA_CONTAINER_NAME = 40;

/** Refuses privileged, duplicate or badly named ports (P04, P05) and unknown protocols; `taken` spans the pod. */
export function checkContainerPorts(
  scope: IConstruct,
  prop: string,
  ports: readonly ContainerPortSpec[],
  taken: readonly ContainerPortSpec[] = [],
): void {
  const names = new Set(taken.map((p) => p.name));
  const numbers = new Set(taken.map((p) => p.port));
  for (const port of ports) {
    if (!Number.isInteger(port.port) || port.port < 1024 || port.port > 65535 || port.port === 22) {
      invalidProp(scope, prop, port, 'port must be an integer from 1024 to 65535 and never 22 (P05)');
    }
    if (typeof port.name !== 'string' || port.name.length > 15 || !IANA_SERVICE_NAME.test(port.name)) {
      invalidProp(scope, prop, port, 'name must be an IANA service name: <= 15 lowercase letters, digits and single dashes (P04)');
    }
    if (names.has(port.name) || numbers.has(port.port)) invalidProp(scope, prop, port, 'duplicate port name or number in the pod (P04)');
    if (port.appProtocol !== undefined && !APP_PROTOCOLS.includes(port.appProtocol)) {
      invalidProp(scope, prop, port, `appProtocol must be one of ${APP_PROTOCOLS.join(', ')}`);
    }
    names.add(port.name);
    numbers.add(port.port);
  }
}

/** Container ports as Kubernetes fields (appProtocol lives on the Service port, not here). */
export function containerPorts(ports: readonly ContainerPortSpec[]): ContainerPort[] {
  return ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' }));
}

/** The port probes default to: the one named `http`, else the first. */
export function defaultProbePort(ports: readonly ContainerPortSpec[]): string | undefined {
  return (ports.find((p) => p.name === 'http') ?? ports[0])?.name;
}

/** Env var names of one container: valid, unique (S20). */
export class EnvNames {
  private readonly names = new Set<string>();

  constructor(private readonly scope: IConstruct) {}

  /** Refuses an invalid or duplicate name, naming `prop`. */
  public add(prop: string, name: string): void {
    if (!ENV_NAME.test(name))
      invalidProp(this.scope, prop, name, 'must be an env var name: letters, digits and "_", not starting with a digit');
    if (this.names.has(name)) invalidProp(this.scope, prop, name, 'duplicate env var name (S20)');
    this.names.add(name);
  }

  /** Adds a plain setting, refusing names that look like secrets (S19). */
  public addPlain(prop: string, name: string): void {
    this.add(prop, name);
    if (looksLikeSecretName(name))
      invalidProp(this.scope, prop, name, 'looks like a secret; mount it from an existing Secret with secretFiles instead (S19)');
  }
}

/** `/tmp` and the writable paths as scratch directories, volume names prefixed with `volumePrefix`. */
export function scratchDirectoriesOf(spec: ContainerFilesystemSpec, volumePrefix = ''): ScratchDirectory[] {
  const dirs: ScratchDirectory[] = [{ path: '/tmp', sizeLimit: spec.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE }, ...(spec.writablePaths ?? [])];
  return dirs.map((dir, index) => ({
    ...dir,
    volumeName: `${volumePrefix}${dir.volumeName ?? (dir.path === '/tmp' ? 'tmp' : `scratch-${index}`)}`,
  }));
}

/** Another mount of the container (a config directory, a claim), checked with its files. */
export interface OtherMount {
  /** The prop that names it, for errors. */
  readonly prop: string;
  /** Its absolute mount path. */
  readonly path: string;
  /** Its volume name, when the prop names it. */
  readonly volumeName?: string;
}

/**
 * Refuses bad scratch sizes, emptyDirs that do not fit `ephemeralStorageLimit`, bad Secret
 * references, and mount paths that are not absolute or mounted twice and volume names used twice
 * (`otherMounts` first, e.g. a config directory), prefixing every prop with `propPrefix` (e.g. `sidecars[0].`).
 */
export function checkContainerFilesystem(
  scope: IConstruct,
  propPrefix: string,
  spec: ContainerFilesystemSpec,
  ephemeralStorageLimit: string,
  env: EnvNames,
  otherMounts: readonly OtherMount[] = [],
): void {
  const fail = (prop: string, value: unknown, why: string): never => invalidProp(scope, `${propPrefix}${prop}`, value, why);
  const tmpSize = parseQuantity(spec.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE);
  if (tmpSize === undefined || tmpSize <= 0) fail('tmpSizeLimit', spec.tmpSizeLimit, 'must be a positive Kubernetes quantity');
  const scratch = scratchDirectoriesOf(spec);
  checkScratchDirectories(
    scope,
    `${propPrefix}writablePaths`,
    scratch,
    ephemeralStorageLimit,
    `${propPrefix}resources.limits.ephemeralStorage`,
  );

  const mountPaths = new Set(scratch.map((dir) => dir.path));
  const volumeNames = new Set(scratch.map((dir) => dir.volumeName!));
  const addMount = (prop: string, path: string, volumeName?: string) => {
    if (typeof path !== 'string' || !path.startsWith('/') || posix.normalize(path) !== path || path === '/') {
      fail(prop, path, 'must be an absolute, normalized path other than "/"');
    }
    if (mountPaths.has(path)) fail(prop, path, 'is mounted twice');
    mountPaths.add(path);
    if (volumeName === undefined) return;
    if (!isDnsLabel(volumeName)) fail(prop, volumeName, 'a volume name must be a DNS-1123 label');
    if (volumeNames.has(volumeName)) fail(prop, volumeName, 'duplicate volume name');
    volumeNames.add(volumeName);
  };
  for (const mount of otherMounts) addMount(mount.prop, mount.path, mount.volumeName);
  (spec.secretFiles ?? []).forEach((file, index) => {
    if (!isDnsSubdomain(file.secretName)) fail('secretFiles.secretName', file.secretName, 'must be a DNS-1123 subdomain');
    if (file.key !== undefined && !OBJECT_KEY.test(file.key)) fail('secretFiles.key', file.key, 'must be a Secret key');
    addMount('secretFiles.mountPath', file.mountPath, file.volumeName ?? `secret-${index}`);
    if (file.envVarForPath !== undefined) {
      env.add(`${propPrefix}secretFiles.envVarForPath`, file.envVarForPath);
      if (looksLikeSecretName(file.envVarForPath)) {
        fail(
          'secretFiles.envVarForPath',
          file.envVarForPath,
          'looks like a secret, so S19 would report its value: name the path variable NAME_FILE',
        );
      }
    }
  });
}

/** The container's size-limited emptyDirs and read-only Secret files, and their NAME_FILE env vars. */
export function containerFilesystem(
  spec: ContainerFilesystemSpec,
  volumePrefix = '',
): { volumes: Volume[]; mounts: VolumeMount[]; env: EnvVar[] } {
  const { volumes, mounts } = scratchVolumes(scratchDirectoriesOf(spec, volumePrefix));
  const env: EnvVar[] = [];
  (spec.secretFiles ?? []).forEach((file, index) => {
    const secret = secretFileVolume(`${volumePrefix}${file.volumeName ?? `secret-${index}`}`, file);
    volumes.push(secret.volume);
    mounts.push(secret.mount);
    if (file.envVarForPath !== undefined) env.push({ name: file.envVarForPath, value: secret.filePath });
  });
  return { volumes, mounts, env };
}

/** What every hardened container has, whatever its role. */
export interface HardenedContainerParts {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly ContainerPortSpec[];
  readonly env?: readonly EnvVar[];
  readonly resources: ContainerResources;
  readonly ids: Pick<RunAsIds, 'runAsUser' | 'runAsGroup'>;
  readonly probes?: ResolvedContainerProbes;
  readonly volumeMounts: readonly VolumeMount[];
}

/**
 * A container with the restricted securityContext, `imagePullPolicy: Always`, resources and
 * probes: the same fields for main containers, sidecars and init containers (S02–S09, I03, R01, R02, P01).
 */
export function hardenedContainer(parts: HardenedContainerParts): Container {
  const ports = parts.ports ?? [];
  return {
    name: parts.name,
    image: parts.image,
    imagePullPolicy: 'Always',
    ...(parts.command !== undefined ? { command: [...parts.command] } : {}),
    ...(parts.args !== undefined ? { args: [...parts.args] } : {}),
    ...(ports.length > 0 ? { ports: containerPorts(ports) } : {}),
    ...(parts.env !== undefined && parts.env.length > 0 ? { env: [...parts.env] } : {}),
    resources: containerResources(parts.resources),
    securityContext: containerSecurityContext(parts.ids),
    ...(parts.probes !== undefined ? renderProbes(parts.probes, ports) : {}),
    volumeMounts: [...parts.volumeMounts],
  };
}

/**
 * Checks sidecars and init containers against each other and the rest of the pod: names, images,
 * resources, ports, env, files and probes, each error naming e.g. `sidecars[0].resources`.
 */
export function resolveExtraContainers(scope: IConstruct, spec: ExtraContainersSpec, pod: PodContainerContext): ResolvedExtraContainers {
  const names = new Set(pod.containerNames);
  const ports = [...pod.ports];
  const checkCommon = (prop: string, c: InitContainerSpec): EnvNames => {
    if (typeof c.name !== 'string' || !isDnsLabel(c.name) || c.name.length > MAX_EXTRA_CONTAINER_NAME) {
      invalidProp(
        scope,
        `${prop}.name`,
        c.name,
        `must be a DNS-1123 label of at most ${MAX_EXTRA_CONTAINER_NAME} characters (its volume names derive from it)`,
      );
    }
    if (names.has(c.name)) invalidProp(scope, `${prop}.name`, c.name, 'another container in the pod has this name');
    names.add(c.name);
    checkImage(scope, `${prop}.image`, c.image, pod.requireDigest);
    checkContainerResources(scope, `${prop}.resources`, c.resources);
    for (const [key, list] of [
      ['command', c.command],
      ['args', c.args],
    ] as const) {
      if (list !== undefined && list.some((arg) => typeof arg !== 'string'))
        invalidProp(scope, `${prop}.${key}`, list, 'must be a list of strings');
    }
    const env = new EnvNames(scope);
    for (const name of Object.keys(c.env ?? {})) env.addPlain(`${prop}.env`, name);
    checkContainerFilesystem(scope, `${prop}.`, c, c.resources.limits.ephemeralStorage, env);
    return env;
  };

  const sidecars = (spec.sidecars ?? []).map((sidecar, index) => {
    const prop = `sidecars[${index}]`;
    checkCommon(prop, sidecar);
    const own = sidecar.ports ?? [];
    checkContainerPorts(scope, `${prop}.ports`, own, ports);
    ports.push(...own);
    if (sidecar.probes === undefined)
      invalidProp(scope, `${prop}.probes`, undefined, 'a sidecar runs as long as the pod: give it readiness and liveness probes (P01)');
    return { spec: sidecar, probes: resolveProbes(scope, `${prop}.probes`, sidecar.probes, own, defaultProbePort(own)) };
  });
  const initContainers = (spec.initContainers ?? []).map((init, index) => {
    const prop = `initContainers[${index}]`;
    checkCommon(prop, init);
    // Kubernetes refuses probes on init containers that run to completion; ports would be unreachable.
    for (const key of ['ports', 'probes'] as const) {
      if (key in init)
        invalidProp(
          scope,
          `${prop}.${key}`,
          (init as Partial<SidecarSpec>)[key],
          'an init container runs to completion: declare it as a sidecar to give it ports and probes',
        );
    }
    return init;
  });
  return { sidecars, initContainers };
}

/** The pod's `initContainers` (sidecars first, with `restartPolicy: Always`) and their volumes. */
export function renderExtraContainers(
  resolved: ResolvedExtraContainers,
  ids: Pick<RunAsIds, 'runAsUser' | 'runAsGroup'>,
): { initContainers: Container[]; volumes: Volume[] } {
  const volumes: Volume[] = [];
  const render = (c: InitContainerSpec, extra: Pick<HardenedContainerParts, 'ports' | 'probes'>): Container => {
    const files = containerFilesystem(c, `${c.name}-`);
    volumes.push(...files.volumes);
    const env = [...Object.entries(c.env ?? {}).map(([name, value]) => ({ name, value })), ...files.env];
    return hardenedContainer({ ...c, ...extra, env, ids, volumeMounts: files.mounts });
  };
  const initContainers = [
    ...resolved.sidecars.map(({ spec, probes }) => ({ ...render(spec, { ports: spec.ports ?? [], probes }), restartPolicy: 'Always' })),
    ...resolved.initContainers.map((init) => render(init, {})),
  ];
  return { initContainers, volumes };
}
