import { isIP } from 'node:net';
import { Lazy } from 'cdk8s';
import type { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPeer } from './contracts.js';
import { invalidProp } from './errors.js';
import type { AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';
import { cidrContains } from './network-policy-eval.js';
import {
  NamespacePeer,
  KUBE_DNS,
  checkLabels,
  identityLabels,
  checkNamespace,
  checkPeer,
  checkPort,
  dnsEgressRule,
  peerJson,
  peerPodLabels,
} from './network-peers.js';
import type { DnsServer, PolicyPort } from './network-peers.js';

/** Who may call the workload: another workload's pods, or pods of another namespace (ingress controller, Prometheus, operator). */
export type IngressSource = INetworkPeer | NamespacePeer;

/** An allowed inbound connection. */
export interface InboundConnection {
  /** The caller. */
  readonly from: IngressSource;
  /** The workload's port it may call: a number or the container port's name. */
  readonly port: PolicyPort;
}

/** An allowed outbound connection to pods in the cluster. */
export interface OutboundConnection {
  /** The callee. */
  readonly to: INetworkPeer | NamespacePeer;
  /** The callee's port: a number or its container port's name. */
  readonly port: PolicyPort;
}

/** An allowed outbound connection to addresses outside the cluster, e.g. a managed database. */
export interface CidrConnection {
  /** The address range, e.g. `10.20.0.5/32`. */
  readonly cidr: string;
  /** The port on those addresses. */
  readonly port: number;
  /**
   * Ranges inside `cidr` that stay forbidden.
   * @default - none
   */
  readonly except?: readonly string[];
}

export interface WorkloadNetworkPolicyProps {
  /** The workload whose pods the policy selects (by `app.kubernetes.io/name` only, N06). */
  readonly workload: INetworkPeer;
  /** The workload's identity, for the policy's recommended labels; its `name` must be the workload's peerName. */
  readonly identity: AppIdentity;
  /**
   * Who may call the workload, or `'none'` for a workload nothing calls (a worker, a job).
   * More sources can be added with `allowFrom()`.
   * @default - nothing yet: synth fails unless `allowFrom()` is called, because a workload whose
   *   inbound traffic nobody thought about is more often a forgotten rule than a deliberate "none"
   */
  readonly ingress?: readonly InboundConnection[] | 'none';
  /**
   * In-cluster callees. More can be added with `allowTo()`.
   * @default - none besides DNS
   */
  readonly egress?: readonly OutboundConnection[];
  /**
   * Out-of-cluster callees by address range. More can be added with `allowToCidr()`.
   * @default - none
   */
  readonly egressToCidrs?: readonly CidrConnection[];
  /**
   * The cluster DNS the pods may query (UDP and TCP 53), or `false` for pods that never resolve names.
   * @default KUBE_DNS - CoreDNS labelled `k8s-app=kube-dns` in kube-system, as on every mainstream distribution;
   *   without it every Service name lookup fails under the namespace's default-deny
   */
  readonly dns?: DnsServer | false;
}

interface RuleDraft {
  readonly peer: Record<string, unknown>;
  readonly ports: Array<Record<string, unknown>>;
}

/**
 * One networking.k8s.io/v1 NetworkPolicy per workload (N06): selects the pods on the single label
 * `app.kubernetes.io/name`, lists both policyTypes, and allows exactly the declared connections
 * plus DNS. Cross-namespace peers are matched by `kubernetes.io/metadata.name`.
 *
 * Rules are rendered at synth, so connections can be declared after construction
 * (`allowFrom`, `allowTo`, `allowToCidr`, `allowToDns`) — e.g. by a composite that wires routes.
 */
export class WorkloadNetworkPolicy extends Construct {
  /** The NetworkPolicy's name (the workload's name). */
  public readonly policyName: string;
  public readonly namespace: string;
  /** The NetworkPolicy object. */
  public readonly policy: ApiObject;

  private readonly workload: INetworkPeer;
  private readonly ingressRules = new Map<string, RuleDraft>();
  private readonly egressRules = new Map<string, RuleDraft>();
  private ingressNone: boolean;
  private dns: DnsServer | false;

  constructor(scope: Construct, id: string, props: WorkloadNetworkPolicyProps) {
    super(scope, id);
    checkPeer(this, 'workload', props.workload);
    if (props.identity.name !== props.workload.peerName) {
      invalidProp(
        this,
        'identity.name',
        props.identity.name,
        `must equal the workload's peerName "${props.workload.peerName}" (the labels would describe other pods)`,
      );
    }
    const labels = identityLabels(this, props.identity, 'identity.');
    this.workload = props.workload;
    this.namespace = props.workload.namespace;
    this.policyName = props.workload.peerName;
    this.ingressNone = props.ingress === 'none';
    this.dns = false;
    if (props.dns !== false) this.allowToDns(props.dns ?? KUBE_DNS);
    if (Array.isArray(props.ingress)) props.ingress.forEach(({ from, port }) => this.allowFrom(from, port));
    props.egress?.forEach(({ to, port }) => this.allowTo(to, port));
    props.egressToCidrs?.forEach(({ cidr, port, except }) => this.allowToCidr(cidr, port, except));

    this.policy = addKubeObject<INetworkPolicy>(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: this.policyName, namespace: this.namespace, labels },
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /** Lets `source` call the workload on `port` (a number or the workload's container port name). */
  public allowFrom(source: IngressSource, port: PolicyPort): this {
    if (this.ingressNone) invalidProp(this, 'allowFrom', describe(source), "the policy was declared with ingress: 'none'");
    checkPeer(this, 'allowFrom.source', source);
    checkPort(this, 'allowFrom.port', port);
    addRule(this.ingressRules, peerJson(this.namespace, source), { port, protocol: 'TCP' });
    return this;
  }

  /** Lets the workload call `peer` on `port` (a number or the callee's container port name). */
  public allowTo(peer: INetworkPeer | NamespacePeer, port: PolicyPort): this {
    checkPeer(this, 'allowTo.peer', peer);
    checkPort(this, 'allowTo.port', port);
    addRule(this.egressRules, peerJson(this.namespace, peer), { port, protocol: 'TCP' });
    return this;
  }

  /** Lets the workload call addresses in `cidr` (minus `except`) on `port`, e.g. an external database. */
  public allowToCidr(cidr: string, port: number, except: readonly string[] = []): this {
    checkCidr(this, 'allowToCidr.cidr', cidr);
    checkPort(this, 'allowToCidr.port', port);
    for (const range of except) {
      checkCidr(this, 'allowToCidr.except', range);
      if (!cidrWithin(range, cidr))
        invalidProp(this, 'allowToCidr.except', range, `must lie inside ${cidr} (the API server rejects it otherwise)`);
    }
    const ipBlock = except.length > 0 ? { cidr, except: [...except] } : { cidr };
    addRule(this.egressRules, { ipBlock }, { port, protocol: 'TCP' });
    return this;
  }

  /** Lets the workload query the cluster DNS on UDP and TCP 53 (on by default). */
  public allowToDns(dns: DnsServer = KUBE_DNS): this {
    checkNamespace(this, 'dns.namespace', dns.namespace);
    checkLabels(this, 'dns.podLabels', dns.podLabels);
    this.dns = dns;
    return this;
  }

  private renderSpec(): Record<string, unknown> {
    if (!this.ingressNone && this.ingressRules.size === 0) {
      invalidProp(this, 'ingress', [], "no caller declared: call allowFrom() or set ingress: 'none' for a workload nothing calls");
    }
    const egress = [...(this.dns ? [dnsEgressRule(this.namespace, this.dns)] : []), ...renderRules(this.egressRules, 'to')];
    if (egress.length === 0) {
      invalidProp(this, 'egress', [], 'no egress at all, not even DNS: declare a callee or keep the DNS rule');
    }
    const spec = {
      podSelector: { matchLabels: { ...peerPodLabels(this.workload) } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: renderRules(this.ingressRules, 'from'),
      egress,
    };
    new NetworkPolicy({ metadata: { name: this.policyName, namespace: this.namespace }, spec } as never).validate();
    return spec;
  }
}

function describe(source: IngressSource): string {
  return source instanceof NamespacePeer ? `namespace ${source.namespace}` : `${source.namespace}/${source.peerName}`;
}

/** Merges ports of the same peer into one rule, in declaration order, without duplicates. */
function addRule(rules: Map<string, RuleDraft>, peer: Record<string, unknown>, port: Record<string, unknown>): void {
  const key = JSON.stringify(peer);
  const rule = rules.get(key) ?? { peer, ports: [] };
  if (!rule.ports.some((existing) => JSON.stringify(existing) === JSON.stringify(port))) rule.ports.push(port);
  rules.set(key, rule);
}

function renderRules(rules: Map<string, RuleDraft>, direction: 'from' | 'to'): Array<Record<string, unknown>> {
  return [...rules.values()].map(({ peer, ports }) => ({ [direction]: [peer], ports }));
}

function checkCidr(scope: Construct, prop: string, cidr: string): void {
  const [address, bits, ...rest] = cidr.split('/');
  const family = isIP(address ?? '');
  const maxBits = family === 6 ? 128 : 32;
  if (family === 0 || bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > maxBits) {
    invalidProp(scope, prop, cidr, 'not a CIDR range such as 10.0.0.0/8');
  }
}

/** Whether `inner` lies inside `outer` (IPv4 checked exactly; IPv6 left to the API server). */
function cidrWithin(inner: string, outer: string): boolean {
  const [innerAddress, innerBits] = inner.split('/');
  const [, outerBits] = outer.split('/');
  if (isIP(innerAddress!) !== isIP(outer.split('/')[0]!)) return false;
  if (isIP(innerAddress!) === 6) return true;
  return Number(innerBits) >= Number(outerBits) && cidrContains(outer, innerAddress!);
}
