/**
 * One deliberately bad object per rule (often several): each case breaks one field of the
 * compliant set, synthesizes it through cdk8s (raw ApiObjects, or Included YAML), and expects
 * exactly the named rule on exactly the named object(s): proof that every check can fail.
 */
import { expect } from 'chai';
import type { HardeningValidationProps, RuleId } from '../../policy/index.js';
import { RULES } from '../../policy/index.js';
import type { Json } from './support.js';
import { OPTIONS, apiPod, compliant, find, findings, includeViolations, synthViolations, where } from './support.js';

interface Case {
  readonly rule: RuleId;
  readonly title: string;
  readonly breakIt: (objects: Json[]) => void;
  /** `rule kind/namespace/name` of every violation expected, nothing else. */
  readonly expected: readonly string[];
  /** A fragment the message must contain. */
  readonly message: string;
  readonly options?: HardeningValidationProps;
  /** Synthesize as Included YAML instead of raw ApiObjects. */
  readonly include?: boolean;
  /** Check the plain objects, without cdk8s (which cannot hold an object without apiVersion or kind). */
  readonly plain?: boolean;
}

const API = 'Deployment/todo/api';

/** A cert-manager Certificate writing the compliant Ingress's TLS secret. */
const certificate = (dnsNames: string[], namespace = 'todo'): Json => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: {
    name: 'todo-example-com-tls',
    namespace,
    labels: {
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'api',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/component': 'api',
      'app.kubernetes.io/part-of': 'todo-platform',
      'app.kubernetes.io/managed-by': 'cdk8s',
    },
  },
  spec: {
    secretName: 'todo-example-com-tls',
    dnsNames,
    issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-production' },
  },
});
const CRON = 'CronJob/todo/cleanup';

const CASES: Case[] = [
  {
    rule: 'S01',
    title: 'hostNetwork',
    include: true,
    breakIt: (o) => {
      apiPod(o).spec.hostNetwork = true;
    },
    expected: [`S01 ${API}`],
    message: 'pod hostNetwork is true',
  },
  {
    rule: 'S01',
    title: 'hostPID on a CronJob',
    breakIt: (o) => {
      find(o, 'CronJob', 'cleanup').spec.jobTemplate.spec.template.spec.hostPID = true;
    },
    expected: [`S01 ${CRON}`],
    message: 'pod hostPID is true',
  },
  {
    rule: 'S02',
    title: 'privileged',
    breakIt: (o) => {
      apiPod(o).container.securityContext.privileged = true;
    },
    expected: [`S02 ${API}`],
    message: 'container "api" is privileged',
  },
  {
    rule: 'S03',
    title: 'allowPrivilegeEscalation not set on an init container',
    breakIt: (o) => {
      delete apiPod(o).init.securityContext.allowPrivilegeEscalation;
    },
    expected: [`S03 ${API}`],
    message: 'init container "migrate" allowPrivilegeEscalation is absent',
  },
  {
    rule: 'S04',
    title: 'a capability added',
    breakIt: (o) => {
      apiPod(o).container.securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    },
    expected: [`S04 ${API}`],
    message: 'capabilities.add is ["NET_BIND_SERVICE"]',
  },
  {
    rule: 'S04',
    title: 'ALL not dropped in an init container',
    breakIt: (o) => {
      apiPod(o).init.securityContext.capabilities.drop = ['NET_RAW'];
    },
    expected: [`S04 ${API}`],
    message: 'init container "migrate" capabilities.drop is ["NET_RAW"]',
  },
  {
    rule: 'S05',
    title: 'runAsNonRoot false on the pod',
    breakIt: (o) => {
      apiPod(o).spec.securityContext.runAsNonRoot = false;
    },
    expected: [`S05 ${API}`],
    message: 'pod runAsNonRoot is false',
  },
  {
    rule: 'S05',
    title: 'runAsNonRoot overridden by a container',
    breakIt: (o) => {
      apiPod(o).container.securityContext.runAsNonRoot = false;
    },
    expected: [`S05 ${API}`],
    message: 'container "api" overrides runAsNonRoot to false',
  },
  {
    rule: 'S06',
    title: 'runAsUser below 10001',
    breakIt: (o) => {
      apiPod(o).container.securityContext.runAsUser = 1000;
    },
    expected: [`S06 ${API}`],
    message: 'container "api" runAsUser is 1000, expected >= 10001',
  },
  {
    rule: 'S06',
    title: 'fsGroup 0',
    breakIt: (o) => {
      apiPod(o).spec.securityContext.fsGroup = 0;
    },
    expected: [`S06 ${API}`],
    message: 'pod fsGroup is 0',
  },
  {
    rule: 'S07',
    title: 'seccomp Unconfined',
    include: true,
    breakIt: (o) => {
      apiPod(o).spec.securityContext.seccompProfile.type = 'Unconfined';
    },
    expected: [`S07 ${API}`],
    message: 'pod seccompProfile.type is "Unconfined"',
  },
  {
    rule: 'S08',
    title: 'writable root filesystem',
    breakIt: (o) => {
      apiPod(o).container.securityContext.readOnlyRootFilesystem = false;
    },
    expected: [`S08 ${API}`],
    message: 'readOnlyRootFilesystem is false',
  },
  {
    rule: 'S08',
    title: 'emptyDir without sizeLimit',
    breakIt: (o) => {
      apiPod(o).spec.volumes[0].emptyDir = {};
    },
    expected: [`S08 ${API}`],
    message: 'emptyDir volume "tmp" has no sizeLimit',
  },
  {
    rule: 'S09',
    title: 'container securityContext missing (its fields fail with it)',
    breakIt: (o) => {
      delete apiPod(o).container.securityContext;
    },
    expected: [`S03 ${API}`, `S04 ${API}`, `S08 ${API}`, `S09 ${API}`],
    message: 'container "api" securityContext is missing',
  },
  {
    rule: 'S10',
    title: 'hostPath volume',
    breakIt: (o) => {
      apiPod(o).spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } });
    },
    expected: [`S10 ${API}`],
    message: 'volume "host" is of type hostPath',
  },
  {
    rule: 'S11',
    title: 'hostPort',
    breakIt: (o) => {
      apiPod(o).container.ports[0].hostPort = 8080;
    },
    expected: [`S11 ${API}`],
    message: 'port 8080 sets hostPort',
  },
  {
    rule: 'S12',
    title: 'sysctls',
    breakIt: (o) => {
      apiPod(o).spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }];
    },
    expected: [`S12 ${API}`],
    message: 'pod securityContext sets sysctls',
  },
  {
    rule: 'S12',
    title: 'procMount Unmasked',
    breakIt: (o) => {
      apiPod(o).container.securityContext.procMount = 'Unmasked';
    },
    expected: [`S12 ${API}`],
    message: 'procMount is "Unmasked"',
  },
  {
    rule: 'S12',
    title: 'seLinuxOptions',
    breakIt: (o) => {
      apiPod(o).init.securityContext.seLinuxOptions = { level: 's0:c1' };
    },
    expected: [`S12 ${API}`],
    message: 'init container "migrate" securityContext sets seLinuxOptions',
  },
  {
    rule: 'S12',
    title: 'windows hostProcess',
    breakIt: (o) => {
      apiPod(o).spec.securityContext.windowsOptions = { hostProcess: true };
    },
    expected: [`S12 ${API}`],
    message: 'pod securityContext sets windowsOptions.hostProcess',
  },
  {
    rule: 'S18',
    title: 'token automounted in the pod',
    breakIt: (o) => {
      apiPod(o).spec.automountServiceAccountToken = true;
    },
    expected: [`S18 ${API}`],
    message: 'pod automountServiceAccountToken is true',
  },
  {
    rule: 'S18',
    title: 'token automounted by the ServiceAccount',
    breakIt: (o) => {
      delete find(o, 'ServiceAccount', 'api').automountServiceAccountToken;
    },
    expected: ['S18 ServiceAccount/todo/api'],
    message: 'automountServiceAccountToken is absent',
  },
  {
    rule: 'S18',
    title: 'referenced ServiceAccount not in the output',
    breakIt: (o) => {
      o.splice(o.indexOf(find(o, 'ServiceAccount', 'api')), 1);
    },
    expected: [`S18 ${API}`],
    message: 'ServiceAccount "api" is not in the output',
  },
  {
    rule: 'S18',
    title: 'the default ServiceAccount',
    breakIt: (o) => {
      delete apiPod(o).spec.serviceAccountName;
    },
    expected: [`S18 ${API}`],
    message: 'pod uses the default ServiceAccount',
  },
  {
    rule: 'S18',
    title: 'a ServiceAccount shared by two workloads',
    breakIt: (o) => {
      find(o, 'CronJob', 'cleanup').spec.jobTemplate.spec.template.spec.serviceAccountName = 'api';
    },
    expected: [`S18 ${CRON}`, `S18 ${API}`],
    message: 'ServiceAccount "api" is shared by Deployment/api, CronJob/cleanup',
  },
  {
    rule: 'S19',
    title: 'secretKeyRef env',
    breakIt: (o) => {
      apiPod(o).container.env.push({ name: 'DB_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } });
    },
    expected: [`S19 ${API}`],
    message: 'env DB_URL comes from secretKeyRef',
  },
  {
    rule: 'S19',
    title: 'envFrom secretRef',
    breakIt: (o) => {
      apiPod(o).init.envFrom = [{ secretRef: { name: 'db' } }];
    },
    expected: [`S19 ${API}`],
    message: 'init container "migrate" envFrom secretRef "db"',
  },
  {
    rule: 'S19',
    title: 'a literal password',
    breakIt: (o) => {
      apiPod(o).container.env.push({ name: 'adminPassword', value: 'hunter2' });
    },
    expected: [`S19 ${API}`],
    message: 'env adminPassword holds a literal secret-looking value',
  },
  {
    rule: 'S20',
    title: 'duplicate env name',
    breakIt: (o) => {
      apiPod(o).container.env.push({ name: 'PORT', value: '9090' });
    },
    expected: [`S20 ${API}`],
    message: 'env PORT is defined twice',
  },
  {
    rule: 'I01',
    title: 'untagged image',
    breakIt: (o) => {
      apiPod(o).init.image = 'ghcr.io/example/todo-api';
    },
    expected: [`I01 ${API}`],
    message: 'image "ghcr.io/example/todo-api" has no tag',
  },
  {
    rule: 'I01',
    title: 'registry port is not a tag',
    breakIt: (o) => {
      apiPod(o).init.image = 'localhost:5000/todo-api';
    },
    expected: [`I01 ${API}`],
    message: 'has no tag',
  },
  {
    rule: 'I01',
    title: 'latest tag',
    include: true,
    breakIt: (o) => {
      apiPod(o).container.image = 'ghcr.io/example/todo-api:latest';
    },
    expected: [`I01 ${API}`],
    message: 'uses the latest tag',
  },
  {
    rule: 'I02',
    title: 'malformed digest',
    breakIt: (o) => {
      apiPod(o).container.image = 'ghcr.io/example/todo-api:1.4.2@sha256:abc';
    },
    expected: [`I02 ${API}`],
    message: 'has a malformed digest',
  },
  {
    rule: 'I02',
    title: 'no digest when the environment requires digests',
    breakIt: (o) => {
      find(o, 'CronJob', 'cleanup').spec.jobTemplate.spec.template.spec.containers[0].image = apiPod(o).container.image;
    },
    options: { ...OPTIONS, requireDigests: true },
    expected: [`I02 ${API}`],
    message: 'init container "migrate" image "ghcr.io/example/todo-api:1.4.2" is not pinned',
  },
  {
    rule: 'I03',
    title: 'IfNotPresent',
    breakIt: (o) => {
      apiPod(o).container.imagePullPolicy = 'IfNotPresent';
    },
    expected: [`I03 ${API}`],
    message: 'imagePullPolicy is "IfNotPresent", expected Always',
  },
  {
    rule: 'R01',
    title: 'no cpu limit',
    breakIt: (o) => {
      delete apiPod(o).container.resources.limits.cpu;
    },
    expected: [`R01 ${API}`],
    message: 'container "api" has no cpu limits',
  },
  {
    rule: 'R01',
    title: 'memory as a number',
    breakIt: (o) => {
      apiPod(o).init.resources.requests.memory = 134217728;
    },
    expected: [`R01 ${API}`],
    message: 'memory requests is 134217728, expected a string quantity',
  },
  {
    rule: 'R02',
    title: 'no ephemeral-storage request',
    breakIt: (o) => {
      delete apiPod(o).container.resources.requests['ephemeral-storage'];
    },
    expected: [`R02 ${API}`],
    message: 'has no ephemeral-storage requests',
  },
  {
    rule: 'P01',
    title: 'no readiness probe',
    breakIt: (o) => {
      delete apiPod(o).container.readinessProbe;
    },
    expected: [`P01 ${API}`],
    message: 'container "api" has no readinessProbe',
  },
  {
    rule: 'P01',
    title: 'a restartable sidecar init container without probes',
    breakIt: (o) => {
      apiPod(o).init.restartPolicy = 'Always';
    },
    expected: [`P01 ${API}`],
    message: 'container "migrate" has no startupProbe',
  },
  {
    rule: 'P02',
    title: 'readiness = liveness',
    breakIt: (o) => {
      apiPod(o).container.readinessProbe.httpGet.path = '/livez';
    },
    expected: [`P02 ${API}`],
    message: 'readinessProbe and livenessProbe call the same endpoint',
  },
  {
    rule: 'P03',
    title: 'probe on an undeclared port',
    breakIt: (o) => {
      apiPod(o).container.livenessProbe.httpGet.port = 9090;
    },
    expected: [`P03 ${API}`],
    message: 'livenessProbe port 9090 is not a declared container port',
  },
  {
    rule: 'P04',
    title: 'port name not an IANA service name',
    breakIt: (o) => {
      apiPod(o).container.ports.push({ name: 'metrics_endpoint', containerPort: 9090 });
    },
    expected: [`P04 ${API}`],
    message: 'name "metrics_endpoint" is not a valid IANA service name',
  },
  {
    rule: 'P04',
    title: 'unnamed container port',
    breakIt: (o) => {
      apiPod(o).container.ports.push({ containerPort: 9090 });
    },
    expected: [`P04 ${API}`],
    message: 'port 9090 has no name',
  },
  {
    rule: 'P04',
    title: 'numeric Service targetPort',
    breakIt: (o) => {
      find(o, 'Service', 'api').spec.ports[0].targetPort = 8080;
    },
    expected: ['P04 Service/todo/api'],
    message: 'targetPort is 8080, expected a container port name',
  },
  {
    rule: 'P05',
    title: 'port 22',
    breakIt: (o) => {
      apiPod(o).container.ports.push({ name: 'ssh', containerPort: 22 });
    },
    expected: [`P05 ${API}`],
    message: 'containerPort 22 is below 1024 or 22',
  },
  {
    rule: 'A01',
    title: 'one replica without an HPA',
    breakIt: (o) => {
      o.splice(o.indexOf(find(o, 'HorizontalPodAutoscaler', 'api')), 1);
      find(o, 'Deployment', 'api').spec.replicas = 1;
    },
    expected: [`A01 ${API}`],
    message: 'replicas is 1 without an HPA, expected >= 2',
  },
  {
    rule: 'A02',
    title: 'HPA minReplicas 1',
    breakIt: (o) => {
      find(o, 'HorizontalPodAutoscaler', 'api').spec.minReplicas = 1;
    },
    expected: ['A02 HorizontalPodAutoscaler/todo/api'],
    message: 'minReplicas is 1, expected >= 2',
  },
  {
    rule: 'A02',
    title: 'spec.replicas next to an HPA',
    breakIt: (o) => {
      find(o, 'Deployment', 'api').spec.replicas = 3;
    },
    expected: [`A02 ${API}`],
    message: 'sets spec.replicas 3 although HorizontalPodAutoscaler "api" scales it',
  },
  {
    rule: 'A02',
    title: 'HPA target not in the output',
    breakIt: (o) => {
      const hpa = structuredClone(find(o, 'HorizontalPodAutoscaler', 'api'));
      hpa.metadata.name = 'ghost';
      hpa.spec.scaleTargetRef.name = 'ghost';
      o.push(hpa);
    },
    expected: ['A02 HorizontalPodAutoscaler/todo/ghost'],
    message: 'scaleTargetRef "Deployment" "ghost" is not in the output',
  },
  {
    rule: 'A03',
    title: 'no PodDisruptionBudget',
    breakIt: (o) => {
      o.splice(o.indexOf(find(o, 'PodDisruptionBudget', 'api')), 1);
    },
    expected: [`A03 ${API}`],
    message: 'no PodDisruptionBudget selects its pods',
  },
  {
    rule: 'A03',
    title: 'maxUnavailable 0',
    breakIt: (o) => {
      find(o, 'PodDisruptionBudget', 'api').spec.maxUnavailable = 0;
    },
    expected: ['A03 PodDisruptionBudget/todo/api'],
    message: 'maxUnavailable is 0, expected 1',
  },
  {
    rule: 'A03',
    title: 'no unhealthyPodEvictionPolicy',
    breakIt: (o) => {
      delete find(o, 'PodDisruptionBudget', 'api').spec.unhealthyPodEvictionPolicy;
    },
    expected: ['A03 PodDisruptionBudget/todo/api'],
    message: 'unhealthyPodEvictionPolicy is not set',
  },
  {
    rule: 'A03',
    title: 'budget selector matching no pods',
    breakIt: (o) => {
      find(o, 'PodDisruptionBudget', 'api').spec.selector.matchLabels['app.kubernetes.io/name'] = 'api-v2';
    },
    expected: [`A03 ${API}`, 'A03 PodDisruptionBudget/todo/api'],
    message: 'selector matches the pods of no workload in its namespace',
  },
  {
    rule: 'A03',
    title: 'two budgets selecting the same pods',
    breakIt: (o) => {
      const pdb = structuredClone(find(o, 'PodDisruptionBudget', 'api'));
      pdb.metadata.name = 'api-extra';
      o.push(pdb);
    },
    expected: [`A03 ${API}`],
    message: '2 PodDisruptionBudgets select its pods (evictions fail), expected one',
  },
  {
    rule: 'A04',
    title: 'no anti-affinity',
    breakIt: (o) => {
      delete apiPod(o).spec.affinity;
    },
    expected: [`A04 ${API}`],
    message: 'no preferred pod anti-affinity on kubernetes.io/hostname',
  },
  {
    rule: 'A05',
    title: 'zone spread DoNotSchedule',
    breakIt: (o) => {
      apiPod(o).spec.topologySpreadConstraints[0].whenUnsatisfiable = 'DoNotSchedule';
    },
    expected: [`A05 ${API}`],
    message: 'whenUnsatisfiable is "DoNotSchedule", expected ScheduleAnyway',
  },
  {
    rule: 'A06',
    title: 'rollout drops a pod',
    breakIt: (o) => {
      find(o, 'Deployment', 'api').spec.strategy.rollingUpdate.maxUnavailable = 1;
    },
    expected: [`A06 ${API}`],
    message: 'rollingUpdate.maxUnavailable is 1, expected 0',
  },
  {
    rule: 'A07',
    title: 'selector not matching the template',
    breakIt: (o) => {
      find(o, 'Deployment', 'api').spec.selector.matchLabels['app.kubernetes.io/instance'] = 'api-blue';
    },
    expected: [`A07 ${API}`],
    message: 'spec.selector does not match the pod template labels',
  },
  {
    rule: 'A08',
    title: 'a recommended label missing',
    breakIt: (o) => {
      delete find(o, 'Service', 'api').metadata.labels['app.kubernetes.io/version'];
    },
    expected: ['A08 Service/todo/api'],
    message: 'metadata.labels lack app.kubernetes.io/version',
  },
  {
    rule: 'A08',
    title: 'an invalid label value',
    breakIt: (o) => {
      find(o, 'ConfigMap', 'api-config').metadata.labels['app.kubernetes.io/version'] = '1.4.2+build';
    },
    expected: ['A08 ConfigMap/todo/api-config'],
    message: 'app.kubernetes.io/version has invalid value "1.4.2+build"',
  },
  {
    rule: 'A08',
    title: 'pod template without labels',
    breakIt: (o) => {
      delete find(o, 'CronJob', 'cleanup').spec.jobTemplate.spec.template.metadata.labels['app.kubernetes.io/part-of'];
    },
    expected: [`A08 ${CRON}`],
    message: 'pod template labels lack app.kubernetes.io/part-of',
  },
  {
    rule: 'N01',
    title: 'Service selecting no pods',
    breakIt: (o) => {
      find(o, 'Service', 'api').spec.selector['app.kubernetes.io/name'] = 'apy';
    },
    expected: ['N01 Service/todo/api'],
    message: 'matches the pods of no workload in its namespace',
  },
  {
    rule: 'N02',
    title: 'NodePort Service',
    breakIt: (o) => {
      find(o, 'Service', 'api').spec.type = 'NodePort';
    },
    expected: ['N02 Service/todo/api'],
    message: 'type is "NodePort", expected ClusterIP',
  },
  {
    rule: 'N03',
    title: 'Ingress backend Service missing',
    breakIt: (o) => {
      find(o, 'Ingress', 'api').spec.rules[0].http.paths[0].backend.service.name = 'apy';
    },
    expected: ['N03 Ingress/todo/api'],
    message: 'backend Service "apy" is not in namespace "todo"',
  },
  {
    rule: 'N03',
    title: 'Ingress resource backend',
    breakIt: (o) => {
      find(o, 'Ingress', 'api').spec.defaultBackend = { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } };
    },
    expected: ['N03 Ingress/todo/api'],
    message: 'a backend is not a Service',
  },
  {
    rule: 'N03',
    title: 'HTTPRoute backend port missing',
    breakIt: (o) => {
      find(o, 'HTTPRoute', 'api').spec.rules[0].backendRefs[0].port = 8080;
    },
    expected: ['N03 HTTPRoute/todo/api'],
    message: 'backendRef Service "api" has no port 8080',
  },
  {
    rule: 'N04',
    title: 'Ingress host without TLS',
    breakIt: (o) => {
      find(o, 'Ingress', 'api').spec.tls[0].hosts = ['www.example.com'];
    },
    expected: ['N04 Ingress/todo/api'],
    message: 'host "todo.example.com" is not in tls[].hosts',
  },
  {
    rule: 'N04',
    title: 'Ingress TLS from nowhere: no Certificate writes its secret, no issuer annotation',
    breakIt: (o) => {
      delete find(o, 'Ingress', 'api').metadata.annotations['cert-manager.io/cluster-issuer'];
    },
    expected: ['N04 Ingress/todo/api'],
    message:
      'tls secret "todo-example-com-tls" comes from no Certificate in namespace "todo" and the Ingress has no cert-manager.io/cluster-issuer or cert-manager.io/issuer annotation',
  },
  {
    rule: 'N04',
    title: 'two Ingresses asking ingress-shim for the same secret',
    breakIt: (o) => {
      o.push({
        ...structuredClone(find(o, 'Ingress', 'api')),
        metadata: { ...structuredClone(find(o, 'Ingress', 'api').metadata), name: 'api-websocket' },
      });
    },
    expected: ['N04 Ingress/todo/api', 'N04 Ingress/todo/api-websocket'],
    message: 'shares tls secret "todo-example-com-tls" with Ingress api-websocket, each with an issuer annotation',
  },
  {
    rule: 'N04',
    title: 'a Certificate for the secret and an issuer annotation too',
    breakIt: (o) => {
      o.push(certificate(['todo.example.com']));
    },
    expected: ['N04 Ingress/todo/api'],
    message:
      'tls secret "todo-example-com-tls" comes from Certificate todo-example-com-tls, and the issuer annotation asks cert-manager for another one',
  },
  {
    rule: 'N04',
    title: 'a Certificate that does not cover the host',
    breakIt: (o) => {
      delete find(o, 'Ingress', 'api').metadata.annotations['cert-manager.io/cluster-issuer'];
      o.push(certificate(['*.todo.example.com']));
    },
    expected: ['N04 Ingress/todo/api'],
    message: 'host "todo.example.com" is not in the dnsNames of Certificate todo-example-com-tls (secret "todo-example-com-tls")',
  },
  {
    rule: 'N05',
    title: 'snippet annotation',
    include: true,
    breakIt: (o) => {
      find(o, 'Ingress', 'api').metadata.annotations['nginx.ingress.kubernetes.io/configuration-snippet'] = 'more_set_headers "X: y";';
    },
    expected: ['N05 Ingress/todo/api'],
    message: 'annotation "nginx.ingress.kubernetes.io/configuration-snippet" is a snippet',
  },
  {
    rule: 'N06',
    title: 'no default-deny (and so no DNS egress)',
    breakIt: (o) => {
      o.splice(o.indexOf(find(o, 'NetworkPolicy', 'default-deny')), 1);
    },
    expected: [`N06 ${CRON}`, `N06 ${API}`, 'N06 Namespace/-/todo'],
    message: 'has no default-deny NetworkPolicy',
  },
  {
    rule: 'N06',
    title: 'workload policy selecting on two labels',
    breakIt: (o) => {
      find(o, 'NetworkPolicy', 'api').spec.podSelector.matchLabels['app.kubernetes.io/instance'] = 'api';
    },
    expected: [`N06 ${API}`],
    message: 'no NetworkPolicy selects its pods on exactly app.kubernetes.io/name=api',
  },
  {
    rule: 'N06',
    title: 'workload policy without ingress rules',
    breakIt: (o) => {
      delete find(o, 'NetworkPolicy', 'api').spec.ingress;
    },
    expected: [`N06 ${API}`],
    message: 'NetworkPolicy "api" has no ingress rules',
  },
  {
    rule: 'N06',
    title: 'DNS allowed over TCP only',
    breakIt: (o) => {
      find(o, 'NetworkPolicy', 'default-deny').spec.egress[0].ports.shift();
    },
    expected: [`N06 ${CRON}`, `N06 ${API}`],
    message: 'no NetworkPolicy allows its DNS egress (UDP 53)',
  },
  {
    rule: 'N07',
    title: 'no namespace',
    breakIt: (o) => {
      delete find(o, 'ConfigMap', 'api-config').metadata.namespace;
    },
    expected: ['N07 ConfigMap/-/api-config'],
    message: 'has no metadata.namespace',
  },
  {
    rule: 'N07',
    title: 'the default namespace',
    breakIt: (o) => {
      find(o, 'ConfigMap', 'api-config').metadata.namespace = 'default';
    },
    expected: ['N07 ConfigMap/default/api-config'],
    message: 'is in the default namespace',
  },
  {
    rule: 'N08',
    title: 'beta API version',
    breakIt: (o) => {
      find(o, 'PodDisruptionBudget', 'api').apiVersion = 'policy/v1beta1';
    },
    expected: ['N08 PodDisruptionBudget/todo/api'],
    message: 'apiVersion policy/v1beta1 is not the stable policy/v1',
  },
  {
    rule: 'N09',
    title: 'PSA enforce baseline',
    breakIt: (o) => {
      find(o, 'Namespace', 'todo').metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline';
    },
    expected: ['N09 Namespace/-/todo'],
    message: 'label pod-security.kubernetes.io/enforce is "baseline", expected "restricted"',
  },
  {
    rule: 'N09',
    title: 'no ResourceQuota',
    breakIt: (o) => {
      o.splice(o.indexOf(find(o, 'ResourceQuota', 'todo-quota')), 1);
    },
    expected: ['N09 Namespace/-/todo'],
    message: 'has no ResourceQuota',
  },
  {
    rule: 'N09',
    title: 'namespace not in the output',
    breakIt: (o) => {
      o.splice(o.indexOf(find(o, 'Namespace', 'todo')), 1);
    },
    expected: ['N09 Namespace/-/todo'],
    message: 'is used but not in the output',
  },
  {
    rule: 'X01',
    title: 'two ConfigMaps with the same namespace and name',
    breakIt: (o) => {
      const copy = structuredClone(find(o, 'ConfigMap', 'api-config'));
      copy.data = { LOG_LEVEL: 'debug' };
      o.push(copy);
    },
    expected: ['X01 ConfigMap/todo/api-config'],
    message: 'another ConfigMap in API group "core" has the same namespace and name',
  },
  {
    rule: 'K01',
    title: 'malformed object',
    breakIt: (o) => {
      find(o, 'ConfigMap', 'api-config').data.LOG_LEVEL = 5;
    },
    expected: ['K01 ConfigMap/todo/api-config'],
    message: 'schema: /data/LOG_LEVEL must be string',
  },
  {
    rule: 'K01',
    title: 'not a Kubernetes object',
    plain: true,
    breakIt: (o) => {
      o.push({ metadata: { name: 'stray', namespace: 'todo' } });
    },
    expected: ['K01 <no kind>/todo/stray'],
    message: 'is not a Kubernetes object: it has no apiVersion or kind',
  },
  {
    rule: 'K02',
    title: 'unknown kind',
    breakIt: (o) => {
      o.push({ ...find(o, 'ConfigMap', 'api-config'), apiVersion: 'example.com/v1', kind: 'Widget' });
    },
    expected: ['K02 Widget/todo/api-config'],
    message: 'no schema is known for example.com/v1 Widget',
  },
  {
    rule: 'W01',
    title: 'waiver of an unknown rule',
    breakIt: (o) => {
      find(o, 'Service', 'api').metadata.annotations = { 'hardening.todo-platform.dev/waive-S99': 'because' };
    },
    expected: ['W01 Service/todo/api'],
    message: 'waiver annotation "hardening.todo-platform.dev/waive-S99" names an unknown rule',
  },
  {
    rule: 'W01',
    title: 'waiver without a reason',
    breakIt: (o) => {
      find(o, 'Service', 'api').metadata.annotations = { 'hardening.todo-platform.dev/waive-N02': ' ' };
    },
    expected: ['W01 Service/todo/api'],
    message: 'gives no reason',
  },
  {
    rule: 'W01',
    title: 'waiver with a malformed expiry date',
    breakIt: (o) => {
      find(o, 'Service', 'api').metadata.annotations = { 'hardening.todo-platform.dev/waive-N02': 'expires=31.12.2027; edge' };
    },
    expected: ['W01 Service/todo/api'],
    message: 'has expires=31.12.2027, not an ISO date',
  },
  {
    rule: 'W02',
    title: 'expired waiver (its finding comes back)',
    breakIt: (o) => {
      const svc = find(o, 'Service', 'api');
      svc.spec.type = 'LoadBalancer';
      svc.metadata.annotations = {
        'hardening.todo-platform.dev/waive-N02': 'expires=2020-01-31; the edge load balancer until the gateway lands',
      };
    },
    expected: ['N02 Service/todo/api', 'W02 Service/todo/api'],
    message: 'waiver annotation "hardening.todo-platform.dev/waive-N02" expired on 2020-01-31',
  },
  {
    rule: 'W03',
    title: 'waiver that waives nothing',
    breakIt: (o) => {
      find(o, 'Service', 'api').metadata.annotations = { 'hardening.todo-platform.dev/waive-N02': 'edge load balancer' };
    },
    expected: ['W03 Service/todo/api'],
    message: 'waiver annotation "hardening.todo-platform.dev/waive-N02" waives nothing: no N02 finding',
  },
];

describe('policy: every rule can fail', () => {
  it('has a failing case for every rule id', async () => {
    expect([...new Set(CASES.map((c) => c.rule))].sort()).to.deep.equal(Object.keys(RULES).sort());
  });

  for (const c of CASES) {
    it(`${c.rule}: ${c.title}${c.include ? ' (Included YAML)' : ''}`, async () => {
      const objects = compliant();
      c.breakIt(objects);
      const violations = await (c.plain ? findings : c.include ? includeViolations : synthViolations)(objects, c.options ?? OPTIONS);
      expect(where(violations)).to.have.members(c.expected);
      expect(where(violations)).to.have.length(c.expected.length);
      expect(
        violations
          .filter((v) => v.rule === c.rule)
          .map((v) => v.message)
          .join('\n'),
      ).to.contain(c.message);
    });
  }
});

describe('policy: options', () => {
  it('singleNode accepts one replica without an HPA and needs no budget for it', async () => {
    const objects = compliant();
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget']) objects.splice(objects.indexOf(find(objects, kind, 'api')), 1);
    find(objects, 'Deployment', 'api').spec.replicas = 1;
    expect(where(await findings(objects, { ...OPTIONS, singleNode: true }))).to.deep.equal([]);
    expect(where(await findings(objects, OPTIONS))).to.deep.equal([`A01 ${API}`]);
  });

  it('still wants a budget for two replicas on a single node', async () => {
    const objects = compliant();
    objects.splice(objects.indexOf(find(objects, 'PodDisruptionBudget', 'api')), 1);
    expect(where(await findings(objects, { ...OPTIONS, singleNode: true }))).to.deep.equal([`A03 ${API}`]);
  });

  it('objects of the same kind and name in different namespaces do not collide (X01)', async () => {
    const objects = compliant();
    const copy = structuredClone(find(objects, 'ConfigMap', 'api-config'));
    copy.metadata.namespace = 'ingress-nginx';
    expect(await findings([...objects, copy], OPTIONS)).to.deep.equal([]);
  });

  it('N04 accepts an Ingress whose TLS secret a covering Certificate writes, with no issuer annotation; not one in another namespace', async () => {
    const objects = compliant();
    delete find(objects, 'Ingress', 'api').metadata.annotations['cert-manager.io/cluster-issuer'];
    expect(where(await findings([...objects, certificate(['todo.example.com'])], OPTIONS))).to.deep.equal([]);
    expect(where(await findings([...objects, certificate(['*.example.com'])], OPTIONS)), 'a wildcard covers one label').to.deep.equal([]);
    expect(where(await findings([...objects, certificate(['todo.example.com'], 'other')], OPTIONS))).to.include('N04 Ingress/todo/api');
  });

  it('requireDigests passes when every image is pinned', async () => {
    const objects = compliant();
    const pinned = apiPod(objects).container.image;
    apiPod(objects).init.image = pinned;
    find(objects, 'CronJob', 'cleanup').spec.jobTemplate.spec.template.spec.containers[0].image = pinned;
    expect(await findings(objects, { ...OPTIONS, requireDigests: true })).to.deep.equal([]);
  });

  it('without externalNamespaces, the namespaces a set points to must be in it', async () => {
    const objects = compliant();
    find(objects, 'HTTPRoute', 'api').spec.rules[0].backendRefs[0].namespace = 'shared';
    expect(where(await findings(objects, OPTIONS))).to.deep.equal(['N03 HTTPRoute/todo/api']);
    expect(await findings(objects, { externalNamespaces: [...(OPTIONS.externalNamespaces ?? []), 'shared'] })).to.deep.equal([]);
  });

  it('accepts env vars that point at or describe a secret, and names that only contain a secret word', async () => {
    const objects = compliant();
    apiPod(objects).container.env.push(
      { name: 'JWT_PRIVATE_KEY_FILE', value: '/var/run/secrets/jwt/key.pem' },
      { name: 'TOKEN_TTL', value: '15m' },
      { name: 'KEYCLOAK_URL', value: 'https://sso' },
      { name: 'POSTGRES_PASSWORD_FILE', value: '/var/run/secrets/postgres/password' },
      { name: 'CACHE_TTL', value: '60s' },
      { name: 'PGHOST', value: 'todo-db' },
    );
    expect(await findings(objects, OPTIONS)).to.deep.equal([]);
  });

  it('flags run-together secret names and connection strings that embed a password', async () => {
    for (const [name, value] of [
      ['PGPASSWORD', 'hunter2'],
      ['DBPASSWORD', 'hunter2'],
      ['REDIS_PASS', 'hunter2'],
      ['DATABASE_URL', 'postgres://app:hunter2@db/app'],
    ]) {
      const objects = compliant();
      apiPod(objects).container.env.push({ name, value });
      expect(where(await findings(objects, OPTIONS)), name).to.deep.equal([`S19 ${API}`]);
      expect(
        (await findings(objects, OPTIONS)).map((v) => v.message),
        name,
      ).to.deep.equal([`container "api" env ${name} holds a literal secret-looking value; mount the secret as a file`]);
    }
  });

  it('flags secret-looking names in any case style', async () => {
    for (const name of ['DB_PASSWORD', 'apiToken', 'SECRET_KEY_BASE', 'stripe-api-key', 'ClientSecret']) {
      const objects = compliant();
      apiPod(objects).container.env.push({ name, value: 'x' });
      expect(where(await findings(objects, OPTIONS)), name).to.deep.equal([`S19 ${API}`]);
    }
  });
});
