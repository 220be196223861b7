/**
 * The platform as data (charts/services.ts): adding a service is one entry and its image, and the
 * chart, the quota, the network flows, the images file and the release matrix all follow.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkFlows, parseQuantity } from '@todo-platform/hardened-constructs';
import { ENVIRONMENTS, loadImages, type EnvironmentConfig } from '../config.js';
import { peakContainers, quotaFor } from '../quota.js';
import type { PlatformService } from '../services.js';
import { buildPlatform } from '../synth.js';
import { releaseMatrix } from '../tools/release-matrix.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
type Json = Record<string, any>;

const prod = ENVIRONMENTS.find((env) => env.name === 'prod')!;
/** A fourth service nobody calls and no route exposes: it only calls the API. */
const reports: PlatformService = {
  name: 'reports',
  component: 'reporting',
  port: 8090,
  calls: ['todo-api'],
  config: () => ({ PORT: '8090' }),
  build: { dockerfile: 'services/todo-api/Dockerfile', repository: 'todo-reports' },
};
const withService = (env: EnvironmentConfig, ...extra: PlatformService[]): EnvironmentConfig => ({
  ...env,
  services: [...env.services, ...extra],
});
const imagesWith = (names: readonly string[]) => ({
  prod: { ...loadImages().prod, ...Object.fromEntries(names.map((name) => [name, `ghcr.io/example-org/${name}:1.0.0`])) },
});
/** prod, with the chat gateway also calling `callee`. */
const gatewayCalls = (callee: string): EnvironmentConfig => ({
  ...prod,
  services: prod.services.map((s) => (s.name === 'chat-gateway' ? { ...s, calls: [...(s.calls ?? []), callee] } : s)),
});
const flowsOf = async (env: EnvironmentConfig, extraImages: readonly string[]) => {
  const build = await buildPlatform({ environments: [env], images: imagesWith(extraImages) });
  const objects = build.folders.get('prod')!;
  return { objects, flows: networkFlows(objects).map((f) => `${f.from} -> ${f.to}:${f.port}`) };
};

describe('the platform as data', function () {
  this.timeout(60_000);

  it('a fourth service with no route synthesizes, reaches only what it calls, and only its declared caller reaches it', async () => {
    const { objects, flows } = await flowsOf(withService(gatewayCalls('reports'), reports), ['reports']);
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'reports') as Json;
    expect(deployment.spec.template.spec.containers[0].image).to.equal('ghcr.io/example-org/reports:1.0.0');
    expect(deployment.spec.template.spec.containers[0].ports).to.deep.equal([{ containerPort: 8090, name: 'http', protocol: 'TCP' }]);
    expect(flows).to.include('reports -> todo-api:8080');
    expect(
      flows.filter((flow) => flow.includes('-> reports:')),
      'not the ingress controller: no route',
    ).to.deep.equal(['chat-gateway -> reports:8090']);
    const backends = objects
      .filter((o) => o.kind === 'Ingress')
      .flatMap((o) => (o as Json).spec.rules.flatMap((r: Json) => r.http.paths.map((p: Json) => p.backend.service.name)));
    expect(backends).to.not.include('reports');
  });

  it('refuses a service that nothing calls and no route exposes, naming it', async () => {
    let message = '';
    await buildPlatform({ environments: [withService(prod, reports)], images: imagesWith(['reports']) }).catch(
      (error: Error) => (message = error.message),
    );
    expect(message).to.include('prod/reports/NetworkPolicy: invalid ingress []: no caller declared');
  });

  it('the namespace quota grows by the new service at its peak', () => {
    const before = quotaFor(prod);
    const after = quotaFor(withService(prod, reports));
    const peakPods = ('maxReplicas' in prod.scaling ? prod.scaling.maxReplicas : 0) + 1;
    const cpu = (q: string | undefined) => parseQuantity(q!)!;
    expect(cpu(after.limitsCpu) - cpu(before.limitsCpu)).to.be.closeTo(1.25 * peakPods * cpu(prod.resources.cpu.limit), 0.001);
    const pods = peakContainers(prod)
      .filter((group) => !group.sidecar)
      .reduce((sum, group) => sum + group.count, 0);
    expect(after.pods).to.equal(Math.ceil(1.25 * (pods + peakPods)));
  });

  it('images.json must name an image for every service, and none for a service the environment does not run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'images-'));
    const file = join(dir, 'images.json');
    writeFileSync(file, JSON.stringify({ prod: loadImages().prod }));
    expect(() => loadImages(file, [withService(prod, reports)])).to.throw(`environment "prod" has no image for "reports"`);
    writeFileSync(file, JSON.stringify(imagesWith(['reports'])));
    expect(() => loadImages(file, [prod])).to.throw(`environment "prod" has an image for "reports", which it does not run`);
    expect(loadImages(file, [withService(prod, reports)]).prod!['reports']).to.equal('ghcr.io/example-org/reports:1.0.0');
  });

  it('the release workflow builds the new service too', () => {
    expect(releaseMatrix([withService(prod, reports)]).include.map((leg) => leg.service)).to.deep.equal([
      'todo-api',
      'chat-gateway',
      'frontend',
      'reports',
    ]);
  });

  it('refuses a call to a service that is not in the list, naming the chart and the value', async () => {
    const lost = { ...reports, calls: ['billing'] };
    let message = '';
    await buildPlatform({ environments: [withService(prod, lost)], images: imagesWith(['reports']) }).catch(
      (error: Error) => (message = error.message),
    );
    expect(message).to.equal(
      'prod: invalid services[reports].calls "billing": no such service (services: todo-api, chat-gateway, frontend, reports)',
    );
  });

  it('an environment with an assistant model gives the gateway its settings, its key as an ExternalSecret file and egress to the endpoint only', async () => {
    const withModel: EnvironmentConfig = {
      ...prod,
      assistantModel: {
        baseUrl: 'https://llm.example.net/v1',
        model: 'small-model',
        apiKeyRemoteRef: 'todo/prod/llm-api-key',
        endpointCidrs: ['198.51.100.0/24'],
      },
    };
    const { objects, flows } = await flowsOf(withModel, []);
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'chat-gateway-config') as Json;
    expect(config.data).to.deep.include({ LLM_BASE_URL: 'https://llm.example.net/v1', LLM_MODEL: 'small-model', LLM_TIMEOUT_MS: '4000' });
    const external = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata.name === 'chat-gateway-llm') as Json;
    expect(external.spec.data).to.deep.equal([{ secretKey: 'api-key', remoteRef: { key: 'todo/prod/llm-api-key' } }]);
    const container = (objects.find((o) => ['Deployment', 'Rollout'].includes(o.kind) && o.metadata.name === 'chat-gateway') as Json).spec
      .template.spec.containers[0];
    expect(container.env).to.deep.include({ name: 'LLM_API_KEY_FILE', value: '/var/run/secrets/todo/llm/api-key' });
    expect(flows.filter((flow) => flow.startsWith('chat-gateway -> ') && !flow.includes('dns'))).to.deep.equal([
      'chat-gateway -> 198.51.100.0/24:443',
      'chat-gateway -> monitoring/opentelemetry-collector:4318',
      'chat-gateway -> todo-api:8080',
    ]);
    const { objects: without } = await flowsOf(prod, []);
    expect(
      without.some((o) => o.metadata.name === 'chat-gateway-llm'),
      'off by default',
    ).to.equal(false);
  });

  it('tracing: where it is on, the Node services get their OTEL_* settings and egress to the collector; where it is off, neither', async () => {
    const { objects, flows } = await flowsOf(prod, []);
    const configOf = (list: typeof objects, name: string) =>
      (list.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${name}-config`) as Json).data;
    for (const name of ['todo-api', 'chat-gateway']) {
      expect(configOf(objects, name)).to.deep.include({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.monitoring.svc.cluster.local:4318',
        OTEL_SERVICE_NAME: name,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      });
      expect(flows).to.include(`${name} -> monitoring/opentelemetry-collector:4318`);
    }
    expect(flows.filter((flow) => flow.includes('opentelemetry-collector'))).to.have.length(2);
    const { tracing: _off, ...untraced } = prod;
    const { objects: without, flows: flowsWithout } = await flowsOf(untraced, []);
    expect(Object.keys(configOf(without, 'todo-api')).filter((key) => key.startsWith('OTEL_'))).to.deep.equal([]);
    expect(flowsWithout.filter((flow) => flow.includes('opentelemetry-collector'))).to.deep.equal([]);
  });
});
