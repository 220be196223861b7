import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import type { ApiObjectProps } from 'cdk8s';
import type { Construct } from 'constructs';

/** What a kubernetes-models instance offers: its schema check and its plain JSON. */
interface SchemaModel {
  validate(): void;
  toJSON(): unknown;
}

/** Any Kubernetes object: a kubernetes-models instance, or plain JSON typed by its kubernetes-models interface. */
export interface KubeManifest {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface AddKubeObjectOptions {
  /**
   * The kind has no namespace (Namespace, ClusterIssuer, ...): drop the one cdk8s copies from the chart.
   * @default false - namespaced kinds keep the chart's default namespace
   */
  readonly clusterScoped?: boolean;
}

function isSchemaModel(value: unknown): value is SchemaModel {
  const model = value as Partial<SchemaModel>;
  return typeof model.validate === 'function' && typeof model.toJSON === 'function';
}

/**
 * The one way the constructs emit a Kubernetes object. Give it a kubernetes-models instance
 * (`new ClusterIssuer({...})`): it is checked against its OpenAPI schema here, so a malformed
 * object fails at construction with the construct path. Or give it plain JSON typed by the
 * kubernetes-models interface (`addKubeObject<IService>(...)`, a type-only import, so no generated
 * class is loaded at synth): the policy's schema rule (K01) validates it when the output is checked.
 */
export function addKubeObject<T extends KubeManifest>(
  scope: Construct,
  id: string,
  manifest: T,
  options: AddKubeObjectOptions = {},
): ApiObject {
  let json: unknown = manifest;
  if (isSchemaModel(manifest)) {
    try {
      manifest.validate();
    } catch (error) {
      throw new Error(`${scope.node.path}/${id}: generated object fails its schema: ${(error as Error).message}`, { cause: error });
    }
    json = manifest.toJSON();
  }
  const object = new ApiObject(scope, id, json as ApiObjectProps);
  if (options.clusterScoped && Chart.of(scope).namespace !== undefined) {
    object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
  return object;
}
