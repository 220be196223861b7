/**
 * The pieces NetworkPolicy-building constructs share: peers that are not workloads of this app
 * (the ingress controller, the cluster DNS), port and name validation, and the JSON of a peer.
 */
import type { IConstruct } from 'constructs';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import { NAME_LABEL, isValidLabelValue, recommendedLabels } from './labels.js';
import type { AppIdentity } from './labels.js';
import { isDnsLabel } from './names.js';

/** The label the API server puts on every namespace (Kubernetes >= 1.22): the only reliable namespace selector. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Pods of another namespace that are not a workload of this app, e.g. the ingress controller, a
 * Prometheus or an operator: selected by namespace and, optionally, by pod labels.
 */
export class NamespacePeer {
  /**
   * @param namespace the pods' namespace, e.g. `ingress-nginx`
   * @param podLabels labels of the pods; omit to admit every pod of that namespace
   *   (controllers label their pods differently, and the namespace is usually dedicated)
   */
  constructor(
    public readonly namespace: string,
    public readonly podLabels?: Readonly<Record<string, string>>,
  ) {}
}

/** Where the cluster DNS runs, for the explicit DNS egress rule (N06). */
export interface DnsServer {
  /** The DNS pods' namespace. */
  readonly namespace: string;
  /** The DNS pods' labels. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/** CoreDNS as installed by kubeadm, kind, k3s, EKS, GKE and AKS: `k8s-app=kube-dns` in kube-system. */
export const KUBE_DNS: DnsServer = { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } };

/** A port in a NetworkPolicy rule: a number, or the name of the destination pod's container port. */
export type PolicyPort = number | string;

// IANA service name (RFC 6335): <= 15 chars, lowercase alphanumerics and '-', a letter, no '--', no '-' at the ends.
const IANA_SERVICE_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?=[a-z0-9]))*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Validates a namespace name: a DNS label, and never `default` (N07). */
export function checkNamespace(scope: IConstruct, prop: string, namespace: string): void {
  if (!isDnsLabel(namespace)) invalidProp(scope, prop, namespace, 'a namespace must be an RFC 1123 label (a-z, 0-9, -; <= 63 chars)');
  if (namespace === 'default') invalidProp(scope, prop, namespace, 'objects never go to the default namespace (N07)');
}

/** Validates a policy port: 1..65535, or an IANA service name (the container port's name). */
export function checkPort(scope: IConstruct, prop: string, port: PolicyPort): void {
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535) invalidProp(scope, prop, port, 'a port must be an integer in 1..65535');
  } else if (port.length > 15 || !IANA_SERVICE_NAME.test(port)) {
    invalidProp(scope, prop, port, 'a named port must be an IANA service name (<= 15 chars, a-z, 0-9, single -, a letter)');
  }
}

/** Validates a label map (keys and values) used in a selector. */
export function checkLabels(scope: IConstruct, prop: string, labels: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(labels)) {
    if (!LABEL_KEY.test(key) || key.split('/').at(-1)!.length > 63) invalidProp(scope, prop, key, 'not a valid label key');
    if (!isValidLabelValue(value)) invalidProp(scope, prop, value, `not a valid label value for ${key}`);
  }
}

/** Validates a workload peer. */
export function checkPeer(scope: IConstruct, prop: string, peer: INetworkPeer | NamespacePeer): void {
  checkNamespace(scope, `${prop}.namespace`, peer.namespace);
  if (peer instanceof NamespacePeer) {
    if (peer.podLabels) checkLabels(scope, `${prop}.podLabels`, peer.podLabels);
  } else if (!isValidLabelValue(peer.peerName) || peer.peerName === '') {
    invalidProp(scope, `${prop}.peerName`, peer.peerName, 'not a valid app.kubernetes.io/name label value');
  }
}

/** The NetworkPolicyPeer JSON for pods in `namespace` with `podLabels` (all pods if undefined), seen from `policyNamespace`. */
export function podPeerJson(
  policyNamespace: string,
  namespace: string,
  podLabels: Readonly<Record<string, string>> | undefined,
): Record<string, unknown> {
  const podSelector = podLabels ? { matchLabels: { ...podLabels } } : undefined;
  if (namespace === policyNamespace && podSelector) return { podSelector };
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
    ...(podSelector ? { podSelector } : {}),
  };
}

/** The NetworkPolicyPeer JSON for a workload or a controller peer. */
export function peerJson(policyNamespace: string, peer: INetworkPeer | NamespacePeer): Record<string, unknown> {
  return peer instanceof NamespacePeer
    ? podPeerJson(policyNamespace, peer.namespace, peer.podLabels)
    : podPeerJson(policyNamespace, peer.namespace, peerPodLabels(peer));
}

/** The labels that select a peer's pods: its own choice, else its name label. */
export function peerPodLabels(peer: INetworkPeer): Readonly<Record<string, string>> {
  return peer.podSelectorLabels ?? { [NAME_LABEL]: peer.peerName };
}

/** The egress rule that lets pods resolve names: UDP and TCP 53 to the DNS pods (TCP for large answers). */
export function dnsEgressRule(policyNamespace: string, dns: DnsServer): Record<string, unknown> {
  return {
    to: [podPeerJson(policyNamespace, dns.namespace, dns.podLabels)],
    ports: [
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ],
  };
}

const IDENTITY_PROPS: Record<string, string> = {
  [NAME_LABEL]: 'name',
  'app.kubernetes.io/instance': 'instance',
  'app.kubernetes.io/version': 'version',
  'app.kubernetes.io/component': 'component',
  'app.kubernetes.io/part-of': 'partOf',
};

/** The recommended labels of an identity, refusing values the API server would reject (A08). */
export function identityLabels(scope: IConstruct, identity: AppIdentity, propPrefix = ''): Record<string, string> {
  const labels = recommendedLabels(identity);
  for (const [key, value] of Object.entries(labels)) {
    if (value === '' || !isValidLabelValue(value)) {
      invalidProp(
        scope,
        `${propPrefix}${IDENTITY_PROPS[key] ?? key}`,
        value,
        `not a valid value for label ${key} (1-63 chars: alphanumerics, - _ . inside)`,
      );
    }
  }
  return labels;
}
