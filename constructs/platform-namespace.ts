import { Construct } from 'constructs';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { ApiObject } from 'cdk8s';
import { invalidProp } from './errors.js';
import { addKubeObject } from './model-object.js';
import { KUBE_DNS, checkLabels, identityLabels, checkNamespace, dnsEgressRule, podPeerJson } from './network-peers.js';
import type { DnsServer, NamespacePeer } from './network-peers.js';
import { parseQuantity } from './quantity.js';

/** The namespace's total budget (ResourceQuota `spec.hard`). Quantities are Kubernetes quantity strings. */
export interface NamespaceQuota {
  /** @default '4' - room for the todo platform's three services at 2-3 replicas each */
  readonly requestsCpu?: string;
  /** @default '8Gi' - the services' requests at the largest replica counts, with room for a rollout's surge */
  readonly requestsMemory?: string;
  /** @default '8' - limits may burst to twice the requests */
  readonly limitsCpu?: string;
  /** @default '16Gi' - limits may burst to twice the requests */
  readonly limitsMemory?: string;
  /** @default '10Gi' - emptyDir /tmp and logs; a runaway writer is evicted before it fills the node */
  readonly requestsEphemeralStorage?: string;
  /** @default '20Gi' - twice the requests, like cpu and memory */
  readonly limitsEphemeralStorage?: string;
  /** @default 50 - caps a crash-looping autoscaler or a Job gone wild */
  readonly pods?: number;
  /** @default 0 - LoadBalancers only at the edge, by choice (N02); the ingress controller lives elsewhere */
  readonly servicesLoadBalancers?: number;
  /** @default 0 - NodePorts bypass the ingress and its TLS (N02) */
  readonly servicesNodePorts?: number;
}

/** Requests and limits of one resource, as quantity strings. */
export interface RequestAndLimit {
  /** The request, e.g. `250m` or `256Mi`. */
  readonly request: string;
  /** The limit, e.g. `1` or `512Mi`. */
  readonly limit: string;
}

/**
 * Defaults the LimitRange gives containers that declare nothing. Hardened workloads declare their
 * own (R01, R02); these exist so a stray pod still fits the quota (which requires limits) and
 * cannot take a node down.
 */
export interface ContainerDefaults {
  /** @default { request: '100m', limit: '500m' } - enough for a sidecar or debug pod, too little to starve a node */
  readonly cpu?: RequestAndLimit;
  /** @default { request: '128Mi', limit: '256Mi' } - a small process; a leak is OOM-killed early */
  readonly memory?: RequestAndLimit;
  /** @default { request: '64Mi', limit: '256Mi' } - logs and scratch only; a runaway writer is evicted */
  readonly ephemeralStorage?: RequestAndLimit;
}

/** Lets cert-manager's ACME http01 solver pods be reached by the ingress controller under default-deny. */
export interface AcmeSolverAccess {
  /** The ingress controller that serves `/.well-known/acme-challenge/` to Let's Encrypt. */
  readonly ingressController: NamespacePeer;
}

export interface PlatformNamespaceProps {
  /** The namespace's name (an RFC 1123 label, not `default`). */
  readonly name: string;
  /** `app.kubernetes.io/part-of` of the namespace and its guard objects. */
  readonly partOf: string;
  /** `app.kubernetes.io/version` of the namespace and its guard objects, usually the platform's release. */
  readonly version: string;
  /**
   * The Pod Security Standards version the `*-version` labels pin, e.g. `v1.30`.
   * @default 'latest' - the cluster's own version of the restricted profile, so it tightens with upgrades
   */
  readonly podSecurityVersion?: string;
  /**
   * The namespace's ResourceQuota; fields left out keep their defaults.
   * @default - see NamespaceQuota
   */
  readonly quota?: NamespaceQuota;
  /**
   * The LimitRange's container defaults; fields left out keep their defaults.
   * @default - see ContainerDefaults
   */
  readonly containerDefaults?: ContainerDefaults;
  /**
   * The cluster DNS every pod of the namespace may query.
   * @default KUBE_DNS - CoreDNS as `k8s-app=kube-dns` in kube-system
   */
  readonly dns?: DnsServer;
  /**
   * Admit the ingress controller to cert-manager's http01 solver pods (port 8089).
   * @default - no such policy: only needed when certificates are issued through ACME http01
   */
  readonly acmeSolver?: AcmeSolverAccess;
}

const PSA_VERSION = /^(latest|v1\.\d+)$/;
const DEFAULT_QUOTA: Required<NamespaceQuota> = {
  requestsCpu: '4',
  requestsMemory: '8Gi',
  limitsCpu: '8',
  limitsMemory: '16Gi',
  requestsEphemeralStorage: '10Gi',
  limitsEphemeralStorage: '20Gi',
  pods: 50,
  servicesLoadBalancers: 0,
  servicesNodePorts: 0,
};
const DEFAULT_CONTAINER: Required<ContainerDefaults> = {
  cpu: { request: '100m', limit: '500m' },
  memory: { request: '128Mi', limit: '256Mi' },
  ephemeralStorage: { request: '64Mi', limit: '256Mi' },
};
/** The label cert-manager puts on its ACME http01 solver pods, and the port they listen on. */
export const ACME_SOLVER_LABEL = 'acme.cert-manager.io/http01-solver';
export const ACME_SOLVER_PORT = 8089;

/**
 * A namespace that is safe to deploy into (N06, N07, N09): Pod Security Admission `restricted`
 * enforced, audited and warned; a ResourceQuota (no LoadBalancer or NodePort Services); a
 * LimitRange with container defaults; a default-deny NetworkPolicy for both directions with DNS
 * egress allowed explicitly; and, optionally, access for the ingress controller to ACME solvers.
 */
export class PlatformNamespace extends Construct {
  /** The namespace's name. */
  public readonly name: string;
  /** The Namespace object. */
  public readonly namespace: ApiObject;
  /** Names of the NetworkPolicies the namespace starts with. */
  public readonly policyNames: readonly string[];

  constructor(scope: Construct, id: string, props: PlatformNamespaceProps) {
    super(scope, id);
    checkNamespace(this, 'name', props.name);
    if (props.name.startsWith('kube-')) invalidProp(this, 'name', props.name, 'the kube- prefix is reserved for the system');
    const psaVersion = props.podSecurityVersion ?? 'latest';
    if (!PSA_VERSION.test(psaVersion)) invalidProp(this, 'podSecurityVersion', psaVersion, "must be 'latest' or a version like 'v1.30'");
    const quota = { ...DEFAULT_QUOTA, ...props.quota };
    this.checkQuota(quota);
    const limits = { ...DEFAULT_CONTAINER, ...props.containerDefaults };
    this.checkContainerDefaults(limits);
    const dns = props.dns ?? KUBE_DNS;
    checkNamespace(this, 'dns.namespace', dns.namespace);
    checkLabels(this, 'dns.podLabels', dns.podLabels);
    if (props.acmeSolver) {
      checkNamespace(this, 'acmeSolver.ingressController.namespace', props.acmeSolver.ingressController.namespace);
      checkLabels(this, 'acmeSolver.ingressController.podLabels', props.acmeSolver.ingressController.podLabels ?? {});
    }

    this.name = props.name;
    const labels = identityLabels(this, { name: props.name, component: 'namespace', partOf: props.partOf, version: props.version });
    const meta = (name: string) => ({ name, namespace: props.name, labels });

    const psa: Record<string, string> = {};
    for (const mode of ['enforce', 'audit', 'warn']) {
      psa[`pod-security.kubernetes.io/${mode}`] = 'restricted';
      psa[`pod-security.kubernetes.io/${mode}-version`] = psaVersion;
    }
    this.namespace = addKubeObject(this, 'Namespace', new Namespace({ metadata: { name: props.name, labels: { ...labels, ...psa } } }), {
      clusterScoped: true,
    });

    addKubeObject(
      this,
      'ResourceQuota',
      new ResourceQuota({
        metadata: meta('quota'),
        spec: {
          hard: {
            'requests.cpu': quota.requestsCpu,
            'requests.memory': quota.requestsMemory,
            'limits.cpu': quota.limitsCpu,
            'limits.memory': quota.limitsMemory,
            'requests.ephemeral-storage': quota.requestsEphemeralStorage,
            'limits.ephemeral-storage': quota.limitsEphemeralStorage,
            pods: String(quota.pods),
            'services.loadbalancers': String(quota.servicesLoadBalancers),
            'services.nodeports': String(quota.servicesNodePorts),
          },
        },
      }),
    );

    addKubeObject(
      this,
      'LimitRange',
      new LimitRange({
        metadata: meta('container-defaults'),
        spec: {
          limits: [
            {
              type: 'Container',
              defaultRequest: {
                cpu: limits.cpu.request,
                memory: limits.memory.request,
                'ephemeral-storage': limits.ephemeralStorage.request,
              },
              default: { cpu: limits.cpu.limit, memory: limits.memory.limit, 'ephemeral-storage': limits.ephemeralStorage.limit },
            },
          ],
        },
      }),
    );

    const policies: Array<[string, NetworkPolicy]> = [
      // Every pod of the namespace is isolated both ways; workloads open exactly their own flows.
      ['DefaultDeny', new NetworkPolicy({ metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } })],
      [
        'AllowDns',
        new NetworkPolicy({
          metadata: meta('allow-dns'),
          spec: { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgressRule(props.name, dns) as never] },
        }),
      ],
    ];
    if (props.acmeSolver) {
      const controller = props.acmeSolver.ingressController;
      policies.push([
        'AllowAcmeSolver',
        new NetworkPolicy({
          metadata: meta('allow-acme-http01-solver'),
          spec: {
            podSelector: { matchLabels: { [ACME_SOLVER_LABEL]: 'true' } },
            // Egress listed with no rule: solver pods answer challenges and never open connections.
            policyTypes: ['Ingress', 'Egress'],
            ingress: [
              {
                from: [podPeerJson(props.name, controller.namespace, controller.podLabels) as never],
                ports: [{ port: ACME_SOLVER_PORT, protocol: 'TCP' }],
              },
            ],
          },
        }),
      ]);
    }
    for (const [id, policy] of policies) addKubeObject(this, id, policy);
    this.policyNames = policies.map(([, policy]) => policy.metadata!.name!);
  }

  private checkQuota(quota: Required<NamespaceQuota>): void {
    const quantities: Array<[keyof NamespaceQuota, string]> = [
      ['requestsCpu', quota.requestsCpu],
      ['requestsMemory', quota.requestsMemory],
      ['limitsCpu', quota.limitsCpu],
      ['limitsMemory', quota.limitsMemory],
      ['requestsEphemeralStorage', quota.requestsEphemeralStorage],
      ['limitsEphemeralStorage', quota.limitsEphemeralStorage],
    ];
    for (const [field, value] of quantities) {
      const parsed = parseQuantity(value);
      if (parsed === undefined || parsed <= 0)
        invalidProp(this, `quota.${field}`, value, 'must be a positive Kubernetes quantity such as "4" or "8Gi"');
    }
    for (const field of ['pods', 'servicesLoadBalancers', 'servicesNodePorts'] as const) {
      const value = quota[field];
      if (!Number.isInteger(value) || value < 0) invalidProp(this, `quota.${field}`, value, 'must be a non-negative integer');
    }
    if (quota.pods < 1) invalidProp(this, 'quota.pods', quota.pods, 'a namespace that admits no pods cannot run anything');
    for (const resource of ['Cpu', 'Memory', 'EphemeralStorage'] as const) {
      const request = quota[`requests${resource}`];
      const limit = quota[`limits${resource}`];
      if (parseQuantity(limit)! < parseQuantity(request)!) {
        invalidProp(this, `quota.limits${resource}`, limit, `is below quota.requests${resource} "${request}"`);
      }
    }
  }

  private checkContainerDefaults(defaults: Required<ContainerDefaults>): void {
    for (const resource of ['cpu', 'memory', 'ephemeralStorage'] as const) {
      const { request, limit } = defaults[resource];
      const requested = parseQuantity(request);
      const limited = parseQuantity(limit);
      if (requested === undefined || requested <= 0)
        invalidProp(this, `containerDefaults.${resource}.request`, request, 'must be a positive Kubernetes quantity');
      if (limited === undefined || limited <= 0)
        invalidProp(this, `containerDefaults.${resource}.limit`, limit, 'must be a positive Kubernetes quantity');
      if (limited < requested) invalidProp(this, `containerDefaults.${resource}.limit`, limit, `is below the request "${request}"`);
    }
  }
}
