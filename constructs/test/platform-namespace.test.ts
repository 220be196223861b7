import { expect } from 'chai';
import { Chart, Testing } from 'cdk8s';
import { NamespacePeer } from '../network-peers.js';
import { HardeningValidation, formatFinding } from '../policy/index.js';
import { isAllowed, namespacesOf } from '../network-policy-eval.js';
import type { PodEndpoint } from '../network-policy-eval.js';
import { PlatformNamespace } from '../platform-namespace.js';
import type { PlatformNamespaceProps } from '../platform-namespace.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const base: PlatformNamespaceProps = { name: 'todo', partOf: 'todo', version: '1.2.3' };

function synth(props: Partial<PlatformNamespaceProps> = {}, chartNamespace?: string): Manifest[] {
  const chart = new Chart(Testing.app(), 'test', chartNamespace ? { namespace: chartNamespace } : {});
  new PlatformNamespace(chart, 'Namespace', { ...base, ...props });
  return Testing.synth(chart);
}

const byName = (objects: Manifest[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe('PlatformNamespace', () => {
  it('labels the namespace for Pod Security Admission restricted, pinned to latest by default', () => {
    const namespace = only(synth(), 'Namespace');
    expect(namespace.metadata.name).to.equal('todo');
    expect(namespace.metadata).to.not.have.property('namespace');
    expect(namespace.metadata.labels).to.include({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/audit-version': 'latest',
      'pod-security.kubernetes.io/warn-version': 'latest',
      'app.kubernetes.io/name': 'todo',
      'app.kubernetes.io/part-of': 'todo',
      'app.kubernetes.io/version': '1.2.3',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    const pinned = only(synth({ podSecurityVersion: 'v1.30' }), 'Namespace');
    expect(pinned.metadata.labels['pod-security.kubernetes.io/warn-version']).to.equal('v1.30');
  });

  it('stays cluster-scoped inside a chart with a default namespace, while its guards are namespaced', () => {
    const objects = synth({}, 'elsewhere');
    expect(only(objects, 'Namespace').metadata).to.not.have.property('namespace');
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).to.equal('todo');
      expect(object.metadata.labels['app.kubernetes.io/component']).to.equal('namespace');
    }
  });

  it('sets a ResourceQuota that forbids LoadBalancer and NodePort Services, with overrides', () => {
    expect(only(synth(), 'ResourceQuota').spec.hard).to.deep.equal({
      'requests.cpu': '4',
      'requests.memory': '8Gi',
      'limits.cpu': '8',
      'limits.memory': '16Gi',
      'requests.ephemeral-storage': '10Gi',
      'limits.ephemeral-storage': '20Gi',
      pods: '50',
      'services.loadbalancers': '0',
      'services.nodeports': '0',
    });
    const custom = only(synth({ quota: { limitsCpu: '16', pods: 10, servicesLoadBalancers: 1 } }), 'ResourceQuota').spec.hard;
    expect(custom).to.include({ 'limits.cpu': '16', pods: '10', 'services.loadbalancers': '1', 'requests.cpu': '4' });
  });

  it('gives containers default requests and limits, ephemeral storage included', () => {
    expect(only(synth(), 'LimitRange').spec.limits).to.deep.equal([
      {
        type: 'Container',
        defaultRequest: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
        default: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '256Mi' },
      },
    ]);
    const custom = only(synth({ containerDefaults: { memory: { request: '64Mi', limit: '1Gi' } } }), 'LimitRange').spec.limits[0];
    expect(custom.default.memory).to.equal('1Gi');
    expect(custom.default.cpu).to.equal('500m');
  });

  it('denies all traffic both ways except DNS', () => {
    const objects = synth();
    const deny = byName(objects, 'NetworkPolicy', 'default-deny')!;
    expect(deny.spec).to.deep.equal({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dnsPolicy = byName(objects, 'NetworkPolicy', 'allow-dns')!;
    expect(dnsPolicy.spec.policyTypes).to.deep.equal(['Egress']);
    const namespaces = { ...namespacesOf(objects), 'kube-system': {} };
    const a: PodEndpoint = { namespace: 'todo', labels: { 'app.kubernetes.io/name': 'a' } };
    const b: PodEndpoint = { namespace: 'todo', labels: { 'app.kubernetes.io/name': 'b' } };
    const dns: PodEndpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    const fakeDns: PodEndpoint = { namespace: 'todo', labels: { 'k8s-app': 'kube-dns' } };
    expect(isAllowed(objects, namespaces, a, b, 8080)).to.equal(false);
    expect(isAllowed(objects, namespaces, b, a, 8080)).to.equal(false);
    expect(isAllowed(objects, namespaces, { namespace: 'kube-system', labels: {} }, a, 8080), 'from outside').to.equal(false);
    expect(isAllowed(objects, namespaces, a, { ip: '203.0.113.7' }, 443), 'to the internet').to.equal(false);
    expect(isAllowed(objects, namespaces, a, dns, 53, 'UDP')).to.equal(true);
    expect(isAllowed(objects, namespaces, a, dns, 53, 'TCP')).to.equal(true);
    expect(isAllowed(objects, namespaces, a, dns, 443), 'dns pods on another port').to.equal(false);
    expect(isAllowed(objects, namespaces, a, fakeDns, 53, 'UDP'), 'look-alike pod in the namespace').to.equal(false);
    expect(byName(objects, 'NetworkPolicy', 'allow-acme-http01-solver'), 'no solver policy unless asked').to.equal(undefined);
  });

  it('optionally lets the ingress controller reach ACME http01 solver pods on 8089 only', () => {
    const objects = synth({
      acmeSolver: { ingressController: new NamespacePeer('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }) },
    });
    const policy = byName(objects, 'NetworkPolicy', 'allow-acme-http01-solver')!;
    expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } });
    const namespaces = { ...namespacesOf(objects), 'ingress-nginx': {} };
    const solver: PodEndpoint = { namespace: 'todo', labels: { 'acme.cert-manager.io/http01-solver': 'true' } };
    const controller: PodEndpoint = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    expect(isAllowed(objects, namespaces, controller, solver, 8089)).to.equal(true);
    expect(isAllowed(objects, namespaces, controller, solver, 8080), 'other port').to.equal(false);
    expect(
      isAllowed(objects, namespaces, { namespace: 'ingress-nginx', labels: { app: 'other' } }, solver, 8089),
      'other pod of that namespace',
    ).to.equal(false);
    expect(isAllowed(objects, namespaces, { namespace: 'todo', labels: {} }, solver, 8089), 'pods of the namespace itself').to.equal(false);
    expect(isAllowed(objects, namespaces, solver, controller, 80), 'solver has no egress').to.equal(false);
  });

  it('exposes its name and policy names', () => {
    const chart = Testing.chart();
    const namespace = new PlatformNamespace(chart, 'Namespace', base);
    expect(namespace.name).to.equal('todo');
    expect(namespace.policyNames).to.deep.equal(['default-deny', 'allow-dns']);
  });

  it('passes the synth-time hardening check (N06 default-deny, N07, N09, K01 schemas)', async () => {
    const objects = synth({ acmeSolver: { ingressController: new NamespacePeer('ingress-nginx') } });
    expect((await new HardeningValidation().check(objects)).map(formatFinding)).to.deep.equal([]);
  });

  it('matches the snapshot', () => {
    expectSnapshot('platform-namespace', synth({ acmeSolver: { ingressController: new NamespacePeer('ingress-nginx') } }));
  });

  describe('rejects bad props with the construct path and the value', () => {
    const cases: Array<[string, Partial<PlatformNamespaceProps>, string]> = [
      ['default namespace', { name: 'default' }, 'test/Namespace: invalid name "default": objects never go to the default namespace'],
      ['kube- prefix', { name: 'kube-todo' }, 'test/Namespace: invalid name "kube-todo": the kube- prefix is reserved'],
      ['uppercase name', { name: 'Todo' }, 'test/Namespace: invalid name "Todo": a namespace must be an RFC 1123 label'],
      ['PSA version', { podSecurityVersion: '1.30' }, 'test/Namespace: invalid podSecurityVersion "1.30"'],
      [
        'bad quantity',
        { quota: { requestsMemory: '8 GB' } },
        'test/Namespace: invalid quota.requestsMemory "8 GB": must be a positive Kubernetes quantity',
      ],
      [
        'quota limit below request',
        { quota: { requestsCpu: '10' } },
        'test/Namespace: invalid quota.limitsCpu "8": is below quota.requestsCpu "10"',
      ],
      ['no pods', { quota: { pods: 0 } }, 'test/Namespace: invalid quota.pods 0'],
      [
        'negative load balancers',
        { quota: { servicesLoadBalancers: -1 } },
        'test/Namespace: invalid quota.servicesLoadBalancers -1: must be a non-negative integer',
      ],
      [
        'default limit below request',
        { containerDefaults: { cpu: { request: '1', limit: '500m' } } },
        'test/Namespace: invalid containerDefaults.cpu.limit "500m": is below the request "1"',
      ],
      [
        'version not a label value',
        { version: '1.2.3+build' },
        'test/Namespace: invalid version "1.2.3+build": not a valid value for label app.kubernetes.io/version',
      ],
      ['bad dns namespace', { dns: { namespace: 'Kube System', podLabels: {} } }, 'test/Namespace: invalid dns.namespace "Kube System"'],
    ];
    for (const [name, props, message] of cases) {
      it(name, () => expect(() => synth(props)).to.throw(message));
    }
  });
});
