import { isIP } from 'node:net';
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { invalidProp } from './errors.js';
import { cidrContains } from './network-policy-eval.js';
import { NamespacePeer, KUBE_DNS, checkLabels, identityLabels, checkNamespace, checkPeer, checkPort, dnsEgressRule, peerJson, peerPodLabels } from './network-peers.js';
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
    policyName;
    namespace;
    /** The NetworkPolicy object. */
    policy;
    workload;
    ingressRules = new Map();
    egressRules = new Map();
    ingressNone;
    dns;
    constructor(scope, id, props) {
        super(scope, id);
        checkPeer(this, 'workload', props.workload);
        if (props.identity.name !== props.workload.peerName) {
            invalidProp(this, 'identity.name', props.identity.name, `must equal the workload's peerName "${props.workload.peerName}" (the labels would describe other pods)`);
        }
        const labels = identityLabels(this, props.identity, 'identity.');
        this.workload = props.workload;
        this.namespace = props.workload.namespace;
        this.policyName = props.workload.peerName;
        this.ingressNone = props.ingress === 'none';
        this.dns = false;
        if (props.dns !== false)
            this.allowToDns(props.dns ?? KUBE_DNS);
        if (Array.isArray(props.ingress))
            props.ingress.forEach(({ from, port }) => this.allowFrom(from, port));
        props.egress?.forEach(({ to, port }) => this.allowTo(to, port));
        props.egressToCidrs?.forEach(({ cidr, port, except }) => this.allowToCidr(cidr, port, except));
        this.policy = new ApiObject(this, 'Resource', {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: this.policyName, namespace: this.namespace, labels },
            spec: Lazy.any({ produce: () => this.renderSpec() }),
        });
    }
    /** Lets `source` call the workload on `port` (a number or the workload's container port name). */
    allowFrom(source, port) {
        if (this.ingressNone)
            invalidProp(this, 'allowFrom', describe(source), "the policy was declared with ingress: 'none'");
        checkPeer(this, 'allowFrom.source', source);
        checkPort(this, 'allowFrom.port', port);
        addRule(this.ingressRules, peerJson(this.namespace, source), { port, protocol: 'TCP' });
        return this;
    }
    /** Lets the workload call `peer` on `port` (a number or the callee's container port name). */
    allowTo(peer, port) {
        checkPeer(this, 'allowTo.peer', peer);
        checkPort(this, 'allowTo.port', port);
        addRule(this.egressRules, peerJson(this.namespace, peer), { port, protocol: 'TCP' });
        return this;
    }
    /** Lets the workload call addresses in `cidr` (minus `except`) on `port`, e.g. an external database. */
    allowToCidr(cidr, port, except = []) {
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
    allowToDns(dns = KUBE_DNS) {
        checkNamespace(this, 'dns.namespace', dns.namespace);
        checkLabels(this, 'dns.podLabels', dns.podLabels);
        this.dns = dns;
        return this;
    }
    renderSpec() {
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
        new NetworkPolicy({ metadata: { name: this.policyName, namespace: this.namespace }, spec }).validate();
        return spec;
    }
}
function describe(source) {
    return source instanceof NamespacePeer ? `namespace ${source.namespace}` : `${source.namespace}/${source.peerName}`;
}
/** Merges ports of the same peer into one rule, in declaration order, without duplicates. */
function addRule(rules, peer, port) {
    const key = JSON.stringify(peer);
    const rule = rules.get(key) ?? { peer, ports: [] };
    if (!rule.ports.some((existing) => JSON.stringify(existing) === JSON.stringify(port)))
        rule.ports.push(port);
    rules.set(key, rule);
}
function renderRules(rules, direction) {
    return [...rules.values()].map(({ peer, ports }) => ({ [direction]: [peer], ports }));
}
function checkCidr(scope, prop, cidr) {
    const [address, bits, ...rest] = cidr.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    if (family === 0 || bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > maxBits) {
        invalidProp(scope, prop, cidr, 'not a CIDR range such as 10.0.0.0/8');
    }
}
/** Whether `inner` lies inside `outer` (IPv4 checked exactly; IPv6 left to the API server). */
function cidrWithin(inner, outer) {
    const [innerAddress, innerBits] = inner.split('/');
    const [, outerBits] = outer.split('/');
    if (isIP(innerAddress) !== isIP(outer.split('/')[0]))
        return false;
    if (isIP(innerAddress) === 6)
        return true;
    return Number(innerBits) >= Number(outerBits) && cidrContains(outer, innerAddress);
}
