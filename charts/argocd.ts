/**
 * The Argo CD objects that sync the committed `dist/<env>/` folders: one AppProject fenced to
 * exactly what the platform deploys, and one Application per environment.
 */
import type { IAppProject } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject';
import type { IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { ApiObject, Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { recommendedLabels } from '@todo-platform/hardened-constructs';
import { PART_OF, type EnvironmentConfig, type GitOpsConfig } from './config.js';
import type { KubeObject } from './output.js';

/** The folder under the output directory that holds the Argo CD objects. */
export const ARGOCD_FOLDER = 'argocd';
const IN_CLUSTER = 'https://kubernetes.default.svc';

export interface GitOpsChartProps {
  readonly gitops: GitOpsConfig;
  readonly environments: readonly EnvironmentConfig[];
  /** Every object synthesized for the environments, to derive the project's allow-lists from. */
  readonly deployed: readonly KubeObject[];
  readonly version: string;
}

/** A group/kind pair as Argo CD's resource allow-lists spell it (core group is ""). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** The distinct group/kind pairs of some objects, split by scope, sorted for stable output. */
export function groupKinds(objects: readonly KubeObject[]): { namespaced: GroupKind[]; cluster: GroupKind[] } {
  const namespaced = new Map<string, GroupKind>();
  const cluster = new Map<string, GroupKind>();
  for (const object of objects) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0]! : '';
    const target = object.metadata.namespace === undefined ? cluster : namespaced;
    target.set(`${group}/${object.kind}`, { group, kind: object.kind });
  }
  const sorted = (m: Map<string, GroupKind>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  return { namespaced: sorted(namespaced), cluster: sorted(cluster) };
}

/** The AppProject and the Applications, in the Argo CD namespace. */
export class GitOpsChart extends Chart {
  constructor(scope: Construct, id: string, props: GitOpsChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { gitops } = props;
    const labels = recommendedLabels({ name: gitops.project, version: props.version, component: 'gitops', partOf: PART_OF });
    const { namespaced, cluster } = groupKinds(props.deployed);

    const project: IAppProject['spec'] = {
      description: 'The todo platform: rendered manifests committed under dist/, one folder per environment.',
      sourceRepos: [gitops.repoURL],
      destinations: props.environments.map((env) => ({ server: IN_CLUSTER, namespace: env.namespace })),
      // Only what the platform itself deploys; anything else in a commit is refused by Argo CD.
      clusterResourceWhitelist: cluster,
      namespaceResourceWhitelist: namespaced,
      // Warn about strays, except Secrets: dist/ never holds one, so every Secret in the namespaces is
      // made elsewhere by design (cert-manager's TLS Secret, the dev Secrets created by hand).
      orphanedResources: { warn: true, ignore: [{ group: '', kind: 'Secret' }] },
    };
    new ApiObject(this, 'project', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: gitops.project, namespace: gitops.argocdNamespace, labels },
      spec: project,
    });

    for (const env of props.environments) {
      const autoscaled = 'minReplicas' in env.scaling;
      const spec: IApplication['spec'] = {
        project: gitops.project,
        source: { repoURL: gitops.repoURL, targetRevision: gitops.targetRevision, path: `dist/${env.name}` },
        destination: { server: IN_CLUSTER, namespace: env.namespace },
        syncPolicy: {
          ...(env.autoSync ? { automated: { prune: true, selfHeal: true } } : {}),
          syncOptions: [
            // Server-side apply: no last-applied annotation size limit, field ownership shared with controllers.
            'ServerSideApply=true',
            // Delete removed objects only after everything else is healthy.
            'PruneLast=true',
            // The namespace is one of the committed objects, with its Pod Security labels.
            'CreateNamespace=false',
            ...(autoscaled ? ['RespectIgnoreDifferences=true'] : []),
          ],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        },
        // The HPA owns replica counts; the manifests never set them, so a live value is not drift.
        ...(autoscaled
          ? {
              ignoreDifferences: [
                { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
                ...(env.canaryReleases ? [{ group: 'argoproj.io', kind: 'Rollout', jsonPointers: ['/spec/replicas'] }] : []),
              ],
            }
          : {}),
      };
      new ApiObject(this, `app-${env.name}`, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name: `${gitops.project}-${env.name}`,
          namespace: gitops.argocdNamespace,
          labels: { ...labels, 'app.kubernetes.io/instance': `${gitops.project}-${env.name}` },
          // Deleting the Application deletes what it deployed, instead of orphaning it — except the
          // namespace and the data, which carry Delete=false,Prune=false (charts/retention.ts).
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec,
      });
    }
  }
}
