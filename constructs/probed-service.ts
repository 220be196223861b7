import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
import type { IService } from 'kubernetes-models/v1/Service';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { SERVICE_APP_PROTOCOL } from './containers.js';
import type { AppProtocol } from './containers.js';
import type { IRouteBackend } from './contracts.js';
import { POD_TEMPLATE_HASH_LABEL } from './canary-delivery.js';
import { invalidProp } from './errors.js';
import type { HardenedDeployment } from './hardened-deployment.js';
import { isValidLabelValue } from './labels.js';
import { addKubeObject } from './model-object.js';

/** The health endpoints every service of the design serves (design.md, "Services: shared conventions"). */
export const PROBE_CONTRACT = { livenessPath: '/livez', readinessPath: '/readyz' } as const;

/** A Prometheus Operator ServiceMonitor scraping the Service's port. */
export interface MetricsScrapeSpec {
  /**
   * Path of the Prometheus text endpoint.
   * @default '/metrics' - what prom-client serves in every service of the design
   */
  readonly path?: string;
  /**
   * Scrape interval, a Prometheus duration.
   * @default '30s' - the Prometheus Operator's usual interval; enough for rate() over 2m
   */
  readonly interval?: string;
  /**
   * Extra labels on the ServiceMonitor, e.g. `release: kube-prometheus-stack` so a Prometheus selects it.
   * @default - the recommended labels only
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What the Service demands of the pods' probes before it sends them traffic:
 * `livez-readyz` - HTTP `/livez` (liveness) and `/readyz` (readiness) on the exposed port, the design's contract;
 * `readiness-on-port` - any HTTP, gRPC or TCP readiness probe on the exposed port (gRPC health, actuator paths, ...).
 */
export type ProbeContract = 'livez-readyz' | 'readiness-on-port';

export interface ProbedServiceProps {
  /** The workload whose pods the Service sends traffic to; its probes must meet `probeContract`. */
  readonly workload: HardenedDeployment;
  /**
   * What the workload's probes must check on the exposed port.
   * @default 'livez-readyz' - the design's contract, so every service is health-checked the same way
   */
  readonly probeContract?: ProbeContract;
  /**
   * Name of the workload's container port to expose (the Service's `targetPort`, by name).
   * @default - the port the workload's probes use: the one the contract is checked on
   */
  readonly portName?: string;
  /**
   * The Service's port number.
   * @default 80 - clients call `http://<name>.<namespace>.svc` without a port
   */
  readonly port?: number;
  /**
   * The Service's name.
   * @default - the workload's name, so DNS names match `app.kubernetes.io/name`
   */
  readonly name?: string;
  /**
   * Also emit a ServiceMonitor (monitoring.coreos.com/v1) for the port's metrics; `true` for the defaults.
   * @default false - clusters without the Prometheus Operator would reject the kind
   */
  readonly metrics?: boolean | MetricsScrapeSpec;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const PROMETHEUS_DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;

/**
 * A ClusterIP Service in front of a HardenedDeployment's pods, by named targetPort, that refuses
 * pods whose readiness is not checked on that port (by default: without the design's /livez +
 * /readyz contract), with the port's appProtocol and an optional ServiceMonitor.
 */
export class ProbedService extends Construct implements IRouteBackend {
  public readonly serviceName: string;
  public readonly namespace: string;
  /** The Service port's name (same as the container port's name). */
  public readonly portName: string;
  public readonly port: number;
  /** What the port speaks (from the container port), when declared; also the Service port's `appProtocol`. */
  public readonly appProtocol?: AppProtocol;
  /** The container port number behind it (what NetworkPolicies allow: they see pod ports). */
  public readonly targetPortNumber: number;
  /** The Service object. */
  public readonly service: ApiObject;
  /** The ServiceMonitor, when `metrics` is on. */
  public readonly serviceMonitor?: ApiObject;

  constructor(scope: Construct, id: string, props: ProbedServiceProps) {
    super(scope, id);
    const { workload } = props;
    const fail: (prop: string, value: unknown, why: string) => never = (prop, value, why) => invalidProp(this, prop, value, why);

    const portName = props.portName ?? workload.probes.portName;
    const containerPort = workload.ports.find((p) => p.name === portName);
    if (containerPort === undefined) {
      fail('portName', portName, `is not a port of ${workload.node.path} (ports: ${workload.ports.map((p) => p.name).join(', ')})`);
    }
    const contract = props.probeContract ?? 'livez-readyz';
    if (contract !== 'livez-readyz' && contract !== 'readiness-on-port')
      fail('probeContract', contract, 'must be "livez-readyz" or "readiness-on-port"');
    if (workload.containerProbes.readiness.check.type === 'exec') {
      fail(
        'workload',
        workload.containerProbes.readiness.check,
        "the readiness probe runs a command, so the health of the Service's port is unchecked: probe the port",
      );
    }
    if (workload.probes.portName !== portName) {
      fail('portName', portName, `the workload's probes are on port "${workload.probes.portName}", so this port's health is unchecked`);
    }
    if (
      contract === 'livez-readyz' &&
      (workload.probes.livenessPath !== PROBE_CONTRACT.livenessPath || workload.probes.readinessPath !== PROBE_CONTRACT.readinessPath)
    ) {
      fail(
        'workload',
        workload.probes,
        `pods must probe ${PROBE_CONTRACT.livenessPath} (liveness) and ${PROBE_CONTRACT.readinessPath} (readiness), or set probeContract 'readiness-on-port'`,
      );
    }
    const port = props.port ?? 80;
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail('port', port, 'must be an integer from 1 to 65535');
    const name = props.name ?? workload.deploymentName;
    if (!DNS_LABEL.test(name) || name.length > 63) fail('name', name, 'must be a DNS-1035 label (Service names are DNS names)');
    const metrics = props.metrics === true ? {} : props.metrics === false ? undefined : props.metrics;
    if (metrics !== undefined) {
      const path = metrics.path ?? '/metrics';
      if (!path.startsWith('/')) fail('metrics.path', path, 'must be an absolute HTTP path');
      if (metrics.interval !== undefined && !PROMETHEUS_DURATION.test(metrics.interval)) {
        fail('metrics.interval', metrics.interval, 'must be a Prometheus duration such as "30s"');
      }
      for (const [key, value] of Object.entries(metrics.labels ?? {})) {
        if (!isValidLabelValue(value)) fail('metrics.labels', { [key]: value }, 'is not a valid label value');
      }
    }

    this.serviceName = name;
    this.namespace = workload.namespace;
    this.portName = portName;
    this.port = port;
    this.targetPortNumber = containerPort.port;
    if (containerPort.appProtocol !== undefined) this.appProtocol = containerPort.appProtocol;
    const metadata = (labels: Readonly<Record<string, string>>) => ({
      name,
      namespace: workload.namespace,
      labels: { ...labels, ...workload.labels },
    });

    this.service = addKubeObject<IService>(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata({}),
      spec: {
        type: 'ClusterIP',
        selector: { ...workload.selectorLabels },
        ports: [
          {
            name: portName,
            port,
            targetPort: portName,
            protocol: 'TCP',
            ...(this.appProtocol !== undefined ? { appProtocol: SERVICE_APP_PROTOCOL[this.appProtocol] } : {}),
          },
        ],
      },
    });

    if (metrics !== undefined) {
      this.serviceMonitor = addKubeObject(
        this,
        'ServiceMonitor',
        new ServiceMonitor({
          metadata: metadata(metrics.labels ?? {}),
          spec: {
            selector: { matchLabels: { ...workload.selectorLabels } },
            namespaceSelector: { matchNames: [workload.namespace] },
            endpoints: [{ port: portName, path: metrics.path ?? '/metrics', interval: metrics.interval ?? '30s', scheme: 'http' }],
            // A canary's analysis tells the new pods' samples from the stable ones' by this label.
            ...(workload.workloadKind === 'Rollout' ? { podTargetLabels: [POD_TEMPLATE_HASH_LABEL] } : {}),
          },
        }),
      );
    }
  }
}
