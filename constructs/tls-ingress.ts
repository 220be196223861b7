import { Construct } from 'constructs';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { Gateway } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway';
import { GRPCRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/GRPCRoute';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { ReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { ApiObject } from 'cdk8s';
import type { IRouteBackend } from './contracts.js';
import { invalidProp } from './errors.js';
import { addKubeObject } from './model-object.js';
import { NAMESPACE_NAME_LABEL, checkNamespace, identityLabels } from './network-peers.js';
import { isDnsLabel, isDnsSubdomain } from './names.js';

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
  /**
   * `grpc` routes gRPC calls: a GRPCRoute in gateway-api mode, ingress-nginx's `backend-protocol: GRPC`
   * in ingress mode. gRPC routes match services, not paths, so `path` stays `/`; in gateway-api mode a
   * host carries either HTTP or gRPC routes (the spec accepts only one kind per hostname and listener).
   * @default - `grpc` when the backend's `appProtocol` is `grpc`, else `http`
   */
  readonly protocol?: RouteProtocol;
  /**
   * gRPC, gateway-api mode: route only this fully-qualified service, e.g. `todo.v1.Tasks`.
   * @default - every service on the host
   */
  readonly grpcService?: string;
}

/** What a route carries: HTTP requests or gRPC calls. */
export type RouteProtocol = 'http' | 'grpc';

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
   * Also emit the Gateway, with one HTTPS listener per host (TLS from the Certificate's Secret) and an HTTP listener.
   * @default - not emitted: a platform team usually owns the Gateway
   */
  readonly create?: { readonly gatewayClassName: string };
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
  /** The cert-manager ClusterIssuer that signs the certificate (the Certificate's `issuerRef`). */
  readonly clusterIssuer: string;
  /**
   * The Secret cert-manager writes the certificate to, and the name of the one Certificate that covers every host.
   * @default `${name}-tls` - named after the routes, like the Certificates cert-manager's shims create
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

/** cert-manager's shim annotations: they would make a second Certificate for the Secret. */
const CERT_MANAGER_ANNOTATIONS = 'cert-manager.io/';
const NGINX = 'nginx.ingress.kubernetes.io';
const WEBSOCKET_TIMEOUT_SECONDS = '3600';
const HOST_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const SAFE_PATH = /^\/[A-Za-z0-9/_.~-]*$/;
// ingress-nginx's strict path validation (on by default since 1.8) accepts only these for Prefix.
const NGINX_STRICT_PATH = /^\/[A-Za-z0-9/_-]*$/;
const NGINX_SIZE = /^\d+[kKmMgG]?$/;
/** A protobuf fully-qualified service name: dot-separated identifiers. */
const GRPC_SERVICE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

interface ResolvedRoute {
  readonly host: string;
  readonly path: string;
  readonly backend: IRouteBackend;
  readonly websocket: boolean;
  readonly maxBodySize?: string;
  readonly protocol: RouteProtocol;
  readonly grpcService?: string;
}

/**
 * HTTPS routes to in-namespace Services with a certificate from a cert-manager ClusterIssuer and
 * forced HTTPS (N03, N04, N05). In both modes the certificate is one cert-manager `Certificate`
 * (named and writing `tlsSecretName`, every host in `dnsNames`), emitted first; the routes only
 * reference its Secret. No cert-manager shim annotation: ingress-shim makes one Certificate per
 * Secret, owned by one Ingress, and the others sharing the Secret would skip it or fight over it.
 * In `ingress` mode, routes with the same options share an Ingress (nginx annotations apply per
 * object), named `<name>`, `<name>-websocket`, `<name>-body-<size>`; every Ingress carries the same
 * `tls` entry (all hosts, the one Secret). In `gateway-api` mode, one HTTPRoute (or, for a host of
 * gRPC routes, one GRPCRoute) per host (`<name>-<host>`), optionally the Gateway itself; a Gateway
 * in another namespace gets a ReferenceGrant to read the Secret.
 */
export class TlsIngress extends Construct {
  /** The hosts served, in declaration order. */
  public readonly hosts: readonly string[];
  /** The Secret holding the certificate for every host. */
  public readonly tlsSecretName: string;
  public readonly mode: RouteMode;
  /**
   * Names of the objects emitted, in emission order: the Certificate (and the ReferenceGrant for a
   * Gateway in another namespace), then the Gateway if created, then the Ingresses or routes.
   */
  public readonly objectNames: readonly string[];
  /** The emitted objects. */
  public readonly objects: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: TlsIngressProps) {
    super(scope, id);
    if (!isDnsLabel(props.name)) invalidProp(this, 'name', props.name, 'must be an RFC 1123 label (a-z, 0-9, -; <= 63 chars)');
    checkNamespace(this, 'namespace', props.namespace);
    if (!isDnsLabel(props.clusterIssuer)) invalidProp(this, 'clusterIssuer', props.clusterIssuer, 'not a valid ClusterIssuer name');
    this.mode = props.mode ?? 'ingress';
    this.tlsSecretName = props.tlsSecretName ?? `${props.name}-tls`;
    if (!isDnsSubdomain(this.tlsSecretName)) invalidProp(this, 'tlsSecretName', this.tlsSecretName, 'not a valid Secret name');
    const annotations = { ...props.annotations };
    for (const key of Object.keys(annotations)) {
      if (key.toLowerCase().includes('snippet'))
        invalidProp(this, 'annotations', key, 'snippet annotations inject raw proxy configuration (N05)');
      if (key.startsWith(CERT_MANAGER_ANNOTATIONS) || key.startsWith(`${NGINX}/`)) {
        invalidProp(
          this,
          'annotations',
          key,
          'set by the construct from its props (websocket, maxBodySize); the certificate comes from its Certificate (clusterIssuer)',
        );
      }
    }
    const routes = this.resolveRoutes(props);
    this.hosts = [...new Set(routes.map((route) => route.host))];
    const labels = identityLabels(this, { name: props.name, component: 'ingress', partOf: props.partOf, version: props.version });

    const routeObjects = (): ApiObject[] =>
      this.mode === 'ingress'
        ? this.emitIngresses(props, routes, labels, annotations)
        : this.emitGatewayApi(props, routes, labels, annotations);
    this.objects = [...this.emitCertificate(props, labels), ...routeObjects()];
    this.objectNames = this.objects.map((object) => object.name);
  }

  private resolveRoutes(props: TlsIngressProps): ResolvedRoute[] {
    if (props.routes.length === 0) invalidProp(this, 'routes', [], 'at least one route is needed');
    const seen = new Set<string>();
    return props.routes.map((route, index) => {
      const prop = `routes[${index}]`;
      checkHost(this, `${prop}.host`, route.host);
      const path = route.path ?? '/';
      if (!path.startsWith('/')) invalidProp(this, `${prop}.path`, path, "must start with '/'");
      if (!SAFE_PATH.test(path))
        invalidProp(this, `${prop}.path`, path, 'only letters, digits and / _ . ~ - are allowed (no regex, no spaces)');
      const protocol = route.protocol ?? (route.backend.appProtocol === 'grpc' ? 'grpc' : 'http');
      if (protocol !== 'http' && protocol !== 'grpc') invalidProp(this, `${prop}.protocol`, protocol, 'must be "http" or "grpc"');
      if (protocol === 'grpc') this.checkGrpcRoute(prop, route, path);
      else if (route.grpcService !== undefined)
        invalidProp(this, `${prop}.grpcService`, route.grpcService, 'only gRPC routes match a service: set protocol "grpc"');
      const key = protocol === 'grpc' ? `${route.host} grpc ${route.grpcService ?? '*'}` : `${route.host}${path}`;
      if (seen.has(key)) invalidProp(this, `${prop}`, key, 'duplicate host + path: another route already serves it');
      seen.add(key);
      if (route.backend.namespace !== props.namespace) {
        invalidProp(
          this,
          `${prop}.backend`,
          `${route.backend.namespace}/${route.backend.serviceName}`,
          `is outside the routes' namespace "${props.namespace}"`,
        );
      }
      if (route.maxBodySize !== undefined) {
        if (!NGINX_SIZE.test(route.maxBodySize))
          invalidProp(this, `${prop}.maxBodySize`, route.maxBodySize, 'must be an nginx size such as 8m or 512k');
        if (this.mode === 'gateway-api') {
          invalidProp(
            this,
            `${prop}.maxBodySize`,
            route.maxBodySize,
            'Gateway API has no portable body-size limit: configure it on the Gateway implementation',
          );
        }
      }
      return {
        host: route.host,
        path,
        backend: route.backend,
        websocket: route.websocket ?? false,
        maxBodySize: route.maxBodySize,
        protocol,
        ...(route.grpcService !== undefined ? { grpcService: route.grpcService } : {}),
      };
    });
  }

  /** gRPC needs an HTTP/2 backend, matches services rather than paths, and is not a WebSocket. */
  private checkGrpcRoute(prop: string, route: TlsRoute, path: string): void {
    if (route.backend.appProtocol === 'http') {
      invalidProp(
        this,
        `${prop}.backend`,
        route.backend.serviceName,
        'speaks HTTP/1.1 (appProtocol "http"); gRPC needs HTTP/2: declare its port with appProtocol "grpc" or "h2c"',
      );
    }
    if (path !== '/') invalidProp(this, `${prop}.path`, path, 'gRPC routes match services, not paths: use grpcService');
    if (route.websocket) invalidProp(this, `${prop}.websocket`, route.websocket, 'a gRPC route is not a WebSocket route');
    if (route.grpcService !== undefined) {
      if (!GRPC_SERVICE.test(route.grpcService))
        invalidProp(this, `${prop}.grpcService`, route.grpcService, 'must be a fully-qualified gRPC service name such as "todo.v1.Tasks"');
      if (this.mode === 'ingress')
        invalidProp(this, `${prop}.grpcService`, route.grpcService, "matching a gRPC service needs mode 'gateway-api' (GRPCRoute)");
    }
  }

  private emitIngresses(
    props: TlsIngressProps,
    routes: readonly ResolvedRoute[],
    labels: Record<string, string>,
    extraAnnotations: Record<string, string>,
  ): ApiObject[] {
    const className = props.ingressClassName ?? 'nginx';
    if (!isDnsSubdomain(className)) invalidProp(this, 'ingressClassName', className, 'not a valid IngressClass name');
    if (props.gateway) invalidProp(this, 'gateway', props.gateway.name, "only used in mode 'gateway-api'");
    const groups = new Map<string, ResolvedRoute[]>();
    for (const route of routes) {
      const suffix = [
        route.protocol === 'grpc' ? 'grpc' : '',
        route.websocket ? 'websocket' : '',
        route.maxBodySize ? `body-${route.maxBodySize.toLowerCase()}` : '',
      ]
        .filter(Boolean)
        .join('-');
      const name = suffix ? `${props.name}-${suffix}` : props.name;
      groups.set(name, [...(groups.get(name) ?? []), route]);
    }
    return [...groups].map(([name, group]) => {
      const { websocket, maxBodySize, protocol } = group[0]!;
      const annotations: Record<string, string> = {
        ...extraAnnotations,
        [`${NGINX}/force-ssl-redirect`]: 'true',
        ...(websocket
          ? { [`${NGINX}/proxy-read-timeout`]: WEBSOCKET_TIMEOUT_SECONDS, [`${NGINX}/proxy-send-timeout`]: WEBSOCKET_TIMEOUT_SECONDS }
          : {}),
        ...(maxBodySize ? { [`${NGINX}/proxy-body-size`]: maxBodySize } : {}),
        ...(protocol === 'grpc' ? { [`${NGINX}/backend-protocol`]: 'GRPC' } : {}),
      };
      const hosts = [...new Set(group.map((route) => route.host))];
      const ingress = new Ingress({
        metadata: { name, namespace: props.namespace, labels, annotations },
        spec: {
          ingressClassName: className,
          // The same tls entry on every Ingress: the one Certificate's Secret, for all hosts.
          tls: [{ hosts: [...this.hosts], secretName: this.tlsSecretName }],
          rules: hosts.map((host) => ({
            host,
            http: {
              paths: group
                .filter((route) => route.host === host)
                .map((route) => ({
                  path: route.path,
                  // Paths with '.' or '~' fail ingress-nginx's strict Prefix validation; they are prefixes there too.
                  pathType: NGINX_STRICT_PATH.test(route.path) ? 'Prefix' : 'ImplementationSpecific',
                  backend: { service: { name: route.backend.serviceName, port: { name: route.backend.portName } } },
                })),
            },
          })),
        },
      });
      return addKubeObject(this, name, ingress);
    });
  }

  private emitGatewayApi(
    props: TlsIngressProps,
    routes: readonly ResolvedRoute[],
    labels: Record<string, string>,
    annotations: Record<string, string>,
  ): ApiObject[] {
    const gateway = props.gateway;
    if (!gateway) return invalidProp(this, 'gateway', undefined, "mode 'gateway-api' needs the Gateway to attach to");
    if (props.ingressClassName !== undefined) invalidProp(this, 'ingressClassName', props.ingressClassName, "only used in mode 'ingress'");
    if (!isDnsSubdomain(gateway.name)) invalidProp(this, 'gateway.name', gateway.name, 'not a valid Gateway name');
    const gatewayNamespace = gateway.namespace ?? props.namespace;
    checkNamespace(this, 'gateway.namespace', gatewayNamespace);
    for (const [prop, section] of [
      ['gateway.sectionName', gateway.sectionName],
      ['gateway.httpSectionName', gateway.httpSectionName],
    ] as const) {
      if (section !== undefined && !isDnsSubdomain(section)) invalidProp(this, prop, section, 'not a valid listener name');
    }
    const httpSection = gateway.httpSectionName ?? (gateway.create ? 'http' : undefined);
    const parentRef = (sectionName: string | undefined) => ({
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: gateway.name,
      namespace: gatewayNamespace,
      ...(sectionName ? { sectionName } : {}),
    });
    const meta = (name: string, withAnnotations: Record<string, string>) => ({
      name,
      namespace: props.namespace,
      labels,
      ...(Object.keys(withAnnotations).length > 0 ? { annotations: withAnnotations } : {}),
    });
    const objects: ApiObject[] = [];

    if (gateway.create) {
      if (!isDnsSubdomain(gateway.create.gatewayClassName)) {
        invalidProp(this, 'gateway.create.gatewayClassName', gateway.create.gatewayClassName, 'not a valid GatewayClass name');
      }
      const allowedRoutes =
        gatewayNamespace === props.namespace
          ? { namespaces: { from: 'Same' } }
          : { namespaces: { from: 'Selector', selector: { matchLabels: { [NAMESPACE_NAME_LABEL]: props.namespace } } } };
      const gatewayObject = new Gateway({
        metadata: { name: gateway.name, namespace: gatewayNamespace, labels },
        spec: {
          gatewayClassName: gateway.create.gatewayClassName,
          listeners: [
            // One listener per host: a listener's hostname picks the routes it serves.
            ...this.hosts.map((host) => ({
              name: listenerName(host),
              hostname: host,
              port: 443,
              protocol: 'HTTPS',
              tls: { mode: 'Terminate', certificateRefs: [this.certificateRef(props, gatewayNamespace)] },
              allowedRoutes,
            })),
            { name: httpSection ?? 'http', port: 80, protocol: 'HTTP', allowedRoutes },
          ],
        },
      } as never);
      objects.push(addKubeObject(this, 'Gateway', gatewayObject));
    }

    for (const host of this.hosts) {
      const name = `${props.name}-${hostSlug(host)}`;
      if (name.length > 253) invalidProp(this, 'name', name, 'the route name for this host exceeds 253 characters');
      const sectionName = gateway.sectionName ?? (gateway.create ? listenerName(host) : undefined);
      const hostRoutes = routes.filter((candidate) => candidate.host === host);
      const grpc = hostRoutes.filter((candidate) => candidate.protocol === 'grpc');
      if (grpc.length > 0 && grpc.length < hostRoutes.length) {
        invalidProp(
          this,
          'routes',
          host,
          'mixes HTTP and gRPC routes: Gateway API accepts only one of an HTTPRoute and a GRPCRoute per hostname on a listener; use another host for gRPC',
        );
      }
      const route =
        grpc.length > 0
          ? new GRPCRoute({
              metadata: meta(name, annotations),
              spec: {
                parentRefs: [parentRef(sectionName)],
                hostnames: [host],
                rules: grpc.map((candidate) => ({
                  ...(candidate.grpcService !== undefined
                    ? { matches: [{ method: { type: 'Exact' as const, service: candidate.grpcService } }] }
                    : {}),
                  backendRefs: [{ name: candidate.backend.serviceName, port: candidate.backend.port }],
                })),
              },
            })
          : new HTTPRoute({
              metadata: meta(name, annotations),
              spec: {
                parentRefs: [parentRef(sectionName)],
                hostnames: [host],
                rules: hostRoutes.map((candidate) => ({
                  matches: [{ path: { type: 'PathPrefix', value: candidate.path } }],
                  backendRefs: [{ name: candidate.backend.serviceName, port: candidate.backend.port }],
                  ...(candidate.websocket && (gateway.supportsTimeouts ?? true) ? { timeouts: { request: '0s' } } : {}),
                })),
              },
            });
      objects.push(addKubeObject(this, `Route-${name}`, route));
    }

    if (httpSection) {
      const name = `${props.name}-https-redirect`;
      const redirect = new HTTPRoute({
        metadata: meta(name, annotations),
        spec: {
          parentRefs: [parentRef(httpSection)],
          hostnames: [...this.hosts],
          rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
        },
      });
      objects.push(addKubeObject(this, 'HttpsRedirect', redirect));
    }

    return objects;
  }

  /**
   * The one way the certificate is requested, in both modes: a Certificate writing the TLS Secret,
   * and, for a Gateway in another namespace, a ReferenceGrant that lets it read that Secret.
   * Same sync wave as the routes (Argo CD waits for it Ready; an ACME http01 solver brings its own route).
   */
  private emitCertificate(props: TlsIngressProps, labels: Record<string, string>): ApiObject[] {
    const certificate = new Certificate({
      metadata: { name: this.tlsSecretName, namespace: props.namespace, labels },
      spec: {
        secretName: this.tlsSecretName,
        dnsNames: [...this.hosts],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: props.clusterIssuer },
      },
    });
    const objects = [addKubeObject(this, 'Certificate', certificate)];
    const gatewayNamespace = this.mode === 'gateway-api' ? props.gateway?.namespace : undefined;
    if (gatewayNamespace !== undefined && gatewayNamespace !== props.namespace) {
      checkNamespace(this, 'gateway.namespace', gatewayNamespace);
      if (this.tlsSecretName.length > 245)
        invalidProp(this, 'tlsSecretName', this.tlsSecretName, 'leaves no room for the "-gateway" ReferenceGrant name (253 characters)');
      const grant = new ReferenceGrant({
        metadata: { name: `${this.tlsSecretName}-gateway`, namespace: props.namespace, labels },
        spec: {
          from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: gatewayNamespace }],
          to: [{ group: '', kind: 'Secret', name: this.tlsSecretName }],
        },
      });
      objects.push(addKubeObject(this, 'CertificateReferenceGrant', grant));
    }
    return objects;
  }

  /** A created Gateway's reference to the Secret, across namespaces when it lives elsewhere. */
  private certificateRef(props: TlsIngressProps, gatewayNamespace: string): Record<string, string> {
    return { kind: 'Secret', name: this.tlsSecretName, ...(gatewayNamespace !== props.namespace ? { namespace: props.namespace } : {}) };
  }
}

/** RFC 1123 host name, lowercase, not an IP address; `*` only as the whole leftmost label. */
function checkHost(scope: Construct, prop: string, host: string): void {
  const labels = host.split('.');
  const wildcard = labels[0] === '*';
  const named = wildcard ? labels.slice(1) : labels;
  if (host.length > 253 || named.length === 0 || !named.every((label) => label.length <= 63 && HOST_LABEL.test(label))) {
    invalidProp(scope, prop, host, 'not an RFC 1123 host name (lowercase a-z, 0-9, -, dots; a wildcard only as the leftmost label "*.")');
  }
  if (IPV4.test(host)) invalidProp(scope, prop, host, 'an IP address is not a host name; TLS certificates need a DNS name');
}

function hostSlug(host: string): string {
  return host.replace(/^\*\./, 'wildcard.').replaceAll('.', '-');
}

function listenerName(host: string): string {
  return `https-${hostSlug(host)}`;
}
