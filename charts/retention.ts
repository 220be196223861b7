/**
 * What Argo CD must never delete. Each Application carries the cascading resources finalizer, so
 * deleting an Application (or pruning after a bad commit) deletes what it deployed; for the objects
 * below that would be the data itself — the namespace takes every object and claim in it along, the
 * database Cluster and StatefulSet their volumes, the ObjectStore the backups' configuration. Argo CD's
 * per-object sync options `Delete=false` (kept when the Application is deleted) and `Prune=false`
 * (kept when it disappears from dist/; Argo CD then reports it, and a person deletes it) protect them.
 */
import type { KubeObject } from './output.js';

export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';
export const KEEP_OPTIONS = 'Delete=false,Prune=false';

/** `group/kind` (core group "") of every object that holds data or everything else in its namespace. */
const KEPT = new Set([
  '/Namespace',
  '/PersistentVolumeClaim',
  'apps/StatefulSet',
  'postgresql.cnpg.io/Cluster',
  'barmancloud.cnpg.io/ObjectStore',
]);

function groupKindOf(object: KubeObject): string {
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  return `${group}/${object.kind}`;
}

/** Whether Argo CD must never delete or prune this object. */
export function isKept(object: KubeObject): boolean {
  return KEPT.has(groupKindOf(object));
}

/** Returns the objects with the keep options set on those that hold data (the input is not changed). */
export function withRetention(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((object) => {
    if (!isKept(object)) return object;
    const annotations = { ...((object.metadata.annotations ?? {}) as Record<string, string>), [SYNC_OPTIONS_ANNOTATION]: KEEP_OPTIONS };
    return { ...object, metadata: { ...object.metadata, annotations } };
  });
}
