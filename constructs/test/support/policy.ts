/**
 * The policy as the tests apply it: every hardening rule and every schema (K01), no waiver, over
 * objects placed next to a hardened `todo` namespace (default-deny, quota, limits) — what
 * `make synth` would refuse. `kube-system` (cluster DNS) is the one namespace outside the manifests.
 */
import { Testing } from 'cdk8s';
import type { Chart } from 'cdk8s';
import { NamespacePeer } from '../../network-peers.js';
import { PlatformNamespace } from '../../platform-namespace.js';
import { formatFinding, HardeningValidation } from '../../policy/index.js';
import type { HardeningValidationProps, KubeObject } from '../../policy/index.js';
import type { Manifest } from './snapshot.js';

/** The ingress controller the test environments admit, as the platform chart does. */
export const INGRESS_NGINX = new NamespacePeer('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });

/** A complete environment: the `todo` namespace (quota, default-deny) plus what `build` adds; its synthesized objects. */
export function environment(build: (chart: Chart) => void): Manifest[] {
  const chart = Testing.chart();
  new PlatformNamespace(chart, 'Namespace', { name: 'todo', partOf: 'todo', version: '1.0.0' });
  build(chart);
  return Testing.synth(chart) as Manifest[];
}

/** Every violation of the rules and schemas over a set of objects, as report lines. */
export async function hardeningViolations(objects: readonly Manifest[], options: HardeningValidationProps = {}): Promise<string[]> {
  const validation = new HardeningValidation({ externalNamespaces: ['kube-system'], ...options });
  return (await validation.check(objects as unknown as KubeObject[])).map(formatFinding);
}

/** `build`'s environment (see `environment`) and its violations. */
export async function checkedEnvironment(
  build: (chart: Chart) => void,
  options: HardeningValidationProps = {},
): Promise<{ objects: Manifest[]; violations: string[] }> {
  const objects = environment(build);
  return { objects, violations: await hardeningViolations(objects, options) };
}

/** The violations of objects synthesized elsewhere (an example's own chart), placed in the `todo` namespace. */
export async function violationsInNamespace(objects: readonly Manifest[], options: HardeningValidationProps = {}): Promise<string[]> {
  return hardeningViolations([...environment(() => undefined), ...objects], options);
}
