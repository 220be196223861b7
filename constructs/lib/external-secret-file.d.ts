import { Construct } from 'constructs';
import { type AppIdentity } from './labels.js';
/** One key of the target Secret and where its value comes from in the store. */
export interface ExternalSecretKey {
    /** Key in the Kubernetes Secret, i.e. the file name when mounted. */
    readonly secretKey: string;
    /** Key of the value in the external store. */
    readonly remoteKey: string;
    /**
     * Property inside the remote value, for stores that hold JSON documents.
     * @default - the whole value
     */
    readonly property?: string;
}
export interface ExternalSecretFileProps {
    /** Labels of the ExternalSecret and of the Secret it makes. */
    readonly identity: AppIdentity;
    /** The namespace of the ExternalSecret and of the Secret it makes (the workloads' namespace). */
    readonly namespace: string;
    /** Name of the Secret that external-secrets creates and keeps in sync; workloads mount it as files. */
    readonly secretName: string;
    /** The store to read from (a SecretStore in the namespace, or a ClusterSecretStore). */
    readonly store: {
        readonly name: string;
        readonly kind: 'SecretStore' | 'ClusterSecretStore';
    };
    /** The keys to copy. */
    readonly keys: readonly ExternalSecretKey[];
    /**
     * How often to re-read the store, so a rotated value reaches the pods' files.
     * @default '1h' - rotation within the hour without hammering the store
     */
    readonly refreshInterval?: string;
}
/**
 * An external-secrets.io/v1 ExternalSecret: the manifests name the secret and where it lives,
 * never its value, so `dist/` can be public and the Secret is still there for the pods to mount.
 */
export declare class ExternalSecretFile extends Construct {
    /** Name of the Kubernetes Secret that will hold the values. */
    readonly secretName: string;
    constructor(scope: Construct, id: string, props: ExternalSecretFileProps);
}
