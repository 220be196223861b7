import { ApiObject, Chart, JsonPatch } from 'cdk8s';
/**
 * Adds a kubernetes-models object to the tree as an ApiObject, after checking it against its
 * OpenAPI schema, so a malformed object fails at synth with the construct path rather than at
 * `kubectl apply`. Cluster-scoped kinds drop the chart's default namespace (cdk8s would add it).
 */
export function addModelObject(scope, id, model, options = {}) {
    try {
        model.validate();
    }
    catch (error) {
        throw new Error(`${scope.node.path}/${id}: generated object fails its schema: ${error.message}`);
    }
    const object = new ApiObject(scope, id, model.toJSON());
    if (options.clusterScoped && Chart.of(scope).namespace !== undefined) {
        object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    return object;
}
/**
 * Adds a Kubernetes object given as plain JSON, typed by its kubernetes-models interface
 * (`addKubeObject<IService>(...)`). The interfaces are type-only imports, so no generated class
 * library is loaded at synth.
 */
export function addKubeObject(scope, id, manifest) {
    return new ApiObject(scope, id, manifest);
}
