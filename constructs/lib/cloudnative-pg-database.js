import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { checkImage } from './image-reference.js';
import { recommendedLabels } from './labels.js';
import { NamespacePeer } from './network-peers.js';
import { checkContainerResources } from './pod-hardening.js';
import { parseQuantity } from './quantity.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
/** The CloudNativePG instance manager's HTTP status port. */
/** Where and how the operator's own manifests and Helm chart install it. */
export const DEFAULT_CNPG_OPERATOR = new NamespacePeer('cnpg-system', { 'app.kubernetes.io/name': 'cloudnative-pg' });
/** The lowest uid/gid the hardening bar accepts (S06). */
const MIN_RUN_AS_ID = 10001;
const STATUS_PORT = 8000;
/** The name the Barman Cloud plugin registers with the operator. */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
/**
 * The ObjectStore's `apiVersion/kind`: no published kubernetes-models package has its schema, so
 * schema validation (K01) must be told to accept it: `validateSchemas(objects, { allowUnknownKinds: [BARMAN_OBJECT_STORE_KIND] })`.
 */
export const BARMAN_OBJECT_STORE_KIND = 'barmancloud.cnpg.io/v1/ObjectStore';
/** The Barman Cloud sidecar's resources unless `backup.sidecarResources` says otherwise (namespace quotas need them). */
export const DEFAULT_BARMAN_SIDECAR_RESOURCES = {
    requests: { cpu: '50m', memory: '128Mi', ephemeralStorage: '256Mi' },
    limits: { cpu: '100m', memory: '128Mi', ephemeralStorage: '1Gi' },
};
const SIX_FIELD_CRON = /^(\S+\s+){5}\S+$/;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * A CloudNativePG `Cluster` with a Barman Cloud `ObjectStore` and a `ScheduledBackup`: operator-managed
 * PostgreSQL with failover, WAL archiving and base backups. The operator makes the Secret `<name>-app`
 * whose `uri` key is the connection string the services mount as a file.
 */
export class CloudNativePgDatabase extends Construct {
    peerName;
    namespace;
    /**
     * The operator's own `cnpg.io/cluster` label selects the instances: CloudNativePG sets the pods'
     * labels itself and may set `app.kubernetes.io/name` to `postgresql`, over the inherited labels.
     */
    podSelectorLabels;
    /** The read-write Service (points at the primary). */
    serviceName;
    port = 5432;
    /** The Secret the operator makes with the application role's credentials. */
    appSecret;
    /** The instances' network policy; clients are added with `allowClient`. */
    networkPolicy;
    /** The Barman Cloud ObjectStore the WAL archive and base backups go to. */
    objectStoreName;
    constructor(scope, id, props) {
        super(scope, id);
        const instances = props.instances ?? 3;
        checkImage(this, 'imageName', props.imageName, props.requireDigest ?? false);
        if (!Number.isInteger(instances) || instances < 1)
            invalidProp(this, 'instances', instances, 'must be a whole number >= 1');
        if (parseQuantity(props.storage) === undefined)
            invalidProp(this, 'storage', props.storage, 'must be a quantity such as "50Gi"');
        if (!IDENTIFIER.test(props.database))
            invalidProp(this, 'database', props.database, 'must be a lowercase SQL identifier');
        if (!SIX_FIELD_CRON.test(props.backup.schedule)) {
            invalidProp(this, 'backup.schedule', props.backup.schedule, 'must be a six-field cron expression (with seconds)');
        }
        if (!/^s3:\/\/[^/]+/.test(props.backup.destinationPath)) {
            invalidProp(this, 'backup.destinationPath', props.backup.destinationPath, 'must be an s3:// URL');
        }
        checkContainerResources(this, 'resources', props.resources);
        for (const prop of ['apiServerCidrs', 'objectStoreCidrs'])
            checkCidrs(this, prop, props[prop]);
        const runAsIds = props.runAsIds ?? { uid: MIN_RUN_AS_ID, gid: MIN_RUN_AS_ID };
        for (const key of ['uid', 'gid']) {
            if (!Number.isInteger(runAsIds[key]) || runAsIds[key] < MIN_RUN_AS_ID) {
                invalidProp(this, `runAsIds.${key}`, runAsIds[key], `must be a whole number >= ${MIN_RUN_AS_ID} (S06)`);
            }
        }
        const sidecarResources = props.backup.sidecarResources ?? DEFAULT_BARMAN_SIDECAR_RESOURCES;
        checkContainerResources(this, 'backup.sidecarResources', sidecarResources);
        const name = props.identity.name;
        const labels = recommendedLabels(props.identity);
        this.peerName = name;
        this.podSelectorLabels = { 'cnpg.io/cluster': name };
        this.namespace = props.namespace;
        this.serviceName = `${name}-rw`;
        this.appSecret = { name: `${name}-app`, uriKey: 'uri' };
        this.objectStoreName = `${name}-backup`;
        const cluster = {
            instances,
            imageName: props.imageName,
            postgresUID: runAsIds.uid,
            postgresGID: runAsIds.gid,
            // Rolling updates restart replicas first and switch over to an updated one, never down.
            primaryUpdateStrategy: 'unsupervised',
            storage: { size: props.storage },
            bootstrap: { initdb: { database: props.database, owner: props.database } },
            // Labels the pods carry, so network policies and PDB-like logic select them like any workload.
            inheritedMetadata: { labels },
            enablePDB: true,
            affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
            resources: resourceRequirements(props.resources),
            // WAL archiving through the Barman Cloud plugin (the in-tree barmanObjectStore is deprecated).
            plugins: [{ name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: this.objectStoreName } }],
        };
        // Before the Cluster in the same apply: the plugin's sidecar reads the store when the first instance starts.
        new ApiObject(this, 'object-store', {
            apiVersion: 'barmancloud.cnpg.io/v1',
            kind: 'ObjectStore',
            metadata: { name: this.objectStoreName, namespace: props.namespace, labels },
            spec: {
                // Retention lives on the ObjectStore with the plugin (it was on the Cluster in-tree).
                retentionPolicy: props.backup.retentionPolicy ?? '30d',
                configuration: {
                    destinationPath: props.backup.destinationPath,
                    s3Credentials: {
                        accessKeyId: { name: props.backup.credentialsSecret, key: 'ACCESS_KEY_ID' },
                        secretAccessKey: { name: props.backup.credentialsSecret, key: 'ACCESS_SECRET_KEY' },
                    },
                    wal: { compression: 'gzip' },
                },
                instanceSidecarConfiguration: { resources: resourceRequirements(sidecarResources) },
            },
        });
        new ApiObject(this, 'cluster', {
            apiVersion: 'postgresql.cnpg.io/v1',
            kind: 'Cluster',
            metadata: { name, namespace: props.namespace, labels },
            spec: cluster,
        });
        const scheduled = {
            schedule: props.backup.schedule,
            cluster: { name },
            backupOwnerReference: 'self',
            method: 'plugin',
            pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
            // Take a backup right away, so a new cluster is never without one until the first schedule.
            immediate: true,
        };
        // The operator creates the pods, so the policy that default-deny demands is made here: PostgreSQL
        // and the instance manager's status port between instances and from the operator, and egress to
        // the API server and the object store.
        this.networkPolicy = new WorkloadNetworkPolicy(this, 'network-policy', { workload: this, identity: props.identity });
        const operator = props.operator ?? DEFAULT_CNPG_OPERATOR;
        for (const port of [this.port, STATUS_PORT]) {
            this.networkPolicy.allowFrom(this, port).allowTo(this, port).allowFrom(operator, port);
        }
        for (const cidr of props.apiServerCidrs)
            this.networkPolicy.allowToCidr(cidr, 443).allowToCidr(cidr, 6443);
        for (const cidr of props.objectStoreCidrs)
            this.networkPolicy.allowToCidr(cidr, 443);
        new ApiObject(this, 'scheduled-backup', {
            apiVersion: 'postgresql.cnpg.io/v1',
            kind: 'ScheduledBackup',
            metadata: { name: `${name}-daily`, namespace: props.namespace, labels },
            spec: scheduled,
        });
    }
    /** Lets `client` connect to PostgreSQL (the client's own egress is its policy's business). */
    allowClient(client) {
        this.networkPolicy.allowFrom(client, this.port);
        return this;
    }
}
/** Refuses an empty list and any range that means "everywhere" (0.0.0.0/0, ::/0). */
function checkCidrs(scope, prop, cidrs) {
    if (!Array.isArray(cidrs) || cidrs.length === 0)
        invalidProp(scope, prop, cidrs, 'must name at least one address range');
    for (const cidr of cidrs) {
        if (/\/0$/.test(cidr))
            invalidProp(scope, prop, cidr, 'is every address on the internet: name the ranges the database must reach');
    }
}
/** Resource requests and limits as the operator CRDs spell them (plain quantity strings). */
function resourceRequirements({ requests, limits }) {
    const quantities = (q) => ({ cpu: q.cpu, memory: q.memory, 'ephemeral-storage': q.ephemeralStorage });
    return { requests: quantities(requests), limits: quantities(limits) };
}
