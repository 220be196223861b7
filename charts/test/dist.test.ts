/**
 * The committed dist/ folders, read back as Argo CD reads them: every object hardened, valid,
 * ordered, free of secret material, and network policies that allow exactly the intended flows.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allowedFlows, formatFinding, HardeningValidation, type NamedEndpoint, namespacesOf } from '@todo-platform/hardened-constructs';
import { ARGOCD_FOLDER } from '../argocd.js';
import { ENVIRONMENTS, GITOPS, loadImages, type EnvironmentConfig } from '../config.js';
import { GENERATED_HEADER, type KubeObject } from '../output.js';
import { FRONTEND_NGINX_CONF } from '../services.js';
import { SYNC_WAVE_ANNOTATION } from '../sync-waves.js';
import { policyOptionsFor } from '../synth.js';
import { DIST, readDistFolder, readDistObjects } from './support/dist.js';
import { loadConfig as loadTodoApiConfig } from '../../services/todo-api/src/config.js';
import { loadConfig as loadGatewayConfig } from '../../services/chat-gateway/src/config.js';

/** todo-api's server.ts closes lingering keep-alive connections this long after SIGTERM's delay (CLOSE_TIMEOUT_MS). */
const TODO_API_CLOSE_TIMEOUT_SECONDS = 10;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed manifests, read field by field
type Json = Record<string, any>;

const byKind = (objects: readonly KubeObject[], kind: string): Json[] => objects.filter((o) => o.kind === kind);
const named = (objects: readonly KubeObject[], kind: string, name: string) => {
  const found = byKind(objects, kind).find((o) => o.metadata.name === name);
  expect(found, `${kind}/${name}`).to.not.equal(undefined);
  return found!;
};
/** A service's workload: its Deployment, or its Rollout where it ships as a canary. */
const workload = (objects: readonly KubeObject[], name: string) => {
  const found = objects.find((o) => (o.kind === 'Deployment' || o.kind === 'Rollout') && o.metadata.name === name) as Json | undefined;
  expect(found, `Deployment or Rollout ${name}`).to.not.equal(undefined);
  return found!;
};
const wave = (object: Json) => Number((object['metadata']['annotations'] as Record<string, string>)[SYNC_WAVE_ANNOTATION]);

/** The pod labels of every workload in the folder, by `app.kubernetes.io/name`. */
function podLabels(objects: readonly KubeObject[]): Map<string, Record<string, string>> {
  const labels = new Map<string, Record<string, string>>();
  for (const o of objects as readonly Json[]) {
    const template = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec?.template;
    if (template?.metadata?.labels) labels.set(template.metadata.labels['app.kubernetes.io/name'], template.metadata.labels);
    // CloudNativePG labels its instances itself: `cnpg.io/cluster`, and possibly its own
    // `app.kubernetes.io/name: postgresql` over the inherited one; the policies must hold either way.
    if (o.kind === 'Cluster') {
      labels.set(o.metadata.name, {
        ...o.spec.inheritedMetadata.labels,
        'app.kubernetes.io/name': 'postgresql',
        'cnpg.io/cluster': o.metadata.name,
      });
    }
  }
  return labels;
}

/** Exactly the flows the platform needs (issue 3), for one environment. */
/** The first host address of an IPv4 range, e.g. 10.10.0.1 for 10.10.0.0/28. */
function firstAddress(cidr: string): string {
  const [a, b, c, d] = cidr.split('/')[0]!.split('.').map(Number);
  return `${a}.${b}.${c}.${d! + 1}`;
}

function intendedFlows(env: EnvironmentConfig, workloads: readonly string[]): string[] {
  const flows = [
    'ingress -> frontend:8080',
    'ingress -> todo-api:8080',
    'ingress -> chat-gateway:8081',
    'chat-gateway -> todo-api:8080',
    'todo-api -> todo-db:5432',
  ];
  // Every pod of the namespace may resolve names (the namespace-wide DNS policy).
  for (const pod of [...workloads, 'acme-solver', 'stranger-in-namespace']) flows.push(`${pod} -> dns:53`);
  if (env.database.kind === 'in-cluster') flows.push('todo-db-backup -> todo-db:5432');
  if (env.database.kind === 'cloudnative-pg') {
    flows.push('todo-db -> todo-db:5432', 'todo-db -> todo-db:8000', 'cnpg-operator -> todo-db:5432', 'cnpg-operator -> todo-db:8000');
    // The API server and the object store at their configured ranges; never the internet at large.
    flows.push('todo-db -> api-server:443', 'todo-db -> api-server:6443', 'todo-db -> object-store:443');
  }
  if (env.observability.serviceMonitors) flows.push('prometheus -> todo-api:8080', 'prometheus -> chat-gateway:8081');
  if (env.observability.serviceMonitors && env.database.kind === 'cloudnative-pg') flows.push('prometheus -> todo-db:9187');
  if (env.issuer.kind === 'acme') flows.push('ingress -> acme-solver:8089');
  return flows.sort();
}

describe('dist/ (what Argo CD syncs)', () => {
  it('has one folder per environment plus argocd/, and nothing else', () => {
    expect(readdirSync(DIST).sort()).to.deep.equal([...ENVIRONMENTS.map((e) => e.name), ARGOCD_FOLDER].sort());
  });

  for (const folder of [...ENVIRONMENTS.map((e) => e.name), ARGOCD_FOLDER]) {
    it(`${folder}/: every file starts with the generated header and holds exactly one Kubernetes object`, () => {
      const files = readDistFolder(folder);
      expect(files).to.have.length.above(0);
      for (const file of files) {
        expect(file.path).to.match(/\.yaml$/);
        expect(file.text.startsWith(GENERATED_HEADER), file.path).to.equal(true);
        expect(file.documents, file.path).to.have.length(1);
        const object = file.documents[0] as Json;
        expect(object.apiVersion, file.path).to.match(/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/);
        expect(object.kind, file.path).to.match(/^[A-Z][A-Za-z]+$/);
        // The file is named after the object it holds, so a review diff names what changed.
        expect(file.path, 'file named <kind>-<name>.yaml').to.equal(`${folder}/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`);
      }
    });
  }

  for (const env of ENVIRONMENTS) {
    describe(`${env.name}/`, () => {
      const objects = readDistObjects(env.name);

      it('keeps the namespace and every object that holds data when Argo CD deletes the Application or prunes', () => {
        const kept = objects
          .filter(
            (o) =>
              (o.metadata.annotations as Record<string, string> | undefined)?.['argocd.argoproj.io/sync-options'] ===
              'Delete=false,Prune=false',
          )
          .map((o) => o.kind)
          .sort();
        const expected =
          env.database.kind === 'in-cluster'
            ? ['Namespace', 'PersistentVolumeClaim', 'StatefulSet']
            : env.database.kind === 'cloudnative-pg'
              ? ['Cluster', 'Namespace', 'ObjectStore']
              : ['Namespace'];
        expect(kept).to.deep.equal(expected);
        const stateless = objects.filter((o) => ['Deployment', 'Service', 'ConfigMap'].includes(o.kind));
        expect(
          stateless.every((o) => !(o.metadata.annotations as Record<string, string> | undefined)?.['argocd.argoproj.io/sync-options']),
          'the rest is deleted with the Application',
        ).to.equal(true);
      });

      it('passes every hardening rule and the Kubernetes and CRD OpenAPI schemas, with no waiver', async () => {
        expect((await new HardeningValidation(policyOptionsFor(env)).check(objects)).map(formatFinding)).to.deep.equal([]);
        expect(JSON.stringify(objects)).to.not.include('waive-');
      });

      it('holds no Secret and no secret material; secrets are mounted files', () => {
        expect(byKind(objects, 'Secret')).to.deep.equal([]);
        const text = JSON.stringify(objects);
        expect(text).to.not.match(/PRIVATE KEY|secretKeyRef|"secretRef"|stringData/);
        expect(text, 'no credentials in a connection string').to.not.match(/postgres(ql)?:\/\/[^"\s]*:[^"\s]*@/);
        const api = workload(objects, 'todo-api');
        const env = api.spec.template.spec.containers[0].env as { name: string; value?: string }[];
        expect(
          env
            .filter((e) => e.name.endsWith('_FILE'))
            .map((e) => e.name)
            .sort(),
        ).to.deep.equal(['DATABASE_URL_FILE', 'JWT_PRIVATE_KEY_FILE']);
      });

      it('orders objects in sync waves: namespace, guard rails, config, database, services, routes', () => {
        for (const object of objects) expect(Number.isInteger(wave(object)), `${object.kind}/${object.metadata.name}`).to.equal(true);
        const waveOf = (kind: string) => Math.max(...byKind(objects, kind).map(wave));
        const firstWaveOf = (kind: string) => Math.min(...byKind(objects, kind).map(wave));
        const scheduled = new Set(['CronJob', 'PersistentVolumeClaim']);
        const databaseWave = Math.max(
          ...objects
            .filter(
              (o) =>
                (o.metadata['labels'] as Json)?.['app.kubernetes.io/component'] === 'database' &&
                !['NetworkPolicy', 'ExternalSecret', 'ServiceAccount', 'ObjectStore', ...scheduled].includes(o.kind),
            )
            .map(wave),
        );
        const routeKind = env.routeKind === 'ingress' ? 'Ingress' : 'HTTPRoute';
        expect(waveOf('Namespace')).to.be.lessThan(firstWaveOf('NetworkPolicy'));
        expect(waveOf('NetworkPolicy')).to.be.lessThan(firstWaveOf('ConfigMap'));
        expect(waveOf('ConfigMap')).to.be.lessThan(databaseWave);
        expect(databaseWave).to.be.lessThan(firstWaveOf('Deployment'));
        expect(waveOf('Deployment')).to.be.lessThan(firstWaveOf(routeKind));
        // The backup's claim may wait for its first consumer (Pending = Progressing to Argo CD): nothing waits behind it.
        for (const object of objects.filter((o) => scheduled.has(o.kind))) {
          expect(wave(object), `${object.kind}/${object.metadata.name}`).to.be.greaterThan(waveOf(routeKind));
        }
        expect(objects.filter((o) => scheduled.has(o.kind)).length, 'scheduled backup objects').to.equal(
          env.database.kind === 'in-cluster' ? 2 : 0,
        );
        if (env.database.kind === 'cloudnative-pg') {
          // The backup credentials and the ObjectStore exist before the Cluster's first instance archives WAL.
          expect(wave(named(objects, 'ExternalSecret', 'todo-db-backup-s3'))).to.be.lessThan(wave(named(objects, 'Cluster', 'todo-db')));
          expect(wave(named(objects, 'ObjectStore', 'todo-db-backup'))).to.be.lessThan(wave(named(objects, 'Cluster', 'todo-db')));
        }
      });

      it('gives each Node service its whole shutdown (preStop pause, then its own delay and drain) before SIGKILL', () => {
        const configOf = (name: string) => named(objects, 'ConfigMap', `${name}-config`).data as Record<string, string>;
        const api = loadTodoApiConfig(configOf('todo-api'));
        const gateway = loadGatewayConfig(configOf('chat-gateway'));
        const shutdownSeconds = {
          'todo-api': api.shutdownDelayMs / 1000 + TODO_API_CLOSE_TIMEOUT_SECONDS,
          'chat-gateway': (gateway.shutdownDelayMs + gateway.shutdownGraceMs) / 1000,
        };
        expect(shutdownSeconds).to.deep.equal({ 'todo-api': 15, 'chat-gateway': 12 });
        for (const [name, seconds] of Object.entries(shutdownSeconds)) {
          const pod = workload(objects, name).spec.template.spec;
          const preStop = pod.containers[0].lifecycle.preStop;
          const pauseSeconds = Number(preStop.sleep?.seconds ?? preStop.exec.command.at(-1));
          expect(pauseSeconds, `${name} preStop pause`).to.equal(5);
          expect(pod.terminationGracePeriodSeconds, `${name}: ${pauseSeconds} s pause + ${seconds} s shutdown`).to.be.greaterThan(
            pauseSeconds + seconds,
          );
        }
      });

      it('runs the images of charts/images.json', () => {
        const images = loadImages()[env.name]!;
        const image = (name: string) => workload(objects, name).spec.template.spec.containers[0].image;
        expect(image('todo-api')).to.equal(images['todo-api']);
        expect(image('chat-gateway')).to.equal(images['chat-gateway']);
        expect(image('frontend')).to.equal(images.frontend);
      });

      it('releases as configured: canary Rollouts judged by an AnalysisTemplate where canaryReleases is on, rolling Deployments elsewhere', () => {
        const canaries = env.canaryReleases ? env.services.filter((service) => service.canary).map((service) => service.name) : [];
        expect(
          byKind(objects, 'Rollout')
            .map((o) => o.metadata.name)
            .sort(),
        ).to.deep.equal([...canaries].sort());
        expect(
          byKind(objects, 'AnalysisTemplate')
            .map((o) => o.metadata.name)
            .sort(),
        ).to.deep.equal([...canaries].sort());
        if (env.name === 'prod') expect(canaries).to.deep.equal(['todo-api', 'chat-gateway']);
        for (const service of env.services) {
          const object = workload(objects, service.name);
          expect(object.kind, service.name).to.equal(canaries.includes(service.name) ? 'Rollout' : 'Deployment');
          const target = byKind(objects, 'HorizontalPodAutoscaler').find((h) => h.metadata.name === service.name)?.spec.scaleTargetRef;
          if (target) expect(target).to.deep.equal({ apiVersion: object.apiVersion, kind: object.kind, name: service.name });
          if (object.kind !== 'Rollout') continue;
          const template = named(objects, 'AnalysisTemplate', service.name);
          expect(object.spec.strategy.canary.analysis.templates).to.deep.equal([{ templateName: service.name }]);
          for (const metric of template.spec.metrics)
            expect(metric.provider.prometheus.address).to.equal(env.canaryReleases!.prometheusAddress);
          expect(named(objects, 'ServiceMonitor', service.name).spec.podTargetLabels).to.deep.equal(['rollouts-pod-template-hash']);
        }
      });

      it('scales as configured: fixed replicas, or an HPA with no spec.replicas', () => {
        for (const name of ['todo-api', 'chat-gateway', 'frontend']) {
          const deployment = workload(objects, name);
          if ('replicas' in env.scaling) {
            expect(deployment.spec.replicas).to.equal(env.scaling.replicas);
          } else {
            expect(deployment.spec).to.not.have.property('replicas');
            const hpa = named(objects, 'HorizontalPodAutoscaler', name);
            expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).to.deep.equal([env.scaling.minReplicas, env.scaling.maxReplicas]);
          }
        }
      });

      it('routes /, /api, /.well-known and /ws of the one host to the right services over TLS', () => {
        const routes = new Map<string, string>();
        if (env.routeKind === 'ingress') {
          for (const ingress of byKind(objects, 'Ingress')) {
            expect(ingress.spec.tls).to.deep.equal([{ hosts: [env.host], secretName: 'todo-tls' }]);
            // The Certificate below asks for the certificate: an annotation would make ingress-shim fight over the Secret.
            expect(
              Object.keys(ingress.metadata.annotations).filter((key) => key.startsWith('cert-manager.io/')),
              ingress.metadata.name,
            ).to.deep.equal([]);
            for (const rule of ingress.spec.rules) {
              expect(rule.host).to.equal(env.host);
              for (const p of rule.http.paths) routes.set(p.path, p.backend.service.name);
            }
          }
          const websocket = byKind(objects, 'Ingress').find((i) => i.spec.rules[0].http.paths.some((p: Json) => p.path === '/ws'))!;
          expect(websocket.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']).to.equal('3600');
          expect(websocket.metadata.annotations['nginx.ingress.kubernetes.io/proxy-send-timeout']).to.equal('3600');
        } else {
          for (const route of byKind(objects, 'HTTPRoute')) {
            expect(route.spec.hostnames).to.deep.equal([env.host]);
            for (const rule of route.spec.rules ?? []) {
              for (const match of rule.matches ?? []) if (rule.backendRefs) routes.set(match.path.value, rule.backendRefs[0].name);
            }
          }
        }
        expect(Object.fromEntries(routes)).to.deep.equal({
          '/': 'frontend',
          '/api': 'todo-api',
          '/.well-known': 'todo-api',
          '/ws': 'chat-gateway',
        });
      });

      it("requests one certificate for the host, from the environment's issuer, in the routes' wave (one Certificate per TLS Secret)", () => {
        const certificates = byKind(objects, 'Certificate');
        expect(certificates.map((c) => c.metadata.name)).to.deep.equal(['todo-tls']);
        expect(certificates[0]!.spec).to.deep.equal({
          secretName: 'todo-tls',
          dnsNames: [env.host],
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: env.issuer.name },
        });
        expect(named(objects, 'ClusterIssuer', env.issuer.name), 'the issuer is deployed with the environment').to.not.equal(undefined);
        // Before or with the routes that serve its Secret (Argo CD then waits for it Ready before the
        // scheduled wave); an ACME http01 solver brings its own route, so it needs none of ours first.
        const routes = objects.filter((o) => ['Ingress', 'HTTPRoute', 'Gateway'].includes(o.kind));
        expect(routes.length).to.be.greaterThan(0);
        for (const route of routes) expect(wave(certificates[0]!), `${route.kind}/${route.metadata.name}`).to.be.at.most(wave(route));
        expect(wave(certificates[0]!)).to.be.greaterThan(wave(named(objects, 'ClusterIssuer', env.issuer.name)));
      });

      it('serves the frontend with the nginx config the image is built with', () => {
        const configMap = named(objects, 'ConfigMap', 'frontend-files');
        expect(configMap.data['default.conf']).to.equal(readFileSync(fileURLToPath(FRONTEND_NGINX_CONF), 'utf8'));
      });

      it('lets exactly the intended flows through the network policies, and nothing else', () => {
        const labels = podLabels(objects);
        const pod = (name: string) => ({ namespace: env.namespace, labels: labels.get(name)! });
        const workloads = [...labels.keys()];
        const endpoints: NamedEndpoint[] = [
          ...workloads.map((name) => ({ name, endpoint: pod(name) })),
          { name: 'ingress', endpoint: { namespace: env.ingressController.namespace, labels: { ...env.ingressController.podLabels } } },
          { name: 'dns', endpoint: { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } } },
          { name: 'prometheus', endpoint: { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } } },
          { name: 'cnpg-operator', endpoint: { namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } } },
          { name: 'acme-solver', endpoint: { namespace: env.namespace, labels: { 'acme.cert-manager.io/http01-solver': 'true' } } },
          { name: 'stranger-in-namespace', endpoint: { namespace: env.namespace, labels: { app: 'debug' } } },
          { name: 'stranger-elsewhere', endpoint: { namespace: 'other', labels: { 'app.kubernetes.io/name': 'todo-api' } } },
          { name: 'internet', endpoint: { ip: '203.0.113.10' } },
          ...(env.database.kind === 'cloudnative-pg'
            ? [
                { name: 'api-server', endpoint: { ip: firstAddress(env.database.apiServerCidrs[0]!) } },
                { name: 'object-store', endpoint: { ip: firstAddress(env.database.objectStoreCidrs[0]!) } },
              ]
            : []),
        ];
        const inNamespace = new Set(
          endpoints.filter((e) => 'namespace' in e.endpoint && e.endpoint.namespace === env.namespace).map((e) => e.name),
        );
        const namespaces = {
          ...namespacesOf(objects),
          'kube-system': {},
          monitoring: {},
          other: {},
          'cnpg-system': {},
          [env.ingressController.namespace]: {},
        };
        const flows = allowedFlows(objects, namespaces, endpoints, [53, 443, 5432, 6443, 8000, 8080, 8081, 8089, 9187]).filter((flow) => {
          // Flows between two outside parties are not this platform's to allow or deny.
          const [from, to] = flow.split(/ -> |:/);
          return inNamespace.has(from!) || inNamespace.has(to!);
        });
        expect(flows).to.deep.equal(intendedFlows(env, workloads));
      });
    });
  }

  describe('argocd/', () => {
    const objects = readDistObjects(ARGOCD_FOLDER);
    const envObjects = ENVIRONMENTS.flatMap((env) => readDistObjects(env.name));

    it('fences the AppProject to the repository, the environment namespaces and exactly the kinds deployed', () => {
      const project = named(objects, 'AppProject', GITOPS.project);
      expect(project.spec.sourceRepos).to.deep.equal([GITOPS.repoURL]);
      expect(project.spec.destinations.map((d: Json) => d.namespace)).to.deep.equal(ENVIRONMENTS.map((e) => e.namespace));
      const kinds = (list: Json[]) => list.map((k) => `${k.group}/${k.kind}`).sort();
      const group = (o: KubeObject) => (o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '');
      const deployed = (clusterScoped: boolean) =>
        [
          ...new Set(envObjects.filter((o) => (o.metadata.namespace === undefined) === clusterScoped).map((o) => `${group(o)}/${o.kind}`)),
        ].sort();
      expect(kinds(project.spec.namespaceResourceWhitelist)).to.deep.equal(deployed(false));
      expect(kinds(project.spec.clusterResourceWhitelist)).to.deep.equal(deployed(true));
      // Secrets are never in dist/, so they are never "orphaned" strays worth a warning.
      expect(project.spec.orphanedResources).to.deep.equal({ warn: true, ignore: [{ group: '', kind: 'Secret' }] });
    });

    it('applies the AppProject in an earlier sync wave than the Applications that name it', () => {
      const projectWave = wave(named(objects, 'AppProject', GITOPS.project));
      const applications = byKind(objects, 'Application');
      expect(applications).to.have.length(ENVIRONMENTS.length);
      for (const app of applications) expect(projectWave, app.metadata.name).to.be.lessThan(wave(app));
    });

    for (const env of ENVIRONMENTS) {
      it(`syncs dist/${env.name} into ${env.namespace} with options for committed manifests`, () => {
        const app = named(objects, 'Application', `${GITOPS.project}-${env.name}`);
        expect(app.metadata.namespace).to.equal(GITOPS.argocdNamespace);
        expect(app.spec.source).to.deep.equal({ repoURL: GITOPS.repoURL, targetRevision: GITOPS.targetRevision, path: `dist/${env.name}` });
        expect(app.spec.destination.namespace).to.equal(env.namespace);
        expect(app.spec.syncPolicy.syncOptions).to.include.members(['ServerSideApply=true', 'PruneLast=true']);
        expect(Boolean(app.spec.syncPolicy.automated), 'automated sync').to.equal(env.autoSync);
        const autoscaled = 'minReplicas' in env.scaling;
        expect(app.spec.ignoreDifferences ?? []).to.deep.equal(
          autoscaled
            ? [
                { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
                ...(env.canaryReleases ? [{ group: 'argoproj.io', kind: 'Rollout', jsonPointers: ['/spec/replicas'] }] : []),
              ]
            : [],
        );
      });
    }

    it('passes the hardening rules and the Argo CD schemas', async () => {
      expect(
        (await new HardeningValidation({ externalNamespaces: [GITOPS.argocdNamespace] }).check(objects)).map(formatFinding),
      ).to.deep.equal([]);
    });
  });
});
