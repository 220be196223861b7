import { invalidProp } from './errors.js';
import { isDnsLabel } from './names.js';
import { identityLabels } from './network-peers.js';
/** The recommended labels of an issuer: its name is also its `app.kubernetes.io/name`. */
export function issuerLabels(scope, props) {
    return identityLabels(scope, { name: props.name, component: 'certificate-issuer', partOf: props.partOf, version: props.version });
}
/** Refuses an issuer name that is not an RFC 1123 label. */
export function checkIssuerName(scope, name) {
    // The name is also an `app.kubernetes.io/name` label value, so it must fit in 63 chars.
    if (!isDnsLabel(name))
        invalidProp(scope, 'name', name, 'an issuer name must be an RFC 1123 label (a-z, 0-9, -; <= 63 chars)');
}
