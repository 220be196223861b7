import { expect } from 'chai';
import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Service } from 'kubernetes-models/v1/Service';
import { InvalidPropsError } from '../errors.js';
import { HardenedDeployment } from '../hardened-deployment.js';
import type { HardenedDeploymentProps } from '../hardened-deployment.js';
import { ProbedService } from '../probed-service.js';
import { Probe } from '../probes.js';
import type { ProbedServiceProps } from '../probed-service.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const WORKLOAD: HardenedDeploymentProps = {
  name: 'chat-gateway',
  namespace: 'todo',
  component: 'gateway',
  partOf: 'todo',
  image: 'ghcr.io/example/chat-gateway:0.9.0',
  resources: {
    requests: { cpu: '100m', memory: '96Mi', ephemeralStorage: '64Mi' },
    limits: { cpu: '500m', memory: '192Mi', ephemeralStorage: '128Mi' },
  },
  ports: [{ name: 'http', port: 8081 }],
};

function build(
  workloadOverrides: Partial<HardenedDeploymentProps> = {},
  serviceProps: Omit<ProbedServiceProps, 'workload'> = {},
): { chart: Chart; service: ProbedService; objects: Manifest[] } {
  const chart = Testing.chart();
  const workload = new HardenedDeployment(chart, 'gateway', { ...WORKLOAD, ...workloadOverrides });
  const service = new ProbedService(chart, 'svc', { workload, ...serviceProps });
  return { chart, service, objects: Testing.synth(chart) as Manifest[] };
}

const LABELS = {
  'app.kubernetes.io/name': 'chat-gateway',
  'app.kubernetes.io/instance': 'chat-gateway',
  'app.kubernetes.io/version': '0.9.0',
  'app.kubernetes.io/component': 'gateway',
  'app.kubernetes.io/part-of': 'todo',
  'app.kubernetes.io/managed-by': 'cdk8s',
};
const SELECTOR = { 'app.kubernetes.io/name': 'chat-gateway', 'app.kubernetes.io/instance': 'chat-gateway' };

describe('ProbedService', () => {
  describe('defaults', () => {
    const { service, objects } = build();
    const svc = only(objects, 'Service');

    it('is a ClusterIP Service named after the workload, in its namespace, with its labels (N02, N07, A08)', () => {
      expect(svc.apiVersion).to.equal('v1');
      expect(svc.metadata).to.deep.equal({ name: 'chat-gateway', namespace: 'todo', labels: LABELS });
      expect(svc.spec.type).to.equal('ClusterIP');
    });

    it("selects exactly the workload's pods (N01)", () => {
      expect(svc.spec.selector).to.deep.equal(SELECTOR);
      const podLabels = only(objects, 'Deployment').spec.template.metadata.labels;
      expect(podLabels).to.include(svc.spec.selector);
    });

    it('targets the container port by name (P04)', () => {
      expect(svc.spec.ports).to.deep.equal([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    });

    it('is a route backend: name, namespace, port name and number', () => {
      expect({ ...pick(service) }).to.deep.equal({ serviceName: 'chat-gateway', namespace: 'todo', portName: 'http', port: 80 });
      expect(service.targetPortNumber).to.equal(8081);
    });

    it('makes no ServiceMonitor unless asked', () => {
      expect(objects.map((o) => o.kind)).not.to.include('ServiceMonitor');
    });

    it('passes the Service schema', () => new Service(svc as never).validate());
  });

  describe('metrics', () => {
    it('adds a monitoring.coreos.com/v1 ServiceMonitor for /metrics on the named port, labelled and namespaced', () => {
      const { objects } = build({}, { metrics: { interval: '15s', labels: { release: 'kube-prometheus-stack' } } });
      const monitor = only(objects, 'ServiceMonitor');
      expect(monitor.apiVersion).to.equal('monitoring.coreos.com/v1');
      expect(monitor.metadata).to.deep.equal({
        name: 'chat-gateway',
        namespace: 'todo',
        labels: { release: 'kube-prometheus-stack', ...LABELS },
      });
      expect(monitor.spec).to.deep.equal({
        selector: { matchLabels: SELECTOR },
        namespaceSelector: { matchNames: ['todo'] },
        endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scheme: 'http' }],
      });
      new ServiceMonitor(monitor as never).validate();
      expect(only(objects, 'Service').metadata.labels, 'the monitor selects the Service by its labels').to.include(SELECTOR);
    });

    it('uses /metrics every 30s with metrics: true', () => {
      const { objects } = build({}, { metrics: true });
      expect(only(objects, 'ServiceMonitor').spec.endpoints).to.deep.equal([
        { port: 'http', path: '/metrics', interval: '30s', scheme: 'http' },
      ]);
    });

    it('matches the snapshot', () =>
      expectSnapshot(
        'probed-service-metrics',
        build({}, { metrics: true, port: 8081 }).objects.filter((o) => ['Service', 'ServiceMonitor'].includes(o.kind)),
      ));
  });

  describe('the probe contract (each violation throws naming the construct path and the value)', () => {
    const cases: ReadonlyArray<[string, Partial<HardenedDeploymentProps>, Omit<ProbedServiceProps, 'workload'>, string]> = [
      [
        'a port the workload does not declare',
        {},
        { portName: 'admin' },
        'test/svc: invalid portName "admin": is not a port of test/gateway (ports: http)',
      ],
      [
        'a port the probes are not on',
        {
          ports: [
            { name: 'http', port: 8081 },
            { name: 'admin', port: 9000 },
          ],
        },
        { portName: 'admin' },
        `test/svc: invalid portName "admin": the workload's probes are on port "http"`,
      ],
      [
        'pods probing other paths than /livez and /readyz',
        { probes: { readinessPath: '/ready', livenessPath: '/healthz' } },
        {},
        'test/svc: invalid workload {"portName":"http","readinessPath":"/ready","livenessPath":"/healthz","startupPath":"/healthz"}: pods must probe /livez (liveness) and /readyz (readiness)',
      ],
      ['a port number out of range', {}, { port: 70000 }, 'test/svc: invalid port 70000: must be an integer from 1 to 65535'],
      ['an invalid Service name', {}, { name: 'Chat.Gateway' }, 'test/svc: invalid name "Chat.Gateway": must be a DNS-1035 label'],
      [
        'a bad scrape interval',
        {},
        { metrics: { interval: 'often' } },
        'test/svc: invalid metrics.interval "often": must be a Prometheus duration',
      ],
      [
        'a relative metrics path',
        {},
        { metrics: { path: 'metrics' } },
        'test/svc: invalid metrics.path "metrics": must be an absolute HTTP path',
      ],
    ];
    for (const [what, workloadOverrides, serviceProps, message] of cases) {
      it(`refuses ${what}`, () => {
        expect(() => build(workloadOverrides, serviceProps)).to.throw(InvalidPropsError, message);
      });
    }

    it('serves a custom Service name and port', () => {
      const { objects } = build({}, { name: 'chat', port: 8081 });
      const svc = only(objects, 'Service');
      expect(svc.metadata.name).to.equal('chat');
      expect(svc.spec.ports[0]).to.include({ port: 8081, targetPort: 'http' });
    });
  });
});

describe('ProbedService: application protocols and other probe contracts', () => {
  const GRPC_WORKLOAD: Partial<HardenedDeploymentProps> = {
    ports: [{ name: 'grpc', port: 9090, appProtocol: 'grpc' }],
    probes: { readiness: Probe.grpc({ service: 'readiness' }), liveness: Probe.grpc() },
  };

  it('carries the port appProtocol to the Service port (h2c for gRPC, as Gateway API conformance expects)', () => {
    const { service, objects } = build(GRPC_WORKLOAD, { probeContract: 'readiness-on-port' });
    expect(only(objects, 'Service').spec.ports).to.deep.equal([
      { name: 'grpc', port: 80, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
    ]);
    expect(service.appProtocol).to.equal('grpc');
    new Service(only(objects, 'Service') as never).validate();
  });

  it('an http port is declared as such, and an undeclared protocol stays undeclared', () => {
    const http = build({ ports: [{ name: 'http', port: 8081, appProtocol: 'http' }] });
    expect(only(http.objects, 'Service').spec.ports[0].appProtocol).to.equal('http');
    expect(only(build().objects, 'Service').spec.ports[0]).not.to.have.property('appProtocol');
  });

  it('accepts an HTTP readiness probe on another path with readiness-on-port', () => {
    const { service } = build(
      { probes: { readiness: Probe.http('/actuator/health/readiness'), liveness: Probe.http('/actuator/health/liveness') } },
      { probeContract: 'readiness-on-port' },
    );
    expect(service.portName).to.equal('http');
  });

  const cases: ReadonlyArray<[string, Partial<HardenedDeploymentProps>, Omit<ProbedServiceProps, 'workload'>, string]> = [
    [
      'gRPC probes under the default contract',
      GRPC_WORKLOAD,
      {},
      'test/svc: invalid workload {"portName":"grpc"}: pods must probe /livez (liveness) and /readyz (readiness), or set probeContract',
    ],
    [
      'an exec readiness probe in front of a Service',
      { probes: { readiness: Probe.exec(['test', '-f', '/tmp/ready']), liveness: Probe.http('/livez') } },
      { probeContract: 'readiness-on-port' },
      'test/svc: invalid workload {"type":"exec","command":["test","-f","/tmp/ready"]}: the readiness probe runs a command',
    ],
    [
      'a readiness probe on another port than the exposed one',
      {
        ports: [
          { name: 'http', port: 8081 },
          { name: 'admin', port: 9000 },
        ],
        probes: { readiness: Probe.http('/ready', { port: 'admin' }), liveness: Probe.http('/alive') },
      },
      { portName: 'http', probeContract: 'readiness-on-port' },
      `test/svc: invalid portName "http": the workload's probes are on port "admin"`,
    ],
    ['an unknown contract', {}, { probeContract: 'none' as never }, 'test/svc: invalid probeContract "none"'],
  ];
  for (const [what, workloadOverrides, serviceProps, message] of cases) {
    it(`refuses ${what}`, () => expect(() => build(workloadOverrides, serviceProps)).to.throw(InvalidPropsError, message));
  }
});

function pick(service: ProbedService) {
  return { serviceName: service.serviceName, namespace: service.namespace, portName: service.portName, port: service.port };
}
