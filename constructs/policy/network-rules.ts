/** Services, routes, network policies, namespaces and API versions (N01–N09, P04 on Services). */
import type { CheckContext, Workload } from './context.js';
import type { KubeObject } from './types.js';
import {
  RUN_TO_COMPLETION_KINDS,
  apiGroup,
  containersOf,
  declaredNamespace,
  isEmptySelector,
  isRecord,
  list,
  matchLabels,
  nameOf,
  rec,
  selectorMatches,
  stringMap,
} from './kube.js';
import { isIanaServiceName, show } from './pod-rules.js';

const NAME_LABEL = 'app.kubernetes.io/name';
const PSA_MODES = ['enforce', 'audit', 'warn'];
const ISSUER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];
/** The only stable version of kinds whose older versions are still served by some clusters. */
const REQUIRED_VERSIONS: Record<string, string> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  IngressClass: 'networking.k8s.io/v1',
  PodDisruptionBudget: 'policy/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  HTTPRoute: 'gateway.networking.k8s.io/v1',
  Gateway: 'gateway.networking.k8s.io/v1',
  GatewayClass: 'gateway.networking.k8s.io/v1',
};
/** Gateway API is a CRD project whose ReferenceGrant is only served as v1beta1: not a built-in group. */
const CRD_GROUPS_NAMED_LIKE_BUILTINS = new Set(['gateway.networking.k8s.io']);

export function checkServices(ctx: CheckContext): void {
  for (const svc of ctx.objects.filter((o) => o.kind === 'Service')) {
    const spec = rec(svc.spec);
    const type = spec.type ?? 'ClusterIP';
    if (type !== 'ClusterIP') ctx.report(svc, 'N02', `type is ${show(type)}, expected ClusterIP`, { path: 'spec.type' });
    if (type === 'ExternalName') continue;
    const selector = stringMap(spec.selector);
    const selected =
      Object.keys(selector).length === 0
        ? []
        : ctx.workloads.filter((w) => w.namespace === declaredNamespace(svc) && matchLabels(selector, w.template.labels));
    if (selected.length === 0) {
      ctx.report(
        svc,
        'N01',
        Object.keys(selector).length === 0
          ? 'has no selector'
          : `selector ${JSON.stringify(selector)} matches the pods of no workload in its namespace`,
        { path: 'spec.selector' },
      );
    }
    const podPortNames = new Set(
      selected.flatMap((w) => containersOf(w.template).flatMap((c) => list(c.container.ports).map((p) => p.name))),
    );
    list(spec.ports).forEach((p, i) => {
      const where = `port ${show(p.port)}`;
      const at = (f: string) => ({ path: `spec.ports[${i}].${f}` });
      if (typeof p.name !== 'string') ctx.report(svc, 'P04', `${where} has no name`, at('name'));
      else if (!isIanaServiceName(p.name)) ctx.report(svc, 'P04', `${where} name "${p.name}" is not a valid IANA service name`, at('name'));
      if (typeof p.targetPort !== 'string')
        ctx.report(svc, 'P04', `${where} targetPort is ${show(p.targetPort)}, expected a container port name`, at('targetPort'));
      else if (selected.length > 0 && !podPortNames.has(p.targetPort))
        ctx.report(svc, 'P04', `${where} targetPort "${p.targetPort}" is not a port name of the selected pods`, at('targetPort'));
      if (p.nodePort !== undefined) ctx.report(svc, 'N02', `${where} sets nodePort ${show(p.nodePort)}`, at('nodePort'));
    });
  }
}

function servicePort(
  ctx: CheckContext,
  namespace: string | undefined,
  name: unknown,
  port: { name?: unknown; number?: unknown },
): string | undefined {
  if (namespace !== undefined && ctx.externalNamespaces.has(namespace)) return undefined;
  const svc = ctx.inNamespace('Service', namespace).find((s) => nameOf(s) === name);
  if (!svc) return `Service ${show(name)} is not in namespace ${show(namespace)}`;
  const ports = list(rec(svc.spec).ports);
  const found = ports.some(
    (p) => (port.name !== undefined && p.name === port.name) || (port.number !== undefined && p.port === port.number),
  );
  return found ? undefined : `Service ${show(name)} has no port ${show(port.name ?? port.number)}`;
}

export function checkRoutes(ctx: CheckContext): void {
  for (const ing of ctx.objects.filter((o) => o.kind === 'Ingress')) {
    const spec = rec(ing.spec);
    const backends = [rec(spec.defaultBackend), ...list(spec.rules).flatMap((r) => list(rec(r.http).paths).map((p) => rec(p.backend)))];
    for (const b of backends.filter((x) => Object.keys(x).length > 0)) {
      if (!isRecord(b.service)) {
        ctx.report(ing, 'N03', 'a backend is not a Service');
        continue;
      }
      const port = rec(b.service.port);
      const problem = servicePort(ctx, declaredNamespace(ing), b.service.name, port);
      if (problem) ctx.report(ing, 'N03', `backend ${problem}`);
    }
    checkIngressTls(ctx, ing);
  }
  for (const route of ctx.objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')) {
    for (const ref of list(rec(route.spec).rules).flatMap((r) => list(r.backendRefs))) {
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') {
        ctx.report(route, 'N03', `backendRef ${show(ref.name)} is a ${show(ref.kind)}, not a Service`);
        continue;
      }
      if (typeof ref.port !== 'number') {
        ctx.report(route, 'N03', `backendRef ${show(ref.name)} has no port`);
        continue;
      }
      const namespace = typeof ref.namespace === 'string' ? ref.namespace : declaredNamespace(route);
      const problem = servicePort(ctx, namespace, ref.name, { number: ref.port });
      if (problem) ctx.report(route, 'N03', `backendRef ${problem}`);
    }
  }
}

/**
 * N04: every host of an Ingress is in tls[].hosts, and every tls Secret has a source: a cert-manager
 * Certificate in the output (same namespace, that secretName, dnsNames covering the entry's hosts) or
 * ingress-shim, asked by an issuer annotation. Ingress-shim makes one Certificate per Secret, owned by
 * one Ingress: Ingresses sharing an annotated Secret, or an annotation next to a Certificate for the
 * same Secret, fight over it.
 */
function checkIngressTls(ctx: CheckContext, ing: KubeObject): void {
  const spec = rec(ing.spec);
  const annotations = stringMap(ing.metadata?.annotations);
  const annotated = ISSUER_ANNOTATIONS.some((a) => annotations[a]);
  const namespace = declaredNamespace(ing);
  const tls = list(spec.tls);
  for (const t of tls) {
    if (typeof t.secretName !== 'string' || t.secretName === '') {
      ctx.report(ing, 'N04', `tls entry for ${show(t.hosts)} has no secretName`);
      continue;
    }
    const hosts = strings(t.hosts);
    const certificates = certificatesFor(ctx, namespace, t.secretName);
    if (certificates.length === 0) {
      if (!annotated) {
        ctx.report(
          ing,
          'N04',
          `tls secret "${t.secretName}" comes from no Certificate in namespace ${show(namespace)} and the Ingress has no ${ISSUER_ANNOTATIONS.join(' or ')} annotation`,
        );
      } else {
        const sharing = annotatedIngressesSharing(ctx, namespace, t.secretName).filter((other) => other !== ing);
        if (sharing.length > 0) {
          ctx.report(
            ing,
            'N04',
            `shares tls secret "${t.secretName}" with Ingress ${sharing.map(nameOf).join(', ')}, each with an issuer annotation: cert-manager makes one Certificate owned by one of them; emit a Certificate for the Secret and drop the annotations`,
          );
        }
      }
      continue;
    }
    if (annotated)
      ctx.report(
        ing,
        'N04',
        `tls secret "${t.secretName}" comes from Certificate ${certificates.map(nameOf).join(', ')}, and the issuer annotation asks cert-manager for another one: drop the annotation`,
      );
    const dnsNames = certificates.flatMap((c) => strings(rec(c.spec).dnsNames));
    for (const host of hosts.filter((h) => !dnsNames.some((name) => dnsNameCovers(name, h)))) {
      ctx.report(
        ing,
        'N04',
        `host "${host}" is not in the dnsNames of Certificate ${certificates.map(nameOf).join(', ')} (secret "${t.secretName}")`,
      );
    }
  }
  const tlsHosts = new Set(tls.flatMap((t) => (Array.isArray(t.hosts) ? t.hosts : [])));
  for (const r of list(spec.rules)) {
    if (typeof r.host !== 'string') ctx.report(ing, 'N04', 'a rule has no host, so it cannot be served over TLS');
    else if (!tlsHosts.has(r.host)) ctx.report(ing, 'N04', `host "${r.host}" is not in tls[].hosts`);
  }
}

/** The cert-manager Certificates in a namespace that write a Secret. */
function certificatesFor(ctx: CheckContext, namespace: string | undefined, secretName: string): KubeObject[] {
  return ctx
    .inNamespace('Certificate', namespace)
    .filter((c) => apiGroup(c.apiVersion) === 'cert-manager.io' && rec(c.spec).secretName === secretName);
}

function annotatedIngressesSharing(ctx: CheckContext, namespace: string | undefined, secretName: string): KubeObject[] {
  return ctx
    .inNamespace('Ingress', namespace)
    .filter(
      (other) =>
        ISSUER_ANNOTATIONS.some((a) => stringMap(other.metadata?.annotations)[a]) &&
        list(rec(other.spec).tls).some((t) => t.secretName === secretName),
    );
}

/** A field as an array of strings (others dropped), or an empty array. */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether a certificate name covers a host: equal, or a wildcard `*.b.c` for exactly one more label (`a.b.c`). */
function dnsNameCovers(dnsName: string, host: string): boolean {
  if (dnsName === host) return true;
  if (!dnsName.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(0, dot) !== '*' && host.slice(dot) === dnsName.slice(1);
}

export function checkSnippets(ctx: CheckContext): void {
  for (const o of ctx.objects) {
    for (const key of Object.keys(stringMap(o.metadata?.annotations))) {
      if (key.toLowerCase().includes('snippet'))
        ctx.report(o, 'N05', `annotation "${key}" is a snippet`, { path: `metadata.annotations.${key}` });
    }
  }
  for (const w of ctx.workloads) {
    if (w.template.path === 'spec') continue;
    const annotations = `${w.template.path.replace(/\.spec$/, '')}.metadata.annotations`;
    for (const key of Object.keys(w.template.annotations)) {
      if (key.toLowerCase().includes('snippet'))
        ctx.report(w.object, 'N05', `pod template annotation "${key}" is a snippet`, { path: `${annotations}.${key}` });
    }
  }
}

/** Namespaces the output must set up itself: every one it uses, except those declared external. */
function ownNamespaces(ctx: CheckContext): string[] {
  const names = new Set<string>();
  for (const o of ctx.objects) {
    if (o.kind === 'Namespace') names.add(nameOf(o));
    else if (!ctx.scopes.isClusterScoped(o)) {
      const ns = declaredNamespace(o);
      if (ns !== undefined && ns !== 'default') names.add(ns);
    }
  }
  return [...names].filter((n) => !ctx.externalNamespaces.has(n)).sort();
}

const policyTypes = (np: KubeObject): unknown[] => {
  const types = rec(np.spec).policyTypes;
  return Array.isArray(types) ? types : [];
};
const hasBothTypes = (np: KubeObject): boolean => policyTypes(np).includes('Ingress') && policyTypes(np).includes('Egress');
const isDnsPort = (p: Record<string, unknown>): boolean => p.port === 53 || p.port === 'dns' || p.port === 'dns-tcp';
/** UDP port 53 (or CoreDNS's `dns` port name) is allowed by one of a policy's egress rules. */
const allowsDns = (np: KubeObject): boolean =>
  policyTypes(np).includes('Egress') &&
  list(rec(np.spec).egress).some((e) => list(e.ports).some((p) => isDnsPort(p) && p.protocol === 'UDP'));

/** Selects every pod, denies all ingress and allows no egress but DNS. */
function isDefaultDeny(np: KubeObject): boolean {
  const spec = rec(np.spec);
  const egress = list(spec.egress);
  return (
    isEmptySelector(spec.podSelector) &&
    hasBothTypes(np) &&
    list(spec.ingress).length === 0 &&
    egress.every((e) => list(e.ports).length > 0 && list(e.ports).every(isDnsPort))
  );
}

export function checkNetworkPolicies(ctx: CheckContext): void {
  for (const ns of ownNamespaces(ctx)) {
    if (!ctx.inNamespace('NetworkPolicy', ns).some(isDefaultDeny)) {
      const subject = ctx.objects.find((o) => o.kind === 'Namespace' && nameOf(o) === ns) ?? {
        kind: 'Namespace',
        namespace: '-',
        name: ns,
      };
      ctx.report(subject, 'N06', 'has no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules but DNS)');
    }
  }
  for (const w of ctx.workloads) {
    if (w.namespace === undefined || ctx.externalNamespaces.has(w.namespace)) continue;
    checkWorkloadPolicy(ctx, w);
  }
}

function checkWorkloadPolicy(ctx: CheckContext, w: Workload): void {
  const policies = ctx.inNamespace('NetworkPolicy', w.namespace);
  const applying = policies.filter((np) => selectorMatches(rec(np.spec).podSelector, w.template.labels));
  if (!applying.some(allowsDns)) ctx.report(w.object, 'N06', 'no NetworkPolicy allows its DNS egress (UDP 53)');
  const name = w.template.labels[NAME_LABEL];
  if (name === undefined) {
    ctx.report(w.object, 'N06', `pods have no ${NAME_LABEL} label for a NetworkPolicy to select on`);
    return;
  }
  const own = policies.filter((np) => {
    const selector = rec(rec(np.spec).podSelector);
    const labels = stringMap(selector.matchLabels);
    return list(selector.matchExpressions).length === 0 && Object.keys(labels).length === 1 && labels[NAME_LABEL] === name;
  });
  if (own.length === 0) {
    ctx.report(w.object, 'N06', `no NetworkPolicy selects its pods on exactly ${NAME_LABEL}=${name}`);
    return;
  }
  // Nobody calls a Job, a CronJob or a pod without a container port (a queue worker): deny-all ingress is correct.
  const servesPorts = containersOf(w.template).some((c) => list(c.container.ports).length > 0);
  const needsIngress = !RUN_TO_COMPLETION_KINDS.has(w.object.kind) && servesPorts;
  const problems = (np: KubeObject): string[] => [
    ...(hasBothTypes(np) ? [] : ['policyTypes lack Ingress or Egress']),
    ...(needsIngress && list(rec(np.spec).ingress).length === 0 ? ['no ingress rules'] : []),
    ...(list(rec(np.spec).egress).length === 0 ? ['no egress rules'] : []),
  ];
  if (!own.some((np) => problems(np).length === 0)) {
    ctx.report(w.object, 'N06', `NetworkPolicy "${nameOf(own[0]!)}" has ${problems(own[0]!).join(', ')}`);
  }
}

export function checkNamespaces(ctx: CheckContext): void {
  for (const o of ctx.objects) {
    const ns = declaredNamespace(o);
    if (ctx.scopes.isClusterScoped(o)) {
      if (ns !== undefined) ctx.report(o, 'N07', `is cluster-scoped but sets metadata.namespace "${ns}"`, { path: 'metadata.namespace' });
    } else if (ns === undefined) ctx.report(o, 'N07', 'has no metadata.namespace', { path: 'metadata.namespace' });
    else if (ns === 'default') ctx.report(o, 'N07', 'is in the default namespace', { path: 'metadata.namespace' });
  }
  for (const ns of ownNamespaces(ctx)) {
    const object = ctx.objects.find((o) => o.kind === 'Namespace' && nameOf(o) === ns);
    const subject = object ?? { kind: 'Namespace', namespace: '-', name: ns };
    if (!object) {
      ctx.report(subject, 'N09', 'is used but not in the output (add it, or list it in externalNamespaces)');
    } else {
      const labels = stringMap(object.metadata?.labels);
      for (const mode of PSA_MODES) {
        const value = labels[`pod-security.kubernetes.io/${mode}`];
        if (value !== 'restricted')
          ctx.report(object, 'N09', `label pod-security.kubernetes.io/${mode} is ${show(value)}, expected "restricted"`, {
            path: `metadata.labels.pod-security.kubernetes.io/${mode}`,
          });
      }
    }
    if (ctx.inNamespace('ResourceQuota', ns).length === 0) ctx.report(subject, 'N09', 'has no ResourceQuota');
    if (ctx.inNamespace('LimitRange', ns).length === 0) ctx.report(subject, 'N09', 'has no LimitRange');
  }
}

export function checkApiVersions(ctx: CheckContext): void {
  for (const o of ctx.objects) {
    const required = REQUIRED_VERSIONS[o.kind];
    const group = apiGroup(o.apiVersion);
    const builtIn = (group === '' || !group.includes('.') || group.endsWith('.k8s.io')) && !CRD_GROUPS_NAMED_LIKE_BUILTINS.has(group);
    if (required !== undefined && apiGroup(required) === group && o.apiVersion !== required) {
      ctx.report(o, 'N08', `apiVersion ${o.apiVersion} is not the stable ${required}`, { path: 'apiVersion' });
    } else if (builtIn && /\/v\d+(alpha|beta)\d*$/.test(o.apiVersion)) {
      ctx.report(o, 'N08', `apiVersion ${o.apiVersion} is not a stable version`, { path: 'apiVersion' });
    }
  }
}
