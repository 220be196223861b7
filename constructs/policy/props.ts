/** The properties of HardeningValidation (cdk8s.yaml `properties:` or the constructor), and their validation. */
import { InvalidPropsError } from '../errors.js';
import type { CrdSchema, ModelClass } from './schemas.js';
import type { PolicyRule } from './rule-api.js';
import { validateRule } from './rule-api.js';

/** What the check may assume about the environment a set of manifests is for. */
export interface EnvironmentProps {
  /**
   * A single-node dev environment: A01 accepts `replicas: 1` and a workload with one replica needs
   * no PodDisruptionBudget (A03).
   * @default false - every environment but a single-node dev one needs redundancy
   */
  readonly singleNode?: boolean;
  /**
   * Every image must be pinned by `@sha256:` digest (I02).
   * @default false - tags are enough where images are built and pushed by the same pipeline
   */
  readonly requireDigests?: boolean;
  /**
   * Namespaces that exist outside this output (e.g. `argocd`, `kube-system`, `ingress-nginx`):
   * the namespace rules (N06 default-deny, N09) do not demand them, route backends there are not
   * resolved (N03), and ServiceAccounts there are not looked for (S18).
   * @default [] - every namespace an object uses must be in the output
   */
  readonly externalNamespaces?: readonly string[];
}

/** How much a rule's findings matter: `off` drops them, `warning` reports them without failing. */
export type RuleSeverity = 'error' | 'warning' | 'off';

export interface HardeningValidationProps extends EnvironmentProps {
  /**
   * The annotation prefix of waivers: `<prefix>waive-<RULE>[.<container>]`. Must end with `/`.
   * @default 'hardening.todo-platform.dev/' - the package's own
   */
  readonly waiverAnnotationPrefix?: string;
  /**
   * JSON Schemas of custom resource kinds the installed packages do not describe, so K02 does not refuse them.
   * @default [] - CRDs in the output and the kubernetes-models packages are used
   */
  readonly crdSchemas?: readonly CrdSchema[];
  /**
   * YAML files of CustomResourceDefinitions whose `openAPIV3Schema` of every version is registered
   * like `crdSchemas` (paths relative to the working directory, e.g. the operator's published CRDs).
   * @default []
   */
  readonly crdFiles?: readonly string[];
  /**
   * kubernetes-models classes (e.g. from `@kubernetes-models/*` or generated with
   * `@kubernetes-models/crd-generate`) registered for their apiVersion/kind. Programmatic use only.
   * @default []
   */
  readonly models?: readonly ModelClass[];
  /**
   * `apiVersion/kind` pairs accepted without any schema, e.g. `example.com/v1/Widget`.
   * @default [] - an object nobody can validate is reported (K02), so a typo in apiVersion or kind cannot pass
   */
  readonly allowUnknownKinds?: readonly string[];
  /**
   * Rules of your own (see PolicyRule). Programmatic use only; from cdk8s.yaml use `rulesModules`.
   * @default []
   */
  readonly rules?: readonly PolicyRule[];
  /**
   * ES modules (paths relative to the working directory) exporting an array of PolicyRule as
   * `rules` or default, loaded on the first check.
   * @default []
   */
  readonly rulesModules?: readonly string[];
  /**
   * Severity per rule id (built-in or custom): `warning` reports without failing, `off` drops.
   * Integrity rules (X01, W01–W03) cannot be lowered.
   * @default {} - every rule is an error
   */
  readonly severity?: Readonly<Record<string, RuleSeverity>>;
  /**
   * As a cdk8s plugin: environment overrides by the name of the output directory a manifest is in
   * (e.g. `{ dev: { singleNode: true }, prod: { requireDigests: true } }`). Each directory of
   * manifests is checked as its own set. Ignored by `check()`, which is given one set.
   * @default {} - every directory is checked with the top-level properties
   */
  readonly directories?: Readonly<Record<string, EnvironmentProps>>;
}

const SEVERITIES = new Set(['error', 'warning', 'off']);
/** A DNS subdomain followed by `/`: the prefix part of an annotation key. */
const ANNOTATION_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/$/;
const KIND_KEY = /^([a-z0-9.-]+\/)?v[0-9]+[a-z0-9]*\/[A-Z][A-Za-z0-9]*$/;
const KNOWN = new Set<string>([
  'singleNode',
  'requireDigests',
  'externalNamespaces',
  'waiverAnnotationPrefix',
  'crdSchemas',
  'crdFiles',
  'models',
  'allowUnknownKinds',
  'rules',
  'rulesModules',
  'severity',
  'directories',
]);
const ENVIRONMENT_KEYS = new Set(['singleNode', 'requireDigests', 'externalNamespaces']);

function invalid(prop: string, value: unknown, why: string): never {
  throw new InvalidPropsError(`HardeningValidation: invalid property ${prop} ${JSON.stringify(value) ?? String(value)}: ${why}`);
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');

function validateEnvironment(props: Record<string, unknown>, where: string): void {
  for (const key of ['singleNode', 'requireDigests']) {
    if (props[key] !== undefined && typeof props[key] !== 'boolean') invalid(`${where}${key}`, props[key], 'expected true or false');
  }
  if (props.externalNamespaces !== undefined && !isStringList(props.externalNamespaces)) {
    invalid(`${where}externalNamespaces`, props.externalNamespaces, 'expected a list of namespace names');
  }
}

/** Throws InvalidPropsError naming the property and value unless `props` are usable; returns them typed. */
export function validateProps(input: unknown): HardeningValidationProps {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) invalid('properties', input, 'expected an object');
  const props = input as Record<string, unknown>;
  for (const key of Object.keys(props)) {
    if (!KNOWN.has(key)) invalid(key, props[key], `unknown property (known: ${[...KNOWN].join(', ')})`);
  }
  validateEnvironment(props, '');
  const prefix = props.waiverAnnotationPrefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !ANNOTATION_PREFIX.test(prefix) || prefix.length > 254)) {
    invalid('waiverAnnotationPrefix', prefix, 'expected a DNS subdomain followed by "/", e.g. "policy.example.com/"');
  }
  if (props.crdSchemas !== undefined) {
    if (!Array.isArray(props.crdSchemas)) invalid('crdSchemas', props.crdSchemas, 'expected a list of { apiVersion, kind, schema }');
    props.crdSchemas.forEach((s: unknown, i) => {
      const entry = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
      const ok =
        typeof entry.apiVersion === 'string' &&
        typeof entry.kind === 'string' &&
        KIND_KEY.test(`${entry.apiVersion}/${entry.kind}`) &&
        typeof entry.schema === 'object' &&
        entry.schema !== null &&
        !Array.isArray(entry.schema);
      if (!ok) invalid(`crdSchemas[${i}]`, s, 'expected { apiVersion: "group/version", kind: "Kind", schema: { ...JSON Schema } }');
    });
  }
  for (const key of ['crdFiles', 'rulesModules']) {
    if (props[key] !== undefined && !isStringList(props[key])) invalid(key, props[key], 'expected a list of file paths');
  }
  if (
    props.allowUnknownKinds !== undefined &&
    (!isStringList(props.allowUnknownKinds) || !props.allowUnknownKinds.every((k) => KIND_KEY.test(k)))
  ) {
    invalid('allowUnknownKinds', props.allowUnknownKinds, 'expected a list of "apiVersion/kind", e.g. "example.com/v1/Widget"');
  }
  if (props.models !== undefined) {
    const ok =
      Array.isArray(props.models) &&
      props.models.every(
        (m) =>
          typeof m === 'function' &&
          typeof (m as Partial<ModelClass>).apiVersion === 'string' &&
          typeof (m as Partial<ModelClass>).kind === 'string',
      );
    if (!ok) invalid('models', props.models, 'expected a list of kubernetes-models classes (with static apiVersion and kind)');
  }
  if (props.rules !== undefined) {
    if (!Array.isArray(props.rules)) invalid('rules', props.rules, 'expected a list of PolicyRule');
    props.rules.forEach((r) => validateRule(r, 'the rules property'));
  }
  if (props.severity !== undefined) {
    const s = props.severity;
    if (typeof s !== 'object' || s === null || Array.isArray(s))
      invalid('severity', s, 'expected { <rule id>: "error" | "warning" | "off" }');
    for (const [rule, level] of Object.entries(s)) {
      if (!SEVERITIES.has(level as string)) invalid(`severity.${rule}`, level, 'expected "error", "warning" or "off"');
    }
  }
  if (props.directories !== undefined) {
    const d = props.directories;
    if (typeof d !== 'object' || d === null || Array.isArray(d))
      invalid('directories', d, 'expected { <directory name>: { singleNode?, requireDigests?, externalNamespaces? } }');
    for (const [name, env] of Object.entries(d)) {
      if (typeof env !== 'object' || env === null || Array.isArray(env)) invalid(`directories.${name}`, env, 'expected an object');
      for (const key of Object.keys(env)) {
        if (!ENVIRONMENT_KEYS.has(key))
          invalid(
            `directories.${name}.${key}`,
            (env as Record<string, unknown>)[key],
            'only singleNode, requireDigests and externalNamespaces can differ per directory',
          );
      }
      validateEnvironment(env as Record<string, unknown>, `directories.${name}.`);
    }
  }
  return props as HardeningValidationProps;
}
