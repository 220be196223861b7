/**
 * The synthesis pipeline: build every environment's chart, check every object against the
 * hardening policy and the Kubernetes schemas, then write `<outdir>/<env>/` and `<outdir>/argocd/`.
 * Nothing is written unless every check passes, so a bad change never produces half a `dist/`.
 */
import { readFileSync } from 'node:fs';
import { App, type Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import {
  BARMAN_OBJECT_STORE_KIND,
  formatFinding,
  HardeningValidation,
  type HardeningValidationProps,
} from '@todo-platform/hardened-constructs';
import { ARGOCD_FOLDER, GitOpsChart } from './argocd.js';
import { ENVIRONMENTS, GITOPS, loadImages, type EnvironmentConfig, type EnvironmentImages } from './config.js';
import { renderTree, writeRenderedTree, type KubeObject } from './output.js';
import { TodoPlatformChart } from './platform.js';
import { withRetention } from './retention.js';
import { withSyncWaves } from './sync-waves.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Namespaces the platform uses but does not create: Argo CD's and the ingress controllers'. */
function externalNamespaces(environments: readonly EnvironmentConfig[]): string[] {
  const names = new Set<string>([GITOPS.argocdNamespace, 'kube-system']);
  for (const env of environments) {
    names.add(env.ingressController.namespace);
    if (env.gateway) names.add(env.gateway.namespace);
  }
  return [...names].sort();
}

/** Kinds the platform emits that no installed schema package describes (each is covered by its construct's tests). */
const ALLOW_UNKNOWN_KINDS = [BARMAN_OBJECT_STORE_KIND];

/** The policy properties for one environment. */
export function policyOptionsFor(env: EnvironmentConfig): HardeningValidationProps {
  return {
    singleNode: env.singleNode,
    requireDigests: env.requireDigests,
    externalNamespaces: externalNamespaces(ENVIRONMENTS),
    allowUnknownKinds: ALLOW_UNKNOWN_KINDS,
  };
}

export interface PlatformBuild {
  /** Objects per output folder (`dev`, `staging`, `prod`, `argocd`), in the order they are written. */
  readonly folders: ReadonlyMap<string, readonly KubeObject[]>;
}

export interface BuildOptions {
  readonly environments?: readonly EnvironmentConfig[];
  readonly images?: Readonly<Record<string, EnvironmentImages>>;
}

/** Runs every construct's own validation (cdk8s `node.addValidation`), as `app.synth()` would. */
function validateConstructs(root: IConstruct): void {
  const errors = root.node.findAll().flatMap((construct) => construct.node.validate().map((error) => `[${construct.node.path}] ${error}`));
  if (errors.length > 0) throw new Error(`construct validation failed:\n  ${errors.join('\n  ')}`);
}

/**
 * The checked objects of one chart: sync waves set, then the hardening policy (rules and schemas;
 * async: the schema models of the kinds the chart uses are imported on demand).
 */
async function checkedObjects(chart: Chart, options: HardeningValidationProps, problems: string[]): Promise<KubeObject[]> {
  const objects = withRetention(withSyncWaves(chart.toJson() as KubeObject[]));
  const findings = await new HardeningValidation(options).check(objects);
  problems.push(...findings.map((f) => `${chart.node.id}: ${formatFinding(f)}`));
  return objects;
}

/** Builds and checks every folder; rejects with one error listing every problem. Writes nothing. */
export async function buildPlatform(options: BuildOptions = {}): Promise<PlatformBuild> {
  const environments = options.environments ?? ENVIRONMENTS;
  const images = options.images ?? loadImages();
  const app = new App();
  const charts = environments.map(
    (env) => [env, new TodoPlatformChart(app, env.name, { env, images: images[env.name]!, version: PACKAGE_VERSION })] as const,
  );
  validateConstructs(app);

  const problems: string[] = [];
  const folders = new Map<string, KubeObject[]>();
  for (const [env, chart] of charts) folders.set(env.name, await checkedObjects(chart, policyOptionsFor(env), problems));

  const gitops = new GitOpsChart(app, ARGOCD_FOLDER, {
    gitops: GITOPS,
    environments,
    deployed: [...folders.values()].flat(),
    version: PACKAGE_VERSION,
  });
  folders.set(ARGOCD_FOLDER, await checkedObjects(gitops, { externalNamespaces: externalNamespaces(environments) }, problems));

  if (problems.length > 0) {
    throw new Error(`synth refused: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
  return { folders };
}

/**
 * Builds, checks and writes the platform under each of `outdirs` (each replaced as a whole, see
 * writeTree); returns the files written, relative to an outdir. Nothing is written if any check fails.
 */
export async function synthesizePlatform(outdirs: readonly string[], options: BuildOptions = {}): Promise<string[]> {
  const rendered = renderTree((await buildPlatform(options)).folders);
  return outdirs.map((outdir) => writeRenderedTree(outdir, rendered))[0] ?? [];
}
