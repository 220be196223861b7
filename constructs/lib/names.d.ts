/**
 * Kubernetes name formats the constructs validate props against, so every construct accepts and
 * refuses the same names (k8s.io/apimachinery validation: IsDNS1035Label, IsDNS1123Subdomain).
 */
/** Whether `name` is a DNS-1035 label of at most `maxLength` characters (63 is the format's own limit). */
export declare function isDns1035Label(name: string, maxLength?: number): boolean;
/** Whether `name` is an RFC 1123 DNS label (<= 63 characters). */
export declare function isDnsLabel(name: string): boolean;
/** Whether `name` is a DNS-1123 subdomain. */
export declare function isDnsSubdomain(name: string): boolean;
