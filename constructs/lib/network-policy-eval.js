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
const METADATA_NAME = 'kubernetes.io/metadata.name';
function isPod(endpoint) {
    return 'namespace' in endpoint;
}
/** Whether a selector matches a label set (`{}` matches everything). */
export function selectorMatches(selector, labels) {
    for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
        if (labels[key] !== value)
            return false;
    }
    for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
        const has = Object.hasOwn(labels, key);
        switch (operator) {
            case 'In':
                if (!has || !values.includes(labels[key]))
                    return false;
                break;
            case 'NotIn':
                if (has && values.includes(labels[key]))
                    return false;
                break;
            case 'Exists':
                if (!has)
                    return false;
                break;
            case 'DoesNotExist':
                if (has)
                    return false;
                break;
            default:
                throw new Error(`unknown label selector operator ${JSON.stringify(operator)}`);
        }
    }
    return true;
}
function ipv4ToNumber(ip) {
    const parts = ip.split('.');
    if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
        throw new Error(`not an IPv4 address: ${JSON.stringify(ip)}`);
    }
    return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}
/** Whether an IPv4 address lies in a CIDR range. */
export function cidrContains(cidr, ip) {
    const [base, bitsText] = cidr.split('/');
    const bits = Number(bitsText ?? '32');
    if (!Number.isInteger(bits) || bits < 0 || bits > 32)
        throw new Error(`not a CIDR: ${JSON.stringify(cidr)}`);
    const size = 2 ** (32 - bits);
    return Math.floor(ipv4ToNumber(base) / size) === Math.floor(ipv4ToNumber(ip) / size);
}
function namespaceLabels(namespaces, name) {
    return { ...(namespaces[name] ?? {}), [METADATA_NAME]: name };
}
function peerMatches(peer, policyNamespace, endpoint, namespaces) {
    if (peer.ipBlock) {
        if (endpoint.ip === undefined)
            return false;
        return (cidrContains(peer.ipBlock.cidr, endpoint.ip) &&
            !(peer.ipBlock.except ?? []).some((range) => cidrContains(range, endpoint.ip)));
    }
    if (!isPod(endpoint))
        return false;
    if (peer.namespaceSelector) {
        if (!selectorMatches(peer.namespaceSelector, namespaceLabels(namespaces, endpoint.namespace)))
            return false;
    }
    else if (endpoint.namespace !== policyNamespace) {
        return false;
    }
    return peer.podSelector ? selectorMatches(peer.podSelector, endpoint.labels) : true;
}
function portMatches(rulePorts, destination, port, protocol) {
    if (!rulePorts || rulePorts.length === 0)
        return true;
    return rulePorts.some((rulePort) => {
        if ((rulePort.protocol ?? 'TCP') !== protocol)
            return false;
        if (rulePort.port === undefined)
            return true;
        if (typeof rulePort.port === 'string') {
            if (!isPod(destination))
                return false;
            return (destination.ports ?? []).some((named) => named.name === rulePort.port && named.port === port && (named.protocol ?? 'TCP') === protocol);
        }
        return rulePort.endPort === undefined ? rulePort.port === port : port >= rulePort.port && port <= rulePort.endPort;
    });
}
function policyTypes(policy) {
    return policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}
function policyName(policy) {
    return `${policy.metadata?.namespace ?? ''}/${policy.metadata?.name ?? ''}`;
}
function selecting(policies, pod, direction) {
    return policies.filter((policy) => policy.kind === 'NetworkPolicy' &&
        policy.metadata?.namespace === pod.namespace &&
        policyTypes(policy).includes(direction) &&
        selectorMatches(policy.spec?.podSelector ?? {}, pod.labels));
}
const OPEN = { allowed: true, isolated: false, allowedBy: [] };
function egressVerdict(policies, flow, namespaces, protocol) {
    if (!isPod(flow.from))
        return OPEN;
    const isolating = selecting(policies, flow.from, 'Egress');
    if (isolating.length === 0)
        return OPEN;
    const allowedBy = isolating
        .filter((policy) => (policy.spec?.egress ?? []).some((rule) => (rule.to === undefined || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, policy.metadata.namespace, flow.to, namespaces))) &&
        portMatches(rule.ports, flow.to, flow.port, protocol)))
        .map(policyName);
    return { allowed: allowedBy.length > 0, isolated: true, allowedBy };
}
function ingressVerdict(policies, flow, namespaces, protocol) {
    if (!isPod(flow.to))
        return OPEN;
    const isolating = selecting(policies, flow.to, 'Ingress');
    if (isolating.length === 0)
        return OPEN;
    const allowedBy = isolating
        .filter((policy) => (policy.spec?.ingress ?? []).some((rule) => (rule.from === undefined || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, policy.metadata.namespace, flow.from, namespaces))) &&
        portMatches(rule.ports, flow.to, flow.port, protocol)))
        .map(policyName);
    return { allowed: allowedBy.length > 0, isolated: true, allowedBy };
}
/**
 * Evaluates one flow against a set of objects (non-NetworkPolicy objects are ignored, so a whole
 * synthesized manifest can be passed as is).
 */
export function evaluateFlow(objects, namespaces, flow) {
    const policies = objects;
    const protocol = flow.protocol ?? 'TCP';
    const egress = egressVerdict(policies, flow, namespaces, protocol);
    const ingress = ingressVerdict(policies, flow, namespaces, protocol);
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}
/** Whether `from` may open a connection to `to` on `port` under these policies. */
export function isAllowed(objects, namespaces, from, to, port, protocol = 'TCP') {
    return evaluateFlow(objects, namespaces, { from, to, port, protocol }).allowed;
}
/** The namespaces' labels, read from the Namespace objects of a synthesized manifest. */
export function namespacesOf(objects) {
    const result = {};
    for (const object of objects) {
        if (object.kind === 'Namespace' && object.metadata?.name) {
            result[object.metadata.name] = { ...(object.metadata.labels ?? {}) };
        }
    }
    return result;
}
/**
 * Every allowed `from -> to:port` among these endpoints and ports (self-flows included), sorted:
 * a test can compare it to the exact list of intended flows, so an unintended allow and a
 * missing allow both fail the same assertion.
 */
export function allowedFlows(objects, namespaces, endpoints, ports, protocol = 'TCP') {
    const flows = [];
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
