import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';
import { NamespacePeer } from '../../network-peers.js';
import { PlatformNamespace } from '../../platform-namespace.js';
import { formatFinding, HardeningValidation } from '../../policy/index.js';
import type { HardeningValidationProps, KubeObject } from '../../policy/index.js';
import type { Manifest } from './snapshot.js';

/** The ingress controller the test environments admit, as the platform chart does. */
export const INGRESS_NGINX = new NamespacePeer('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });

/** Every hardening rule and every schema (K01) over a set of objects, with no waiver, as report lines. */
export async function hardeningViolations(objects: readonly Manifest[], options: HardeningValidationProps = {}): Promise<string[]> {
  return (await new HardeningValidation(options).check(objects as unknown as KubeObject[])).map(formatFinding);
}

/** A complete environment: the `todo` namespace (quota, default-deny) plus what `build` adds; its synthesized objects. */
export function environment(build: (chart: Chart) => void): Manifest[] {
  const chart = Testing.chart();
  new PlatformNamespace(chart, 'Namespace', { name: 'todo', partOf: 'todo', version: '1.0.0' });
  build(chart);
  return Testing.synth(chart) as Manifest[];
}
