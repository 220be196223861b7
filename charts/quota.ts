/**
 * The namespace's ResourceQuota sized from the environment rather than a fixed default, so the
 * quota never refuses a pod the platform itself asks for. (The fixed default did: in prod, nine
 * pods at the HPA minimum with a 1-cpu limit each already exceeded `limits.cpu: "8"`.)
 */
import { DEFAULT_BARMAN_SIDECAR_RESOURCES, type NamespaceQuota, parseQuantity } from '@todo-platform/hardened-constructs';
import type { ContainerResources, EnvironmentConfig } from './config.js';

/** Room for pods the platform does not declare: cert-manager's ACME solvers, a manual backup or restore Job. */
export const QUOTA_HEADROOM = 1.25;

/** `count` containers with these resources, each in a pod of its own or as a sidecar in another's. */
export interface ContainerGroup {
  readonly count: number;
  readonly resources: ContainerResources;
  /** A sidecar: it adds resources but no pod. */
  readonly sidecar?: boolean;
}

/**
 * Every container the environment can run at once: each of its services (`env.services`) at its largest
 * scale plus the one surge pod of a rolling update (`maxSurge: 1`), and the database — CloudNativePG instances with their
 * Barman Cloud sidecar plus one bootstrap/join Job pod, or the PostgreSQL pod plus its backup Job.
 */
export function peakContainers(env: EnvironmentConfig): ContainerGroup[] {
  const replicas = 'replicas' in env.scaling ? env.scaling.replicas : env.scaling.maxReplicas;
  const groups: ContainerGroup[] = env.services.map((service) => ({
    count: replicas + 1,
    resources: service.resources?.(env) ?? env.resources,
  }));
  if (env.database.kind === 'cloudnative-pg') {
    const { requests, limits } = DEFAULT_BARMAN_SIDECAR_RESOURCES;
    const sidecar: ContainerResources = {
      cpu: { request: requests.cpu, limit: limits.cpu },
      memory: { request: requests.memory, limit: limits.memory },
      ephemeralStorage: { request: requests.ephemeralStorage, limit: limits.ephemeralStorage },
    };
    groups.push(
      { count: env.database.instances + 1, resources: env.resources },
      { count: env.database.instances, resources: sidecar, sidecar: true },
    );
  } else if (env.database.kind === 'in-cluster') {
    groups.push({ count: 2, resources: env.resources });
  }
  return groups;
}

/** The quota: the peak pods' requests and limits, plus `QUOTA_HEADROOM`, in millicores and MiB. */
export function quotaFor(env: EnvironmentConfig): NamespaceQuota {
  const groups = peakContainers(env);
  const total = (pick: (r: ContainerResources) => string) =>
    QUOTA_HEADROOM * groups.reduce((sum, group) => sum + group.count * parseQuantity(pick(group.resources))!, 0);
  const cpu = (pick: (r: ContainerResources) => string) => `${Math.ceil(total(pick) * 1000)}m`;
  const mebibytes = (pick: (r: ContainerResources) => string) => `${Math.ceil(total(pick) / 2 ** 20)}Mi`;
  return {
    requestsCpu: cpu((r) => r.cpu.request),
    limitsCpu: cpu((r) => r.cpu.limit),
    requestsMemory: mebibytes((r) => r.memory.request),
    limitsMemory: mebibytes((r) => r.memory.limit),
    requestsEphemeralStorage: mebibytes((r) => r.ephemeralStorage.request),
    limitsEphemeralStorage: mebibytes((r) => r.ephemeralStorage.limit),
    pods: Math.ceil(QUOTA_HEADROOM * groups.filter((group) => !group.sidecar).reduce((sum, group) => sum + group.count, 0)),
  };
}
