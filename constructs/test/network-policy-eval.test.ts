import { expect } from 'chai';
import { allowedFlows, cidrContains, evaluateFlow, isAllowed, namespacesOf, selectorMatches } from '../network-policy-eval.js';
import type { PodEndpoint } from '../network-policy-eval.js';

// Hand-written policies (not from the constructs), so the evaluator is tested on its own.
const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace, name },
  spec,
});
const denyAll = (namespace: string) => policy(namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

const web: PodEndpoint = { namespace: 'shop', labels: { app: 'web', tier: 'front' }, ports: [{ name: 'http', port: 8080 }] };
const api: PodEndpoint = {
  namespace: 'shop',
  labels: { app: 'api', tier: 'back' },
  ports: [
    { name: 'http', port: 8081 },
    { name: 'metrics', port: 9090 },
  ],
};
const intruder: PodEndpoint = { namespace: 'other', labels: { app: 'web', tier: 'front' } };
const namespaces = { shop: { team: 'a' }, other: { team: 'b' }, monitoring: { team: 'ops' } };

describe('network-policy-eval', () => {
  it('allows everything when no policy selects either pod', () => {
    expect(isAllowed([], namespaces, web, api, 8081)).to.equal(true);
    const verdict = evaluateFlow([], namespaces, { from: web, to: api, port: 8081 });
    expect(verdict.egress.isolated).to.equal(false);
    expect(verdict.ingress.isolated).to.equal(false);
  });

  it('denies both directions under default-deny, and only that namespace', () => {
    const policies = [denyAll('shop')];
    expect(isAllowed(policies, namespaces, web, api, 8081)).to.equal(false);
    expect(isAllowed(policies, namespaces, api, web, 8080)).to.equal(false);
    expect(isAllowed(policies, namespaces, web, web, 8080), 'even to itself').to.equal(false);
    // A pod in another namespace may send (its egress is open) but shop's pods refuse it.
    const verdict = evaluateFlow(policies, namespaces, { from: intruder, to: api, port: 8081 });
    expect(verdict.egress).to.deep.equal({ allowed: true, isolated: false, allowedBy: [] });
    expect(verdict.ingress).to.deep.equal({ allowed: false, isolated: true, allowedBy: [] });
  });

  it('needs both the egress of the source and the ingress of the destination', () => {
    const apiIngress = policy('shop', 'api', {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8081 }] }],
    });
    const webEgress = policy('shop', 'web', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 8081, protocol: 'TCP' }] }],
    });
    expect(isAllowed([denyAll('shop'), apiIngress], namespaces, web, api, 8081), 'egress still denied').to.equal(false);
    expect(isAllowed([denyAll('shop'), webEgress], namespaces, web, api, 8081), 'ingress still denied').to.equal(false);
    const both = evaluateFlow([denyAll('shop'), apiIngress, webEgress], namespaces, { from: web, to: api, port: 8081 });
    expect(both.allowed).to.equal(true);
    expect(both.egress.allowedBy).to.deep.equal(['shop/web']);
    expect(both.ingress.allowedBy).to.deep.equal(['shop/api']);
    expect(isAllowed([denyAll('shop'), apiIngress, webEgress], namespaces, web, api, 8080), 'other port').to.equal(false);
    expect(isAllowed([denyAll('shop'), apiIngress, webEgress], namespaces, api, web, 8080), 'reverse direction').to.equal(false);
  });

  it('keeps a podSelector-only peer to the policy namespace', () => {
    const policies = [
      policy('shop', 'api', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    ];
    expect(isAllowed(policies, namespaces, web, api, 8081)).to.equal(true);
    expect(isAllowed(policies, namespaces, intruder, api, 8081), 'same labels, other namespace').to.equal(false);
  });

  it('ANDs namespaceSelector and podSelector in one peer, ORs separate peers', () => {
    const and = [
      policy('shop', 'api', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } },
                podSelector: { matchLabels: { app: 'scraper' } },
              },
            ],
          },
        ],
      }),
    ];
    expect(isAllowed(and, namespaces, intruder, api, 8081), 'right namespace, wrong pod').to.equal(false);
    expect(isAllowed(and, namespaces, { namespace: 'other', labels: { app: 'scraper' } }, api, 8081)).to.equal(true);
    const or = [
      policy('shop', 'api', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }, { podSelector: { matchLabels: { app: 'scraper' } } }] }],
      }),
    ];
    expect(isAllowed(or, namespaces, intruder, api, 8081), 'any pod of a team-b namespace').to.equal(true);
    expect(
      isAllowed(or, namespaces, { namespace: 'monitoring', labels: { app: 'scraper' } }, api, 8081),
      'scraper of another namespace',
    ).to.equal(false);
  });

  it('matches selector expressions', () => {
    const labels = { app: 'api', tier: 'back' };
    expect(selectorMatches({}, labels)).to.equal(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['back', 'db'] }] }, labels)).to.equal(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] }, labels)).to.equal(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }] }, labels)).to.equal(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['x'] }] }, labels)).to.equal(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).to.equal(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).to.equal(false);
    expect(
      selectorMatches({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'x', operator: 'Exists' }] }, labels),
      'AND of both',
    ).to.equal(false);
    expect(() => selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Like' }] }, labels)).to.throw(
      'unknown label selector operator "Like"',
    );
  });

  it('resolves named ports on the destination, ranges and protocols', () => {
    const open = (ports: unknown[]) => [
      policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ ports }] }),
    ];
    expect(isAllowed(open([{ port: 'metrics' }]), namespaces, web, api, 9090)).to.equal(true);
    expect(isAllowed(open([{ port: 'metrics' }]), namespaces, web, api, 8081), 'name resolves to 9090 only').to.equal(false);
    expect(isAllowed(open([{ port: 9000, endPort: 9100 }]), namespaces, web, api, 9090)).to.equal(true);
    expect(isAllowed(open([{ port: 9000, endPort: 9100 }]), namespaces, web, api, 9101)).to.equal(false);
    expect(isAllowed(open([{ port: 53, protocol: 'UDP' }]), namespaces, web, api, 53, 'UDP')).to.equal(true);
    expect(isAllowed(open([{ port: 53, protocol: 'UDP' }]), namespaces, web, api, 53, 'TCP')).to.equal(false);
    expect(isAllowed(open([{ protocol: 'TCP' }]), namespaces, web, api, 1234), 'no port: all ports').to.equal(true);
  });

  it('matches external addresses by ipBlock minus except', () => {
    const policies = [
      denyAll('shop'),
      policy('shop', 'api-egress', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.9.0/24'] } }], ports: [{ port: 5432 }] }],
      }),
    ];
    expect(isAllowed(policies, namespaces, api, { ip: '10.20.1.5' }, 5432)).to.equal(true);
    expect(isAllowed(policies, namespaces, api, { ip: '10.20.9.5' }, 5432), 'excepted range').to.equal(false);
    expect(isAllowed(policies, namespaces, api, { ip: '10.21.0.1' }, 5432), 'outside cidr').to.equal(false);
    expect(isAllowed(policies, namespaces, web, { ip: '10.20.1.5' }, 5432), 'other pod').to.equal(false);
    expect(isAllowed(policies, namespaces, api, web, 5432), 'pods without an ip never match an ipBlock').to.equal(false);
    expect(cidrContains('0.0.0.0/0', '203.0.113.9')).to.equal(true);
    expect(() => cidrContains('10.0.0.0/40', '10.0.0.1')).to.throw('not a CIDR');
  });

  it('defaults policyTypes to Ingress, plus Egress when egress rules exist', () => {
    const ingressOnly = [policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } } })];
    expect(isAllowed(ingressOnly, namespaces, web, api, 8081), 'api isolated for ingress').to.equal(false);
    expect(isAllowed(ingressOnly, namespaces, api, web, 8080), 'api egress untouched').to.equal(true);
    const withEgress = [policy('shop', 'api', { podSelector: { matchLabels: { app: 'api' } }, egress: [] })];
    expect(isAllowed(withEgress, namespaces, api, web, 8080), 'egress isolated by its presence').to.equal(false);
  });

  it('reads namespace labels from Namespace objects and lists exactly the allowed flows', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'a' } } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ignored', namespace: 'shop' } },
      denyAll('shop'),
      policy('shop', 'web', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }],
      }),
      policy('shop', 'api', {
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { tier: 'front' } } }],
            ports: [{ port: 8081 }],
          },
        ],
      }),
    ];
    expect(namespacesOf(objects)).to.deep.equal({ shop: { team: 'a' } });
    const endpoints = [
      { name: 'web', endpoint: web },
      { name: 'api', endpoint: api },
    ];
    expect(allowedFlows(objects, namespacesOf(objects), endpoints, [8080, 8081, 9090])).to.deep.equal(['web -> api:8081']);
  });
});
