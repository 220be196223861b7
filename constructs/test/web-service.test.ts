import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';
import { InvalidPropsError } from '../errors.js';
import { NamespacePeer } from '../network-peers.js';
import { allowedFlows, namespacesOf } from '../network-policy-eval.js';
import type { NamedEndpoint } from '../network-policy-eval.js';
import { PlatformNamespace } from '../platform-namespace.js';
import { Probe } from '../probes.js';
import { ScalingMetric } from '../autoscaling.js';
import { HardeningValidation, formatFinding } from '../policy/index.js';
import { WebService } from '../web-service.js';
import type { WebServiceProps } from '../web-service.js';
import { WorkloadNetworkPolicy } from '../workload-network-policy.js';
import { environment, hardeningViolations } from './support/policy.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
  limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '256Mi' },
} as const;

function props(name: string, port: number, extra: Partial<WebServiceProps> = {}): WebServiceProps {
  return {
    name,
    namespace: 'todo',
    component: name.split('-').at(-1)!,
    partOf: 'todo',
    image: `ghcr.io/example/${name}:1.0.0`,
    resources: RESOURCES,
    ports: [{ name: 'http', port }],
    ...extra,
  };
}

const INGRESS_NGINX = new NamespacePeer('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
const DATABASE = { peerName: 'todo-db', namespace: 'todo', port: 5432 };

/** The todo platform's three services as the platform chart wires them. */
function platform(chart: Chart) {
  new PlatformNamespace(chart, 'Namespace', { name: 'todo', partOf: 'todo', version: '1.0.0' });
  const api = new WebService(chart, 'Api', props('todo-api', 8080, { ingressController: INGRESS_NGINX, database: DATABASE }));
  const gateway = new WebService(chart, 'Gateway', props('chat-gateway', 8081, { ingressController: INGRESS_NGINX, calls: [api] }));
  const web = new WebService(chart, 'Web', props('todo-frontend', 8082, { ingressController: INGRESS_NGINX }));
  // The database's own policy (its operator's pods are not a WebService) admits the API.
  new WorkloadNetworkPolicy(chart, 'Db', {
    workload: DATABASE,
    identity: { name: 'todo-db', component: 'database', partOf: 'todo', version: '17.6' },
    ingress: [{ from: api, port: 5432 }],
  });
  return { api, gateway, web };
}

const pod = (namespace: string, labels: Record<string, string>): NamedEndpoint['endpoint'] => ({ namespace, labels });

describe('WebService', () => {
  describe('one props object', () => {
    const chart = Testing.chart();
    const service = new WebService(
      chart,
      'api',
      props('todo-api', 8080, {
        ingressController: INGRESS_NGINX,
        database: DATABASE,
        autoscaling: { minReplicas: 2, maxReplicas: 5 },
        config: { LOG_LEVEL: 'info' },
      }),
    );
    const objects = Testing.synth(chart) as Manifest[];

    it('wires deployment, service, network policy, budget and autoscaler', () => {
      expect(objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).to.deep.equal([
        'v1 ServiceAccount todo-api',
        'v1 ConfigMap todo-api-config',
        'apps/v1 Deployment todo-api',
        'policy/v1 PodDisruptionBudget todo-api',
        'autoscaling/v2 HorizontalPodAutoscaler todo-api',
        'v1 Service todo-api',
        'networking.k8s.io/v1 NetworkPolicy todo-api',
      ]);
    });

    it('labels and namespaces every object (A08, N07)', () => {
      for (const object of objects) {
        expect(object.metadata.namespace, object.kind).to.equal('todo');
        expect(object.metadata.labels, object.kind).to.include({
          'app.kubernetes.io/name': 'todo-api',
          'app.kubernetes.io/managed-by': 'cdk8s',
        });
      }
    });

    it('selects its pods on app.kubernetes.io/name only, with both policy types (N06)', () => {
      const policy = only(objects, 'NetworkPolicy');
      expect(policy.spec.podSelector).to.deep.equal({ matchLabels: { 'app.kubernetes.io/name': 'todo-api' } });
      expect(policy.spec.policyTypes).to.deep.equal(['Ingress', 'Egress']);
    });

    it('admits the ingress controller on the container port and allows DNS and the database out', () => {
      const policy = only(objects, 'NetworkPolicy');
      expect(policy.spec.ingress).to.deep.equal([
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
            },
          ],
          ports: [{ port: 8080, protocol: 'TCP' }],
        },
      ]);
      expect(policy.spec.egress.at(-1)).to.deep.equal({
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'todo-db' } } }],
        ports: [{ port: 5432, protocol: 'TCP' }],
      });
      expect(policy.spec.egress[0].ports).to.deep.equal([
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ]);
    });

    it('exposes the route backend and the network peer', () => {
      expect({ ...service.backend }).to.include({ serviceName: 'todo-api', namespace: 'todo', portName: 'http', port: 80 });
      expect({ peerName: service.peerName, namespace: service.namespace }).to.deep.equal({ peerName: 'todo-api', namespace: 'todo' });
    });

    it('matches the snapshot', () => expectSnapshot('web-service', objects));
  });

  describe('network wiring under default-deny', () => {
    const chart = Testing.chart();
    platform(chart);
    const objects = Testing.synth(chart) as Manifest[];
    const endpoints: NamedEndpoint[] = [
      { name: 'ingress', endpoint: pod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }) },
      { name: 'api', endpoint: pod('todo', { 'app.kubernetes.io/name': 'todo-api' }) },
      { name: 'gateway', endpoint: pod('todo', { 'app.kubernetes.io/name': 'chat-gateway' }) },
      { name: 'web', endpoint: pod('todo', { 'app.kubernetes.io/name': 'todo-frontend' }) },
      { name: 'db', endpoint: pod('todo', { 'app.kubernetes.io/name': 'todo-db' }) },
      { name: 'stranger', endpoint: pod('todo', { 'app.kubernetes.io/name': 'debug-shell' }) },
    ];
    const namespaces = { ...namespacesOf(objects), 'ingress-nginx': {} };

    it('allows exactly the declared flows among the services (and nothing to the undeclared pods)', () => {
      const flows = allowedFlows(objects, namespaces, endpoints, [8080, 8081, 8082, 5432]).filter(
        // The ingress controller's own namespace has no policy here: only flows into `todo` are ours to assert.
        (flow) => !flow.includes('-> ingress:'),
      );
      expect(flows).to.deep.equal([
        'api -> db:5432',
        'gateway -> api:8080',
        'ingress -> api:8080',
        'ingress -> gateway:8081',
        'ingress -> web:8082',
      ]);
    });

    it('call() opens both ends, added after construction', () => {
      const later = Testing.chart();
      const { api, web } = platform(later);
      web.call(api);
      const laterObjects = Testing.synth(later) as Manifest[];
      const flows = allowedFlows(laterObjects, { ...namespacesOf(laterObjects), 'ingress-nginx': {} }, endpoints, [8080]);
      expect(flows.filter((flow) => flow.startsWith('web'))).to.deep.equal(['web -> api:8080']);
    });
  });

  describe('hardening policy (constructs/policy) over a whole environment', () => {
    const violations = async (objects: Manifest[], singleNode: boolean) =>
      (await new HardeningValidation({ singleNode }).check(objects)).map(formatFinding);

    function environment(mode: 'prod' | 'dev'): Manifest[] {
      const chart = Testing.chart();
      new PlatformNamespace(chart, 'Namespace', { name: 'todo', partOf: 'todo', version: '1.0.0' });
      const scale = mode === 'prod' ? { autoscaling: { minReplicas: 2, maxReplicas: 6 } } : { replicas: 1 };
      const api = new WebService(
        chart,
        'Api',
        props('todo-api', 8080, {
          ...scale,
          image: `ghcr.io/example/todo-api:1.0.0@sha256:${'b'.repeat(64)}`,
          requireDigest: mode === 'prod',
          config: { LOG_LEVEL: 'info' },
          secretFiles: [{ secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE' }],
          database: DATABASE,
          ingressController: INGRESS_NGINX,
          metrics: { labels: { release: 'kube-prometheus-stack' } },
          scrapedBy: new NamespacePeer('monitoring'),
          route: { host: 'todo.example.com', path: '/api', clusterIssuer: 'letsencrypt-prod' },
        }),
      );
      new WebService(
        chart,
        'Gateway',
        props('chat-gateway', 8081, {
          ...scale,
          calls: [api],
          ingressController: INGRESS_NGINX,
          preStopMode: 'sleep-action',
          route: { host: 'chat.example.com', path: '/ws', websocket: true, clusterIssuer: 'letsencrypt-prod' },
        }),
      );
      return Testing.synth(chart) as Manifest[];
    }

    it('a production environment (HPA, digests, metrics, routes) has no violation and valid schemas', async () => {
      expect(await violations(environment('prod'), false)).to.deep.equal([]);
    });

    it('the single-node dev mode (1 replica, no PDB) has no violation when the check knows it is single-node', async () => {
      const dev = environment('dev');
      expect(dev.map((o) => o.kind)).not.to.include('PodDisruptionBudget');
      expect(await violations(dev, true)).to.deep.equal([]);
      expect(await violations(dev, false), 'and the check is live').to.deep.equal([
        'Deployment/todo/chat-gateway: A01 replicas is 1 without an HPA, expected >= 2',
        'Deployment/todo/todo-api: A01 replicas is 1 without an HPA, expected >= 2',
      ]);
    });
  });

  describe('route', () => {
    it('emits its own TLS Ingress to its Service port, with the WebSocket timeouts when asked', () => {
      const chart = Testing.chart();
      new WebService(
        chart,
        'gw',
        props('chat-gateway', 8081, {
          ingressController: INGRESS_NGINX,
          route: { host: 'todo.example.com', path: '/ws', websocket: true, clusterIssuer: 'letsencrypt-prod' },
        }),
      );
      const objects = Testing.synth(chart) as Manifest[];
      const ingress = only(objects, 'Ingress');
      expect(ingress.metadata).to.include({ name: 'chat-gateway-websocket', namespace: 'todo' });
      expect(only(objects, 'Certificate').spec).to.deep.include({ secretName: 'chat-gateway-tls', dnsNames: ['todo.example.com'] });
      expect(only(objects, 'Certificate').spec.issuerRef.name).to.equal('letsencrypt-prod');
      expect(ingress.metadata.annotations).to.include({
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
      });
      expect(ingress.spec.tls).to.deep.equal([{ hosts: ['todo.example.com'], secretName: 'chat-gateway-tls' }]);
      expect(ingress.spec.rules[0].http.paths).to.deep.equal([
        { path: '/ws', pathType: 'Prefix', backend: { service: { name: 'chat-gateway', port: { name: 'http' } } } },
      ]);
    });

    it('emits a Gateway API HTTPRoute in gateway-api mode', () => {
      const chart = Testing.chart();
      new WebService(
        chart,
        'api',
        props('todo-api', 8080, {
          ingressController: new NamespacePeer('envoy-gateway-system'),
          route: {
            host: 'api.example.com',
            clusterIssuer: 'letsencrypt-prod',
            mode: 'gateway-api',
            gateway: { name: 'public', namespace: 'gateways' },
          },
        }),
      );
      const route = only(Testing.synth(chart) as Manifest[], 'HTTPRoute');
      expect(route.spec.hostnames).to.deep.equal(['api.example.com']);
      expect(route.spec.rules[0].backendRefs).to.deep.equal([{ name: 'todo-api', port: 80 }]);
    });
  });

  describe('validation', () => {
    const cases: ReadonlyArray<[string, Partial<WebServiceProps>, string]> = [
      ['metrics nobody may scrape', { metrics: true }, 'test/svc: invalid scrapedBy undefined: metrics are on but nothing may scrape them'],
      [
        'a route without the ingress controller',
        { route: { host: 'todo.example.com', clusterIssuer: 'letsencrypt-prod' } },
        'test/svc: invalid ingressController undefined: a route needs the ingress controller',
      ],
      [
        'a bad workload prop, named at the workload path',
        { image: 'todo-api:latest' },
        'test/svc/Workload: invalid image "todo-api:latest"',
      ],
      [
        'a bad route host, named at the route path',
        { ingressController: INGRESS_NGINX, route: { host: 'Todo!', clusterIssuer: 'le' } },
        'test/svc/Route: invalid routes[0].host "Todo!"',
      ],
    ];
    for (const [what, extra, message] of cases) {
      it(`refuses ${what}`, () => {
        expect(() => new WebService(Testing.chart(), 'svc', props('todo-api', 8080, extra))).to.throw(InvalidPropsError, message);
      });
    }

    it('fails synth when nothing may call a service (a forgotten rule, not a silent deny)', () => {
      const chart = Testing.chart();
      new WebService(chart, 'svc', props('todo-api', 8080));
      expect(() => Testing.synth(chart)).to.throw('test/svc/NetworkPolicy: invalid ingress []: no caller declared');
    });
  });

  describe('a gRPC service with a sidecar, scheduling props and memory autoscaling', () => {
    const objects = environment((chart) => {
      new WebService(
        chart,
        'Orders',
        props('orders', 9090, {
          ports: [{ name: 'grpc', port: 9090, appProtocol: 'grpc' }],
          probes: { readiness: Probe.grpc({ service: 'readiness' }), liveness: Probe.grpc() },
          probeContract: 'readiness-on-port',
          sidecars: [
            {
              name: 'otel-agent',
              image: 'otel/opentelemetry-collector:0.120.0',
              resources: RESOURCES,
              ports: [
                { name: 'otlp', port: 4317 },
                { name: 'otel-health', port: 13133 },
              ],
              probes: { readiness: Probe.http('/', { port: 'otel-health' }), liveness: Probe.tcp({ port: 'otlp' }) },
            },
          ],
          priorityClassName: 'todo-high',
          tolerations: [{ key: 'dedicated', value: 'todo', effect: 'NoSchedule' }],
          autoscaling: {
            minReplicas: 2,
            maxReplicas: 8,
            metrics: [ScalingMetric.cpu({ utilization: 70 }), ScalingMetric.memory({ utilization: 80 })],
          },
          ingressController: new NamespacePeer('gateways', { 'app.kubernetes.io/name': 'envoy' }),
          route: {
            host: 'orders.example.com',
            clusterIssuer: 'letsencrypt-prod',
            mode: 'gateway-api',
            gateway: { name: 'edge', namespace: 'gateways', sectionName: 'https' },
          },
        }),
      );
    });

    it('routes gRPC with a GRPCRoute to a Service port declared as HTTP/2', () => {
      expect(only(objects, 'GRPCRoute').spec.rules).to.deep.equal([{ backendRefs: [{ name: 'orders', port: 80 }] }]);
      expect(objects.map((o) => o.kind)).not.to.include('HTTPRoute');
      expect(only(objects, 'Service').spec.ports[0].appProtocol).to.equal('kubernetes.io/h2c');
    });

    it('admits the Gateway only to the gRPC port, not the sidecar ports', () => {
      const policy = only(
        objects.filter((o) => o.metadata.name === 'orders'),
        'NetworkPolicy',
      );
      expect(JSON.stringify(policy.spec.ingress)).to.include('9090').and.not.to.include('4317');
    });

    it('passes the hardening policy with no waiver', async () => {
      expect(await hardeningViolations(objects)).to.deep.equal([]);
    });
  });

  describe('README "add a service" example', () => {
    // example:start
    const chart = Testing.chart();
    const ingressNginx = new NamespacePeer('ingress-nginx');
    const api = new WebService(chart, 'TodoApi', {
      name: 'todo-api',
      namespace: 'todo',
      component: 'api',
      partOf: 'todo',
      image: 'ghcr.io/example/todo-api:1.4.2',
      resources: {
        requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
        limits: { cpu: '1', memory: '256Mi', ephemeralStorage: '256Mi' },
      },
      config: { LOG_LEVEL: 'info', ALLOWED_ORIGINS: 'https://todo.example.com' },
      secretFiles: [{ secretName: 'todo-db-app', key: 'uri', mountPath: '/var/run/secrets/db', envVarForPath: 'DATABASE_URL_FILE' }],
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      database: { peerName: 'todo-db', namespace: 'todo', port: 5432 },
      ingressController: ingressNginx,
      route: { host: 'todo.example.com', path: '/api', clusterIssuer: 'letsencrypt-prod' },
    });
    // example:end

    it('is the code in constructs/README.md and the top-level README.md, and it synthesizes', () => {
      const source = readFileSync(new URL(import.meta.url), 'utf8');
      const example = /\/\/ example:start\n([\s\S]*?)\n\s*\/\/ example:end/.exec(source)![1]!;
      const dedented = example
        .split('\n')
        .map((line) => line.replace(/^ {4}/, ''))
        .join('\n');
      for (const readme of ['../README.md', '../../README.md']) {
        expect(readFileSync(new URL(readme, import.meta.url), 'utf8'), `${readme} example must match this test`).to.include(dedented);
      }
      const kinds = (Testing.synth(chart) as Manifest[]).map((o) => o.kind);
      expect(kinds).to.deep.equal([
        'ServiceAccount',
        'ConfigMap',
        'Deployment',
        'PodDisruptionBudget',
        'HorizontalPodAutoscaler',
        'Service',
        'NetworkPolicy',
        'Certificate',
        'Ingress',
      ]);
      expect(api.backend.serviceName).to.equal('todo-api');
    });
  });
});
