import { Construct } from 'constructs';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { checkIssuerName, issuerLabels } from './issuer-identity.js';
import { addModelObject } from './model-object.js';
/**
 * A cert-manager ClusterIssuer that signs certificates with their own key: for local and dev
 * clusters that Let's Encrypt cannot reach (browsers will warn; nothing else changes).
 */
export class SelfSignedClusterIssuer extends Construct {
    /** The ClusterIssuer's name (what `cert-manager.io/cluster-issuer` annotations name). */
    issuerName;
    /** The emitted ClusterIssuer. */
    issuer;
    constructor(scope, id, props) {
        super(scope, id);
        checkIssuerName(this, props.name);
        this.issuerName = props.name;
        this.issuer = addModelObject(this, 'Resource', new ClusterIssuer({ metadata: { name: props.name, labels: issuerLabels(this, props) }, spec: { selfSigned: {} } }), { clusterScoped: true });
    }
}
