import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { isValidLabelValue, recommendedLabels, selectorLabels } from './labels.js';
import { addKubeObject } from './model-object.js';
import { isDns1035Label } from './names.js';
import { checkNamespace } from './network-peers.js';
import { PgDumpBackup, SQL_IDENTIFIER, checkCronSchedule, checkPasswordSecret, checkStorage, checkTimeZone } from './pg-dump-backup.js';
import { DEFAULT_RUN_AS_ID, checkContainerResources, checkScratchDirectories, containerResources, containerSecurityContext, podSecurityContext, preferredHostAntiAffinity, scratchVolumes, secretFileVolume, zoneSpread, } from './pod-hardening.js';
import { parseQuantity } from './quantity.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
const PORT = 5432;
const PORT_NAME = 'postgres';
const DATA_MOUNT = '/var/lib/postgresql/data';
/** A subdirectory, because the volume's root holds `lost+found` and initdb wants an empty directory. */
const PGDATA = `${DATA_MOUNT}/pgdata`;
const SOCKET_DIR = '/var/run/postgresql';
const SECRET_DIR = '/var/run/secrets/postgres';
/** /tmp holds the entrypoint's nss_wrapper passwd files; the socket directory the socket, lock and pid files. */
const SCRATCH = [
    { path: '/tmp', sizeLimit: '16Mi' },
    { path: SOCKET_DIR, sizeLimit: '1Mi', volumeName: 'run' },
];
const MEMORY_SETTING = /^\d+(kB|MB|GB|TB)$/;
/** Longest name: `<name>-backup-<11-char Job suffix>` stays a 63-character label and `<name>-headless` a Service name. */
const MAX_NAME = 45;
/**
 * A single PostgreSQL server for single-node dev environments: the official `postgres` image in a
 * one-replica apps/v1 StatefulSet with a persistent volume, hardened like every workload (uid
 * 10001 via the image's nss_wrapper support, read-only root filesystem, restricted contexts, the
 * password as a mounted file), a headless Service for the StatefulSet and a ClusterIP Service
 * `<name>` for clients, a NetworkPolicy admitting only declared clients and the backup, and a
 * nightly pg_dump CronJob (PgDumpBackup). Replicated environments use CloudNativePgDatabase.
 * No PodDisruptionBudget: with one replica any budget either blocks node drains or allows nothing.
 */
export class PostgresStatefulSet extends Construct {
    /** `app.kubernetes.io/name` of the server's pod. */
    peerName;
    namespace;
    /** The port clients connect to (a PortedPeer, like CloudNativePgDatabase). */
    port = PORT;
    /** The ClusterIP Service clients connect to. */
    serviceName;
    /** The headless Service that gives the pod its stable DNS name (the StatefulSet's serviceName). */
    headlessServiceName;
    /** The Service's DNS name inside the cluster, for connection strings. */
    host;
    /** The database and the role that owns it. */
    database;
    user;
    /** The six recommended labels every object here carries. */
    identity;
    statefulSet;
    networkPolicy;
    backup;
    clients = new Set();
    constructor(scope, id, props) {
        super(scope, id);
        const { version, user, sharedBuffers } = this.validate(props);
        this.peerName = props.name;
        this.namespace = props.namespace;
        this.serviceName = props.name;
        this.headlessServiceName = `${props.name}-headless`;
        this.host = `${props.name}.${props.namespace}.svc.cluster.local`;
        this.database = props.database;
        this.user = user;
        this.identity = { name: props.name, version, component: 'database', partOf: props.partOf };
        const labels = recommendedLabels(this.identity);
        const selector = selectorLabels(this.identity);
        const metadata = (name) => ({ name, namespace: props.namespace, labels: { ...labels } });
        addKubeObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(props.name), automountServiceAccountToken: false });
        const ports = [{ name: PORT_NAME, port: PORT, targetPort: PORT_NAME, protocol: 'TCP' }];
        addKubeObject(this, 'HeadlessService', {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: metadata(this.headlessServiceName),
            spec: { type: 'ClusterIP', clusterIP: 'None', selector: { ...selector }, ports },
        });
        addKubeObject(this, 'Service', {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: metadata(this.serviceName),
            spec: { type: 'ClusterIP', selector: { ...selector }, ports },
        });
        const ids = { runAsUser: DEFAULT_RUN_AS_ID, runAsGroup: DEFAULT_RUN_AS_ID, fsGroup: DEFAULT_RUN_AS_ID };
        const scratch = scratchVolumes(SCRATCH);
        const password = secretFileVolume('password', { secretName: props.passwordSecret.name, key: props.passwordSecret.key, mountPath: SECRET_DIR });
        // pg_isready over TCP: during first-start initialization the entrypoint's temporary server
        // listens on the socket only, so the pod is not ready (nor started) before the real server runs.
        const pgIsReady = {
            command: ['pg_isready', '--host=127.0.0.1', `--port=${PORT}`, `--username=${user}`, `--dbname=${props.database}`, '--quiet'],
        };
        this.statefulSet = addKubeObject(this, 'StatefulSet', {
            apiVersion: 'apps/v1',
            kind: 'StatefulSet',
            metadata: metadata(props.name),
            spec: {
                replicas: 1,
                serviceName: this.headlessServiceName,
                selector: { matchLabels: { ...selector } },
                podManagementPolicy: 'OrderedReady',
                updateStrategy: { type: 'RollingUpdate' },
                revisionHistoryLimit: 5,
                // Deleting or scaling the StatefulSet never deletes the data volume.
                persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
                template: {
                    metadata: { labels: { ...labels } },
                    spec: {
                        serviceAccountName: props.name,
                        automountServiceAccountToken: false,
                        // Service links would inject e.g. TODO_DB_PORT=tcp://…, which the entrypoint and libpq do not expect.
                        enableServiceLinks: false,
                        // Room for the preStop fast shutdown and the checkpoint it writes.
                        terminationGracePeriodSeconds: 60,
                        // fsGroup makes the volume writable for uid 10001; OnRootMismatch skips the recursive
                        // chmod on later starts, which would make PGDATA group-writable (PostgreSQL refuses that).
                        securityContext: podSecurityContext(ids, 'OnRootMismatch'),
                        affinity: preferredHostAntiAffinity(selector),
                        topologySpreadConstraints: zoneSpread(selector),
                        containers: [
                            {
                                name: 'postgres',
                                image: props.image,
                                imagePullPolicy: 'Always',
                                args: ['-c', `shared_buffers=${sharedBuffers}`],
                                ports: [{ name: PORT_NAME, containerPort: PORT, protocol: 'TCP' }],
                                env: [
                                    { name: 'PGDATA', value: PGDATA },
                                    { name: 'POSTGRES_USER', value: user },
                                    { name: 'POSTGRES_DB', value: props.database },
                                    { name: 'POSTGRES_PASSWORD_FILE', value: password.filePath },
                                ],
                                resources: containerResources(props.resources),
                                securityContext: containerSecurityContext(ids),
                                startupProbe: { exec: pgIsReady, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
                                readinessProbe: { exec: pgIsReady, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                                // Liveness only asks whether the server accepts TCP: a slow query must not restart it.
                                livenessProbe: { tcpSocket: { port: PORT_NAME }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
                                lifecycle: {
                                    // Kubernetes sends SIGTERM, which PostgreSQL treats as a "smart" shutdown that waits for every
                                    // client to disconnect (pooled clients never do); a fast shutdown ends sessions and checkpoints.
                                    preStop: { exec: { command: ['pg_ctl', 'stop', '--mode=fast', '--wait', `--pgdata=${PGDATA}`] } },
                                },
                                volumeMounts: [{ name: 'data', mountPath: DATA_MOUNT }, ...scratch.mounts, password.mount],
                            },
                        ],
                        volumes: [...scratch.volumes, password.volume],
                    },
                },
                volumeClaimTemplates: [
                    {
                        metadata: { name: 'data', labels: { ...labels } },
                        spec: {
                            accessModes: ['ReadWriteOnce'],
                            ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
                            resources: { requests: { storage: props.storage } },
                        },
                    },
                ],
            },
        });
        this.backup = new PgDumpBackup(this, 'Backup', {
            name: `${props.name}-backup`,
            namespace: props.namespace,
            partOf: props.partOf,
            version,
            image: props.image,
            source: { server: this, host: this.host, database: props.database, user, passwordSecret: props.passwordSecret },
            schedule: props.backup.schedule,
            storage: props.backup.storage,
            resources: props.backup.resources ?? props.resources,
            ...(props.backup.keep !== undefined ? { keep: props.backup.keep } : {}),
            ...(props.backup.timeZone !== undefined ? { timeZone: props.backup.timeZone } : {}),
            ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
        });
        this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', { workload: this, identity: this.identity });
        this.networkPolicy.allowFrom(this.backup, PORT);
        for (const client of props.clients ?? [])
            this.allowClient(client);
        this.node.addValidation({
            validate: () => {
                if (this.clients.size === 0) {
                    invalidProp(this, 'clients', [], 'no workload may connect: call allowClient(<the API>) or pass clients, or the database is unreachable');
                }
                return [];
            },
        });
    }
    /** Lets `client`'s pods connect on port 5432 (the client needs the matching egress, e.g. WebService `database`). */
    allowClient(client) {
        this.networkPolicy.allowFrom(client, PORT);
        this.clients.add(`${client.namespace}/${client.peerName}`);
        return this;
    }
    /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
    validate(props) {
        const fail = (prop, value, why) => invalidProp(this, prop, value, why);
        if (props.singleNode !== true) {
            fail('singleNode', props.singleNode, 'a single PostgreSQL pod is not highly available; use CloudNativePgDatabase for replicated environments');
        }
        if (!isDns1035Label(props.name, MAX_NAME)) {
            fail('name', props.name, `must be a DNS-1035 label of at most ${MAX_NAME} characters (room for "-backup" and the Job suffix)`);
        }
        checkNamespace(this, 'namespace', props.namespace);
        if (props.namespace.startsWith('kube-'))
            fail('namespace', props.namespace, 'workloads never go in a kube-* namespace (N07)');
        if (props.partOf === '' || !isValidLabelValue(props.partOf))
            fail('partOf', props.partOf, 'must be a non-empty label value');
        const tag = checkImage(this, 'image', props.image, props.requireDigest ?? false);
        const version = props.version ?? tag;
        if (!isValidLabelValue(version))
            fail('version', version, 'must be a valid label value');
        checkStorage(this, 'storage', props.storage);
        if (!SQL_IDENTIFIER.test(props.database))
            fail('database', props.database, 'must be a lowercase SQL identifier (a-z, 0-9, _; not starting with a digit)');
        const user = props.user ?? props.database;
        if (!SQL_IDENTIFIER.test(user) || user.startsWith('pg_'))
            fail('user', user, 'must be a lowercase SQL identifier not starting with "pg_" (reserved)');
        checkPasswordSecret(this, 'passwordSecret', props.passwordSecret);
        checkContainerResources(this, 'resources', props.resources);
        checkScratchDirectories(this, 'scratch', SCRATCH, props.resources.limits.ephemeralStorage);
        const memoryLimit = parseQuantity(props.resources.limits.memory);
        const sharedBuffers = props.sharedBuffers ?? `${Math.floor(memoryLimit / 4 / 1024)}kB`;
        if (!MEMORY_SETTING.test(sharedBuffers))
            fail('sharedBuffers', sharedBuffers, 'must be a PostgreSQL memory setting such as "128MB"');
        if (memoryLimit < 128 * 2 ** 20)
            fail('resources.limits.memory', props.resources.limits.memory, 'PostgreSQL needs a memory limit of at least 128Mi');
        checkCronSchedule(this, 'backup.schedule', props.backup.schedule);
        checkStorage(this, 'backup.storage', props.backup.storage);
        if (props.backup.timeZone !== undefined)
            checkTimeZone(this, 'backup.timeZone', props.backup.timeZone);
        const keep = props.backup.keep;
        if (keep !== undefined && (!Number.isInteger(keep) || keep < 1 || keep > 100))
            fail('backup.keep', keep, 'must be an integer from 1 to 100');
        if (props.backup.resources !== undefined)
            checkContainerResources(this, 'backup.resources', props.backup.resources);
        return { version, user, sharedBuffers };
    }
}
