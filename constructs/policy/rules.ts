/**
 * The built-in rule catalogue: one entry per rule of constructs/docs/rules.md. The ids are the
 * contract: findings, waivers, severities and the docs all use them.
 */

/** What a rule checks, why, and how to fix a finding: the report's recommendation and fix. */
export interface RuleInfo {
  /** One line: what the rule expects. */
  readonly checks: string;
  /** Why the rule exists. */
  readonly why: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** Whether a per-object waiver may silence it (integrity checks cannot be waived). */
  readonly waivable: boolean;
}

const rule = (checks: string, why: string, fix: string, waivable = true): RuleInfo => ({ checks, why, fix, waivable });

export const RULES = {
  S01: rule(
    'hostNetwork, hostPID and hostIPC absent or false',
    'host namespaces let a pod see and reach the node',
    'remove hostNetwork, hostPID and hostIPC from the pod spec',
  ),
  S02: rule(
    'no privileged container',
    'a privileged container is root on the node',
    'remove securityContext.privileged (or set it to false)',
  ),
  S03: rule(
    'allowPrivilegeEscalation: false set explicitly on every container',
    'setuid binaries must not gain privileges',
    'set securityContext.allowPrivilegeEscalation: false on the container',
  ),
  S04: rule(
    'capabilities.drop ["ALL"] and no capabilities.add',
    'the default capability set is wider than any web service needs',
    'set securityContext.capabilities to { drop: ["ALL"] } and remove add',
  ),
  S05: rule(
    'pod runAsNonRoot: true, never overridden to false',
    'root in a container is one kernel bug away from root on the node',
    'set spec.securityContext.runAsNonRoot: true and remove container overrides to false',
  ),
  S06: rule(
    'runAsUser and runAsGroup >= 10001, fsGroup set and non-zero',
    'low ids collide with host users; kube-score fails below 10000',
    'set runAsUser, runAsGroup (>= 10001) and fsGroup in the pod securityContext, and build the image to run as that user',
  ),
  S07: rule(
    'pod seccompProfile.type RuntimeDefault, not overridden',
    'the runtime profile blocks syscalls a service never makes',
    'set spec.securityContext.seccompProfile.type: RuntimeDefault and remove container overrides',
  ),
  S08: rule(
    'readOnlyRootFilesystem: true; every emptyDir has a sizeLimit',
    'an attacker cannot drop tools; a runaway writer cannot fill the node',
    'set securityContext.readOnlyRootFilesystem: true, mount an emptyDir with a sizeLimit where the process writes',
  ),
  S09: rule(
    'pod and container securityContext present',
    'every security setting is explicit, none left to defaults',
    'add a securityContext to the pod and to every container',
  ),
  S10: rule(
    'volumes only of configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim, ephemeral, csi',
    'other volume types (hostPath, ...) reach the node',
    'replace the volume with one of the allowed types (a PersistentVolumeClaim instead of hostPath)',
  ),
  S11: rule(
    'no hostPort key',
    'host ports bypass network policies and pin pods to nodes',
    'remove hostPort; expose the port through a Service',
  ),
  S12: rule(
    'procMount Default only; no sysctls, seLinuxOptions or windowsOptions.hostProcess',
    'these loosen kernel isolation',
    'remove procMount, sysctls, seLinuxOptions and windowsOptions.hostProcess',
  ),
  S18: rule(
    'automountServiceAccountToken false on pod and ServiceAccount; own ServiceAccount per workload that exists in the output',
    'a stolen token must not reach the API; no shared identities',
    'give the workload its own ServiceAccount in the output, and set automountServiceAccountToken: false on it and on the pod',
  ),
  S19: rule(
    'no secretKeyRef/secretRef env and no literal secret-looking env values',
    'env leaks into logs, crash dumps and child processes; secrets are mounted files',
    'mount the Secret as a file (a secret volume) and pass its path (e.g. DATABASE_URL_FILE)',
  ),
  S20: rule('env var names unique per container', 'a duplicate silently overrides the first value', 'remove the duplicate env entry'),
  I01: rule(
    'every image has an explicit tag that is not latest',
    'an untagged or latest image is not reproducible',
    'reference the image by an explicit version tag (and digest)',
  ),
  I02: rule(
    'a digest, if present, is `@sha256:<64 hex>`; required when requireDigests is set',
    'digests pin the exact bytes that were reviewed',
    'append `@sha256:<digest>` of the pushed image',
  ),
  I03: rule(
    'imagePullPolicy: Always',
    'the registry re-checks authorisation and the tag on every start',
    'set imagePullPolicy: Always on the container',
  ),
  R01: rule(
    'cpu and memory requests and limits, as strings, on every container',
    'without them the scheduler overcommits and one pod starves the node',
    'set resources.requests and resources.limits for cpu and memory as quantity strings ("250m", "256Mi")',
  ),
  R02: rule(
    'ephemeral-storage request and limit on every container',
    'logs and emptyDirs must not fill the node disk',
    'set resources.requests and resources.limits for ephemeral-storage',
  ),
  P01: rule(
    'startup, readiness and liveness probes on every long-running container',
    'Kubernetes only routes to, and restarts, what it can probe',
    'add startupProbe, readinessProbe and livenessProbe to the container',
  ),
  P02: rule(
    'readiness and liveness probes differ',
    'a dependency outage must stop traffic, not restart every pod',
    'point livenessProbe at a process-only endpoint (e.g. /livez) and readinessProbe at one that checks dependencies',
  ),
  P03: rule(
    'every probe port is a declared container port',
    'a probe on an undeclared port fails forever',
    "declare the port in the container's ports, or probe a declared one",
  ),
  P04: rule(
    'named ports, valid IANA service names (<= 15 chars), unique per pod; Service targetPort by name',
    'names survive port changes and are required for named targetPorts',
    'name every container and Service port (<= 15 lowercase characters) and use the container port name as targetPort',
  ),
  P05: rule(
    'container ports >= 1024 and never 22',
    'non-root cannot bind low ports; no ssh in containers',
    'listen on a port >= 1024 and map the Service port to it',
  ),
  A01: rule(
    'without an HPA, replicas >= 2 (1 allowed only with singleNode)',
    'one replica is an outage on every node drain',
    'set replicas >= 2 or add a HorizontalPodAutoscaler',
  ),
  A02: rule(
    'HPA autoscaling/v2 with an existing target, minReplicas >= 2, maxReplicas > minReplicas; the target omits spec.replicas',
    'a fixed replicas field fights the autoscaler on every apply',
    'remove spec.replicas from the target and set minReplicas >= 2 < maxReplicas on an HPA whose target is in the output',
  ),
  A03: rule(
    'a policy/v1 PodDisruptionBudget per replicated workload: maxUnavailable 1, unhealthyPodEvictionPolicy set, selector matching the pods',
    'drains keep capacity; a budget of 0 blocks node maintenance',
    "add one PodDisruptionBudget with maxUnavailable: 1, unhealthyPodEvictionPolicy: AlwaysAllow and the pods' selector",
  ),
  A04: rule(
    "preferred pod anti-affinity on kubernetes.io/hostname selecting the workload's own pods",
    'replicas on one node fail together',
    'add a preferredDuringSchedulingIgnoredDuringExecution podAntiAffinity term on kubernetes.io/hostname selecting the pod labels',
  ),
  A05: rule(
    'topology spread over topology.kubernetes.io/zone: maxSkew >= 1, ScheduleAnyway, labelSelector matching the pods',
    'replicas in one zone fail together',
    'add a topologySpreadConstraint on topology.kubernetes.io/zone, maxSkew 1, whenUnsatisfiable ScheduleAnyway, selecting the pod labels',
  ),
  A06: rule(
    'Deployment strategy RollingUpdate with maxUnavailable 0 (an Argo Rollouts canary: maxUnavailable 0)',
    'a rollout must never drop below desired capacity',
    'set strategy { type: RollingUpdate, rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } (a Rollout: strategy.canary.maxUnavailable: 0)',
  ),
  A07: rule(
    'workload selector matches its pod template labels',
    'otherwise the API rejects the object or the controller adopts foreign pods',
    'make spec.selector select the pod template labels',
  ),
  A08: rule(
    'the six app.kubernetes.io recommended labels with valid values on every object and pod template',
    'tools, policies and people find objects by these labels',
    'set app.kubernetes.io/name, instance, version, component, part-of and managed-by (valid label values) on the object and its pod template',
  ),
  N01: rule(
    'every Service selects the pods of a workload in its namespace',
    'a Service selecting nothing is a silent outage',
    "make spec.selector match the pod labels of a workload in the Service's namespace",
  ),
  N02: rule(
    'Services are ClusterIP',
    'NodePort and LoadBalancer expose pods outside the ingress path (waive at the edge, by choice)',
    'use type ClusterIP behind an Ingress or Gateway (or waive N02 with the reason)',
  ),
  N03: rule(
    'every Ingress / HTTPRoute backend names an existing Service and port',
    'a dangling backend is a 503',
    'point the backend at a Service and port in the output (or list its namespace in externalNamespaces)',
  ),
  N04: rule(
    'TLS on every Ingress host: tls[].hosts, secretName, and each secret written by a Certificate in the output or asked for by one issuer annotation',
    'no plain-HTTP hosts; ingress-shim makes one Certificate per secret, owned by one Ingress, so Ingresses sharing an annotated secret fight over it',
    'emit a cert-manager Certificate (same namespace, that secretName, dnsNames covering the hosts) and list every host in a tls entry with that secretName; or, for a secret used by one Ingress only, the cert-manager.io/cluster-issuer annotation',
  ),
  N05: rule(
    'no annotation key containing "snippet"',
    'ingress-nginx snippets allow configuration injection (CVE-2021-25742)',
    'remove the snippet annotation; express the setting with a supported annotation or in the controller config',
  ),
  N06: rule(
    'default-deny NetworkPolicy per namespace; one policy per workload selecting exactly app.kubernetes.io/name with both policyTypes, non-empty egress and non-empty ingress unless nothing can call it (a Job, a CronJob, a pod without container ports); DNS egress allowed',
    'lateral movement needs an explicit allow',
    'add a default-deny policy to the namespace and a WorkloadNetworkPolicy per workload allowing DNS and its peers',
  ),
  N07: rule(
    'every namespaced object has metadata.namespace, never default; cluster-scoped objects have none',
    'objects must not land in whatever namespace kubectl or Argo CD happens to use',
    'set metadata.namespace (not default) on namespaced objects and remove it from cluster-scoped ones',
  ),
  N08: rule(
    'stable API versions of built-in groups (apps/v1, networking.k8s.io/v1, policy/v1, autoscaling/v2, ...)',
    'beta APIs are removed in later Kubernetes releases',
    'use the stable apiVersion',
  ),
  N09: rule(
    'every namespace is in the output with Pod Security Admission enforce/audit/warn = restricted, a ResourceQuota and a LimitRange',
    'the cluster enforces the profile even for objects that skip this check',
    'add a PlatformNamespace (Namespace with PSA restricted labels, ResourceQuota, LimitRange), or list the namespace in externalNamespaces',
  ),
  X01: rule(
    'no two objects share API group, kind, namespace and name',
    'the later one silently replaces the earlier (and cdk8s#2821 overwrites files)',
    'rename one of the objects',
    false,
  ),
  K01: rule(
    'every object validates against its Kubernetes / CRD OpenAPI schema',
    'the API server or Argo CD would reject it at sync time, long after review',
    'correct the field named in the finding',
  ),
  K02: rule(
    'every apiVersion/kind has a schema (built-in, kubernetes-models, a registered CRD schema, or a CRD in the output)',
    'a typo in apiVersion or kind must not pass unvalidated',
    "correct apiVersion/kind, or register the CRD's schema (crdSchemas / crdFiles) or allow-list it (allowUnknownKinds)",
  ),
  W01: rule(
    'every waiver annotation names a known, waivable rule, gives a reason, and a valid expiry date if any',
    'a waiver is a reviewed decision, not an escape hatch',
    'fix the annotation: `<prefix>waive-<RULE>[.<container>]: "[expires=YYYY-MM-DD; ]<reason>"`',
    false,
  ),
  W02: rule(
    'no waiver past its expiry date',
    'a temporary exception must be revisited when it said it would be',
    'fix the finding the waiver covered, or renew the waiver with a new date and reason',
    false,
  ),
  W03: rule(
    'every waiver waives a finding',
    'a waiver that waives nothing hides the next real finding of its rule',
    'remove the waiver annotation',
    false,
  ),
} as const satisfies Record<string, RuleInfo>;

/** The id of a built-in rule, e.g. `S08`. */
export type RuleId = keyof typeof RULES;

/** Whether a string is a built-in rule id. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}
