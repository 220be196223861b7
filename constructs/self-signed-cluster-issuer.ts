import { Construct } from 'constructs';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import type { ApiObject } from 'cdk8s';
import { checkIssuerName, issuerLabels } from './issuer-identity.js';
import { addKubeObject } from './model-object.js';

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
export class SelfSignedClusterIssuer extends Construct {
  /** The ClusterIssuer's name (what a Certificate's `issuerRef` names). */
  public readonly issuerName: string;
  /** The emitted ClusterIssuer. */
  public readonly issuer: ApiObject;

  constructor(scope: Construct, id: string, props: SelfSignedClusterIssuerProps) {
    super(scope, id);
    checkIssuerName(this, props.name);
    this.issuerName = props.name;
    this.issuer = addKubeObject(
      this,
      'Resource',
      new ClusterIssuer({ metadata: { name: props.name, labels: issuerLabels(this, props) }, spec: { selfSigned: {} } }),
      { clusterScoped: true },
    );
  }
}
