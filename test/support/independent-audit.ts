/**
 * The independent audit of dist/: @monokle/validation (Kubeshop's engine, its own implementation of
 * the Pod Security Standards and of common practice checks, sharing no code with constructs/policy)
 * over every environment's manifests, every rule of every plugin that runs offline switched on.
 * Findings are compared with the "Kept findings of independent engines" table of
 * constructs/docs/rules.md, the one allow-list: a finding it does not name fails, and so does a row
 * that no longer matches a finding (it cannot rot).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readDistFolder } from '../../charts/test/support/dist.js';
import {
  DefaultPluginLoader,
  DisabledFixer,
  MonokleValidator,
  ResourceParser,
  SchemaLoader,
  processRefs,
  type Config,
  type Resource,
} from '@monokle/validation';
import { LineCounter, isScalar, parseDocument, visit } from 'yaml';

/** One object of one environment, as in dist/<env>/<file>. */
export interface Manifest {
  env: string;
  file: string;
  content: Record<string, unknown>;
}

/** One finding of the engine, on the object it names. */
export interface AuditFinding {
  /** The engine's check id (PSS203, KBP102, LNK001, MTD-recommended-labels, ...). */
  check: string;
  /** `<env>:<Kind>/<namespace>/<name>` (`<env>:<Kind>/<name>` when cluster-scoped). */
  object: string;
  /** The field the engine points to (dotted), or "" when it names none. */
  field: string;
  message: string;
}

/**
 * The plugins that run offline. Left out, because they download at run time what no npm package
 * ships: `open-policy-agent` (Trivy's KSV rules as trivy.wasm), `kubernetes-schema` (JSON schemas)
 * and `admission-policy` (a CEL interpreter as cel.wasm). Offline they load without an error and
 * report nothing, even on a privileged Pod, so enabling them would only look like coverage.
 */
export const OFFLINE_PLUGINS = ['pod-security-standards', 'practices', 'resource-links', 'yaml-syntax', 'metadata'];

/**
 * The six recommended labels of the Kubernetes docs. The engine's own MTD-recommended-labels list
 * asks for `app.kubernetes.io/managed` (not a recommended label) instead of `managed-by`, so the
 * correct list also runs as MTD-custom-labels.
 */
const RECOMMENDED_LABELS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];

/** Kinds whose pod template the engine's pod rules read (validatePodSpec of @monokle/validation). */
const ENGINE_POD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** Every object of dist/<env>/*.yaml, every environment. */
export function readDist(dist: string): Manifest[] {
  return readdirSync(dist)
    .sort()
    .flatMap((env) =>
      readDistFolder(env, dist)
        .filter((file) => file.path.endsWith('.yaml'))
        .flatMap((file) =>
          file.documents
            .filter((content): content is Record<string, unknown> => content !== null && typeof content === 'object')
            .map((content) => ({ env, file: relative(process.cwd(), join(dist, file.path)), content })),
        ),
    );
}

function meta(content: Record<string, unknown>): { name?: string; namespace?: string } {
  return (content.metadata ?? {}) as { name?: string; namespace?: string };
}

function objectId(env: string, content: Record<string, unknown>): string {
  const { name, namespace } = meta(content);
  return `${env}:${String(content.kind)}/${namespace ? `${namespace}/` : ''}${name ?? ''}`;
}

/**
 * A kind the engine does not know but that embeds a core PodTemplateSpec at spec.template (Argo
 * Rollouts' Rollout) is also given to it as an apps/v1 Deployment with the same metadata and
 * template, so its pods are checked like any Deployment's; findings keep the real object's id.
 */
function podTemplateStandIn(content: Record<string, unknown>): Record<string, unknown> | undefined {
  if (ENGINE_POD_KINDS.has(String(content.kind))) return undefined;
  const spec = content.spec as { template?: { spec?: { containers?: unknown } }; selector?: unknown } | undefined;
  if (!Array.isArray(spec?.template?.spec?.containers)) return undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: content.metadata,
    spec: { selector: spec.selector, template: spec.template },
  };
}

/** The engine caches parsed documents and ref nodes by resource id: every audit uses fresh ids. */
let auditRun = 0;

function toResources(env: string, manifests: Manifest[]): { resources: Resource[]; ids: Map<string, string> } {
  const run = ++auditRun;
  const resources: Resource[] = [];
  const ids = new Map<string, string>(); // the engine's resource id -> our object id
  manifests.forEach(({ file, content }, index) => {
    const variants = [content, podTemplateStandIn(content)].filter((c) => c !== undefined);
    variants.forEach((variant, v) => {
      const id = `${run}:${env}#${index}#${v}`;
      const { name, namespace } = meta(variant);
      const text = JSON.stringify(variant, null, 2); // JSON is YAML: the engine's parser reads it
      resources.push({
        id,
        fileId: file,
        filePath: file,
        fileOffset: 0,
        name: name ?? '',
        apiVersion: String(variant.apiVersion),
        kind: String(variant.kind),
        ...(namespace ? { namespace } : {}),
        content: variant,
        text,
      });
      ids.set(id, objectId(env, content));
    });
  });
  return { resources, ids };
}

/**
 * A resource-links finding names no field, only the text region of the unsatisfied reference: the
 * reference as `<key>=<value>` (`secretName=todo-db-app`, `k8s-app=kube-dns`), read from the
 * document at that region, since the value alone does not say what it names.
 */
function linkTarget(resource: Resource | undefined, region: { startLine?: number; startColumn?: number } | undefined): string {
  if (!resource || region?.startLine === undefined || region.startColumn === undefined) return '';
  const lineCounter = new LineCounter();
  const doc = parseDocument(resource.text, { lineCounter });
  const offset = lineCounter.lineStarts[region.startLine - 1]! + region.startColumn - 1;
  let field = '';
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && isScalar(pair.value) && pair.value.range?.[0] === offset) {
        field = `${String(pair.key.value)}=${String(pair.value.value)}`;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return field;
}

/** A validator with every rule of every offline plugin switched on (several are off by default). */
export async function createAuditValidator(): Promise<MonokleValidator> {
  const validator = new MonokleValidator({
    loader: new DefaultPluginLoader(),
    parser: new ResourceParser(),
    schemaLoader: new SchemaLoader(),
    suppressors: [], // no annotation or fingerprint suppression: the allow-list is rules.md only
    fixer: new DisabledFixer(),
  });
  const plugins = Object.fromEntries(OFFLINE_PLUGINS.map((p) => [p, true]));
  await validator.preload({ plugins });
  const rules: NonNullable<Config['rules']> = {};
  for (const pluginRules of Object.values(validator.rules)) for (const rule of pluginRules) rules[rule.id] = 'err';
  rules['MTD-custom-labels'] = ['err', RECOMMENDED_LABELS];
  delete rules['MTD-custom-annotations']; // needs a list of our own annotations: nothing independent to check
  await validator.preload({ plugins, rules });
  const loaded = validator.getPlugins().map((p) => p.metadata.name);
  if (loaded.length !== OFFLINE_PLUGINS.length) {
    throw new Error(`the engine loaded ${loaded.join(', ')}, not every one of ${OFFLINE_PLUGINS.join(', ')}`);
  }
  return validator;
}

/** Every finding of the engine on the manifests, each environment validated on its own (refs too). */
export async function audit(manifests: Manifest[], validator?: MonokleValidator): Promise<AuditFinding[]> {
  const engine = validator ?? (await createAuditValidator());
  const parser = new ResourceParser();
  const findings: AuditFinding[] = [];
  for (const env of [...new Set(manifests.map((m) => m.env))]) {
    const { resources, ids } = toResources(
      env,
      manifests.filter((m) => m.env === env),
    );
    processRefs(resources, parser); // resource-links reads the refs this computes
    const byId = new Map(resources.map((r) => [r.id, r]));
    const response = await engine.validate({ resources });
    for (const run of response.runs) {
      for (const result of run.results) {
        const location = result.locations[1];
        const resourceId = location?.physicalLocation?.artifactLocation?.uri ?? '';
        const element = location?.logicalLocations?.find((l) => l.kind === 'element');
        findings.push({
          check: result.ruleId,
          object: ids.get(resourceId) ?? resourceId,
          field: element?.fullyQualifiedName ?? linkTarget(byId.get(resourceId), location?.physicalLocation?.region),
          message: result.message.text,
        });
      }
    }
    parser.clear();
    await engine.clear();
  }
  // A stand-in and its object both carry the labels the metadata plugin checks: one finding each.
  const unique = new Map(findings.map((f) => [`${f.check} ${f.object} ${f.field}`, f]));
  return [...unique.values()];
}

/** A row of the kept-findings table of constructs/docs/rules.md. */
export interface KeptFinding {
  check: string;
  /** Object ids, or ["*"] for every object of dist/. */
  objects: string[];
  field: string;
  why: string;
}

export const KEPT_SECTION = '## Kept findings of independent engines';

/** Parses the kept-findings table: | engine | check | objects | field | why kept |. */
export function readKeptFindings(rulesMd: string): KeptFinding[] {
  const section = rulesMd.split(KEPT_SECTION)[1]?.split(/^## /m)[0];
  if (section === undefined) throw new Error(`no "${KEPT_SECTION}" section`);
  const codes = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| engine ') && !line.startsWith('|---'))
    .map((line) => {
      const cells = line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
      if (cells.length !== 5) throw new Error(`kept finding row needs 5 cells: ${line}`);
      const [, check, objects, field, why] = cells as [string, string, string, string, string];
      return {
        check: codes(check)[0] ?? '',
        objects: objects === 'every object' ? ['*'] : codes(objects),
        field: codes(field)[0] ?? '',
        why,
      };
    });
}

/** Findings no row keeps, and rows that keep no finding. */
export function compare(findings: AuditFinding[], kept: KeptFinding[]): { unexpected: AuditFinding[]; stale: KeptFinding[] } {
  const matches = (k: KeptFinding, f: AuditFinding): boolean =>
    k.check === f.check && k.field === f.field && (k.objects[0] === '*' || k.objects.includes(f.object));
  return {
    unexpected: findings.filter((f) => !kept.some((k) => matches(k, f))),
    stale: kept.filter(
      (k) =>
        k.objects.length === 0 ||
        (k.objects[0] === '*'
          ? !findings.some((f) => matches(k, f))
          : k.objects.some((o) => !findings.some((f) => matches({ ...k, objects: [o] }, f)))),
    ),
  };
}
