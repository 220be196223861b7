import { displayNamespace, isRecord, nameOf } from './kube.js';
import { applyWaivers } from './waivers.js';
/** The package of each CRD group; the core group and every other group are in `kubernetes-models`. */
const CRD_PACKAGES = {
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
const loaded = new Map();
const loading = new Map();
function keyOf(apiVersion, kind) {
    return `${apiVersion}/${kind}`;
}
/**
 * The module of a kind's model (`package` + `subpath`, e.g. `kubernetes-models` + `/apps/v1/Deployment`),
 * or `undefined` when apiVersion or kind cannot name one (which also keeps `../` out of the import).
 */
function modelModule(apiVersion, kind) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    if ((group !== '' && !GROUP.test(group)) || !VERSION.test(version) || !KIND.test(kind))
        return undefined;
    const subpath = group === '' ? `/${version}/${kind}` : `/${group}/${version}/${kind}`;
    return { specifier: `${CRD_PACKAGES[group] ?? 'kubernetes-models'}${subpath}`, subpath };
}
/** Whether an import failed because the model's module does not exist (not because something inside it broke). */
function isMissingModule(error, subpath) {
    const { code, message } = error;
    return (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') && (message ?? '').includes(subpath);
}
async function loadModel(apiVersion, kind) {
    const location = modelModule(apiVersion, kind);
    let model;
    if (location !== undefined) {
        try {
            const candidate = (await import(location.specifier))[kind];
            const statics = (typeof candidate === 'function' ? candidate : {});
            // A field type (DeploymentSpec) has a module too, but no apiVersion/kind of its own.
            if (statics.apiVersion === apiVersion && statics.kind === kind)
                model = candidate;
        }
        catch (error) {
            if (!isMissingModule(error, location.subpath))
                throw error;
        }
    }
    loaded.set(keyOf(apiVersion, kind), model);
}
/**
 * Loads the model of every apiVersion/kind among `objects` (once per process, concurrently), so
 * `validateLoadedSchemas` can check them synchronously. Objects without an apiVersion or kind are skipped.
 */
export async function loadSchemas(objects) {
    const waits = [];
    for (const o of objects) {
        if (!isRecord(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string')
            continue;
        const key = keyOf(o.apiVersion, o.kind);
        if (loaded.has(key))
            continue;
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
    name = 'SchemasNotLoadedError';
}
/** The `apiVersion/kind` pairs that have a schema, e.g. `apps/v1/Deployment`: loads every package in full (seconds), so for tooling only. */
export async function knownSchemaKinds() {
    const kinds = new Set();
    const seen = new Set();
    const visit = (value) => {
        if (value === null || seen.has(value))
            return;
        seen.add(value);
        if (typeof value === 'function') {
            const model = value;
            if (typeof model.apiVersion === 'string' && typeof model.kind === 'string')
                kinds.add(keyOf(model.apiVersion, model.kind));
        }
        else if (typeof value === 'object') {
            for (const key of Object.keys(value))
                visit(value[key]);
        }
    };
    for (const name of PACKAGES)
        visit(await import(name));
    return [...kinds].sort();
}
/**
 * Validates every object against its schema, loading the models it needs first; an object of an
 * unknown apiVersion/kind is reported unless allow-listed. Waiver annotations for K01 are honoured.
 */
export async function validateSchemas(objects, options = {}) {
    await loadSchemas(objects);
    return validateLoadedSchemas(objects, options);
}
/**
 * `validateSchemas` without loading, for synchronous callers: every apiVersion/kind among `objects`
 * must have gone through `loadSchemas` (throws SchemasNotLoadedError naming the first that did not).
 */
export function validateLoadedSchemas(objects, options = {}) {
    const allowed = new Set(options.allowUnknownKinds ?? []);
    const violations = [];
    for (const o of objects) {
        const report = (message) => {
            violations.push({ rule: 'K01', kind: String(o.kind), namespace: displayNamespace(o), name: nameOf(o), message });
        };
        if (!isRecord(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
            report('has no apiVersion or kind');
            continue;
        }
        const key = keyOf(o.apiVersion, o.kind);
        if (!loaded.has(key)) {
            throw new SchemasNotLoadedError(`the schema of ${o.apiVersion} ${o.kind} was not loaded: await loadSchemas(objects) first (loadSchemasFor(app) before app.synth())`);
        }
        const Model = loaded.get(key);
        if (!Model) {
            if (!allowed.has(key))
                report(`no schema is installed for ${o.apiVersion} ${o.kind} (allow-list it in allowUnknownKinds if it is right)`);
            continue;
        }
        try {
            new Model(o).validate();
        }
        catch (error) {
            report(`schema: ${error.message.replace(/(^|, )data\//g, '$1/')}`);
        }
    }
    // Invalid waivers themselves (W01) are checkManifests' to report.
    return applyWaivers(objects, violations).filter((v) => v.rule === 'K01');
}
