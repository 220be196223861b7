/**
 * Schema validation (K01) with the OpenAPI-generated models of `kubernetes-models` and the
 * `@kubernetes-models/*` CRD packages: each object is validated by the model class of its
 * apiVersion and kind, so the API server (or Argo CD) cannot reject at sync what passed synth.
 */
import * as kubernetes from 'kubernetes-models';
import * as argoCd from '@kubernetes-models/argo-cd';
import * as certManager from '@kubernetes-models/cert-manager';
import * as cloudnativePg from '@kubernetes-models/cloudnative-pg';
import * as externalSecrets from '@kubernetes-models/external-secrets';
import * as gatewayApi from '@kubernetes-models/gateway-api';
import * as prometheusOperator from '@kubernetes-models/prometheus-operator';
import type { KubeObject, Violation } from './types.js';
import { displayNamespace, isRecord, nameOf } from './kube.js';
import { applyWaivers } from './waivers.js';

/** A generated model: validate() throws a ValidationError naming each failing field. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: unknown): { validate(): void };
}

let models: Map<string, ModelClass> | undefined;

/** Every model class the packages export, by `apiVersion/kind`, found by walking their namespaces once. */
function modelIndex(): Map<string, ModelClass> {
  if (models) return models;
  const index = new Map<string, ModelClass>();
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (value === null || seen.has(value)) return;
    seen.add(value);
    if (typeof value === 'function') {
      const model = value as Partial<ModelClass>;
      if (typeof model.apiVersion === 'string' && typeof model.kind === 'string') index.set(`${model.apiVersion}/${model.kind}`, value as ModelClass);
    } else if (typeof value === 'object') {
      for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key]);
    }
  };
  [kubernetes, argoCd, certManager, cloudnativePg, externalSecrets, gatewayApi, prometheusOperator].forEach(visit);
  models = index;
  return index;
}

/** The `apiVersion/kind` pairs that have a schema, e.g. `apps/v1/Deployment`. */
export function knownSchemaKinds(): string[] {
  return [...modelIndex().keys()].sort();
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
 * Validates every object against its schema; an object of an unknown apiVersion/kind is reported
 * unless allow-listed. Waiver annotations for K01 are honoured.
 */
export function validateSchemas(objects: readonly KubeObject[], options: SchemaOptions = {}): Violation[] {
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
    const Model = modelIndex().get(`${o.apiVersion}/${o.kind}`);
    if (!Model) {
      if (!allowed.has(`${o.apiVersion}/${o.kind}`)) report(`no schema is installed for ${o.apiVersion} ${o.kind} (allow-list it in allowUnknownKinds if it is right)`);
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
