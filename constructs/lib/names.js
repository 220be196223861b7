/**
 * Kubernetes name formats the constructs validate props against, so every construct accepts and
 * refuses the same names (k8s.io/apimachinery validation: IsDNS1035Label, IsDNS1123Subdomain).
 */
/** DNS-1123 label: lowercase letters, digits and `-`, alphanumeric at both ends (namespace names, issuer names). */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1035 label: lowercase letters, digits and `-`, starting with a letter (Service, workload and CronJob names). */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** DNS-1123 subdomain: dot-separated lowercase labels, <= 253 characters (Secret names, host names). */
const DNS_1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Whether `name` is a DNS-1035 label of at most `maxLength` characters (63 is the format's own limit). */
export function isDns1035Label(name, maxLength = 63) {
    return name.length <= Math.min(maxLength, 63) && DNS_1035_LABEL.test(name);
}
/** Whether `name` is an RFC 1123 DNS label (<= 63 characters). */
export function isDnsLabel(name) {
    return name.length <= 63 && DNS_1123_LABEL.test(name);
}
/** Whether `name` is a DNS-1123 subdomain. */
export function isDnsSubdomain(name) {
    return DNS_1123_SUBDOMAIN.test(name);
}
