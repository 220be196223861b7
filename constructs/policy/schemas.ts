/**
 * Schema validation (K01, K02): each object is validated against the schema of its apiVersion and
 * kind, so the API server (or Argo CD) cannot reject at sync what passed synth. Schemas come from,
 * in order: kubernetes-models classes registered by the user, JSON Schemas registered by the user
 * (inline or from CRD manifests), CustomResourceDefinitions in the checked output itself, and the
 * OpenAPI-generated models of `kubernetes-models` and the `@kubernetes-models/*` CRD packages.
 *
 * The models of the common kinds come from one module bundled at package build (schema-models.ts);
 * any other kind's model is loaded from its own module (`<package>/<group>/<version>/<Kind>`), never
 * the packages' root indexes (thousands of modules, seconds per process).
 * The packages are ESM-only, so loading is a dynamic `import()` inside the (async) check: nothing
 * is loaded at module load, which keeps this module free of top-level await and `require()`-able.
 */
import { resolve } from 'node:path';
import type { ValidateFunction } from 'ajv';
import type { KubeObject } from './types.js';
import type { RawFinding } from './context.js';
import { findingOn } from './context.js';
import { isRecord, list, rec } from './kube.js';
import { readManifest } from './manifests.js';

/** A kubernetes-models class (generated model): validate() throws a ValidationError naming each failing field. */
export interface ModelClass {
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
/**
 * argoproj.io is shared by two projects with one package each: Argo Rollouts' kinds, and Argo CD's
 * (every other kind of the group, as in CRD_PACKAGES). Each kind's `<Kind>List` goes with it.
 */
const ARGO_ROLLOUTS_KINDS = new Set(['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment']);
const ARGO_ROLLOUTS_PACKAGE = '@kubernetes-models/argo-rollouts';

function packageOf(group: string, kind: string): string {
  if (group === 'argoproj.io' && ARGO_ROLLOUTS_KINDS.has(kind.replace(/List$/, ''))) return ARGO_ROLLOUTS_PACKAGE;
  return CRD_PACKAGES[group] ?? 'kubernetes-models';
}
const GROUP = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VERSION = /^v[0-9]+[a-z0-9]*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** Loaded package models by `apiVersion/kind`; `undefined` means "looked for, none installed". Shared by every check in the process. */
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
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
  if ((group !== '' && !GROUP.test(group)) || !VERSION.test(version) || !KIND.test(kind)) return undefined;
  const subpath = group === '' ? `/${version}/${kind}` : `/${group}/${version}/${kind}`;
  return { specifier: `${packageOf(group, kind)}${subpath}`, subpath };
}

/** Whether an import failed because the model's module does not exist (not because something inside it broke). */
function isMissingModule(error: unknown, subpath: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') && (message ?? '').includes(subpath);
}

let bundledModels: Promise<ReadonlyMap<string, ModelClass>> | undefined;

/** The models of the common kinds, bundled into one module at package build (schema-models.ts), loaded on first use. */
function loadBundledModels(): Promise<ReadonlyMap<string, ModelClass>> {
  bundledModels ??= import('./schema-models.js').then((m) => m.BUNDLED_MODELS);
  return bundledModels;
}

async function loadModel(apiVersion: string, kind: string): Promise<void> {
  const location = modelModule(apiVersion, kind);
  let model = (await loadBundledModels()).get(keyOf(apiVersion, kind));
  if (model === undefined && location !== undefined) {
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

/** Loads the package model of every apiVersion/kind among `objects` (once per process, concurrently). */
async function loadPackageModels(objects: readonly KubeObject[]): Promise<void> {
  const waits: Promise<void>[] = [];
  for (const o of objects) {
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

/** The JSON Schema of one custom resource kind, e.g. from a CRD's `openAPIV3Schema`. */
export interface CrdSchema {
  /** `group/version`, e.g. `barmancloud.cnpg.io/v1`. */
  readonly apiVersion: string;
  /** The kind, e.g. `ObjectStore`. */
  readonly kind: string;
  /** A JSON Schema (OpenAPI v3 structural schema) the whole object must validate against. */
  readonly schema: Record<string, unknown>;
}

/** The schema of each served version of a CustomResourceDefinition object. */
export function schemasOfCrd(crd: unknown): CrdSchema[] {
  const o = rec(crd);
  if (o.kind !== 'CustomResourceDefinition') return [];
  const spec = rec(o.spec);
  const kind = rec(spec.names).kind;
  if (typeof spec.group !== 'string' || typeof kind !== 'string') return [];
  return list(spec.versions).flatMap((v) => {
    const schema = rec(v.schema).openAPIV3Schema;
    return typeof v.name === 'string' && isRecord(schema) ? [{ apiVersion: `${spec.group}/${v.name}`, kind, schema }] : [];
  });
}

/** The CRD schemas of YAML files of CustomResourceDefinitions (paths relative to the working directory). */
export function readCrdFiles(paths: readonly string[]): CrdSchema[] {
  const schemas: CrdSchema[] = [];
  for (const path of paths) {
    const found = readManifest(resolve(path)).flatMap(schemasOfCrd);
    if (found.length === 0)
      throw new Error(`HardeningValidation: crdFiles ${JSON.stringify(path)} holds no CustomResourceDefinition with an openAPIV3Schema`);
    schemas.push(...found);
  }
  return schemas;
}

/** A way to validate one apiVersion/kind: a model class or a compiled JSON Schema. */
type Validator = (object: KubeObject) => string | undefined;

/** Where the schemas registered for one check come from. */
export interface SchemaSources {
  readonly models: readonly ModelClass[];
  readonly crdSchemas: readonly CrdSchema[];
  readonly allowUnknownKinds: readonly string[];
}

function modelValidator(Model: ModelClass): Validator {
  return (o) => {
    try {
      new Model(o).validate();
      return undefined;
    } catch (error) {
      return (error as Error).message.replace(/(^|, )data\//g, '$1/');
    }
  };
}

function jsonSchemaValidator(validate: ValidateFunction): Validator {
  return (o) =>
    validate(o) ? undefined : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`).join(', ');
}

/**
 * K01 (invalid against its schema) and K02 (no schema known) for every object. Objects without an
 * apiVersion or kind never reach here (the caller reports them as K01).
 */
export async function validateSchemas(objects: readonly KubeObject[], sources: SchemaSources): Promise<RawFinding[]> {
  const validators = new Map<string, Validator>();
  const schemas = new Map<string, Record<string, unknown>>();
  for (const s of [...objects.flatMap(schemasOfCrd), ...sources.crdSchemas]) schemas.set(keyOf(s.apiVersion, s.kind), s.schema);
  // JSON Schemas are compiled on first use: one Ajv per check, OpenAPI keywords (x-kubernetes-*) ignored.
  // Ajv is loaded only when there are JSON Schemas: most checks have none, and it costs a plugin's
  // process tens of milliseconds to load.
  const ajv = schemas.size > 0 ? new (await import('ajv')).Ajv({ strict: false, allErrors: true, validateFormats: false }) : undefined;
  for (const Model of sources.models) validators.set(keyOf(Model.apiVersion, Model.kind), modelValidator(Model));
  const allowed = new Set(sources.allowUnknownKinds);
  await loadPackageModels(
    objects.filter((o) => {
      const key = keyOf(o.apiVersion, o.kind);
      return !validators.has(key) && !schemas.has(key);
    }),
  );

  const findings: RawFinding[] = [];
  for (const o of objects) {
    const key = keyOf(o.apiVersion, o.kind);
    let validator = validators.get(key);
    if (!validator) {
      const schema = schemas.get(key);
      const Model = loaded.get(key);
      if (schema && ajv) validator = jsonSchemaValidator(ajv.compile(schema));
      else if (Model) validator = modelValidator(Model);
      if (validator) validators.set(key, validator);
    }
    if (!validator) {
      if (!allowed.has(key)) {
        findings.push(
          findingOn(
            o,
            'K02',
            `no schema is known for ${o.apiVersion} ${o.kind} (register it in crdSchemas or crdFiles, or allow-list it in allowUnknownKinds)`,
            { path: 'apiVersion' },
          ),
        );
      }
      continue;
    }
    const problem = validator(o);
    if (problem !== undefined) findings.push(findingOn(o, 'K01', `schema: ${problem}`));
  }
  return findings;
}

/** Every package of CRD_PACKAGES plus `kubernetes-models` and Argo Rollouts', for `knownSchemaKinds`. */
const PACKAGES = ['kubernetes-models', ...new Set(Object.values(CRD_PACKAGES)), ARGO_ROLLOUTS_PACKAGE];

/** The `apiVersion/kind` pairs the installed packages define, e.g. `apps/v1/Deployment`: loads every package in full (seconds), so for tests and tooling only. */
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
