import { Construct } from 'constructs';
import { LimitRange } from 'kubernetes-models/v1/LimitRange';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ResourceQuota } from 'kubernetes-models/v1/ResourceQuota';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { invalidProp } from './errors.js';
import { addModelObject } from './model-object.js';
import { KUBE_DNS, checkLabels, identityLabels, checkNamespace, dnsEgressRule, podPeerJson } from './network-peers.js';
import { parseQuantity } from './quantity.js';
const PSA_VERSION = /^(latest|v1\.\d+)$/;
const DEFAULT_QUOTA = {
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
const DEFAULT_CONTAINER = {
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
    name;
    /** The Namespace object. */
    namespace;
    /** Names of the NetworkPolicies the namespace starts with. */
    policyNames;
    constructor(scope, id, props) {
        super(scope, id);
        checkNamespace(this, 'name', props.name);
        if (props.name.startsWith('kube-'))
            invalidProp(this, 'name', props.name, 'the kube- prefix is reserved for the system');
        const psaVersion = props.podSecurityVersion ?? 'latest';
        if (!PSA_VERSION.test(psaVersion))
            invalidProp(this, 'podSecurityVersion', psaVersion, "must be 'latest' or a version like 'v1.30'");
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
        const meta = (name) => ({ name, namespace: props.name, labels });
        const psa = {};
        for (const mode of ['enforce', 'audit', 'warn']) {
            psa[`pod-security.kubernetes.io/${mode}`] = 'restricted';
            psa[`pod-security.kubernetes.io/${mode}-version`] = psaVersion;
        }
        this.namespace = addModelObject(this, 'Namespace', new Namespace({ metadata: { name: props.name, labels: { ...labels, ...psa } } }), {
            clusterScoped: true,
        });
        addModelObject(this, 'ResourceQuota', new ResourceQuota({
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
        }));
        addModelObject(this, 'LimitRange', new LimitRange({
            metadata: meta('container-defaults'),
            spec: {
                limits: [
                    {
                        type: 'Container',
                        defaultRequest: { cpu: limits.cpu.request, memory: limits.memory.request, 'ephemeral-storage': limits.ephemeralStorage.request },
                        default: { cpu: limits.cpu.limit, memory: limits.memory.limit, 'ephemeral-storage': limits.ephemeralStorage.limit },
                    },
                ],
            },
        }));
        const policies = [
            // Every pod of the namespace is isolated both ways; workloads open exactly their own flows.
            ['DefaultDeny', new NetworkPolicy({ metadata: meta('default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } })],
            [
                'AllowDns',
                new NetworkPolicy({
                    metadata: meta('allow-dns'),
                    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [dnsEgressRule(props.name, dns)] },
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
                                from: [podPeerJson(props.name, controller.namespace, controller.podLabels)],
                                ports: [{ port: ACME_SOLVER_PORT, protocol: 'TCP' }],
                            },
                        ],
                    },
                }),
            ]);
        }
        for (const [id, policy] of policies)
            addModelObject(this, id, policy);
        this.policyNames = policies.map(([, policy]) => policy.metadata.name);
    }
    checkQuota(quota) {
        const quantities = [
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
        for (const field of ['pods', 'servicesLoadBalancers', 'servicesNodePorts']) {
            const value = quota[field];
            if (!Number.isInteger(value) || value < 0)
                invalidProp(this, `quota.${field}`, value, 'must be a non-negative integer');
        }
        if (quota.pods < 1)
            invalidProp(this, 'quota.pods', quota.pods, 'a namespace that admits no pods cannot run anything');
        for (const resource of ['Cpu', 'Memory', 'EphemeralStorage']) {
            const request = quota[`requests${resource}`];
            const limit = quota[`limits${resource}`];
            if (parseQuantity(limit) < parseQuantity(request)) {
                invalidProp(this, `quota.limits${resource}`, limit, `is below quota.requests${resource} "${request}"`);
            }
        }
    }
    checkContainerDefaults(defaults) {
        for (const resource of ['cpu', 'memory', 'ephemeralStorage']) {
            const { request, limit } = defaults[resource];
            const requested = parseQuantity(request);
            const limited = parseQuantity(limit);
            if (requested === undefined || requested <= 0)
                invalidProp(this, `containerDefaults.${resource}.request`, request, 'must be a positive Kubernetes quantity');
            if (limited === undefined || limited <= 0)
                invalidProp(this, `containerDefaults.${resource}.limit`, limit, 'must be a positive Kubernetes quantity');
            if (limited < requested)
                invalidProp(this, `containerDefaults.${resource}.limit`, limit, `is below the request "${request}"`);
        }
    }
}
