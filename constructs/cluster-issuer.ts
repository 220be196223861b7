import { Construct } from 'constructs';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import type { ApiObject } from 'cdk8s';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { invalidProp } from './errors.js';
import { addKubeObject } from './model-object.js';
import { checkIssuerName, issuerLabels } from './issuer-identity.js';
import { checkNamespace } from './network-peers.js';
import { isDnsSubdomain } from './names.js';

export const LETS_ENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';
export const LETS_ENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';

/** A Gateway listener the http01 solver's HTTPRoute attaches to (Gateway API clusters). */
export interface SolverGatewayRef {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace (a ClusterIssuer has none to default to). */
  readonly namespace: string;
  /**
   * The plain-HTTP listener (port 80), where Let's Encrypt fetches the challenge.
   * @default - every listener of the Gateway
   */
  readonly sectionName?: string;
}

/** How the ACME http01 challenge is served: through an ingress class, or through a Gateway. */
export type Http01Solver = { readonly ingressClassName: string } | { readonly gateway: SolverGatewayRef };

export interface AcmeClusterIssuerProps {
  /** The ClusterIssuer's name; Ingresses refer to it in `cert-manager.io/cluster-issuer`. */
  readonly name: string;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** `app.kubernetes.io/version`. */
  readonly version: string;
  /**
   * The ACME directory: `'staging'`, `'production'` (Let's Encrypt) or an https URL of another CA.
   * @default 'staging' - untrusted certificates but generous rate limits: switch to production once
   *   issuance works, rather than burn the production limits (5 failures per hour per host) on a typo
   */
  readonly server?: 'staging' | 'production' | string;
  /** The account's contact address: Let's Encrypt sends expiry and policy notices there. */
  readonly email: string;
  /**
   * The Secret (in cert-manager's namespace) holding the ACME account key; cert-manager creates it.
   * @default `${name}-account-key` - one account key per issuer, named after it
   */
  readonly privateKeySecretName?: string;
  /**
   * The http01 solver.
   * @default { ingressClassName: 'nginx' } - the ingress-nginx class, which TlsIngress uses by default
   */
  readonly http01?: Http01Solver;
}

// Let's Encrypt refuses accounts with these contact domains (RFC 2606 reserved), so the issuer would never become Ready.
const RESERVED_EMAIL_DOMAIN = /@(.+\.)?(example\.(com|net|org)|localhost|invalid|test)$/i;

/**
 * A cert-manager ClusterIssuer for an ACME CA (Let's Encrypt by default) that proves domain
 * control with http01 through an ingress class or a Gateway. Cluster-scoped: no namespace.
 */
export class AcmeClusterIssuer extends Construct {
  /** The ClusterIssuer's name (what `cert-manager.io/cluster-issuer` annotations name). */
  public readonly issuerName: string;
  /** The ACME directory URL. */
  public readonly server: string;
  /** The emitted ClusterIssuer. */
  public readonly issuer: ApiObject;

  constructor(scope: Construct, id: string, props: AcmeClusterIssuerProps) {
    super(scope, id);
    checkIssuerName(this, props.name);
    this.server = resolveServer(this, props.server ?? 'staging');
    if (!(fullFormats.email as RegExp).test(props.email)) invalidProp(this, 'email', props.email, 'not an email address');
    if (RESERVED_EMAIL_DOMAIN.test(props.email))
      invalidProp(this, 'email', props.email, 'a reserved domain: the ACME server refuses such accounts');
    const keySecret = props.privateKeySecretName ?? `${props.name}-account-key`;
    if (!isDnsSubdomain(keySecret)) invalidProp(this, 'privateKeySecretName', keySecret, 'not a valid Secret name');
    const solver = props.http01 ?? { ingressClassName: 'nginx' };
    this.issuerName = props.name;

    const http01 =
      'ingressClassName' in solver
        ? { ingress: { ingressClassName: this.checkClassName(solver.ingressClassName) } }
        : { gatewayHTTPRoute: { parentRefs: [this.gatewayParentRef(solver.gateway)] } };
    this.issuer = addKubeObject(
      this,
      'Resource',
      new ClusterIssuer({
        metadata: { name: props.name, labels: issuerLabels(this, props) },
        spec: { acme: { server: this.server, email: props.email, privateKeySecretRef: { name: keySecret }, solvers: [{ http01 }] } },
      }),
      { clusterScoped: true },
    );
  }

  private checkClassName(className: string): string {
    if (!isDnsSubdomain(className)) invalidProp(this, 'http01.ingressClassName', className, 'not a valid IngressClass name');
    return className;
  }

  private gatewayParentRef(gateway: SolverGatewayRef): { name: string; namespace: string; kind: string; sectionName?: string } {
    if (!isDnsSubdomain(gateway.name)) invalidProp(this, 'http01.gateway.name', gateway.name, 'not a valid Gateway name');
    checkNamespace(this, 'http01.gateway.namespace', gateway.namespace);
    if (gateway.sectionName !== undefined && !isDnsSubdomain(gateway.sectionName)) {
      invalidProp(this, 'http01.gateway.sectionName', gateway.sectionName, 'not a valid listener name');
    }
    return {
      kind: 'Gateway',
      name: gateway.name,
      namespace: gateway.namespace,
      ...(gateway.sectionName ? { sectionName: gateway.sectionName } : {}),
    };
  }
}

function resolveServer(scope: Construct, server: string): string {
  if (server === 'staging') return LETS_ENCRYPT_STAGING;
  if (server === 'production') return LETS_ENCRYPT_PRODUCTION;
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return invalidProp(scope, 'server', server, "must be 'staging', 'production' or an https URL");
  }
  if (url.protocol !== 'https:') invalidProp(scope, 'server', server, 'an ACME directory must be served over https');
  return server;
}
