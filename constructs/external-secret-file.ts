import type { IExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { recommendedLabels, type AppIdentity } from './labels.js';
import { addKubeObject } from './model-object.js';

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
  readonly store: { readonly name: string; readonly kind: 'SecretStore' | 'ClusterSecretStore' };
  /** The keys to copy. */
  readonly keys: readonly ExternalSecretKey[];
  /**
   * How often to re-read the store, so a rotated value reaches the pods' files.
   * @default '1h' - rotation within the hour without hammering the store
   */
  readonly refreshInterval?: string;
}

const KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * An external-secrets.io/v1 ExternalSecret: the manifests name the secret and where it lives,
 * never its value, so `dist/` can be public and the Secret is still there for the pods to mount.
 */
export class ExternalSecretFile extends Construct {
  /** Name of the Kubernetes Secret that will hold the values. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: ExternalSecretFileProps) {
    super(scope, id);
    if (props.keys.length === 0) invalidProp(this, 'keys', props.keys, 'name at least one key');
    for (const key of props.keys) {
      if (!KEY.test(key.secretKey)) invalidProp(this, 'keys[].secretKey', key.secretKey, 'must be a valid Secret key');
      if (key.remoteKey.trim() === '') invalidProp(this, 'keys[].remoteKey', key.remoteKey, 'must not be empty');
    }
    this.secretName = props.secretName;
    const labels = recommendedLabels(props.identity);
    const spec: IExternalSecret['spec'] = {
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
    addKubeObject<IExternalSecret>(this, 'external-secret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: props.secretName, namespace: props.namespace, labels },
      spec,
    });
  }
}
