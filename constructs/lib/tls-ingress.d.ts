import { Construct } from 'constructs';
import type { ApiObject } from 'cdk8s';
import type { IRouteBackend } from './contracts.js';
/** One route: requests for `host` under `path` go to `backend`. */
export interface TlsRoute {
    /** The host, an RFC 1123 name; a wildcard only as the whole leftmost label (`*.example.com`). */
    readonly host: string;
    /**
     * The path prefix; starts with `/`.
     * @default '/' - the whole host
     */
    readonly path?: string;
    /** The Service port to send the requests to; it must live in the route's namespace. */
    readonly backend: IRouteBackend;
    /**
     * A WebSocket route, so long-lived sockets are not cut: ingress-nginx proxy read/send timeouts of one
     * hour (its default cuts idle sockets at 60 s); in gateway-api mode `timeouts.request: 0s`, which the
     * spec defines as "no request timeout" (implementations otherwise cap the upgraded stream, e.g. Envoy at 15 s).
     * @default false - plain HTTP requests keep the controller's timeouts, which cut stuck backends
     */
    readonly websocket?: boolean;
    /**
     * The largest request body accepted, an nginx size such as `8m` (ingress-nginx only).
     * @default - the controller's default (1m for ingress-nginx)
     */
    readonly maxBodySize?: string;
}
/** Which API the routes are emitted as. */
export type RouteMode = 'ingress' | 'gateway-api';
/** The Gateway the HTTPRoutes attach to (gateway-api mode). */
export interface GatewayAttachment {
    /** The Gateway's name. */
    readonly name: string;
    /**
     * The Gateway's namespace.
     * @default - the routes' namespace
     */
    readonly namespace?: string;
    /**
     * The HTTPS listener the routes attach to.
     * @default - when the Gateway is created here: its per-host listener `https-<host>`; otherwise every listener
     */
    readonly sectionName?: string;
    /**
     * The plain-HTTP listener on which an HTTPRoute redirects every request to https (forced HTTPS).
     * @default - 'http' when the Gateway is created here; otherwise no redirect route (the shared Gateway owns it)
     */
    readonly httpSectionName?: string;
    /**
     * Also emit the Gateway, with one HTTPS listener per host (TLS from the cert-manager Secret) and an HTTP listener;
     * cert-manager's gateway-shim then issues the certificate from the Gateway's annotation.
     * @default - not emitted: a platform team usually owns the Gateway. The construct then requests the
     *   certificate itself (a cert-manager Certificate into `tlsSecretName`) and, when the Gateway lives in
     *   another namespace, a ReferenceGrant that lets it use that Secret in its HTTPS listener's `certificateRefs`
     */
    readonly create?: {
        readonly gatewayClassName: string;
    };
    /**
     * Whether the implementation supports HTTPRoute `timeouts` (Extended support), used to lift the
     * request timeout on WebSocket rules. An implementation without it may refuse the whole route.
     * @default true - Envoy Gateway, Istio, Cilium and kgateway support it; set false otherwise and
     *   configure long-lived streams in the implementation's own policy
     */
    readonly supportsTimeouts?: boolean;
}
export interface TlsIngressProps {
    /** Base name of the emitted objects (Ingresses, HTTPRoutes, the TLS Secret). */
    readonly name: string;
    /** The namespace of the routes; every backend must live there (an Ingress cannot reach another namespace). */
    readonly namespace: string;
    /** `app.kubernetes.io/part-of`. */
    readonly partOf: string;
    /** `app.kubernetes.io/version`. */
    readonly version: string;
    /** The routes; host + path pairs must be unique. */
    readonly routes: readonly TlsRoute[];
    /** The cert-manager ClusterIssuer that signs the certificate (`cert-manager.io/cluster-issuer`). */
    readonly clusterIssuer: string;
    /**
     * The Secret cert-manager writes the certificate to; one certificate covers every host.
     * @default `${name}-tls` - named after the routes, like cert-manager's own Certificates
     */
    readonly tlsSecretName?: string;
    /**
     * Emit networking.k8s.io/v1 Ingresses for ingress-nginx, or Gateway API HTTPRoutes.
     * @default 'ingress' - still the most widely installed controller API
     */
    readonly mode?: RouteMode;
    /**
     * The IngressClass (ingress mode).
     * @default 'nginx' - ingress-nginx's class
     */
    readonly ingressClassName?: string;
    /** Where HTTPRoutes attach; required in gateway-api mode. */
    readonly gateway?: GatewayAttachment;
    /**
     * Extra annotations on every Ingress or HTTPRoute. Keys containing `snippet` are refused (N05):
     * snippets inject raw nginx configuration (CVE-2021-25742, CVE-2025-1974).
     * @default - none
     */
    readonly annotations?: Readonly<Record<string, string>>;
}
export declare const CLUSTER_ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer";
/**
 * HTTPS routes to in-namespace Services with a certificate from a cert-manager ClusterIssuer and
 * forced HTTPS (N03, N04, N05). In `ingress` mode, routes with the same options share an Ingress
 * (nginx annotations apply per object), named `<name>`, `<name>-websocket`, `<name>-body-<size>`;
 * every Ingress carries the same `tls` entry (all hosts, one Secret) so they share one certificate.
 * In `gateway-api` mode, one HTTPRoute per host (`<name>-<host>`), optionally the Gateway itself.
 */
export declare class TlsIngress extends Construct {
    /** The hosts served, in declaration order. */
    readonly hosts: readonly string[];
    /** The Secret holding the certificate for every host. */
    readonly tlsSecretName: string;
    readonly mode: RouteMode;
    /**
     * Names of the Ingress or HTTPRoute objects emitted (and of the Gateway, if created, or the
     * Certificate and ReferenceGrant for a Gateway owned elsewhere), in emission order.
     */
    readonly objectNames: readonly string[];
    /** The emitted objects. */
    readonly objects: readonly ApiObject[];
    constructor(scope: Construct, id: string, props: TlsIngressProps);
    private resolveRoutes;
    private emitIngresses;
    private emitGatewayApi;
    /**
     * For a Gateway owned elsewhere, nothing would ask cert-manager for the hosts' certificate (its
     * gateway-shim reads only the Gateway's annotations): a Certificate into the TLS Secret, and a
     * ReferenceGrant so a Gateway in another namespace may reference that Secret.
     */
    private emitCertificate;
}
