import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { recommendedLabels } from './labels.js';
const KEY = /^[-._a-zA-Z0-9]+$/;
/**
 * An external-secrets.io/v1 ExternalSecret: the manifests name the secret and where it lives,
 * never its value, so `dist/` can be public and the Secret is still there for the pods to mount.
 */
export class ExternalSecretFile extends Construct {
    /** Name of the Kubernetes Secret that will hold the values. */
    secretName;
    constructor(scope, id, props) {
        super(scope, id);
        if (props.keys.length === 0)
            invalidProp(this, 'keys', props.keys, 'name at least one key');
        for (const key of props.keys) {
            if (!KEY.test(key.secretKey))
                invalidProp(this, 'keys[].secretKey', key.secretKey, 'must be a valid Secret key');
            if (key.remoteKey.trim() === '')
                invalidProp(this, 'keys[].remoteKey', key.remoteKey, 'must not be empty');
        }
        this.secretName = props.secretName;
        const labels = recommendedLabels(props.identity);
        const spec = {
            refreshInterval: props.refreshInterval ?? '1h',
            secretStoreRef: { name: props.store.name, kind: props.store.kind },
            target: {
                name: props.secretName,
                // The operator owns the Secret: deleting the ExternalSecret deletes it too.
                creationPolicy: 'Owner',
                deletionPolicy: 'Retain',
                template: { metadata: { labels } },
            },
            data: props.keys.map((key) => ({
                secretKey: key.secretKey,
                remoteRef: { key: key.remoteKey, ...(key.property ? { property: key.property } : {}) },
            })),
        };
        new ApiObject(this, 'external-secret', {
            apiVersion: 'external-secrets.io/v1',
            kind: 'ExternalSecret',
            metadata: { name: props.secretName, namespace: props.namespace, labels },
            spec,
        });
    }
}
