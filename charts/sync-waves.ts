/**
 * Argo CD applies a folder in sync waves, not in file order: an object's wave is its
 * `argocd.argoproj.io/sync-wave` annotation, lowest first, each wave healthy before the next.
 * Order: the namespace and its guard rails, then configuration and identities, then the
 * database, then the services, then the routes that expose them, then scheduled jobs.
 */
import type { KubeObject } from './output.js';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

export const SyncWave = {
  /** Namespace and cluster-scoped prerequisites (issuers). */
  NAMESPACE: -3,
  /** Quota, limits, network policies: in force before any pod exists. */
  GUARD_RAILS: -2,
  /** ServiceAccounts, ConfigMaps, secrets (ExternalSecrets), alert rules, the backup ObjectStore; the AppProject before its Applications. */
  CONFIG: -1,
  /** The database the services need to become ready. */
  DATABASE: 0,
  /** The application services. */
  SERVICES: 1,
  /** Ingress / HTTPRoute / Gateway (and the route's Certificate): traffic only once backends exist. */
  ROUTES: 2,
  /**
   * CronJobs and the claims only they mount: a claim of a WaitForFirstConsumer StorageClass (kind's
   * local-path, most cloud defaults) stays Pending, which Argo CD reports as Progressing, until the
   * first run; in an earlier wave it would hold back every later one until the schedule fires.
   */
  SCHEDULED: 3,
} as const;
export type SyncWave = (typeof SyncWave)[keyof typeof SyncWave];

const BY_KIND: Readonly<Record<string, SyncWave>> = {
  Namespace: SyncWave.NAMESPACE,
  ClusterIssuer: SyncWave.NAMESPACE,
  ResourceQuota: SyncWave.GUARD_RAILS,
  LimitRange: SyncWave.GUARD_RAILS,
  NetworkPolicy: SyncWave.GUARD_RAILS,
  ServiceAccount: SyncWave.CONFIG,
  ConfigMap: SyncWave.CONFIG,
  ExternalSecret: SyncWave.CONFIG,
  PrometheusRule: SyncWave.CONFIG,
  // A Rollout's first canary step starts its AnalysisRun from the template.
  AnalysisTemplate: SyncWave.CONFIG,
  // The Barman Cloud plugin reads the store when the Cluster's first instance starts.
  ObjectStore: SyncWave.CONFIG,
  // An Application whose project does not exist yet fails its first reconcile.
  AppProject: SyncWave.CONFIG,
  Ingress: SyncWave.ROUTES,
  HTTPRoute: SyncWave.ROUTES,
  Gateway: SyncWave.ROUTES,
  ReferenceGrant: SyncWave.ROUTES,
  // With the routes that serve its Secret: Argo CD holds the wave until it is Ready, and an ACME
  // http01 order needs no route of ours (cert-manager brings its own solver Ingress or HTTPRoute).
  Certificate: SyncWave.ROUTES,
  CronJob: SyncWave.SCHEDULED,
};

/** Kinds whose pods run from the start, so the claims they mount must exist (and bind) before them. */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Rollout']);

/** The PersistentVolumeClaims that long-running workloads mount, as `namespace/name`. */
function claimsOfLongRunningPods(objects: readonly KubeObject[]): Set<string> {
  const claims = new Set<string>();
  for (const object of objects.filter((o) => LONG_RUNNING.has(o.kind))) {
    const volumes =
      (object as { spec?: { template?: { spec?: { volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }> } } } }).spec
        ?.template?.spec?.volumes ?? [];
    for (const volume of volumes) {
      if (volume.persistentVolumeClaim?.claimName) claims.add(`${object.metadata.namespace}/${volume.persistentVolumeClaim.claimName}`);
    }
  }
  return claims;
}

/**
 * The wave of one object: by kind, else database or service by its component label. A standalone
 * PersistentVolumeClaim no long-running pod mounts (`mountedClaims`, as `namespace/name`) is a
 * scheduled job's and goes with it.
 */
export function syncWaveOf(object: KubeObject, mountedClaims: ReadonlySet<string> = new Set()): SyncWave {
  if (object.kind === 'PersistentVolumeClaim' && !mountedClaims.has(`${object.metadata.namespace}/${object.metadata.name}`)) {
    return SyncWave.SCHEDULED;
  }
  const byKind = BY_KIND[object.kind];
  if (byKind !== undefined) return byKind;
  const labels = (object.metadata.labels ?? {}) as Record<string, string>;
  return labels['app.kubernetes.io/component'] === 'database' ? SyncWave.DATABASE : SyncWave.SERVICES;
}

/** Returns the objects with their sync-wave annotation set (the input is not changed). */
export function withSyncWaves(objects: readonly KubeObject[]): KubeObject[] {
  const mountedClaims = claimsOfLongRunningPods(objects);
  return objects.map((object) => {
    const annotations = { ...((object.metadata.annotations ?? {}) as Record<string, string>) };
    annotations[SYNC_WAVE_ANNOTATION] = String(syncWaveOf(object, mountedClaims));
    return { ...object, metadata: { ...object.metadata, annotations } };
  });
}
