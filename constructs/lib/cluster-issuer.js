import { Construct } from 'constructs';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { invalidProp } from './errors.js';
import { addModelObject } from './model-object.js';
import { checkIssuerName, issuerLabels } from './issuer-identity.js';
import { checkNamespace } from './network-peers.js';
import { isDnsSubdomain } from './names.js';
export const LETS_ENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';
export const LETS_ENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
// Let's Encrypt refuses accounts with these contact domains (RFC 2606 reserved), so the issuer would never become Ready.
const RESERVED_EMAIL_DOMAIN = /@(.+\.)?(example\.(com|net|org)|localhost|invalid|test)$/i;
/**
 * A cert-manager ClusterIssuer for an ACME CA (Let's Encrypt by default) that proves domain
 * control with http01 through an ingress class or a Gateway. Cluster-scoped: no namespace.
 */
export class AcmeClusterIssuer extends Construct {
    /** The ClusterIssuer's name (what `cert-manager.io/cluster-issuer` annotations name). */
    issuerName;
    /** The ACME directory URL. */
    server;
    /** The emitted ClusterIssuer. */
    issuer;
    constructor(scope, id, props) {
        super(scope, id);
        checkIssuerName(this, props.name);
        this.server = resolveServer(this, props.server ?? 'staging');
        if (!fullFormats.email.test(props.email))
            invalidProp(this, 'email', props.email, 'not an email address');
        if (RESERVED_EMAIL_DOMAIN.test(props.email))
            invalidProp(this, 'email', props.email, "a reserved domain: the ACME server refuses such accounts");
        const keySecret = props.privateKeySecretName ?? `${props.name}-account-key`;
        if (!isDnsSubdomain(keySecret))
            invalidProp(this, 'privateKeySecretName', keySecret, 'not a valid Secret name');
        const solver = props.http01 ?? { ingressClassName: 'nginx' };
        this.issuerName = props.name;
        const http01 = 'ingressClassName' in solver
            ? { ingress: { ingressClassName: this.checkClassName(solver.ingressClassName) } }
            : { gatewayHTTPRoute: { parentRefs: [this.gatewayParentRef(solver.gateway)] } };
        this.issuer = addModelObject(this, 'Resource', new ClusterIssuer({
            metadata: { name: props.name, labels: issuerLabels(this, props) },
            spec: { acme: { server: this.server, email: props.email, privateKeySecretRef: { name: keySecret }, solvers: [{ http01 }] } },
        }), { clusterScoped: true });
    }
    checkClassName(className) {
        if (!isDnsSubdomain(className))
            invalidProp(this, 'http01.ingressClassName', className, 'not a valid IngressClass name');
        return className;
    }
    gatewayParentRef(gateway) {
        if (!isDnsSubdomain(gateway.name))
            invalidProp(this, 'http01.gateway.name', gateway.name, 'not a valid Gateway name');
        checkNamespace(this, 'http01.gateway.namespace', gateway.namespace);
        if (gateway.sectionName !== undefined && !isDnsSubdomain(gateway.sectionName)) {
            invalidProp(this, 'http01.gateway.sectionName', gateway.sectionName, 'not a valid listener name');
        }
        return { kind: 'Gateway', name: gateway.name, namespace: gateway.namespace, ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}) };
    }
}
function resolveServer(scope, server) {
    if (server === 'staging')
        return LETS_ENCRYPT_STAGING;
    if (server === 'production')
        return LETS_ENCRYPT_PRODUCTION;
    let url;
    try {
        url = new URL(server);
    }
    catch {
        return invalidProp(scope, 'server', server, "must be 'staging', 'production' or an https URL");
    }
    if (url.protocol !== 'https:')
        invalidProp(scope, 'server', server, 'an ACME directory must be served over https');
    return server;
}
