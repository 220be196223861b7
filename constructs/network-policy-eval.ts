/**
 * A small evaluator of Kubernetes NetworkPolicy semantics over plain JSON (synthesized manifests),
 * so tests can ask "may pod A reach pod B on port P?" and assert that exactly the intended flows are
 * allowed and every other one is denied. It implements the networking.k8s.io/v1 rules:
 *
 * - a pod is isolated for a direction only if some policy in its namespace selects it and lists
 *   that direction in `policyTypes` (absent `policyTypes`: Ingress, plus Egress if `egress` is set);
 * - a connection needs the source's egress AND the destination's ingress to allow it;
 * - policies are additive (any rule of any selecting policy allowing the flow is enough);
 * - peers: `podSelector` alone (same namespace as the policy), `namespaceSelector` alone (all pods
 *   of matching namespaces), both (matching pods in matching namespaces), `ipBlock` (cidr minus except);
 * - ports: absent means all; `port` by number or by the destination container port's name;
 *   `endPort` ranges; protocol defaults to TCP.
 *
 * Not modelled (not needed by this project): hostNetwork pods, node-local exemptions, IPv6 ipBlocks.
 */

/** A label selector as it appears in JSON. */
export interface LabelSelectorJson {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: ReadonlyArray<{
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }>;
}

interface PolicyPortJson {
  readonly port?: number | string;
  readonly endPort?: number;
  readonly protocol?: string;
}

interface PolicyPeerJson {
  readonly podSelector?: LabelSelectorJson;
  readonly namespaceSelector?: LabelSelectorJson;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

interface PolicyJson {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly podSelector?: LabelSelectorJson;
    readonly policyTypes?: readonly string[];
    readonly ingress?: ReadonlyArray<{ readonly from?: readonly PolicyPeerJson[]; readonly ports?: readonly PolicyPortJson[] }>;
    readonly egress?: ReadonlyArray<{ readonly to?: readonly PolicyPeerJson[]; readonly ports?: readonly PolicyPortJson[] }>;
  };
}

/** A named container port of a pod, which named policy ports resolve against. */
export interface NamedContainerPort {
  readonly name: string;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** A pod as the evaluator sees it. */
export interface PodEndpoint {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The pod's named container ports (only needed when policies use named ports). */
  readonly ports?: readonly NamedContainerPort[];
  /** The pod's IP (only needed when policies use ipBlock for in-cluster pods). */
  readonly ip?: string;
}

/** An address outside the cluster (an external database, the internet), reachable only through ipBlock. */
export interface ExternalEndpoint {
  readonly ip: string;
}

export type Endpoint = PodEndpoint | ExternalEndpoint;

/** Namespace name → the namespace's labels; `kubernetes.io/metadata.name` is added automatically as the API server does. */
export type NamespaceLabels = Record<string, Record<string, string>>;

/** A connection attempt. */
export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: string;
}

/** Why a flow is or is not allowed: each side's verdict and the policies that decided it. */
export interface FlowVerdict {
  readonly allowed: boolean;
  /** Whether the source may send: `isolated` is false when no policy selects the source for Egress. */
  readonly egress: SideVerdict;
  /** Whether the destination may receive (always allowed for external destinations). */
  readonly ingress: SideVerdict;
}

export interface SideVerdict {
  readonly allowed: boolean;
  readonly isolated: boolean;
  /** Names (`namespace/name`) of the policies whose rules allowed the flow. */
  readonly allowedBy: readonly string[];
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

function isPod(endpoint: Endpoint): endpoint is PodEndpoint {
  return 'namespace' in endpoint;
}

/** Whether a selector matches a label set (`{}` matches everything). */
export function selectorMatches(selector: LabelSelectorJson, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key);
    switch (operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator ${JSON.stringify(operator)}`);
    }
  }
  return true;
}

function ipv4ToNumber(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    throw new Error(`not an IPv4 address: ${JSON.stringify(ip)}`);
  }
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Whether an IPv4 address lies in a CIDR range. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText ?? '32');
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`not a CIDR: ${JSON.stringify(cidr)}`);
  const size = 2 ** (32 - bits);
  return Math.floor(ipv4ToNumber(base!) / size) === Math.floor(ipv4ToNumber(ip) / size);
}

function namespaceLabels(namespaces: NamespaceLabels, name: string): Record<string, string> {
  return { ...(namespaces[name] ?? {}), [METADATA_NAME]: name };
}

function peerMatches(peer: PolicyPeerJson, policyNamespace: string, endpoint: Endpoint, namespaces: NamespaceLabels): boolean {
  if (peer.ipBlock) {
    if (endpoint.ip === undefined) return false;
    return cidrContains(peer.ipBlock.cidr, endpoint.ip) && !(peer.ipBlock.except ?? []).some((range) => cidrContains(range, endpoint.ip!));
  }
  if (!isPod(endpoint)) return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabels(namespaces, endpoint.namespace))) return false;
  } else if (endpoint.namespace !== policyNamespace) {
    return false;
  }
  return peer.podSelector ? selectorMatches(peer.podSelector, endpoint.labels) : true;
}

function portMatches(rulePorts: readonly PolicyPortJson[] | undefined, destination: Endpoint, port: number, protocol: string): boolean {
  if (!rulePorts || rulePorts.length === 0) return true;
  return rulePorts.some((rulePort) => {
    if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
    if (rulePort.port === undefined) return true;
    if (typeof rulePort.port === 'string') {
      if (!isPod(destination)) return false;
      return (destination.ports ?? []).some(
        (named) => named.name === rulePort.port && named.port === port && (named.protocol ?? 'TCP') === protocol,
      );
    }
    return rulePort.endPort === undefined ? rulePort.port === port : port >= rulePort.port && port <= rulePort.endPort;
  });
}

function policyTypes(policy: PolicyJson): readonly string[] {
  return policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function policyName(policy: PolicyJson): string {
  return `${policy.metadata?.namespace ?? ''}/${policy.metadata?.name ?? ''}`;
}

function selecting(policies: readonly PolicyJson[], pod: PodEndpoint, direction: 'Ingress' | 'Egress'): PolicyJson[] {
  return policies.filter(
    (policy) =>
      policy.kind === 'NetworkPolicy' &&
      policy.metadata?.namespace === pod.namespace &&
      policyTypes(policy).includes(direction) &&
      selectorMatches(policy.spec?.podSelector ?? {}, pod.labels),
  );
}

const OPEN: SideVerdict = { allowed: true, isolated: false, allowedBy: [] };

function egressVerdict(policies: readonly PolicyJson[], flow: Flow, namespaces: NamespaceLabels, protocol: string): SideVerdict {
  if (!isPod(flow.from)) return OPEN;
  const isolating = selecting(policies, flow.from, 'Egress');
  if (isolating.length === 0) return OPEN;
  const allowedBy = isolating
    .filter((policy) =>
      (policy.spec?.egress ?? []).some(
        (rule) =>
          (rule.to === undefined ||
            rule.to.length === 0 ||
            rule.to.some((peer) => peerMatches(peer, policy.metadata!.namespace!, flow.to, namespaces))) &&
          portMatches(rule.ports, flow.to, flow.port, protocol),
      ),
    )
    .map(policyName);
  return { allowed: allowedBy.length > 0, isolated: true, allowedBy };
}

function ingressVerdict(policies: readonly PolicyJson[], flow: Flow, namespaces: NamespaceLabels, protocol: string): SideVerdict {
  if (!isPod(flow.to)) return OPEN;
  const isolating = selecting(policies, flow.to, 'Ingress');
  if (isolating.length === 0) return OPEN;
  const allowedBy = isolating
    .filter((policy) =>
      (policy.spec?.ingress ?? []).some(
        (rule) =>
          (rule.from === undefined ||
            rule.from.length === 0 ||
            rule.from.some((peer) => peerMatches(peer, policy.metadata!.namespace!, flow.from, namespaces))) &&
          portMatches(rule.ports, flow.to, flow.port, protocol),
      ),
    )
    .map(policyName);
  return { allowed: allowedBy.length > 0, isolated: true, allowedBy };
}

/**
 * Evaluates one flow against a set of objects (non-NetworkPolicy objects are ignored, so a whole
 * synthesized manifest can be passed as is).
 */
export function evaluateFlow(objects: readonly unknown[], namespaces: NamespaceLabels, flow: Flow): FlowVerdict {
  const policies = objects as readonly PolicyJson[];
  const protocol = flow.protocol ?? 'TCP';
  const egress = egressVerdict(policies, flow, namespaces, protocol);
  const ingress = ingressVerdict(policies, flow, namespaces, protocol);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** Whether `from` may open a connection to `to` on `port` under these policies. */
export function isAllowed(
  objects: readonly unknown[],
  namespaces: NamespaceLabels,
  from: Endpoint,
  to: Endpoint,
  port: number,
  protocol = 'TCP',
): boolean {
  return evaluateFlow(objects, namespaces, { from, to, port, protocol }).allowed;
}

/** The namespaces' labels, read from the Namespace objects of a synthesized manifest. */
export function namespacesOf(objects: readonly unknown[]): NamespaceLabels {
  const result: NamespaceLabels = {};
  for (const object of objects as ReadonlyArray<{ kind?: string; metadata?: { name?: string; labels?: Record<string, string> } }>) {
    if (object.kind === 'Namespace' && object.metadata?.name) {
      result[object.metadata.name] = { ...(object.metadata.labels ?? {}) };
    }
  }
  return result;
}

/** A named endpoint for {@link allowedFlows}. */
export interface NamedEndpoint {
  readonly name: string;
  readonly endpoint: Endpoint;
}

/**
 * Every allowed `from -> to:port` among these endpoints and ports (self-flows included), sorted:
 * a test can compare it to the exact list of intended flows, so an unintended allow and a
 * missing allow both fail the same assertion.
 */
export function allowedFlows(
  objects: readonly unknown[],
  namespaces: NamespaceLabels,
  endpoints: readonly NamedEndpoint[],
  ports: readonly number[],
  protocol = 'TCP',
): string[] {
  const flows: string[] = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      for (const port of ports) {
        if (isAllowed(objects, namespaces, from.endpoint, to.endpoint, port, protocol)) {
          flows.push(`${from.name} -> ${to.name}:${port}`);
        }
      }
    }
  }
  return flows.sort();
}
