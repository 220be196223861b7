import { expect } from 'chai';
import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';
import type { INetworkPeer } from '../contracts.js';
import type { AppIdentity } from '../labels.js';
import { NamespacePeer } from '../network-peers.js';
import { allowedFlows, evaluateFlow, isAllowed, namespacesOf } from '../network-policy-eval.js';
import type { PodEndpoint } from '../network-policy-eval.js';
import { PlatformNamespace } from '../platform-namespace.js';
import { WorkloadNetworkPolicy } from '../workload-network-policy.js';
import type { WorkloadNetworkPolicyProps } from '../workload-network-policy.js';
import { expectSnapshot } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const peer = (peerName: string, namespace = 'todo'): INetworkPeer => ({ peerName, namespace });
const identity = (name: string): AppIdentity => ({ name, version: '1.2.3', component: 'api', partOf: 'todo' });
const api = peer('todo-api');
const gateway = peer('chat-gateway');
const ingressNginx = new NamespacePeer('ingress-nginx');

function policyFor(chart: Chart, props: Partial<WorkloadNetworkPolicyProps> & { workload?: INetworkPeer } = {}): WorkloadNetworkPolicy {
  const workload = props.workload ?? api;
  return new WorkloadNetworkPolicy(chart, 'Policy', { identity: identity(workload.peerName), ...props, workload });
}

function synthPolicy(chart: Chart): Manifest {
  const policies = Testing.synth(chart).filter((o: Manifest) => o.kind === 'NetworkPolicy');
  expect(policies).to.have.length(1);
  return policies[0];
}

describe('WorkloadNetworkPolicy', () => {
  it('selects on the one name label, lists both policyTypes and renders declared connections', () => {
    const chart = Testing.chart();
    policyFor(chart, {
      ingress: [
        { from: ingressNginx, port: 'http' },
        { from: gateway, port: 8080 },
      ],
    })
      .allowFrom(gateway, 'http')
      .allowFrom(gateway, 8080) // duplicate: merged away
      .allowTo(peer('postgres', 'db'), 5432)
      .allowToCidr('10.20.0.0/16', 5432, ['10.20.9.0/24']);
    const policy = synthPolicy(chart);
    expect(policy.apiVersion).to.equal('networking.k8s.io/v1');
    expect(policy.metadata).to.deep.include({ name: 'todo-api', namespace: 'todo' });
    expect(policy.metadata.labels['app.kubernetes.io/name']).to.equal('todo-api');
    expect(policy.metadata.labels['app.kubernetes.io/part-of']).to.equal('todo');
    expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'app.kubernetes.io/name': 'todo-api' } });
    expect(policy.spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
    expect(policy.spec.ingress).to.deep.equal([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'chat-gateway' } } }],
        ports: [
          { port: 8080, protocol: 'TCP' },
          { port: 'http', protocol: 'TCP' },
        ],
      },
    ]);
    expect(policy.spec.egress).to.deep.equal([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
          },
        ],
        ports: [
          { port: 53, protocol: 'UDP' },
          { port: 53, protocol: 'TCP' },
        ],
      },
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'db' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } },
          },
        ],
        ports: [{ port: 5432, protocol: 'TCP' }],
      },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.9.0/24'] } }], ports: [{ port: 5432, protocol: 'TCP' }] },
    ]);
  });

  it("with ingress: 'none' admits nobody but still resolves DNS", () => {
    const chart = Testing.chart();
    policyFor(chart, { workload: peer('worker'), ingress: 'none' });
    const policy = synthPolicy(chart);
    expect(policy.spec.ingress).to.deep.equal([]);
    expect(policy.spec.egress).to.have.length(1);
    expect(policy.spec.egress[0].ports).to.deep.equal([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
  });

  it('uses a custom DNS server and can drop DNS when other egress exists', () => {
    const custom = Testing.chart();
    policyFor(custom, { ingress: 'none', dns: { namespace: 'dns', podLabels: { app: 'coredns' } } });
    expect(synthPolicy(custom).spec.egress[0].to).to.deep.equal([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } },
    ]);
    const none = Testing.chart();
    policyFor(none, { ingress: 'none', dns: false, egressToCidrs: [{ cidr: '192.0.2.10/32', port: 443 }] });
    expect(synthPolicy(none).spec.egress).to.deep.equal([
      { to: [{ ipBlock: { cidr: '192.0.2.10/32' } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  });

  it('together with PlatformNamespace allows exactly the declared flows, both ways', () => {
    const chart = Testing.chart();
    new PlatformNamespace(chart, 'Namespace', { name: 'todo', partOf: 'todo', version: '1.2.3' });
    const frontend = peer('frontend');
    policyFor(chart, { workload: frontend, ingress: [{ from: ingressNginx, port: 8080 }] });
    new WorkloadNetworkPolicy(chart, 'Api', {
      workload: api,
      identity: identity('todo-api'),
      ingress: [
        { from: ingressNginx, port: 8080 },
        { from: gateway, port: 8080 },
      ],
    });
    new WorkloadNetworkPolicy(chart, 'Gateway', {
      workload: gateway,
      identity: identity('chat-gateway'),
      ingress: [{ from: ingressNginx, port: 8081 }],
      egress: [{ to: api, port: 8080 }],
    });
    const objects = Testing.synth(chart);
    const namespaces = { ...namespacesOf(objects), 'ingress-nginx': {}, 'kube-system': {} };
    const pod = (name: string, namespace = 'todo'): PodEndpoint => ({ namespace, labels: { 'app.kubernetes.io/name': name } });
    const endpoints = [
      { name: 'frontend', endpoint: pod('frontend') },
      { name: 'api', endpoint: pod('todo-api') },
      { name: 'gateway', endpoint: pod('chat-gateway') },
      { name: 'nginx', endpoint: pod('controller', 'ingress-nginx') },
      { name: 'stranger', endpoint: pod('todo-api', 'elsewhere') },
    ];
    // The nginx row is the controller's own (unrestricted) egress meeting our ingress rules.
    expect(allowedFlows(objects, namespaces, endpoints, [8080, 8081, 5432])).to.deep.equal([
      'gateway -> api:8080',
      'nginx -> api:8080',
      'nginx -> frontend:8080',
      'nginx -> gateway:8081',
      'nginx -> nginx:5432',
      'nginx -> nginx:8080',
      'nginx -> nginx:8081',
      'nginx -> stranger:5432',
      'nginx -> stranger:8080',
      'nginx -> stranger:8081',
      'stranger -> nginx:5432',
      'stranger -> nginx:8080',
      'stranger -> nginx:8081',
      'stranger -> stranger:5432',
      'stranger -> stranger:8080',
      'stranger -> stranger:8081',
    ]);
    const dns: PodEndpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    for (const name of ['frontend', 'todo-api', 'chat-gateway']) {
      expect(isAllowed(objects, namespaces, pod(name), dns, 53, 'UDP'), `${name} resolves names`).to.equal(true);
      expect(isAllowed(objects, namespaces, pod(name), dns, 80), `${name} -> dns:80`).to.equal(false);
      expect(isAllowed(objects, namespaces, pod(name), { ip: '203.0.113.7' }, 443), `${name} -> internet`).to.equal(false);
    }
    const verdict = evaluateFlow(objects, namespaces, { from: pod('chat-gateway'), to: pod('todo-api'), port: 8080 });
    expect(verdict.egress.allowedBy).to.deep.equal(['todo/chat-gateway']);
    expect(verdict.ingress.allowedBy).to.deep.equal(['todo/todo-api']);
  });

  it('matches the snapshot', () => {
    const chart = Testing.chart();
    policyFor(chart, { ingress: [{ from: ingressNginx, port: 'http' }], egressToCidrs: [{ cidr: '10.20.0.5/32', port: 5432 }] });
    expectSnapshot('workload-network-policy', Testing.synth(chart));
  });

  describe('rejects bad props with the construct path and the value', () => {
    const cases: Array<[string, (chart: Chart) => void, string]> = [
      ['port 0', (c) => policyFor(c).allowFrom(gateway, 0), 'test/Policy: invalid allowFrom.port 0: a port must be an integer in 1..65535'],
      [
        'port 65536',
        (c) => policyFor(c).allowTo(gateway, 65536),
        'test/Policy: invalid allowTo.port 65536: a port must be an integer in 1..65535',
      ],
      ['fractional port', (c) => policyFor(c, { ingress: [{ from: gateway, port: 80.5 }] }), 'test/Policy: invalid allowFrom.port 80.5'],
      [
        'long port name',
        (c) => policyFor(c).allowFrom(gateway, 'a-very-long-port-name'),
        'test/Policy: invalid allowFrom.port "a-very-long-port-name": a named port must be an IANA service name',
      ],
      [
        'bad cidr',
        (c) => policyFor(c).allowToCidr('10.0.0.0/33', 5432),
        'test/Policy: invalid allowToCidr.cidr "10.0.0.0/33": not a CIDR range',
      ],
      [
        'except outside',
        (c) => policyFor(c).allowToCidr('10.0.0.0/16', 5432, ['10.1.0.0/24']),
        'test/Policy: invalid allowToCidr.except "10.1.0.0/24": must lie inside 10.0.0.0/16',
      ],
      [
        'identity mismatch',
        (c) => new WorkloadNetworkPolicy(c, 'Policy', { workload: api, identity: identity('other') }),
        'test/Policy: invalid identity.name "other": must equal the workload\'s peerName "todo-api"',
      ],
      [
        'default namespace peer',
        (c) => policyFor(c).allowTo(peer('x', 'default'), 80),
        'test/Policy: invalid allowTo.peer.namespace "default": objects never go to the default namespace',
      ],
      ['bad peer name', (c) => policyFor(c).allowFrom(peer('Bad Name'), 80), 'test/Policy: invalid allowFrom.source.peerName "Bad Name"'],
      [
        'allowFrom after none',
        (c) => policyFor(c, { ingress: 'none' }).allowFrom(gateway, 80),
        'test/Policy: invalid allowFrom "todo/chat-gateway": the policy was declared with ingress: \'none\'',
      ],
      [
        'identity version',
        (c) =>
          new WorkloadNetworkPolicy(c, 'Policy', {
            workload: api,
            identity: { ...identity('todo-api'), version: 'v1 beta' },
            ingress: 'none',
          }),
        'test/Policy: invalid identity.version "v1 beta": not a valid value for label app.kubernetes.io/version',
      ],
      [
        'bad dns labels',
        (c) => policyFor(c, { dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'bad value!' } } }),
        'test/Policy: invalid dns.podLabels "bad value!"',
      ],
    ];
    for (const [name, build, message] of cases) {
      it(name, () => expect(() => build(Testing.chart())).to.throw(message));
    }

    it('no ingress declared fails at synth', () => {
      const chart = Testing.chart();
      policyFor(chart);
      expect(() => Testing.synth(chart)).to.throw(
        "test/Policy: invalid ingress []: no caller declared: call allowFrom() or set ingress: 'none'",
      );
    });

    it('no egress at all fails at synth', () => {
      const chart = Testing.chart();
      policyFor(chart, { ingress: 'none', dns: false });
      expect(() => Testing.synth(chart)).to.throw('test/Policy: invalid egress []: no egress at all, not even DNS');
    });
  });
});
