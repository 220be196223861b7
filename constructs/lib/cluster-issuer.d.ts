import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
export declare const LETS_ENCRYPT_STAGING = "https://acme-staging-v02.api.letsencrypt.org/directory";
export declare const LETS_ENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory";
/** A Gateway listener the http01 solver's HTTPRoute attaches to (Gateway API clusters). */
export interface SolverGatewayRef {
    /** The Gateway's name. */
    readonly name: string;
    /** The Gateway's namespace (a ClusterIssuer has none to default to). */
    readonly namespace: string;
    /**
     * The plain-HTTP listener (port 80), where Let's Encrypt fetches the challenge.
     * @default - every listener of the Gateway
     */
    readonly sectionName?: string;
}
/** How the ACME http01 challenge is served: through an ingress class, or through a Gateway. */
export type Http01Solver = {
    readonly ingressClassName: string;
} | {
    readonly gateway: SolverGatewayRef;
};
export interface AcmeClusterIssuerProps {
    /** The ClusterIssuer's name; Ingresses refer to it in `cert-manager.io/cluster-issuer`. */
    readonly name: string;
    /** `app.kubernetes.io/part-of`. */
    readonly partOf: string;
    /** `app.kubernetes.io/version`. */
    readonly version: string;
    /**
     * The ACME directory: `'staging'`, `'production'` (Let's Encrypt) or an https URL of another CA.
     * @default 'staging' - untrusted certificates but generous rate limits: switch to production once
     *   issuance works, rather than burn the production limits (5 failures per hour per host) on a typo
     */
    readonly server?: 'staging' | 'production' | string;
    /** The account's contact address: Let's Encrypt sends expiry and policy notices there. */
    readonly email: string;
    /**
     * The Secret (in cert-manager's namespace) holding the ACME account key; cert-manager creates it.
     * @default `${name}-account-key` - one account key per issuer, named after it
     */
    readonly privateKeySecretName?: string;
    /**
     * The http01 solver.
     * @default { ingressClassName: 'nginx' } - the ingress-nginx class, which TlsIngress uses by default
     */
    readonly http01?: Http01Solver;
}
/**
 * A cert-manager ClusterIssuer for an ACME CA (Let's Encrypt by default) that proves domain
 * control with http01 through an ingress class or a Gateway. Cluster-scoped: no namespace.
 */
export declare class AcmeClusterIssuer extends Construct {
    /** The ClusterIssuer's name (what `cert-manager.io/cluster-issuer` annotations name). */
    readonly issuerName: string;
    /** The ACME directory URL. */
    readonly server: string;
    /** The emitted ClusterIssuer. */
    readonly issuer: ApiObject;
    constructor(scope: Construct, id: string, props: AcmeClusterIssuerProps);
    private checkClassName;
    private gatewayParentRef;
}
