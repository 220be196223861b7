import { ScopeTable, declaredNamespace, displayNamespace, nameOf, podTemplateOf } from './kube.js';
export class CheckContext {
    objects;
    workloads;
    scopes;
    singleNode;
    requireDigests;
    externalNamespaces;
    violations = [];
    constructor(objects, options) {
        this.objects = objects;
        this.scopes = new ScopeTable(objects);
        this.singleNode = options.singleNode ?? false;
        this.requireDigests = options.requireDigests ?? false;
        this.externalNamespaces = new Set(options.externalNamespaces ?? []);
        this.workloads = objects.flatMap((object) => {
            const template = podTemplateOf(object);
            return template ? [{ object, template, namespace: declaredNamespace(object) }] : [];
        });
    }
    report(subject, rule, message) {
        const where = 'apiVersion' in subject || 'metadata' in subject
            ? { kind: String(subject.kind), namespace: displayNamespace(subject), name: nameOf(subject) }
            : { kind: subject.kind, namespace: subject.namespace, name: subject.name };
        this.violations.push({ rule, ...where, message });
    }
    /** Objects of a kind in a namespace. */
    inNamespace(kind, namespace) {
        return this.objects.filter((o) => o.kind === kind && declaredNamespace(o) === namespace);
    }
}
