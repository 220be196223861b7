/** Fixtures and a cdk8s harness shared by the policy tests. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { ApiObject, App, Chart, Include } from 'cdk8s';
import type { Finding, HardeningValidationProps, KubeObject } from '../../policy/index.js';
import { HardeningValidation } from '../../policy/index.js';

export const COMPLIANT_YAML = fileURLToPath(new URL('./fixtures/compliant.yaml', import.meta.url));

/** Namespaces the compliant set refers to but does not own. */
export const EXTERNAL_NAMESPACES = ['ingress-nginx', 'kube-system', 'gateway-system'];
export const OPTIONS: HardeningValidationProps = { externalNamespaces: EXTERNAL_NAMESPACES };

/** A fresh, unshared copy of the compliant set (YAML aliases would otherwise share objects). */
export function compliant(): Json[] {
  const docs = parseAllDocuments(readFileSync(COMPLIANT_YAML, 'utf8')).map((d) => d.toJS() as Json);
  return JSON.parse(JSON.stringify(docs)) as Json[];
}

// Tests edit fixtures freely: a loose JSON type keeps them short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** The object of a kind and name in a set. */
export function find(objects: Json[], kind: string, name: string): Json {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`fixture has no ${kind} ${name}`);
  return o;
}

/** The api Deployment's main container and pod spec, for short edits. */
export function apiPod(objects: Json[]): { spec: Json; container: Json; init: Json } {
  const spec = find(objects, 'Deployment', 'api').spec.template.spec;
  return { spec, container: spec.containers[0], init: spec.initContainers[0] };
}

/** Puts plain objects into a cdk8s app as raw ApiObjects (one Chart), the way synth would see them. */
export function synthApp(objects: readonly KubeObject[]): { app: App; chart: Chart } {
  const app = new App({ outdir: '/nonexistent-policy-test-outdir' });
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  objects.forEach((o, i) => new ApiObject(chart, `o${i}-${o.kind}-${o.metadata?.name ?? ''}`, o));
  return { app, chart };
}

/** Every object the charts of an app synthesize, in the order cdk8s writes them. */
export function appObjects(app: App): KubeObject[] {
  return app.charts.flatMap((chart) => chart.toJson() as KubeObject[]);
}

/** Findings of a set of plain objects: rules and schemas. */
export function findings(objects: readonly unknown[], props: HardeningValidationProps = OPTIONS): Promise<Finding[]> {
  return new HardeningValidation(props).check(objects);
}

/** Findings of a set after synthesis through cdk8s: rules and schemas. */
export function synthViolations(objects: readonly KubeObject[], options: HardeningValidationProps = OPTIONS): Promise<Finding[]> {
  return findings(appObjects(synthApp(objects).app), options);
}

/** `rule kind/namespace/name` of each finding: what a per-rule test asserts exactly. */
export function where(violations: readonly Finding[]): string[] {
  return [...new Set(violations.map((v) => `${v.rule} ${v.kind}/${v.namespace}/${v.name}`))];
}

/** Findings of a set Included as a YAML file into a cdk8s app (the way third-party YAML enters). */
export async function includeViolations(objects: readonly KubeObject[], options: HardeningValidationProps = OPTIONS): Promise<Finding[]> {
  const dir = mkdtempSync(join(tmpdir(), 'policy-include-'));
  try {
    const file = join(dir, 'objects.yaml');
    writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    const app = new App({ outdir: join(dir, 'dist') });
    new Include(new Chart(app, 'included'), 'objects', { url: file });
    return await findings(appObjects(app), options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
