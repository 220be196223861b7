import { App, Chart, Testing } from 'cdk8s';
import { PlatformNamespace } from '../../platform-namespace.js';
import { formatFinding, HardeningValidation } from '../../policy/index.js';
import type { KubeObject } from '../../policy/index.js';
import type { Manifest } from './snapshot.js';

/**
 * Builds `build`'s constructs into a chart next to a hardened `todo` namespace (default-deny,
 * quota, limits) and returns the synthesized objects and every violation of the policy's rules and
 * schemas, formatted: what `make synth` would refuse. No waiver is involved anywhere.
 */
export async function hardeningViolations(
  build: (chart: Chart) => void,
  options: { singleNode?: boolean } = {},
): Promise<{ objects: Manifest[]; violations: string[] }> {
  const app = new App({ outdir: '/nonexistent-hardening-test-outdir' });
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  new PlatformNamespace(chart, 'namespace', { name: 'todo', partOf: 'todo', version: '1.0.0' });
  build(chart);
  const objects = chart.toJson() as Manifest[];
  const findings = await new HardeningValidation({ externalNamespaces: ['kube-system'], ...options }).check(objects as unknown as KubeObject[]);
  return { objects, violations: findings.map(formatFinding) };
}

/**
 * Every violation (rules and schemas, formatted) of synthesized objects placed in the hardened
 * `todo` namespace: for examples that build in their own `Testing.chart()`.
 */
export async function violationsInNamespace(objects: readonly Manifest[], options: { singleNode?: boolean } = {}): Promise<string[]> {
  const chart = Testing.chart();
  new PlatformNamespace(chart, 'namespace', { name: 'todo', partOf: 'todo', version: '1.0.0' });
  const all = [...(Testing.synth(chart) as Manifest[]), ...objects] as KubeObject[];
  return (await new HardeningValidation({ externalNamespaces: ['kube-system'], ...options }).check(all)).map(formatFinding);
}
