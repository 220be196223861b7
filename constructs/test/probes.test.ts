import { expect } from 'chai';
import { Testing } from 'cdk8s';
import { InvalidPropsError } from '../errors.js';
import { HardenedDeployment } from '../hardened-deployment.js';
import type { HardenedDeploymentProps } from '../hardened-deployment.js';
import { Probe, renderProbe, resolveProbes } from '../probes.js';
import type { ContainerProbes } from '../probes.js';
import { WebService } from '../web-service.js';
import { INGRESS_NGINX, environment, hardeningViolations } from './support/policy.js';
import { only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const PORTS = [
  { name: 'http', port: 8080 },
  { name: 'management', port: 8081 },
  { name: 'grpc', port: 9090 },
];

const BASE: HardenedDeploymentProps = {
  name: 'orders',
  namespace: 'todo',
  component: 'api',
  partOf: 'todo',
  image: 'ghcr.io/example/orders:2.0.0',
  resources: {
    requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
    limits: { cpu: '1', memory: '256Mi', ephemeralStorage: '256Mi' },
  },
  ports: PORTS,
};

function container(overrides: Partial<HardenedDeploymentProps>): Manifest {
  const chart = Testing.chart();
  new HardenedDeployment(chart, 'orders', { ...BASE, ...overrides });
  return only(Testing.synth(chart) as Manifest[], 'Deployment').spec.template.spec.containers[0];
}

function resolve(probes: ContainerProbes, defaultPort: string | undefined = 'http') {
  return resolveProbes(Testing.chart(), 'probes', probes, PORTS, defaultPort);
}

describe('Probe', () => {
  describe('rendering, per handler type and probe kind', () => {
    it('HTTP: GET the path on the named port, HTTPS only when asked', () => {
      expect(renderProbe(Probe.http('/actuator/health/readiness', { port: 'management' }), 'readiness', PORTS)).to.deep.equal({
        httpGet: { path: '/actuator/health/readiness', port: 'management' },
        timeoutSeconds: 2,
        periodSeconds: 5,
        failureThreshold: 2,
      });
      expect(renderProbe(Probe.http('/h', { port: 'http', scheme: 'HTTPS' }), 'liveness', PORTS).httpGet).to.deep.equal({
        path: '/h',
        port: 'http',
        scheme: 'HTTPS',
      });
    });

    it('gRPC: the port by number (GRPCAction takes no names) and the health service name', () => {
      expect(renderProbe(Probe.grpc({ port: 'grpc', service: 'liveness' }), 'liveness', PORTS)).to.deep.equal({
        grpc: { port: 9090, service: 'liveness' },
        timeoutSeconds: 2,
        periodSeconds: 10,
        failureThreshold: 3,
      });
      expect(renderProbe(Probe.grpc({ port: 'grpc' }), 'readiness', PORTS).grpc).to.deep.equal({ port: 9090 });
    });

    it('TCP and exec', () => {
      expect(renderProbe(Probe.tcp({ port: 'grpc' }), 'readiness', PORTS).tcpSocket).to.deep.equal({ port: 'grpc' });
      expect(renderProbe(Probe.exec(['cat', '/tmp/ready']), 'startup', PORTS)).to.deep.equal({
        exec: { command: ['cat', '/tmp/ready'] },
        timeoutSeconds: 2,
        periodSeconds: 2,
        failureThreshold: 30,
      });
    });

    it('timings given on the probe win over the kind defaults; startup spreads its timeout over the period', () => {
      expect(
        renderProbe(Probe.tcp({ port: 'http', periodSeconds: 7, timeoutSeconds: 3, failureThreshold: 4 }), 'liveness', PORTS),
      ).to.include({
        periodSeconds: 7,
        timeoutSeconds: 3,
        failureThreshold: 4,
      });
      expect(renderProbe(Probe.tcp({ port: 'http', periodSeconds: 5 }), 'startup', PORTS, 120).failureThreshold).to.equal(24);
    });
  });

  describe('resolveProbes', () => {
    it('fills in the default port and uses the liveness check, with startup timings, as the startup probe', () => {
      const resolved = resolve({ readiness: Probe.http('/ready'), liveness: Probe.grpc({ service: 'liveness', periodSeconds: 30 }) });
      expect(resolved.readiness.check).to.deep.equal({ type: 'http', path: '/ready', port: 'http' });
      expect(resolved.startup.check).to.deep.equal({ type: 'grpc', port: 'http', service: 'liveness' });
      expect(resolved.startup.options, 'startup keeps its own timings').to.deep.equal({});
      expect(resolved.startupTimeoutSeconds).to.equal(60);
    });

    it('accepts readiness and liveness that differ by kind, path, port, gRPC service or command (P02)', () => {
      const pairs: Array<[Probe, Probe]> = [
        [Probe.http('/ready'), Probe.tcp()],
        [Probe.http('/ready', { port: 'management' }), Probe.http('/ready')],
        [Probe.grpc({ service: 'readiness' }), Probe.grpc()],
        [Probe.grpc({ port: 'grpc' }), Probe.grpc({ port: 'management' })],
        [Probe.tcp({ port: 'grpc' }), Probe.tcp()],
        [Probe.exec(['test', '-f', '/tmp/ready']), Probe.exec(['true'])],
      ];
      for (const [readiness, liveness] of pairs) expect(() => resolve({ readiness, liveness }), readiness.endpointKey).not.to.throw();
    });

    const cases: ReadonlyArray<[string, ContainerProbes, string]> = [
      [
        'an undeclared port (P03)',
        { readiness: Probe.http('/r', { port: 'admin' }), liveness: Probe.tcp() },
        'test: invalid probes.readiness.port "admin": is not a declared port (declared: http, management, grpc) (P03)',
      ],
      [
        'the same HTTP endpoint twice (P02)',
        { readiness: Probe.http('/health'), liveness: Probe.http('/health', { periodSeconds: 20 }) },
        'invalid probes.readiness {"type":"http","path":"/health","port":"http"}: readiness and liveness must differ',
      ],
      [
        'the same gRPC service, named and defaulted port (P02)',
        { readiness: Probe.grpc({ port: 'http' }), liveness: Probe.grpc({ service: '' }) },
        'invalid probes.readiness {"type":"grpc","port":"http"}: readiness and liveness must differ',
      ],
      [
        'the same TCP port (P02)',
        { readiness: Probe.tcp(), liveness: Probe.tcp({ port: 'http' }) },
        'invalid probes.readiness {"type":"tcp","port":"http"}: readiness and liveness must differ',
      ],
      [
        'the same command (P02)',
        { readiness: Probe.exec(['true']), liveness: Probe.exec(['true']) },
        'invalid probes.readiness {"type":"exec","command":["true"]}: readiness and liveness must differ',
      ],
      [
        'a relative HTTP path',
        { readiness: Probe.http('ready'), liveness: Probe.tcp() },
        'invalid probes.readiness.path "ready": must be an absolute HTTP path',
      ],
      ['a path with a space', { readiness: Probe.http('/is ready'), liveness: Probe.tcp() }, 'invalid probes.readiness.path "/is ready"'],
      [
        'an empty command',
        { readiness: Probe.exec([]), liveness: Probe.tcp() },
        'invalid probes.readiness.command []: must be a non-empty list',
      ],
      [
        'a gRPC service name with a space',
        { readiness: Probe.grpc({ service: 'my service' }), liveness: Probe.tcp() },
        'invalid probes.readiness.service "my service"',
      ],
      [
        'a zero period',
        { readiness: Probe.tcp({ periodSeconds: 0 }), liveness: Probe.http('/l') },
        'invalid probes.readiness.periodSeconds 0: must be an integer >= 1',
      ],
      [
        'a fractional timeout',
        { readiness: Probe.tcp(), liveness: Probe.http('/l', { timeoutSeconds: 1.5 }) },
        'invalid probes.liveness.timeoutSeconds 1.5: must be an integer >= 1',
      ],
      [
        'a plain object instead of a Probe',
        { readiness: { httpGet: { path: '/r' } } as never, liveness: Probe.tcp() },
        'invalid probes.readiness {"httpGet":{"path":"/r"}}: must be a Probe',
      ],
      [
        'a startup failureThreshold and a startup timeout',
        {
          readiness: Probe.tcp(),
          liveness: Probe.http('/l'),
          startup: Probe.http('/s', { failureThreshold: 10 }),
          startupTimeoutSeconds: 30,
        },
        'invalid probes.startup.failureThreshold 10: conflicts with startupTimeoutSeconds',
      ],
      [
        'a non-positive startup timeout',
        { readiness: Probe.tcp(), liveness: Probe.http('/l'), startupTimeoutSeconds: 0 },
        'invalid probes.startupTimeoutSeconds 0: must be positive',
      ],
    ];
    for (const [what, probes, message] of cases) {
      it(`refuses ${what}`, () => expect(() => resolve(probes)).to.throw(InvalidPropsError, message));
    }

    it('refuses a port probe on a container without ports, pointing at exec', () => {
      expect(() =>
        resolveProbes(Testing.chart(), 'sidecars[0].probes', { readiness: Probe.tcp(), liveness: Probe.exec(['true']) }, [], undefined),
      ).to.throw(
        InvalidPropsError,
        'invalid sidecars[0].probes.readiness.port undefined: the container declares no port to probe: name one, or use Probe.exec',
      );
    });
  });

  describe('on HardenedDeployment', () => {
    it('keeps the design contract as the default: /readyz and /livez on the http port', () => {
      const c = container({});
      expect([c.readinessProbe.httpGet, c.livenessProbe.httpGet, c.startupProbe.httpGet]).to.deep.equal([
        { path: '/readyz', port: 'http' },
        { path: '/livez', port: 'http' },
        { path: '/livez', port: 'http' },
      ]);
    });

    it('takes any probe per kind: HTTP on another port, gRPC, exec', () => {
      const chart = Testing.chart();
      const workload = new HardenedDeployment(chart, 'orders', {
        ...BASE,
        probes: {
          readiness: Probe.http('/actuator/health/readiness', { port: 'management' }),
          liveness: Probe.grpc({ port: 'grpc' }),
          startup: Probe.exec(['cat', '/tmp/ready']),
        },
      });
      const c = only(Testing.synth(chart) as Manifest[], 'Deployment').spec.template.spec.containers[0];
      expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/actuator/health/readiness', port: 'management' });
      expect(c.livenessProbe.grpc).to.deep.equal({ port: 9090 });
      expect(c.startupProbe).to.deep.equal({
        exec: { command: ['cat', '/tmp/ready'] },
        timeoutSeconds: 2,
        periodSeconds: 2,
        failureThreshold: 30,
      });
      expect(workload.probes).to.deep.equal({ portName: 'management', readinessPath: '/actuator/health/readiness' });
      expect(workload.containerProbes.liveness.check).to.deep.equal({ type: 'grpc', port: 'grpc' });
    });

    const cases: ReadonlyArray<[string, Partial<HardenedDeploymentProps>, string]> = [
      [
        'a path and a Probe for the same kind',
        { probes: { readinessPath: '/ready', readiness: Probe.tcp() } },
        'test/orders: invalid probes.readinessPath "/ready": conflicts with probes.readiness',
      ],
      [
        'a gRPC liveness probe on an undeclared port',
        { probes: { liveness: Probe.grpc({ port: 'grpc-web' }) } },
        'test/orders: invalid probes.liveness.port "grpc-web": is not a declared port',
      ],
      [
        'readiness equal to the default liveness',
        { probes: { readiness: Probe.http('/livez') } },
        'test/orders: invalid probes.readiness {"type":"http","path":"/livez","port":"http"}: readiness and liveness must differ',
      ],
    ];
    for (const [what, overrides, message] of cases) {
      it(`refuses ${what}`, () => expect(() => container(overrides)).to.throw(InvalidPropsError, message));
    }
  });

  describe('a gRPC WebService passes the hardening policy with no waiver', () => {
    const objects = environment((chart) => {
      new WebService(chart, 'Orders', {
        ...BASE,
        ports: [{ name: 'grpc', port: 9090, appProtocol: 'grpc' }],
        probes: { readiness: Probe.grpc({ service: 'readiness' }), liveness: Probe.grpc() },
        probeContract: 'readiness-on-port',
        ingressController: INGRESS_NGINX,
      });
    });

    it('probes gRPC health on the port number and names the readiness service', () => {
      const c = only(objects, 'Deployment').spec.template.spec.containers[0];
      expect(c.readinessProbe.grpc).to.deep.equal({ port: 9090, service: 'readiness' });
      expect(c.livenessProbe.grpc).to.deep.equal({ port: 9090 });
      expect(c.startupProbe.grpc).to.deep.equal({ port: 9090 });
    });

    it('has no violation (P01-P03 included) and valid schemas', async () => {
      expect(await hardeningViolations(objects)).to.deep.equal([]);
    });

    it('the policy catches the same pod with equal readiness and liveness (the check can fail)', async () => {
      const deployment = only(objects, 'Deployment');
      const broken = structuredClone(deployment);
      broken.spec.template.spec.containers[0].readinessProbe.grpc = { port: 9090 };
      const violations = await hardeningViolations(objects.map((o) => (o === deployment ? broken : o)));
      expect(violations).to.deep.equal([
        'Deployment/todo/orders: P02 container "orders" readinessProbe and livenessProbe call the same endpoint',
      ]);
    });
  });
});
