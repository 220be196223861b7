import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
export interface SelfSignedClusterIssuerProps {
    /** The ClusterIssuer's name. */
    readonly name: string;
    /** `app.kubernetes.io/part-of`. */
    readonly partOf: string;
    /** `app.kubernetes.io/version`. */
    readonly version: string;
}
/**
 * A cert-manager ClusterIssuer that signs certificates with their own key: for local and dev
 * clusters that Let's Encrypt cannot reach (browsers will warn; nothing else changes).
 */
export declare class SelfSignedClusterIssuer extends Construct {
    /** The ClusterIssuer's name (what `cert-manager.io/cluster-issuer` annotations name). */
    readonly issuerName: string;
    /** The emitted ClusterIssuer. */
    readonly issuer: ApiObject;
    constructor(scope: Construct, id: string, props: SelfSignedClusterIssuerProps);
}
