/**
 * The connections a set of manifests' NetworkPolicies allow, as a reviewer asks for them first:
 * "who may talk to whom, on which port, and what may leave the cluster". Computed from the objects
 * alone (synthesized or committed YAML), with the evaluator of network-policy-eval.ts.
 *
 * The parties are found, not declared:
 * - the pods of every workload with a pod template (Deployment, StatefulSet, DaemonSet, Job,
 *   CronJob, Pod, and any custom kind embedding `spec.template`), named after the workload;
 * - the pods a NetworkPolicy selects that no workload template makes (e.g. a CloudNativePG
 *   `Cluster`'s instances, cert-manager's ACME solver), named after the policy;
 * - every peer a policy rule names outside these: pods of another namespace (`namespace/labels`),
 *   and address ranges (`cidr`, `internet` for 0.0.0.0/0).
 */
import {
  allowedFlows,
  namespacesOf,
  type Endpoint,
  type LabelSelectorJson,
  type NamedContainerPort,
  type NamedEndpoint,
} from './network-policy-eval.js';

/** One allowed connection. */
export interface AllowedConnection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
}

interface ObjectJson {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}

interface PodTemplateJson {
  readonly metadata?: { readonly labels?: Record<string, string> };
  readonly spec?: {
    readonly containers?: ReadonlyArray<{ readonly ports?: ReadonlyArray<{ name?: string; containerPort?: number; protocol?: string }> }>;
  };
}

interface PeerJson {
  readonly podSelector?: LabelSelectorJson;
  readonly namespaceSelector?: LabelSelectorJson;
  readonly ipBlock?: { readonly cidr: string };
}

interface RuleJson {
  readonly from?: readonly PeerJson[];
  readonly to?: readonly PeerJson[];
  readonly ports?: ReadonlyArray<{ readonly port?: number | string; readonly protocol?: string }>;
}

/** The pod template an object embeds, wherever its kind keeps it. */
function podTemplateOf(object: ObjectJson): PodTemplateJson | undefined {
  const spec = object.spec as { template?: PodTemplateJson; jobTemplate?: { spec?: { template?: PodTemplateJson } } } | undefined;
  if (object.kind === 'Pod')
    return { metadata: object.metadata as PodTemplateJson['metadata'], spec: object.spec as PodTemplateJson['spec'] };
  return spec?.template ?? spec?.jobTemplate?.spec?.template;
}

/** A short name for pods of another namespace: their `app.kubernetes.io/name` (or `k8s-app`), else their labels. */
function podsName(namespace: string, labels: Record<string, string>): string {
  const name = labels['app.kubernetes.io/name'] ?? labels['k8s-app'];
  const text =
    name ??
    Object.entries(labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
  return `${namespace}/${text || '*'}`;
}

/** The first address of an IPv4 range, standing for the whole range (0.0.0.0/0 → a public address). */
function representativeAddress(cidr: string): string {
  const [address, bits] = cidr.split('/') as [string, string];
  if (bits === '0') return '203.0.113.1';
  const parts = address.split('.').map(Number);
  parts[3] = Number(bits) >= 32 ? parts[3]! : parts[3]! + 1;
  return parts.join('.');
}

function policies(objects: readonly ObjectJson[]): ObjectJson[] {
  return objects.filter((o) => o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1');
}

function rulesOf(policy: ObjectJson): RuleJson[] {
  const spec = policy.spec as { ingress?: RuleJson[]; egress?: RuleJson[] };
  return [...(spec.ingress ?? []), ...(spec.egress ?? [])];
}

/** The parties of the report: workload pods, policy-selected pods, and every outside peer a rule names. */
function endpointsOf(objects: readonly ObjectJson[]): NamedEndpoint[] {
  const endpoints: NamedEndpoint[] = [];
  const add = (name: string, endpoint: Endpoint) => {
    if (!endpoints.some((e) => e.name === name)) endpoints.push({ name, endpoint });
  };
  const workloadPods: { namespace: string; labels: Record<string, string> }[] = [];
  for (const object of objects) {
    const template = podTemplateOf(object);
    const namespace = object.metadata?.namespace;
    if (!template?.metadata?.labels || namespace === undefined) continue;
    const ports: NamedContainerPort[] = (template.spec?.containers ?? []).flatMap((c) =>
      (c.ports ?? [])
        .filter((p) => p.name && p.containerPort)
        .map((p) => ({ name: p.name!, port: p.containerPort!, protocol: p.protocol ?? 'TCP' })),
    );
    workloadPods.push({ namespace, labels: template.metadata.labels });
    add(object.metadata!.name!, { namespace, labels: template.metadata.labels, ports });
  }
  for (const policy of policies(objects)) {
    const selector = (policy.spec as { podSelector?: LabelSelectorJson }).podSelector?.matchLabels ?? {};
    const namespace = policy.metadata!.namespace!;
    const made = workloadPods.some((pod) => pod.namespace === namespace && Object.entries(selector).every(([k, v]) => pod.labels[k] === v));
    if (Object.keys(selector).length > 0 && !made) add(policy.metadata!.name!, { namespace, labels: { ...selector } });
  }
  const namespaces = new Set(objects.map((o) => o.metadata?.namespace).filter((n): n is string => n !== undefined));
  for (const policy of policies(objects)) {
    for (const peer of rulesOf(policy).flatMap((rule) => [...(rule.from ?? []), ...(rule.to ?? [])])) {
      if (peer.ipBlock) {
        add(peer.ipBlock.cidr.endsWith('/0') ? 'internet' : peer.ipBlock.cidr, { ip: representativeAddress(peer.ipBlock.cidr) });
        continue;
      }
      const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
      if (namespace === undefined || namespaces.has(namespace)) continue;
      const labels = peer.podSelector?.matchLabels ?? {};
      add(podsName(namespace, labels), { namespace, labels: { ...labels } });
    }
  }
  return endpoints;
}

/** The numeric ports the rules name per protocol, named ports resolved against the workloads' container ports. */
function portsOf(objects: readonly ObjectJson[], endpoints: readonly NamedEndpoint[]): Map<string, number[]> {
  const byProtocol = new Map<string, Set<number>>();
  const named = endpoints.flatMap((e) => ('ports' in e.endpoint ? (e.endpoint.ports ?? []) : []));
  for (const rule of policies(objects).flatMap(rulesOf)) {
    for (const port of rule.ports ?? []) {
      const protocol = port.protocol ?? 'TCP';
      const numbers = typeof port.port === 'number' ? [port.port] : named.filter((p) => p.name === port.port).map((p) => p.port);
      const set = byProtocol.get(protocol) ?? new Set<number>();
      numbers.forEach((n) => set.add(n));
      byProtocol.set(protocol, set);
    }
  }
  return new Map([...byProtocol].map(([protocol, set]) => [protocol, [...set].sort((a, b) => a - b)]));
}

/**
 * Every connection the NetworkPolicies among `objects` allow between the parties they concern (see
 * the module comment), sorted by source, destination, port. Namespaces the objects do not define are
 * known by their name label only (`kubernetes.io/metadata.name`, which the API server sets).
 */
export function networkFlows(objects: readonly unknown[]): AllowedConnection[] {
  const manifests = objects as readonly ObjectJson[];
  const endpoints = endpointsOf(manifests);
  const namespaces = namespacesOf(manifests);
  for (const e of endpoints) if ('namespace' in e.endpoint) namespaces[e.endpoint.namespace] ??= {};
  const own = new Set(manifests.map((o) => o.metadata?.namespace).filter((n): n is string => n !== undefined));
  const ownEndpoint = new Set(endpoints.filter((e) => 'namespace' in e.endpoint && own.has(e.endpoint.namespace)).map((e) => e.name));
  const connections: AllowedConnection[] = [];
  for (const [protocol, ports] of portsOf(manifests, endpoints)) {
    for (const flow of allowedFlows(manifests, namespaces, endpoints, ports, protocol)) {
      const [, from, to, port] = /^(.*) -> (.*):(\d+)$/.exec(flow)!;
      // Flows between two outside parties are not these manifests' to allow or deny.
      if (!ownEndpoint.has(from!) && !ownEndpoint.has(to!)) continue;
      connections.push({ from: from!, to: to!, port: Number(port), protocol });
    }
  }
  return connections.sort(
    (a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.port - b.port || a.protocol.localeCompare(b.protocol),
  );
}

/** The connections as an aligned text table, one row per source and destination with all their ports. */
export function formatFlows(connections: readonly AllowedConnection[]): string {
  const pairs = new Map<string, { from: string; to: string; ports: string[] }>();
  for (const c of connections) {
    const key = `${c.from}\0${c.to}`;
    const pair = pairs.get(key) ?? { from: c.from, to: c.to, ports: [] };
    pair.ports.push(`${c.port}/${c.protocol}`);
    pairs.set(key, pair);
  }
  const rows = [['FROM', 'TO', 'PORTS'], ...[...pairs.values()].map((p) => [p.from, p.to, p.ports.join(', ')])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r[0]!.padEnd(widths[0]!)}  ${r[1]!.padEnd(widths[1]!)}  ${r[2]}`).join('\n');
}
