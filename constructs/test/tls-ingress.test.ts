import { expect } from 'chai';
import { Testing } from 'cdk8s';
import type { IRouteBackend } from '../contracts.js';
import { recommendedLabels } from '../labels.js';
import { HardeningValidation, formatFinding, type KubeObject } from '../policy/index.js';
import { TlsIngress } from '../tls-ingress.js';
import type { TlsIngressProps } from '../tls-ingress.js';
import { expectSnapshot } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const backend = (serviceName: string, namespace = 'todo', port = 80): IRouteBackend => ({ serviceName, namespace, portName: 'http', port });
const api = backend('todo-api');
const gateway = backend('chat-gateway');
const frontend = backend('frontend');

const base: TlsIngressProps = {
  name: 'todo',
  namespace: 'todo',
  partOf: 'todo',
  version: '1.2.3',
  clusterIssuer: 'letsencrypt-production',
  routes: [
    { host: 'todo.example.org', path: '/', backend: frontend },
    { host: 'todo.example.org', path: '/api', backend: api, maxBodySize: '2m' },
    { host: 'todo.example.org', path: '/.well-known', backend: api, maxBodySize: '2m' },
    { host: 'todo.example.org', path: '/ws', backend: gateway, websocket: true },
    { host: 'www.example.org', backend: frontend },
  ],
};

function synth(props: Partial<TlsIngressProps> = {}): { construct: TlsIngress; objects: Manifest[] } {
  const chart = Testing.chart();
  const construct = new TlsIngress(chart, 'Routes', { ...base, ...props });
  return { construct, objects: Testing.synth(chart) };
}

const named = (objects: Manifest[], name: string) => objects.find((o) => o.metadata.name === name)!;

describe('TlsIngress (ingress mode)', () => {
  it('groups routes by options into stably named Ingresses with their nginx annotations', () => {
    const { construct, objects } = synth();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal([
      'Certificate/todo-tls',
      'Ingress/todo',
      'Ingress/todo-body-2m',
      'Ingress/todo-websocket',
    ]);
    expect(construct.objectNames).to.deep.equal(['todo-tls', 'todo', 'todo-body-2m', 'todo-websocket']);
    expect(construct.hosts).to.deep.equal(['todo.example.org', 'www.example.org']);
    expect(construct.tlsSecretName).to.equal('todo-tls');

    const plain = named(objects, 'todo');
    expect(plain.metadata.annotations).to.deep.equal({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
    });
    expect(named(objects, 'todo-websocket').metadata.annotations).to.deep.equal({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
      'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
    });
    expect(named(objects, 'todo-body-2m').metadata.annotations).to.deep.equal({
      'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true',
      'nginx.ingress.kubernetes.io/proxy-body-size': '2m',
    });
  });

  it('issues one Certificate for every host, and the Ingresses only reference its Secret: no cert-manager annotation', () => {
    const { objects } = synth();
    const certificates = objects.filter((o) => o.kind === 'Certificate');
    expect(certificates).to.have.length(1);
    expect(certificates[0]!.metadata).to.include({ name: 'todo-tls', namespace: 'todo' });
    expect(certificates[0]!.spec).to.deep.equal({
      secretName: 'todo-tls',
      dnsNames: ['todo.example.org', 'www.example.org'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-production' },
    });
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    expect(ingresses).to.have.length(3);
    for (const ingress of ingresses) {
      // ingress-shim would make one Certificate owned by one of them, and skip or fight over the others.
      expect(
        Object.keys(ingress.metadata.annotations).filter((key) => key.startsWith('cert-manager.io/')),
        ingress.metadata.name,
      ).to.deep.equal([]);
      expect(ingress.spec.tls).to.deep.equal([{ hosts: certificates[0]!.spec.dnsNames, secretName: certificates[0]!.spec.secretName }]);
    }
  });

  it('puts the same TLS entry (all hosts, one Secret) on every Ingress and routes by named port', () => {
    const { objects } = synth({ ingressClassName: 'public-nginx', tlsSecretName: 'todo-cert' });
    expect(named(objects, 'todo-cert').kind).to.equal('Certificate');
    for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
      expect(ingress.spec.ingressClassName).to.equal('public-nginx');
      expect(ingress.spec.tls).to.deep.equal([{ hosts: ['todo.example.org', 'www.example.org'], secretName: 'todo-cert' }]);
      expect(ingress.metadata.namespace).to.equal('todo');
      expect(ingress.metadata.labels['app.kubernetes.io/component']).to.equal('ingress');
    }
    expect(named(objects, 'todo').spec.rules).to.deep.equal([
      {
        host: 'todo.example.org',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { name: 'http' } } } }] },
      },
      {
        host: 'www.example.org',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'frontend', port: { name: 'http' } } } }] },
      },
    ]);
    // '.' fails ingress-nginx's strict Prefix validation, so that path is ImplementationSpecific.
    expect(named(objects, 'todo-body-2m').spec.rules[0].http.paths.map((p: Manifest) => [p.path, p.pathType])).to.deep.equal([
      ['/api', 'Prefix'],
      ['/.well-known', 'ImplementationSpecific'],
    ]);
  });

  it('passes extra annotations through', () => {
    const { objects } = synth({ annotations: { 'example.com/owner': 'team-a' } });
    for (const ingress of objects.filter((o) => o.kind === 'Ingress'))
      expect(ingress.metadata.annotations['example.com/owner']).to.equal('team-a');
  });

  it('matches the snapshot', () => {
    expectSnapshot('tls-ingress', synth().objects);
  });
});

describe('TlsIngress (gateway-api mode)', () => {
  it('emits one HTTPRoute per host attached to an existing Gateway listener', () => {
    const { construct, objects } = synth({
      mode: 'gateway-api',
      routes: base.routes.filter((r) => !r.maxBodySize),
      gateway: { name: 'edge', namespace: 'gateways', sectionName: 'https', httpSectionName: 'http' },
    });
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).to.deep.equal([
      'cert-manager.io/v1 Certificate/todo-tls',
      'gateway.networking.k8s.io/v1beta1 ReferenceGrant/todo-tls-gateway',
      'gateway.networking.k8s.io/v1 HTTPRoute/todo-todo-example-org',
      'gateway.networking.k8s.io/v1 HTTPRoute/todo-www-example-org',
      'gateway.networking.k8s.io/v1 HTTPRoute/todo-https-redirect',
    ]);
    expect(construct.objectNames).to.deep.equal([
      'todo-tls',
      'todo-tls-gateway',
      'todo-todo-example-org',
      'todo-www-example-org',
      'todo-https-redirect',
    ]);
    const route = named(objects, 'todo-todo-example-org');
    expect(route.metadata.namespace).to.equal('todo');
    expect(route.spec.parentRefs).to.deep.equal([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gateways', sectionName: 'https' },
    ]);
    expect(route.spec.hostnames).to.deep.equal(['todo.example.org']);
    expect(route.spec.rules).to.deep.equal([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'frontend', port: 80 }] },
      // "0s" is the spec's "no request timeout": the upgraded WebSocket stream is not cut.
      {
        matches: [{ path: { type: 'PathPrefix', value: '/ws' } }],
        backendRefs: [{ name: 'chat-gateway', port: 80 }],
        timeouts: { request: '0s' },
      },
    ]);
    const redirect = named(objects, 'todo-https-redirect');
    expect(redirect.spec.parentRefs[0].sectionName).to.equal('http');
    expect(redirect.spec.hostnames).to.deep.equal(['todo.example.org', 'www.example.org']);
    expect(redirect.spec.rules).to.deep.equal([
      { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
    ]);
  });

  it('for a Gateway owned elsewhere, requests the certificate and lets that Gateway read its Secret', () => {
    const { objects } = synth({
      mode: 'gateway-api',
      routes: base.routes.filter((r) => !r.maxBodySize),
      gateway: { name: 'edge', namespace: 'gateways', sectionName: 'https' },
    });
    const certificate = named(objects, 'todo-tls');
    expect(certificate.kind).to.equal('Certificate');
    expect(certificate.metadata.namespace).to.equal('todo');
    expect(certificate.spec).to.deep.equal({
      secretName: 'todo-tls',
      dnsNames: ['todo.example.org', 'www.example.org'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-production' },
    });
    const grant = named(objects, 'todo-tls-gateway');
    expect(grant.kind).to.equal('ReferenceGrant');
    expect(grant.metadata.namespace).to.equal('todo');
    expect(grant.spec).to.deep.equal({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateways' }],
      to: [{ group: '', kind: 'Secret', name: 'todo-tls' }],
    });
  });

  it('leaves WebSocket rules without timeouts for an implementation that does not support them', () => {
    const { objects } = synth({
      mode: 'gateway-api',
      routes: [{ host: 'todo.example.org', path: '/ws', backend: gateway, websocket: true }],
      gateway: { name: 'edge', supportsTimeouts: false },
    });
    expect(named(objects, 'todo-todo-example-org').spec.rules).to.deep.equal([
      { matches: [{ path: { type: 'PathPrefix', value: '/ws' } }], backendRefs: [{ name: 'chat-gateway', port: 80 }] },
    ]);
  });

  it('without listener names attaches to the whole Gateway and leaves the redirect to it; a same-namespace Gateway needs no ReferenceGrant', () => {
    const { objects } = synth({ mode: 'gateway-api', routes: [{ host: 'todo.example.org', backend: api }], gateway: { name: 'edge' } });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['Certificate/todo-tls', 'HTTPRoute/todo-todo-example-org']);
    expect(objects[1]!.spec.parentRefs).to.deep.equal([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'todo' },
    ]);
  });

  it('can create the Gateway with an HTTPS listener per host, from the same Certificate as the other modes (no gateway-shim annotation)', () => {
    const { construct, objects } = synth({
      mode: 'gateway-api',
      routes: [
        { host: 'todo.example.org', backend: api },
        { host: '*.apps.example.org', path: '/', backend: frontend },
      ],
      gateway: { name: 'edge', create: { gatewayClassName: 'envoy' } },
    });
    expect(construct.objectNames).to.deep.equal([
      'todo-tls',
      'edge',
      'todo-todo-example-org',
      'todo-wildcard-apps-example-org',
      'todo-https-redirect',
    ]);
    expect(named(objects, 'todo-tls').spec.dnsNames).to.deep.equal(['todo.example.org', '*.apps.example.org']);
    const gw = objects.find((o) => o.kind === 'Gateway')!;
    expect(gw.metadata).to.not.have.property('annotations');
    expect(gw.spec.gatewayClassName).to.equal('envoy');
    expect(gw.spec.listeners).to.deep.equal([
      {
        name: 'https-todo-example-org',
        hostname: 'todo.example.org',
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'todo-tls' }] },
        allowedRoutes: { namespaces: { from: 'Same' } },
      },
      {
        name: 'https-wildcard-apps-example-org',
        hostname: '*.apps.example.org',
        port: 443,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'todo-tls' }] },
        allowedRoutes: { namespaces: { from: 'Same' } },
      },
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
    ]);
    expect(named(objects, 'todo-todo-example-org').spec.parentRefs[0].sectionName).to.equal('https-todo-example-org');
    expect(named(objects, 'todo-https-redirect').spec.parentRefs[0].sectionName).to.equal('http');
  });

  it('a created Gateway in another namespace admits only the routes namespace and reads the Secret by a ReferenceGrant', () => {
    const { objects } = synth({
      mode: 'gateway-api',
      routes: [{ host: 'todo.example.org', backend: api }],
      gateway: { name: 'edge', namespace: 'gateways', create: { gatewayClassName: 'envoy' } },
    });
    const gw = objects.find((o) => o.kind === 'Gateway')!;
    expect(gw.metadata.namespace).to.equal('gateways');
    // The Certificate lives with the routes: the Gateway reads its Secret across namespaces, granted.
    expect(gw.spec.listeners[0].tls.certificateRefs).to.deep.equal([{ kind: 'Secret', name: 'todo-tls', namespace: 'todo' }]);
    expect(named(objects, 'todo-tls-gateway').spec.from).to.deep.equal([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateways' },
    ]);
    expect(gw.spec.listeners[0].allowedRoutes).to.deep.equal({
      namespaces: { from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'todo' } } },
    });
  });

  it('matches the snapshot', () => {
    const { objects } = synth({
      mode: 'gateway-api',
      routes: base.routes.filter((r) => !r.maxBodySize),
      gateway: { name: 'edge', create: { gatewayClassName: 'envoy' } },
    });
    expectSnapshot('tls-ingress-gateway-api', objects);
  });
});

describe('TlsIngress gRPC routes', () => {
  const grpcBackend: IRouteBackend = { serviceName: 'orders', namespace: 'todo', portName: 'grpc', port: 80, appProtocol: 'grpc' };
  const gatewayApi = { mode: 'gateway-api' as const, gateway: { name: 'edge', namespace: 'gateways', sectionName: 'https' } };

  it('emits a GRPCRoute for a host of gRPC routes, next to the HTTPRoutes of other hosts', () => {
    const { objects } = synth({
      ...gatewayApi,
      routes: [
        { host: 'todo.example.org', backend: frontend },
        // gRPC by default: the backend port's appProtocol is grpc.
        { host: 'grpc.example.org', backend: grpcBackend, grpcService: 'todo.v1.Orders' },
        { host: 'grpc.example.org', backend: backend('reflection'), protocol: 'grpc' },
      ],
    });
    expect(objects.filter((o) => o.kind.endsWith('Route')).map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).to.deep.equal([
      'gateway.networking.k8s.io/v1 HTTPRoute/todo-todo-example-org',
      'gateway.networking.k8s.io/v1 GRPCRoute/todo-grpc-example-org',
    ]);
    const route = named(objects, 'todo-grpc-example-org');
    expect(route.spec).to.deep.equal({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'gateways', sectionName: 'https' }],
      hostnames: ['grpc.example.org'],
      rules: [
        { matches: [{ method: { type: 'Exact', service: 'todo.v1.Orders' } }], backendRefs: [{ name: 'orders', port: 80 }] },
        { backendRefs: [{ name: 'reflection', port: 80 }] },
      ],
    });
    expect(route.metadata.labels['app.kubernetes.io/name']).to.equal('todo');
  });

  it('marks gRPC Ingresses with backend-protocol GRPC in ingress mode', () => {
    const { objects } = synth({
      routes: [
        { host: 'todo.example.org', backend: frontend },
        { host: 'grpc.example.org', backend: grpcBackend },
      ],
    });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['Certificate/todo-tls', 'Ingress/todo', 'Ingress/todo-grpc']);
    expect(named(objects, 'todo-grpc').metadata.annotations['nginx.ingress.kubernetes.io/backend-protocol']).to.equal('GRPC');
    expect(named(objects, 'todo').metadata.annotations).not.to.have.property('nginx.ingress.kubernetes.io/backend-protocol');
  });

  it('passes N03 when the backend Service exists, and is caught when it does not', async () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'orders',
        namespace: 'todo',
        labels: recommendedLabels({ name: 'orders', version: '1.2.3', component: 'api', partOf: 'todo' }),
      },
      spec: {
        selector: { 'app.kubernetes.io/name': 'orders' },
        ports: [{ name: 'grpc', port: 80, targetPort: 'grpc', appProtocol: 'kubernetes.io/h2c' }],
      },
    };
    const { objects } = synth({ ...gatewayApi, routes: [{ host: 'grpc.example.org', backend: grpcBackend }] });
    const n03 = async (all: Manifest[]) =>
      (await new HardeningValidation().check(all as KubeObject[])).filter((f) => f.rule === 'N03').map(formatFinding);
    expect(await n03([...objects, service])).to.deep.equal([]);
    expect(await n03(objects)).to.deep.equal([
      'GRPCRoute/todo/todo-grpc-example-org: N03 backendRef Service "orders" is not in namespace "todo"',
    ]);
  });

  const cases: Array<[string, Partial<TlsIngressProps>, string]> = [
    [
      'HTTP and gRPC routes on one host in gateway-api mode',
      {
        ...gatewayApi,
        routes: [
          { host: 'todo.example.org', backend: frontend },
          { host: 'todo.example.org', backend: grpcBackend },
        ],
      },
      'test/Routes: invalid routes "todo.example.org": mixes HTTP and gRPC routes',
    ],
    [
      'a gRPC route with a path',
      { routes: [{ host: 'g.example.org', path: '/orders', backend: grpcBackend }] },
      'test/Routes: invalid routes[0].path "/orders": gRPC routes match services, not paths',
    ],
    [
      'gRPC to an HTTP/1.1 backend',
      { routes: [{ host: 'g.example.org', protocol: 'grpc', backend: { ...frontend, appProtocol: 'http' } }] },
      'test/Routes: invalid routes[0].backend "frontend": speaks HTTP/1.1',
    ],
    [
      'a gRPC service match in ingress mode',
      { routes: [{ host: 'g.example.org', backend: grpcBackend, grpcService: 'todo.v1.Orders' }] },
      'test/Routes: invalid routes[0].grpcService "todo.v1.Orders": matching a gRPC service needs mode \'gateway-api\'',
    ],
    [
      'a malformed gRPC service',
      { ...gatewayApi, routes: [{ host: 'g.example.org', backend: grpcBackend, grpcService: 'todo/v1' }] },
      'test/Routes: invalid routes[0].grpcService "todo/v1": must be a fully-qualified gRPC service name',
    ],
    [
      'a gRPC service on an HTTP route',
      { routes: [{ host: 'g.example.org', backend: frontend, grpcService: 'a.B' }] },
      'test/Routes: invalid routes[0].grpcService "a.B": only gRPC routes match a service',
    ],
    [
      'the same gRPC service twice',
      {
        ...gatewayApi,
        routes: [
          { host: 'g.example.org', backend: grpcBackend },
          { host: 'g.example.org', backend: grpcBackend },
        ],
      },
      'test/Routes: invalid routes[1] "g.example.org grpc *": duplicate',
    ],
    [
      'a WebSocket gRPC route',
      { routes: [{ host: 'g.example.org', backend: grpcBackend, websocket: true }] },
      'test/Routes: invalid routes[0].websocket true: a gRPC route is not a WebSocket route',
    ],
    [
      'an unknown protocol',
      { routes: [{ host: 'g.example.org', backend: frontend, protocol: 'tcp' as never }] },
      'test/Routes: invalid routes[0].protocol "tcp"',
    ],
  ];
  for (const [name, props, message] of cases) {
    it(`refuses ${name}`, () => expect(() => synth(props)).to.throw(message));
  }
});

describe('TlsIngress and the synth-time hardening check', () => {
  // Only the rules about routes: the Services here are bare objects, not backed by workloads (N01).
  const routeRules = new Set(['N03', 'N04', 'N05', 'N07', 'N08', 'A08', 'K01']);
  const services = (names: string[]) =>
    names.map((name) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'todo', labels: recommendedLabels({ name, version: '1.2.3', component: 'api', partOf: 'todo' }) },
      spec: { selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    }));
  const violations = async (objects: Manifest[]) =>
    (await new HardeningValidation().check(objects)).filter((v) => routeRules.has(v.rule)).map(formatFinding);

  it('passes N03-N05 in both modes when the backends exist', async () => {
    const all = services(['frontend', 'todo-api', 'chat-gateway']);
    expect(await violations([...synth().objects, ...all])).to.deep.equal([]);
    const gatewayMode = synth({
      mode: 'gateway-api',
      routes: base.routes.filter((r) => !r.maxBodySize),
      gateway: { name: 'edge', create: { gatewayClassName: 'envoy' } },
    });
    expect(await violations([...gatewayMode.objects, ...all])).to.deep.equal([]);
  });

  it('is caught by N04 when the Certificate is not in the output: the Ingresses have TLS from nowhere', async () => {
    const all = services(['frontend', 'todo-api', 'chat-gateway']);
    const withoutCertificate = synth().objects.filter((o) => o.kind !== 'Certificate');
    expect(await violations([...withoutCertificate, ...all])).to.have.members(
      ['todo', 'todo-body-2m', 'todo-websocket'].map(
        (name) =>
          `Ingress/todo/${name}: N04 tls secret "todo-tls" comes from no Certificate in namespace "todo" and the Ingress has no cert-manager.io/cluster-issuer or cert-manager.io/issuer annotation`,
      ),
    );
  });

  it('is caught by N03 when a backend Service is missing (the check can fail)', async () => {
    expect(await violations([...synth().objects, ...services(['frontend', 'todo-api'])])).to.deep.equal([
      'Ingress/todo/todo-websocket: N03 backend Service "chat-gateway" is not in namespace "todo"',
    ]);
  });
});

describe('TlsIngress rejects bad props with the construct path and the value', () => {
  const route = (overrides: Record<string, unknown>) => [{ host: 'todo.example.org', backend: api, ...overrides }];
  const cases: Array<[string, Partial<TlsIngressProps>, string]> = [
    [
      'duplicate host + path',
      { routes: [...route({ path: '/api' }), ...route({ path: '/api', backend: gateway })] },
      'test/Routes: invalid routes[1] "todo.example.org/api": duplicate host + path',
    ],
    [
      'uppercase host',
      { routes: route({ host: 'Todo.example.org' }) },
      'test/Routes: invalid routes[0].host "Todo.example.org": not an RFC 1123 host name',
    ],
    [
      'wildcard not leftmost',
      { routes: route({ host: 'todo.*.example.org' }) },
      'test/Routes: invalid routes[0].host "todo.*.example.org": not an RFC 1123 host name',
    ],
    ['partial wildcard', { routes: route({ host: 'a*.example.org' }) }, 'test/Routes: invalid routes[0].host "a*.example.org"'],
    [
      'label too long',
      { routes: route({ host: `${'a'.repeat(64)}.example.org` }) },
      `test/Routes: invalid routes[0].host "${'a'.repeat(64)}.example.org"`,
    ],
    [
      'IP address',
      { routes: route({ host: '10.0.0.1' }) },
      'test/Routes: invalid routes[0].host "10.0.0.1": an IP address is not a host name',
    ],
    ['leading hyphen', { routes: route({ host: '-todo.example.org' }) }, 'test/Routes: invalid routes[0].host "-todo.example.org"'],
    ['path without slash', { routes: route({ path: 'api' }) }, 'test/Routes: invalid routes[0].path "api": must start with \'/\''],
    ['regex path', { routes: route({ path: '/api(/|$)(.*)' }) }, 'test/Routes: invalid routes[0].path "/api(/|$)(.*)": only letters'],
    [
      'backend in another namespace',
      { routes: route({ backend: backend('api', 'other') }) },
      'test/Routes: invalid routes[0].backend "other/api": is outside the routes\' namespace "todo"',
    ],
    [
      'snippet annotation',
      { annotations: { 'nginx.org/server-snippets': 'x' } },
      'test/Routes: invalid annotations "nginx.org/server-snippets": snippet annotations inject raw proxy configuration (N05)',
    ],
    [
      'snippet annotation in mixed case',
      { annotations: { 'example.com/Configuration-Snippet': 'x' } },
      'test/Routes: invalid annotations "example.com/Configuration-Snippet": snippet annotations',
    ],
    [
      'managed annotation',
      { annotations: { 'cert-manager.io/cluster-issuer': 'other' } },
      'test/Routes: invalid annotations "cert-manager.io/cluster-issuer": set by the construct',
    ],
    [
      'a cert-manager shim annotation',
      { annotations: { 'cert-manager.io/common-name': 'todo.example.org' } },
      'test/Routes: invalid annotations "cert-manager.io/common-name": set by the construct from its props (websocket, maxBodySize); the certificate comes from its Certificate (clusterIssuer)',
    ],
    [
      'bad body size',
      { routes: route({ maxBodySize: '2 MB' }) },
      'test/Routes: invalid routes[0].maxBodySize "2 MB": must be an nginx size',
    ],
    ['no routes', { routes: [] }, 'test/Routes: invalid routes []: at least one route is needed'],
    [
      'default namespace',
      { namespace: 'default', routes: [{ host: 'a.example.org', backend: backend('x', 'default') }] },
      'test/Routes: invalid namespace "default"',
    ],
    [
      'gateway mode without gateway',
      { mode: 'gateway-api', routes: route({}) },
      "test/Routes: invalid gateway undefined: mode 'gateway-api' needs the Gateway",
    ],
    [
      'body size in gateway mode',
      { mode: 'gateway-api', gateway: { name: 'edge' }, routes: route({ maxBodySize: '2m' }) },
      'test/Routes: invalid routes[0].maxBodySize "2m": Gateway API has no portable body-size limit',
    ],
    [
      'gateway in ingress mode',
      { gateway: { name: 'edge' }, routes: route({}) },
      'test/Routes: invalid gateway "edge": only used in mode \'gateway-api\'',
    ],
    [
      'partOf not a label value',
      { partOf: 'todo platform' },
      'test/Routes: invalid partOf "todo platform": not a valid value for label app.kubernetes.io/part-of',
    ],
    ['bad issuer name', { clusterIssuer: 'Lets Encrypt' }, 'test/Routes: invalid clusterIssuer "Lets Encrypt"'],
  ];
  for (const [name, props, message] of cases) {
    it(name, () => expect(() => synth(props)).to.throw(message));
  }
});
