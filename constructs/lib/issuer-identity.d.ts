/** The name check and labels every ClusterIssuer construct shares (ACME and self-signed). */
import type { Construct } from 'constructs';
/** The recommended labels of an issuer: its name is also its `app.kubernetes.io/name`. */
export declare function issuerLabels(scope: Construct, props: {
    name: string;
    partOf: string;
    version: string;
}): Record<string, string>;
/** Refuses an issuer name that is not an RFC 1123 label. */
export declare function checkIssuerName(scope: Construct, name: string): void;
