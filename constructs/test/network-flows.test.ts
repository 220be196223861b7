import { expect } from 'chai';
import { formatFlows, networkFlows } from '../network-flows.js';

const ns = 'shop';
const deployment = (name: string, ports: { name: string; containerPort: number }[] = []) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: { containers: [{ name, ports }] } } },
});
const cronJob = (name: string) => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace: ns },
  spec: {
    jobTemplate: { spec: { template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: { containers: [{ name }] } } } },
  },
});
const select = (name: string) => ({ matchLabels: { 'app.kubernetes.io/name': name } });
const policy = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec: { policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [], ...spec },
});
const inNamespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });

const objects = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
  deployment('web', [{ name: 'http', containerPort: 8080 }]),
  deployment('api', [{ name: 'http', containerPort: 9090 }]),
  cronJob('report'),
  policy('default-deny', { podSelector: {} }),
  policy('web', {
    podSelector: select('web'),
    ingress: [{ from: [{ ...inNamespace('ingress-nginx'), podSelector: select('ingress-nginx') }], ports: [{ port: 'http' }] }],
    egress: [{ to: [{ podSelector: select('api') }], ports: [{ port: 9090 }] }],
  }),
  policy('api', {
    podSelector: select('api'),
    ingress: [{ from: [{ podSelector: select('web') }], ports: [{ port: 'http' }] }],
    egress: [
      { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'db' } } }], ports: [{ port: 5432 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] },
    ],
  }),
  // Pods an operator makes: no template in the manifests, only the policy that guards them.
  policy('db', {
    podSelector: { matchLabels: { 'cnpg.io/cluster': 'db' } },
    ingress: [{ from: [{ podSelector: select('api') }], ports: [{ port: 5432 }] }],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.8.0/24' } }], ports: [{ port: 443 }] }],
  }),
  policy('report', {
    podSelector: select('report'),
    egress: [{ to: [{ podSelector: select('api') }], ports: [{ port: 9090, protocol: 'TCP' }] }],
  }),
  policy('dns', {
    podSelector: {},
    egress: [
      {
        to: [{ ...inNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }],
      },
    ],
  }),
];

describe('networkFlows', () => {
  const flows = networkFlows(objects).map((f) => `${f.from} -> ${f.to}:${f.port}/${f.protocol}`);

  it('lists exactly the allowed connections between workloads, operator-made pods, other namespaces and address ranges', () => {
    expect(flows).to.deep.equal([
      // 0.0.0.0/0 on 443 includes the object store's range.
      'api -> 10.0.8.0/24:443/TCP',
      'api -> db:5432/TCP',
      'api -> internet:443/TCP',
      'api -> kube-system/kube-dns:53/UDP',
      'db -> 10.0.8.0/24:443/TCP',
      'db -> kube-system/kube-dns:53/UDP',
      'ingress-nginx/ingress-nginx -> web:8080/TCP',
      'report -> kube-system/kube-dns:53/UDP',
      'web -> api:9090/TCP',
      'web -> kube-system/kube-dns:53/UDP',
    ]);
  });

  it('needs both sides: the report job may send to the api, but the api lets only web in', () => {
    expect(flows.some((f) => f.startsWith('report -> api'))).to.equal(false);
    const apiAdmitsReport = objects.map((o) =>
      o.kind === 'NetworkPolicy' && o.metadata.name === 'api'
        ? policy('api', {
            podSelector: select('api'),
            ingress: [{ from: [{ podSelector: select('web') }, { podSelector: select('report') }], ports: [{ port: 'http' }] }],
          })
        : o,
    );
    expect(networkFlows(apiAdmitsReport).map((f) => `${f.from} -> ${f.to}:${f.port}`)).to.include('report -> api:9090');
  });

  it('formats one aligned row per pair, with all its ports', () => {
    const rows = formatFlows(networkFlows(objects))
      .split('\n')
      .map((row) => row.replace(/ +/g, ' '));
    expect(rows[0]).to.equal('FROM TO PORTS');
    expect(rows).to.include('api kube-system/kube-dns 53/UDP');
    const withTwoPorts = formatFlows([
      { from: 'a', to: 'b', port: 53, protocol: 'TCP' },
      { from: 'a', to: 'b', port: 53, protocol: 'UDP' },
    ]);
    expect(withTwoPorts.split('\n')[1]).to.equal('a     b   53/TCP, 53/UDP');
  });
});
