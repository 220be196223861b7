/**
 * Schema validation (K01) with the OpenAPI-generated models of `kubernetes-models` and the
 * `@kubernetes-models/*` CRD packages: each object is validated by the model class of its
 * apiVersion and kind, so the API server (or Argo CD) cannot reject at sync what passed synth.
 *
 * Only the model module of each apiVersion/kind met is loaded (`<package>/<group>/<version>/<Kind>`,
 * a few dozen modules), not the packages' root indexes (thousands of modules, seconds per process).
 * The packages are ESM-only with "import"-only exports, so loading is a dynamic `import()` and
 * therefore async: `loadSchemas` (or `validateSchemas`, which calls it) loads, and
 * `validateLoadedSchemas` is the synchronous check for callers that cannot await (a cdk8s
 * validation inside `app.synth()`).
 */
import type { KubeObject, Violation } from './types.js';
import { displayNamespace, isRecord, nameOf } from './kube.js';
import { applyWaivers } from './waivers.js';

/** A generated model: validate() throws a ValidationError naming each failing field. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

/** The package of each CRD group; the core group and every other group are in `kubernetes-models`. */
const CRD_PACKAGES: Readonly<Record<string, string>> = {
  'argoproj.io': '@kubernetes-models/argo-cd',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'acme.cert-manager.io': '@kubernetes-models/cert-manager',
  'awspca.cert-manager.io': '@kubernetes-models/cert-manager',
  'policy.cert-manager.io': '@kubernetes-models/cert-manager',
  'trust.cert-manager.io': '@kubernetes-models/cert-manager',
  'trust-manager.io': '@kubernetes-models/cert-manager',
  'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'generators.external-secrets.io': '@kubernetes-models/external-secrets',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'gateway.networking.x-k8s.io': '@kubernetes-models/gateway-api',
  // cloudnative-pg also has a monitoring.coreos.com folder, but only with field types, no kinds.
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};
/** Every package above plus `kubernetes-models`, for `knownSchemaKinds`. */
const PACKAGES = ['kubernetes-models', ...new Set(Object.values(CRD_PACKAGES))];

const GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VERSION = /^v[0-9]+[a-z0-9]*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** Loaded models by `apiVersion/kind`; `undefined` means "looked for, none installed". */
const loaded = new Map<string, ModelClass | undefined>();
const loading = new Map<string, Promise<void>>();

function keyOf(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/**
 * The module of a kind's model (`package` + `subpath`, e.g. `kubernetes-models` + `/apps/v1/Deployment`),
 * or `undefined` when apiVersion or kind cannot name one (which also keeps `../` out of the import).
 */
function modelModule(apiVersion: string, kind: string): { readonly specifier: string; readonly subpath: string } | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
  if ((group !== '' && !GROUP.test(group)) || !VERSION.test(version) || !KIND.test(kind)) return undefined;
  const subpath = group === '' ? `/${version}/${kind}` : `/${group}/${version}/${kind}`;
  return { specifier: `${CRD_PACKAGES[group] ?? 'kubernetes-models'}${subpath}`, subpath };
}

/** Whether an import failed because the model's module does not exist (not because something inside it broke). */
function isMissingModule(error: unknown, subpath: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') && (message ?? '').includes(subpath);
}

async function loadModel(apiVersion: string, kind: string): Promise<void> {
  const location = modelModule(apiVersion, kind);
  let model: ModelClass | undefined;
  if (location !== undefined) {
    try {
      const candidate = ((await import(location.specifier)) as Record<string, unknown>)[kind];
      const statics = (typeof candidate === 'function' ? candidate : {}) as Partial<Pick<ModelClass, 'apiVersion' | 'kind'>>;
      // A field type (DeploymentSpec) has a module too, but no apiVersion/kind of its own.
      if (statics.apiVersion === apiVersion && statics.kind === kind) model = candidate as ModelClass;
    } catch (error) {
      if (!isMissingModule(error, location.subpath)) throw error;
    }
  }
  loaded.set(keyOf(apiVersion, kind), model);
}

/**
 * Loads the model of every apiVersion/kind among `objects` (once per process, concurrently), so
 * `validateLoadedSchemas` can check them synchronously. Objects without an apiVersion or kind are skipped.
 */
export async function loadSchemas(objects: readonly KubeObject[]): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const o of objects) {
    if (!isRecord(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
    const key = keyOf(o.apiVersion, o.kind);
    if (loaded.has(key)) continue;
    let wait = loading.get(key);
    if (!wait) {
      wait = loadModel(o.apiVersion, o.kind).finally(() => loading.delete(key));
      loading.set(key, wait);
    }
    waits.push(wait);
  }
  await Promise.all(waits);
}

/** `validateLoadedSchemas` met an apiVersion/kind whose model `loadSchemas` was never asked for: a caller's bug. */
export class SchemasNotLoadedError extends Error {
  override readonly name = 'SchemasNotLoadedError';
}

/** The `apiVersion/kind` pairs that have a schema, e.g. `apps/v1/Deployment`: loads every package in full (seconds), so for tooling only. */
export async function knownSchemaKinds(): Promise<string[]> {
  const kinds = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (value === null || seen.has(value)) return;
    seen.add(value);
    if (typeof value === 'function') {
      const model = value as Partial<ModelClass>;
      if (typeof model.apiVersion === 'string' && typeof model.kind === 'string') kinds.add(keyOf(model.apiVersion, model.kind));
    } else if (typeof value === 'object') {
      for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key]);
    }
  };
  for (const name of PACKAGES) visit(await import(name));
  return [...kinds].sort();
}

/** What schema validation may accept without a schema. */
export interface SchemaOptions {
  /**
   * `apiVersion/kind` pairs with no installed schema that are accepted unvalidated, e.g.
   * `external-secrets.io/v1/ExternalSecret` (a CRD version newer than the installed package).
   * @default [] - an object nobody can validate is reported, so a typo in apiVersion or kind cannot pass
   */
  readonly allowUnknownKinds?: readonly string[];
}

/**
 * Validates every object against its schema, loading the models it needs first; an object of an
 * unknown apiVersion/kind is reported unless allow-listed. Waiver annotations for K01 are honoured.
 */
export async function validateSchemas(objects: readonly KubeObject[], options: SchemaOptions = {}): Promise<Violation[]> {
  await loadSchemas(objects);
  return validateLoadedSchemas(objects, options);
}

/**
 * `validateSchemas` without loading, for synchronous callers: every apiVersion/kind among `objects`
 * must have gone through `loadSchemas` (throws SchemasNotLoadedError naming the first that did not).
 */
export function validateLoadedSchemas(objects: readonly KubeObject[], options: SchemaOptions = {}): Violation[] {
  const allowed = new Set(options.allowUnknownKinds ?? []);
  const violations: Violation[] = [];
  for (const o of objects) {
    const report = (message: string): void => {
      violations.push({ rule: 'K01', kind: String(o.kind), namespace: displayNamespace(o), name: nameOf(o), message });
    };
    if (!isRecord(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      report('has no apiVersion or kind');
      continue;
    }
    const key = keyOf(o.apiVersion, o.kind);
    if (!loaded.has(key)) {
      throw new SchemasNotLoadedError(
        `the schema of ${o.apiVersion} ${o.kind} was not loaded: await loadSchemas(objects) first (loadSchemasFor(app) before app.synth())`,
      );
    }
    const Model = loaded.get(key);
    if (!Model) {
      if (!allowed.has(key)) report(`no schema is installed for ${o.apiVersion} ${o.kind} (allow-list it in allowUnknownKinds if it is right)`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (error) {
      report(`schema: ${(error as Error).message.replace(/(^|, )data\//g, '$1/')}`);
    }
  }
  // Invalid waivers themselves (W01) are checkManifests' to report.
  return applyWaivers(objects, violations).filter((v) => v.rule === 'K01');
}
