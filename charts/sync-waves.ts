/**
 * Argo CD applies a folder in sync waves, not in file order: an object's wave is its
 * `argocd.argoproj.io/sync-wave` annotation, lowest first, each wave healthy before the next.
 * Order: the namespace and its guard rails, then configuration and identities, then the
 * database, then the services, then the routes that expose them.
 */
import type { KubeObject } from './output.js';

export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

export const SyncWave = {
  /** Namespace and cluster-scoped prerequisites (issuers). */
  NAMESPACE: -3,
  /** Quota, limits, network policies: in force before any pod exists. */
  GUARD_RAILS: -2,
  /** ServiceAccounts, ConfigMaps, secrets (ExternalSecrets), alert rules. */
  CONFIG: -1,
  /** The database the services need to become ready. */
  DATABASE: 0,
  /** The application services. */
  SERVICES: 1,
  /** Ingress / HTTPRoute / Gateway: traffic only once backends exist. */
  ROUTES: 2,
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
  Ingress: SyncWave.ROUTES,
  HTTPRoute: SyncWave.ROUTES,
  Gateway: SyncWave.ROUTES,
};

/** The wave of one object: by kind, else database or service by its component label. */
export function syncWaveOf(object: KubeObject): SyncWave {
  const byKind = BY_KIND[object.kind];
  if (byKind !== undefined) return byKind;
  const labels = (object.metadata.labels ?? {}) as Record<string, string>;
  return labels['app.kubernetes.io/component'] === 'database' ? SyncWave.DATABASE : SyncWave.SERVICES;
}

/** Returns the objects with their sync-wave annotation set (the input is not changed). */
export function withSyncWaves(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((object) => {
    const annotations = { ...((object.metadata.annotations ?? {}) as Record<string, string>) };
    annotations[SYNC_WAVE_ANNOTATION] = String(syncWaveOf(object));
    return { ...object, metadata: { ...object.metadata, annotations } };
  });
}
