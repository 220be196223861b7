/**
 * The rule catalogue: one entry per row of shared/hardening.md, plus the checks the policy adds
 * around it (collisions, schemas, waivers). The ids are the contract: violations, waivers and
 * docs all use them.
 */

/** What a rule checks and why, for messages, waiver validation and the docs table. */
export interface RuleInfo {
  /** One line: what the rule expects. */
  readonly checks: string;
  /** Why the rule exists. */
  readonly why: string;
  /** Whether a per-object waiver may silence it (integrity checks cannot be waived). */
  readonly waivable: boolean;
}

const rule = (checks: string, why: string, waivable = true): RuleInfo => ({ checks, why, waivable });

export const RULES = {
  S01: rule('hostNetwork, hostPID and hostIPC absent or false', 'host namespaces let a pod see and reach the node'),
  S02: rule('no privileged container', 'a privileged container is root on the node'),
  S03: rule('allowPrivilegeEscalation: false set explicitly on every container', 'setuid binaries must not gain privileges'),
  S04: rule('capabilities.drop ["ALL"] and no capabilities.add', 'the default capability set is wider than any web service needs'),
  S05: rule('pod runAsNonRoot: true, never overridden to false', 'root in a container is one kernel bug away from root on the node'),
  S06: rule('runAsUser and runAsGroup >= 10001, fsGroup set and non-zero', 'low ids collide with host users; kube-score fails below 10000'),
  S07: rule('pod seccompProfile.type RuntimeDefault, not overridden', 'the runtime profile blocks syscalls a service never makes'),
  S08: rule('readOnlyRootFilesystem: true; every emptyDir has a sizeLimit', 'an attacker cannot drop tools; a runaway writer cannot fill the node'),
  S09: rule('pod and container securityContext present', 'every security setting is explicit, none left to defaults'),
  S10: rule('volumes only of configMap, secret, emptyDir, projected, downwardAPI, persistentVolumeClaim, ephemeral, csi', 'other volume types (hostPath, ...) reach the node'),
  S11: rule('no hostPort key', 'host ports bypass network policies and pin pods to nodes'),
  S12: rule('procMount Default only; no sysctls, seLinuxOptions or windowsOptions.hostProcess', 'these loosen kernel isolation'),
  S18: rule('automountServiceAccountToken false on pod and ServiceAccount; own ServiceAccount per workload that exists in the output', 'a stolen token must not reach the API; no shared identities'),
  S19: rule('no secretKeyRef/secretRef env and no literal secret-looking env values', 'env leaks into logs, crash dumps and child processes; secrets are mounted files'),
  S20: rule('env var names unique per container', 'a duplicate silently overrides the first value'),
  I01: rule('every image has an explicit tag that is not latest', 'an untagged or latest image is not reproducible'),
  I02: rule('a digest, if present, is @sha256:<64 hex>; required when requireDigests is set', 'digests pin the exact bytes that were reviewed'),
  I03: rule('imagePullPolicy: Always', 'the registry re-checks authorisation and the tag on every start'),
  R01: rule('cpu and memory requests and limits, as strings, on every container', 'without them the scheduler overcommits and one pod starves the node'),
  R02: rule('ephemeral-storage request and limit on every container', 'logs and emptyDirs must not fill the node disk'),
  P01: rule('startup, readiness and liveness probes on every long-running container', 'Kubernetes only routes to, and restarts, what it can probe'),
  P02: rule('readiness and liveness probes differ', 'a dependency outage must stop traffic, not restart every pod'),
  P03: rule('every probe port is a declared container port', 'a probe on an undeclared port fails forever'),
  P04: rule('named ports, valid IANA service names (<= 15 chars), unique per pod; Service targetPort by name', 'names survive port changes and are required for named targetPorts'),
  P05: rule('container ports >= 1024 and never 22', 'non-root cannot bind low ports; no ssh in containers'),
  A01: rule('without an HPA, replicas >= 2 (1 allowed only with singleNode)', 'one replica is an outage on every node drain'),
  A02: rule('HPA autoscaling/v2 with an existing target, minReplicas >= 2, maxReplicas > minReplicas; the target omits spec.replicas', 'a fixed replicas field fights the autoscaler on every apply'),
  A03: rule('a policy/v1 PodDisruptionBudget per replicated workload: maxUnavailable 1, unhealthyPodEvictionPolicy set, selector matching the pods', 'drains keep capacity; a budget of 0 blocks node maintenance'),
  A04: rule('preferred pod anti-affinity on kubernetes.io/hostname selecting the workload\'s own pods', 'replicas on one node fail together'),
  A05: rule('topology spread over topology.kubernetes.io/zone: maxSkew >= 1, ScheduleAnyway, labelSelector matching the pods', 'replicas in one zone fail together'),
  A06: rule('Deployment strategy RollingUpdate with maxUnavailable 0', 'a rollout must never drop below desired capacity'),
  A07: rule('workload selector matches its pod template labels', 'otherwise the API rejects the object or the controller adopts foreign pods'),
  A08: rule('the six app.kubernetes.io recommended labels with valid values on every object and pod template', 'tools, policies and people find objects by these labels'),
  N01: rule('every Service selects the pods of a workload in its namespace', 'a Service selecting nothing is a silent outage'),
  N02: rule('Services are ClusterIP', 'NodePort and LoadBalancer expose pods outside the ingress path (waive at the edge, by choice)'),
  N03: rule('every Ingress / HTTPRoute backend names an existing Service and port', 'a dangling backend is a 503'),
  N04: rule('TLS on every Ingress host: cert-manager issuer annotation, tls[].hosts, secretName', 'no plain-HTTP hosts'),
  N05: rule('no annotation key containing "snippet"', 'ingress-nginx snippets allow configuration injection (CVE-2021-25742)'),
  N06: rule('default-deny NetworkPolicy per namespace; one policy per workload selecting exactly app.kubernetes.io/name with both policyTypes, non-empty egress and non-empty ingress unless nothing can call it (a Job, a CronJob, a pod without container ports); DNS egress allowed', 'lateral movement needs an explicit allow'),
  N07: rule('every namespaced object has metadata.namespace, never default; cluster-scoped objects have none', 'objects must not land in whatever namespace kubectl or Argo CD happens to use'),
  N08: rule('stable API versions of built-in groups (apps/v1, networking.k8s.io/v1, policy/v1, autoscaling/v2, ...)', 'beta APIs are removed in later Kubernetes releases'),
  N09: rule('every namespace is in the output with Pod Security Admission enforce/audit/warn = restricted, a ResourceQuota and a LimitRange', 'the cluster enforces the profile even for objects that skip this check'),
  X01: rule('no two objects share API group, kind, namespace and name', 'the later one silently replaces the earlier (and cdk8s#2821 overwrites files)', false),
  K01: rule('every object validates against its Kubernetes / CRD OpenAPI schema', 'the API server or Argo CD would reject it at sync time, long after review'),
  W01: rule('every waiver annotation names a known, waivable rule and gives a reason', 'a waiver is a reviewed decision, not an escape hatch', false),
} as const satisfies Record<string, RuleInfo>;

/** The id of a policy rule, e.g. `S08`. */
export type RuleId = keyof typeof RULES;

/** Whether a string is a known rule id. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}
