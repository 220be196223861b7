import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { isValidLabelValue, recommendedLabels, selectorLabels } from './labels.js';
import { addKubeObject } from './model-object.js';
import { isDns1035Label, isDnsSubdomain } from './names.js';
import { DEFAULT_RUN_AS_ID, DEFAULT_SCRATCH_SIZE, checkContainerResources, checkRunAsIds, checkScratchDirectories, containerResources, containerSecurityContext, podSecurityContext, preferredHostAntiAffinity, scratchVolumes, secretFileVolume, zoneSpread, } from './pod-hardening.js';
import { looksLikeSecretName } from './policy/secret-names.js';
import { parseQuantity } from './quantity.js';
const IANA_SERVICE_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A ConfigMap or Secret key (and so a file name in the mounted directory). */
const OBJECT_KEY = /^[-._a-zA-Z0-9]+$/;
const DEFAULT_PORTS = [{ name: 'http', port: 8080 }];
const CONFIG_FILE_MODE = 0o444;
/**
 * A Deployment that passes every S, I, R, P and A row of `shared/hardening.md` by default, with its
 * own ServiceAccount, an optional ConfigMap, a PodDisruptionBudget when replicated and an optional
 * HPA. Every object has a stable name (no hash suffix), the namespace and the recommended labels.
 */
export class HardenedDeployment extends Construct {
    /** Name of the Deployment (and of the ServiceAccount, PDB and HPA). */
    deploymentName;
    /** Name of the ServiceAccount the pods run as. */
    serviceAccountName;
    /** Namespace of every object. */
    namespace;
    /** `app.kubernetes.io/name` of the pods: what network policies select on. */
    peerName;
    /** The recommended labels' source, for objects that belong to this workload (Service, policies). */
    identity;
    /** The six recommended labels; every object here carries them. */
    labels;
    /** The Deployment's selector (name + instance: immutable over the workload's life). */
    selectorLabels;
    /** Labels on the pods (the recommended labels, a superset of the selector). */
    podLabels;
    /** The container's ports. */
    ports;
    /** The probe contract the container carries. */
    probes;
    /** Name of the ConfigMap holding `config`, if any. */
    configMapName;
    /** sha256 of the config data (the pod annotation `checksum/config`), if any. */
    configChecksum;
    /** Name of the ConfigMap holding `configFiles`, if any. */
    configFilesMapName;
    /** Whether more than one pod runs (then a PodDisruptionBudget exists). */
    replicated;
    /** The Deployment object, for escape hatches (`addJsonPatch`). */
    deployment;
    /** The PodDisruptionBudget, when replicated. */
    podDisruptionBudget;
    /** The HPA, with autoscaling. */
    autoscaler;
    constructor(scope, id, props) {
        super(scope, id);
        const resolved = this.validate(props);
        const { ports, probes, version, runAsUser, runAsGroup, fsGroup, preStopSeconds, gracePeriod } = resolved;
        this.deploymentName = props.name;
        this.serviceAccountName = props.name;
        this.namespace = props.namespace;
        this.peerName = props.name;
        this.identity = {
            name: props.name,
            version,
            component: props.component,
            partOf: props.partOf,
            ...(props.instance !== undefined ? { instance: props.instance } : {}),
        };
        this.labels = recommendedLabels(this.identity);
        this.selectorLabels = selectorLabels(this.identity);
        this.podLabels = { ...this.labels };
        this.ports = ports;
        this.probes = probes;
        this.replicated = props.autoscaling !== undefined || (props.replicas ?? 2) > 1;
        const metadata = (name) => ({ name, namespace: props.namespace, labels: { ...this.labels } });
        addKubeObject(this, 'ServiceAccount', {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: metadata(this.serviceAccountName),
            automountServiceAccountToken: false,
        });
        const env = [];
        const podAnnotations = {};
        if (props.config !== undefined) {
            const configMapName = `${props.name}-config`;
            const data = sortedRecord(props.config);
            addKubeObject(this, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configMapName), data });
            this.configMapName = configMapName;
            this.configChecksum = createHash('sha256').update(JSON.stringify(data)).digest('hex');
            podAnnotations['checksum/config'] = this.configChecksum;
            for (const key of Object.keys(data)) {
                env.push({ name: key, valueFrom: { configMapKeyRef: { name: configMapName, key } } });
            }
        }
        if (props.configFiles !== undefined) {
            const configFilesMapName = `${props.name}-files`;
            const data = sortedRecord(props.configFiles.files);
            addKubeObject(this, 'ConfigFiles', { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(configFilesMapName), data });
            this.configFilesMapName = configFilesMapName;
            podAnnotations['checksum/config-files'] = createHash('sha256').update(JSON.stringify(data)).digest('hex');
        }
        const files = filesystem(props);
        env.push(...files.env);
        const container = hardenedContainer(props, resolved, env, files.mounts);
        this.deployment = addKubeObject(this, 'Deployment', {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: metadata(this.deploymentName),
            spec: {
                ...(props.autoscaling === undefined ? { replicas: props.replicas ?? 2 } : {}),
                revisionHistoryLimit: 5,
                selector: { matchLabels: { ...this.selectorLabels } },
                strategy: {
                    type: 'RollingUpdate',
                    rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
                },
                template: {
                    metadata: {
                        labels: { ...this.podLabels },
                        ...(Object.keys(podAnnotations).length > 0 ? { annotations: podAnnotations } : {}),
                    },
                    spec: {
                        serviceAccountName: this.serviceAccountName,
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        terminationGracePeriodSeconds: gracePeriod,
                        securityContext: podSecurityContext({ runAsUser, runAsGroup, fsGroup }),
                        affinity: preferredHostAntiAffinity(this.selectorLabels),
                        topologySpreadConstraints: zoneSpread(this.selectorLabels),
                        containers: [container],
                        volumes: files.volumes,
                    },
                },
            },
        });
        if (resolved.preStopMode === 'sleep-action') {
            // The kubelet's own preStop.sleep (k8s >= 1.30) in place of the exec hook; see hardenedContainer.
            this.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: preStopSeconds } } }));
        }
        if (this.replicated) {
            this.podDisruptionBudget = addKubeObject(this, 'Budget', {
                apiVersion: 'policy/v1',
                kind: 'PodDisruptionBudget',
                metadata: metadata(this.deploymentName),
                spec: {
                    maxUnavailable: 1,
                    unhealthyPodEvictionPolicy: 'AlwaysAllow',
                    selector: { matchLabels: { ...this.selectorLabels } },
                },
            });
        }
        if (props.autoscaling !== undefined) {
            this.autoscaler = addKubeObject(this, 'Autoscaler', {
                apiVersion: 'autoscaling/v2',
                kind: 'HorizontalPodAutoscaler',
                metadata: metadata(this.deploymentName),
                spec: {
                    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deploymentName },
                    minReplicas: props.autoscaling.minReplicas,
                    maxReplicas: props.autoscaling.maxReplicas,
                    metrics: [
                        {
                            type: 'Resource',
                            resource: {
                                name: 'cpu',
                                target: { type: 'Utilization', averageUtilization: props.autoscaling.targetCpuUtilization ?? 70 },
                            },
                        },
                    ],
                },
            });
        }
    }
    /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
    validate(props) {
        const fail = (prop, value, why) => invalidProp(this, prop, value, why);
        if (!isDns1035Label(props.name, 56)) {
            fail('name', props.name, 'must be a DNS-1035 label of at most 56 characters (room for "-config")');
        }
        if (!isDns1035Label(props.namespace)) {
            fail('namespace', props.namespace, 'must be a DNS-1123 label');
        }
        if (props.namespace === 'default' || props.namespace.startsWith('kube-')) {
            fail('namespace', props.namespace, 'workloads never go in "default" or a kube-* namespace (N07)');
        }
        for (const [prop, value] of [['component', props.component], ['partOf', props.partOf], ['instance', props.instance]]) {
            if (value !== undefined && (value === '' || !isValidLabelValue(value))) {
                fail(prop, value, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
            }
        }
        const tag = checkImage(this, 'image', props.image, props.requireDigest ?? false);
        const version = props.version ?? tag;
        if (!isValidLabelValue(version))
            fail('version', version, 'must be a valid label value');
        checkContainerResources(this, 'resources', props.resources);
        const ports = props.ports ?? DEFAULT_PORTS;
        if (ports.length === 0)
            fail('ports', ports, 'declare at least one port: probes and Services need one');
        const seenPortNames = new Set();
        const seenPortNumbers = new Set();
        for (const port of ports) {
            if (!Number.isInteger(port.port) || port.port < 1024 || port.port > 65535 || port.port === 22) {
                fail('ports', port, 'port must be an integer from 1024 to 65535 and never 22 (P05)');
            }
            if (port.name.length > 15 || !IANA_SERVICE_NAME.test(port.name)) {
                fail('ports', port, 'name must be an IANA service name: <= 15 lowercase letters, digits and single dashes (P04)');
            }
            if (seenPortNames.has(port.name) || seenPortNumbers.has(port.port))
                fail('ports', port, 'duplicate port name or number (P04)');
            seenPortNames.add(port.name);
            seenPortNumbers.add(port.port);
        }
        const probeSpec = props.probes ?? {};
        const portName = probeSpec.port ?? (ports.find((p) => p.name === 'http') ?? ports[0]).name;
        if (!seenPortNames.has(portName)) {
            fail('probes.port', portName, `is not a declared port (declared: ${[...seenPortNames].join(', ')}) (P03)`);
        }
        const livenessPath = probeSpec.livenessPath ?? '/livez';
        const probes = {
            portName,
            readinessPath: probeSpec.readinessPath ?? '/readyz',
            livenessPath,
            startupPath: probeSpec.startupPath ?? livenessPath,
        };
        for (const [prop, path] of [
            ['probes.readinessPath', probes.readinessPath],
            ['probes.livenessPath', probes.livenessPath],
            ['probes.startupPath', probes.startupPath],
        ]) {
            if (!path.startsWith('/'))
                fail(prop, path, 'must be an absolute HTTP path');
        }
        if (probes.readinessPath === probes.livenessPath) {
            fail('probes.readinessPath', probes.readinessPath, 'readiness and liveness must differ: a failing dependency must not restart pods (P02)');
        }
        const startupTimeoutSeconds = probeSpec.startupTimeoutSeconds ?? 60;
        if (!(startupTimeoutSeconds > 0))
            fail('probes.startupTimeoutSeconds', startupTimeoutSeconds, 'must be positive');
        if (props.autoscaling !== undefined) {
            const { minReplicas, maxReplicas, targetCpuUtilization } = props.autoscaling;
            if (props.replicas !== undefined) {
                fail('replicas', props.replicas, 'conflicts with autoscaling: the HPA owns the replica count (A02)');
            }
            if (!Number.isInteger(minReplicas) || minReplicas < 2) {
                fail('autoscaling.minReplicas', minReplicas, 'must be an integer >= 2 (A02)');
            }
            if (!Number.isInteger(maxReplicas) || maxReplicas <= minReplicas) {
                fail('autoscaling.maxReplicas', maxReplicas, `must be an integer greater than minReplicas ${minReplicas} (A02)`);
            }
            if (targetCpuUtilization !== undefined && !(Number.isInteger(targetCpuUtilization) && targetCpuUtilization > 0 && targetCpuUtilization <= 100)) {
                fail('autoscaling.targetCpuUtilization', targetCpuUtilization, 'must be an integer percentage from 1 to 100');
            }
        }
        else if (props.replicas !== undefined && (!Number.isInteger(props.replicas) || props.replicas < 1)) {
            fail('replicas', props.replicas, 'must be an integer >= 1 (1 only for a single-node dev environment)');
        }
        const runAsUser = props.runAsUser ?? DEFAULT_RUN_AS_ID;
        const runAsGroup = props.runAsGroup ?? runAsUser;
        const fsGroup = props.fsGroup ?? runAsGroup;
        checkRunAsIds(this, { runAsUser, runAsGroup, fsGroup });
        const preStopSeconds = props.preStopSleepSeconds ?? 5;
        if (!Number.isInteger(preStopSeconds) || preStopSeconds < 1) {
            fail('preStopSleepSeconds', preStopSeconds, 'must be an integer >= 1 so endpoints drain before shutdown');
        }
        const gracePeriod = props.terminationGracePeriodSeconds ?? preStopSeconds + 25;
        if (!Number.isInteger(gracePeriod) || gracePeriod <= preStopSeconds) {
            fail('terminationGracePeriodSeconds', gracePeriod, `must be an integer greater than the preStop sleep ${preStopSeconds}`);
        }
        const preStopMode = props.preStopMode ?? 'exec';
        if (preStopMode !== 'exec' && preStopMode !== 'sleep-action') {
            fail('preStopMode', preStopMode, 'must be "exec" or "sleep-action"');
        }
        this.validateFilesAndEnv(props, fail);
        return { ports, probes, version, runAsUser, runAsGroup, fsGroup, preStopSeconds, gracePeriod, preStopMode, startupTimeoutSeconds };
    }
    validateFilesAndEnv(props, fail) {
        const envNames = new Set();
        const addEnv = (prop, name) => {
            if (!ENV_NAME.test(name))
                fail(prop, name, 'must be an env var name: letters, digits and "_", not starting with a digit');
            if (envNames.has(name))
                fail(prop, name, 'duplicate env var name (S20)');
            envNames.add(name);
        };
        for (const [name] of Object.entries(props.config ?? {})) {
            addEnv('config', name);
            if (looksLikeSecretName(name)) {
                fail('config', name, 'looks like a secret; mount it from an existing Secret with secretFiles instead (S19)');
            }
        }
        const tmpSize = parseQuantity(props.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE);
        if (tmpSize === undefined || tmpSize <= 0)
            fail('tmpSizeLimit', props.tmpSizeLimit, 'must be a positive Kubernetes quantity');
        const scratch = scratchDirectories(props);
        checkScratchDirectories(this, 'writablePaths', scratch, props.resources.limits.ephemeralStorage);
        // Config and secret directories must not shadow a scratch directory or each other.
        const mountPaths = new Set(scratch.map((dir) => dir.path));
        const addMount = (prop, path) => {
            if (!path.startsWith('/') || posix.normalize(path) !== path || path === '/') {
                fail(prop, path, 'must be an absolute, normalized path other than "/"');
            }
            if (mountPaths.has(path))
                fail(prop, path, 'is mounted twice');
            mountPaths.add(path);
        };
        if (props.configFiles !== undefined) {
            addMount('configFiles.mountPath', props.configFiles.mountPath);
            const names = Object.keys(props.configFiles.files);
            if (names.length === 0)
                fail('configFiles.files', props.configFiles.files, 'name at least one file');
            for (const name of names) {
                if (!OBJECT_KEY.test(name))
                    fail('configFiles.files', name, 'must be a file name usable as a ConfigMap key');
                if (looksLikeSecretName(name))
                    fail('configFiles.files', name, 'looks like a secret; mount it from an existing Secret with secretFiles instead (S19)');
            }
        }
        for (const file of props.secretFiles ?? []) {
            if (!isDnsSubdomain(file.secretName))
                fail('secretFiles.secretName', file.secretName, 'must be a DNS-1123 subdomain');
            if (file.key !== undefined && !OBJECT_KEY.test(file.key))
                fail('secretFiles.key', file.key, 'must be a Secret key');
            addMount('secretFiles.mountPath', file.mountPath);
            if (file.envVarForPath !== undefined)
                addEnv('secretFiles.envVarForPath', file.envVarForPath);
        }
    }
}
/** `/tmp` (always) and the writable paths: the size-limited emptyDirs of the read-only root filesystem (S08). */
function scratchDirectories(props) {
    return [{ path: '/tmp', sizeLimit: props.tmpSizeLimit ?? DEFAULT_SCRATCH_SIZE }, ...(props.writablePaths ?? [])];
}
/** The container's writable and secret mounts: size-limited emptyDirs, read-only Secret files, and their NAME_FILE env vars. */
function filesystem(props) {
    const { volumes, mounts } = scratchVolumes(scratchDirectories(props));
    const env = [];
    if (props.configFiles !== undefined) {
        volumes.push({ name: 'config-files', configMap: { name: `${props.name}-files`, defaultMode: CONFIG_FILE_MODE } });
        mounts.push({ name: 'config-files', mountPath: props.configFiles.mountPath, readOnly: true });
    }
    (props.secretFiles ?? []).forEach((file, index) => {
        const secret = secretFileVolume(`secret-${index}`, file);
        volumes.push(secret.volume);
        mounts.push(secret.mount);
        if (file.envVarForPath !== undefined)
            env.push({ name: file.envVarForPath, value: secret.filePath });
    });
    return { volumes, mounts, env };
}
/** The one container: restricted securityContext, resources, the three HTTP probes, the preStop pause. */
function hardenedContainer(props, resolved, env, volumeMounts) {
    const { probes, runAsUser, runAsGroup, preStopSeconds } = resolved;
    const probePort = probes.portName;
    const httpProbe = (path, timing) => ({ httpGet: { path, port: probePort }, timeoutSeconds: 2, ...timing });
    const startupPeriod = 2;
    return {
        name: props.name,
        image: props.image,
        imagePullPolicy: 'Always',
        ...(props.command !== undefined ? { command: [...props.command] } : {}),
        ...(props.args !== undefined ? { args: [...props.args] } : {}),
        ports: resolved.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
        ...(env.length > 0 ? { env } : {}),
        resources: containerResources(props.resources),
        securityContext: containerSecurityContext({ runAsUser, runAsGroup }),
        startupProbe: httpProbe(probes.startupPath, {
            periodSeconds: startupPeriod,
            failureThreshold: Math.ceil(resolved.startupTimeoutSeconds / startupPeriod),
        }),
        readinessProbe: httpProbe(probes.readinessPath, { periodSeconds: 5, failureThreshold: 2 }),
        livenessProbe: httpProbe(probes.livenessPath, { periodSeconds: 10, failureThreshold: 3 }),
        // 'sleep-action' is added as a patch after rendering (see the constructor).
        ...(resolved.preStopMode === 'exec' ? { lifecycle: { preStop: { exec: { command: ['sleep', String(preStopSeconds)] } } } } : {}),
        volumeMounts,
    };
}
/** A copy with keys sorted, so the ConfigMap and its checksum do not depend on prop order. */
function sortedRecord(record) {
    return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
