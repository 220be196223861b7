/**
 * Container health probes of any kind (HTTP, gRPC, TCP, exec) for any workload construct: a typed
 * `Probe` per probe kind (startup, readiness, liveness), checked against the container's declared
 * ports (P03) and against each other (P02), rendered with the timings the hardened workloads use.
 */
import type { IProbe as KubeProbe } from 'kubernetes-models/v1/Probe';
import type { IConstruct } from 'constructs';
import { invalidProp } from './errors.js';

/** When a probe runs: before the others (startup), to gate traffic (readiness), to restart (liveness). */
export type ProbeKind = 'startup' | 'readiness' | 'liveness';

/** Timings of one probe; each defaults per probe kind. */
export interface ProbeOptions {
  /**
   * Seconds between checks.
   * @default - startup 2, readiness 5, liveness 10: fast start detection, quick traffic gating, patient restarts
   */
  readonly periodSeconds?: number;
  /**
   * Seconds one check may take.
   * @default 2 - a health check that takes longer is itself a symptom
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the probe counts as failed.
   * @default - startup: the startup timeout divided by the period; readiness 2; liveness 3
   */
  readonly failureThreshold?: number;
}

/** A probe that calls a port. */
export interface PortProbeOptions extends ProbeOptions {
  /**
   * Name of a declared container port (by name, so the probe follows a port-number change).
   * @default - the container's probe port: the one named `http`, else the first declared port
   */
  readonly port?: string;
}

/** An HTTP GET probe; 200–399 is healthy. */
export interface HttpProbeOptions extends PortProbeOptions {
  /**
   * `HTTPS` for a container that serves only TLS (the kubelet does not verify the certificate).
   * @default 'HTTP' - in-pod traffic; TLS ends at the ingress
   */
  readonly scheme?: 'HTTP' | 'HTTPS';
}

/** A gRPC health-checking-protocol probe (grpc.health.v1.Health/Check). */
export interface GrpcProbeOptions extends PortProbeOptions {
  /**
   * The `service` sent in the HealthCheckRequest, e.g. `readiness` or `liveness`; servers answer per name.
   * @default - empty: the server's overall health
   */
  readonly service?: string;
}

/** What a probe checks, by handler type. */
export type ProbeCheck =
  | { readonly type: 'http'; readonly path: string; readonly port?: string; readonly scheme?: 'HTTP' | 'HTTPS' }
  | { readonly type: 'grpc'; readonly port?: string; readonly service?: string }
  | { readonly type: 'tcp'; readonly port?: string }
  | { readonly type: 'exec'; readonly command: readonly string[] };

/**
 * One health probe, e.g. `Probe.http('/actuator/health/readiness', { port: 'management' })`,
 * `Probe.grpc({ service: 'liveness' })`, `Probe.tcp({ port: 'amqp' })` or `Probe.exec(['cat', '/tmp/ready'])`.
 * Readiness and liveness of one container must differ (P02): HTTP by path or port, gRPC by service
 * name or port, TCP by port, exec by command; probes of different types always differ.
 */
export class Probe {
  /** HTTP GET `path` on a named port. */
  public static http(path: string, options: HttpProbeOptions = {}): Probe {
    const { port, scheme, ...timing } = options;
    return new Probe({ type: 'http', path, ...(port !== undefined ? { port } : {}), ...(scheme !== undefined ? { scheme } : {}) }, timing);
  }

  /** gRPC health check on a named port (Kubernetes >= 1.27). */
  public static grpc(options: GrpcProbeOptions = {}): Probe {
    const { port, service, ...timing } = options;
    return new Probe({ type: 'grpc', ...(port !== undefined ? { port } : {}), ...(service !== undefined ? { service } : {}) }, timing);
  }

  /** A TCP connect to a named port: the port accepts connections. */
  public static tcp(options: PortProbeOptions = {}): Probe {
    const { port, ...timing } = options;
    return new Probe({ type: 'tcp', ...(port !== undefined ? { port } : {}) }, timing);
  }

  /** A command run in the container; exit 0 is healthy. The image must contain the binary. */
  public static exec(command: readonly string[], options: ProbeOptions = {}): Probe {
    return new Probe({ type: 'exec', command: [...command] }, options);
  }

  private constructor(
    /** What the probe checks. */
    public readonly check: ProbeCheck,
    /** Its timings, as given. */
    public readonly options: ProbeOptions,
  ) {}

  /** The port name the probe calls (none for exec). */
  public get port(): string | undefined {
    return this.check.type === 'exec' ? undefined : this.check.port;
  }

  /** The same probe on `port` when it names none (exec probes are returned as they are). */
  public withDefaultPort(port: string): Probe {
    if (this.check.type === 'exec' || this.check.port !== undefined) return this;
    return new Probe({ ...this.check, port }, this.options);
  }

  /** The same check with other timings (e.g. the liveness check reused as the startup probe). */
  public withOptions(options: ProbeOptions): Probe {
    return new Probe(this.check, options);
  }

  /** What the check calls, without timings: equal keys mean the same endpoint (P02). */
  public get endpointKey(): string {
    const c = this.check;
    switch (c.type) {
      case 'http':
        return JSON.stringify(['http', c.port, c.path]);
      case 'grpc':
        return JSON.stringify(['grpc', c.port, c.service ?? '']);
      case 'tcp':
        return JSON.stringify(['tcp', c.port]);
      case 'exec':
        return JSON.stringify(['exec', c.command]);
    }
  }
}

/** The three probes of a long-running container (P01). */
export interface ContainerProbes {
  /** Failing takes the pod out of its Services (dependencies down, starting, draining). */
  readonly readiness: Probe;
  /** Failing restarts the container; must not depend on anything outside the process. */
  readonly liveness: Probe;
  /**
   * Liveness and readiness wait until this succeeds once, so slow starts are not killed.
   * @default - the liveness check with startup timings: "the process is up" is what startup waits for
   */
  readonly startup?: Probe;
  /**
   * How long startup may take before the kubelet restarts the container.
   * @default 60 - migrations on a cold database fit comfortably
   */
  readonly startupTimeoutSeconds?: number;
}

/** The probes with every default filled in: ports resolved, startup present. */
export interface ResolvedContainerProbes {
  readonly startup: Probe;
  readonly readiness: Probe;
  readonly liveness: Probe;
  /** Seconds startup may take (the startup probe's failureThreshold × period, unless set explicitly). */
  readonly startupTimeoutSeconds: number;
}

/** A declared container port as probes see it. */
export interface ProbePort {
  readonly name: string;
  readonly port: number;
}

/** The kubelet's defaults are too slow for startup and too eager for liveness; these are the hardened workloads'. */
const TIMINGS: Record<ProbeKind, { periodSeconds: number; failureThreshold?: number }> = {
  startup: { periodSeconds: 2 },
  readiness: { periodSeconds: 5, failureThreshold: 2 },
  liveness: { periodSeconds: 10, failureThreshold: 3 },
};
const DEFAULT_TIMEOUT_SECONDS = 2;
export const DEFAULT_STARTUP_TIMEOUT_SECONDS = 60;
const NO_WHITESPACE = /^\S+$/;

/**
 * Fills in defaults (ports, the startup probe) and refuses probes on undeclared ports (P03),
 * readiness equal to liveness (P02), relative HTTP paths, empty commands and bad timings, naming
 * `prop` (e.g. `sidecars[0].probes`) and the value.
 */
export function resolveProbes(
  scope: IConstruct,
  prop: string,
  probes: ContainerProbes,
  ports: readonly ProbePort[],
  defaultPort: string | undefined,
): ResolvedContainerProbes {
  const startupTimeoutSeconds = probes.startupTimeoutSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS;
  if (!(startupTimeoutSeconds > 0)) invalidProp(scope, `${prop}.startupTimeoutSeconds`, startupTimeoutSeconds, 'must be positive');
  if (probes.startup?.options.failureThreshold !== undefined && probes.startupTimeoutSeconds !== undefined) {
    invalidProp(
      scope,
      `${prop}.startup.failureThreshold`,
      probes.startup.options.failureThreshold,
      'conflicts with startupTimeoutSeconds, which sets it; give one',
    );
  }
  const resolve = (kind: ProbeKind, probe: Probe | undefined): Probe => {
    if (!(probe instanceof Probe))
      invalidProp(scope, `${prop}.${kind}`, probe, 'must be a Probe (Probe.http, Probe.grpc, Probe.tcp or Probe.exec) (P01)');
    const resolved = defaultPort !== undefined ? probe.withDefaultPort(defaultPort) : probe;
    checkProbe(scope, `${prop}.${kind}`, resolved, ports);
    return resolved;
  };
  const readiness = resolve('readiness', probes.readiness);
  const liveness = resolve('liveness', probes.liveness);
  const startup = resolve('startup', probes.startup ?? liveness.withOptions({}));
  if (readiness.endpointKey === liveness.endpointKey) {
    invalidProp(
      scope,
      `${prop}.readiness`,
      readiness.check,
      'readiness and liveness must differ: a failing dependency must not restart pods (P02)',
    );
  }
  return { startup, readiness, liveness, startupTimeoutSeconds };
}

function checkProbe(scope: IConstruct, prop: string, probe: Probe, ports: readonly ProbePort[]): void {
  const c = probe.check;
  if (c.type === 'exec') {
    if (c.command.length === 0 || c.command.some((arg) => typeof arg !== 'string' || arg === '')) {
      invalidProp(scope, `${prop}.command`, c.command, 'must be a non-empty list of non-empty strings');
    }
  } else {
    if (c.port === undefined)
      invalidProp(scope, `${prop}.port`, c.port, 'the container declares no port to probe: name one, or use Probe.exec');
    if (!ports.some((p) => p.name === c.port)) {
      invalidProp(
        scope,
        `${prop}.port`,
        c.port,
        `is not a declared port (declared: ${ports.map((p) => p.name).join(', ') || 'none'}) (P03)`,
      );
    }
  }
  if (c.type === 'http') {
    if (!c.path.startsWith('/') || !NO_WHITESPACE.test(c.path))
      invalidProp(scope, `${prop}.path`, c.path, 'must be an absolute HTTP path without spaces');
    if (c.scheme !== undefined && c.scheme !== 'HTTP' && c.scheme !== 'HTTPS')
      invalidProp(scope, `${prop}.scheme`, c.scheme, 'must be "HTTP" or "HTTPS"');
  }
  if (c.type === 'grpc' && c.service !== undefined && c.service !== '' && !NO_WHITESPACE.test(c.service)) {
    invalidProp(scope, `${prop}.service`, c.service, 'must be a gRPC health service name without spaces');
  }
  for (const [key, value] of Object.entries(probe.options)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1))
      invalidProp(scope, `${prop}.${key}`, value, 'must be an integer >= 1');
  }
}

/** The Kubernetes probe of a resolved Probe, with the kind's default timings. */
export function renderProbe(
  probe: Probe,
  kind: ProbeKind,
  ports: readonly ProbePort[],
  startupTimeoutSeconds = DEFAULT_STARTUP_TIMEOUT_SECONDS,
): KubeProbe {
  const periodSeconds = probe.options.periodSeconds ?? TIMINGS[kind].periodSeconds;
  const failureThreshold =
    probe.options.failureThreshold ?? TIMINGS[kind].failureThreshold ?? Math.ceil(startupTimeoutSeconds / periodSeconds);
  return {
    ...probeHandler(probe, ports),
    timeoutSeconds: probe.options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    periodSeconds,
    failureThreshold,
  };
}

/** The three probes of a container as Kubernetes fields. */
export function renderProbes(
  probes: ResolvedContainerProbes,
  ports: readonly ProbePort[],
): { startupProbe: KubeProbe; readinessProbe: KubeProbe; livenessProbe: KubeProbe } {
  return {
    startupProbe: renderProbe(probes.startup, 'startup', ports, probes.startupTimeoutSeconds),
    readinessProbe: renderProbe(probes.readiness, 'readiness', ports),
    livenessProbe: renderProbe(probes.liveness, 'liveness', ports),
  };
}

/** httpGet / tcpSocket by port name; grpc by number (the API's GRPCAction takes no names). */
function probeHandler(probe: Probe, ports: readonly ProbePort[]): KubeProbe {
  const c = probe.check;
  switch (c.type) {
    case 'http':
      return { httpGet: { path: c.path, port: c.port!, ...(c.scheme === 'HTTPS' ? { scheme: 'HTTPS' } : {}) } };
    case 'grpc':
      return { grpc: { port: ports.find((p) => p.name === c.port)!.port, ...(c.service ? { service: c.service } : {}) } };
    case 'tcp':
      return { tcpSocket: { port: c.port! } };
    case 'exec':
      return { exec: { command: [...c.command] } };
  }
}
