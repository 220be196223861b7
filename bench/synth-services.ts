/**
 * Synthesizes one namespace with N generated web services through the same pipeline as the
 * platform (constructs → policy check → schema validation → files), and prints one JSON line with
 * the wall time and peak RSS of this process. Run by bench/synth.bench.ts, one process per N.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, Chart } from 'cdk8s';
import { HardeningValidation, NamespacePeer, PlatformNamespace, TlsIngress, WebService } from '@todo-platform/hardened-constructs';
import { writeTree, type KubeObject } from '../charts/output.js';

const count = Number(process.argv[2]);
const started = performance.now();
const app = new App();
const chart = new Chart(app, 'bench', { disableResourceNameHashes: true });
const ingressController = new NamespacePeer('ingress-nginx');
new PlatformNamespace(chart, 'namespace', { name: 'bench', partOf: 'bench', version: '1.0.0' });
const services = Array.from(
  { length: count },
  (_, i) =>
    new WebService(chart, `svc-${i}`, {
      name: `svc-${i}`,
      namespace: 'bench',
      component: 'api',
      partOf: 'bench',
      image: `ghcr.io/example-org/svc-${i}:1.0.0-abc1234`,
      resources: {
        requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '128Mi' },
        limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '256Mi' },
      },
      config: { LOG_LEVEL: 'info' },
      autoscaling: { minReplicas: 2, maxReplicas: 6 },
      ingressController,
    }),
);
new TlsIngress(chart, 'route', {
  name: 'bench',
  namespace: 'bench',
  partOf: 'bench',
  version: '1.0.0',
  clusterIssuer: 'letsencrypt',
  routes: services.map((s, i) => ({ host: 'bench.todo-platform.dev', path: `/svc-${i}`, backend: s.backend })),
});
const objects = chart.toJson() as KubeObject[];
const violations = await new HardeningValidation().check(objects);
if (violations.length > 0) throw new Error(`${violations.length} violations, e.g. ${JSON.stringify(violations[0])}`);
const outdir = mkdtempSync(join(tmpdir(), 'synth-bench-'));
writeTree(outdir, new Map([['bench', objects]]));
rmSync(outdir, { recursive: true });
const elapsedMs = performance.now() - started;
console.log(JSON.stringify({ services: count, objects: objects.length, inProcessMs: elapsedMs, maxRssKb: process.resourceUsage().maxRSS }));
