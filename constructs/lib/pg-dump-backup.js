import { readFileSync } from 'node:fs';
import { Construct } from 'constructs';
import { invalidProp } from './errors.js';
import { isValidLabelValue, recommendedLabels } from './labels.js';
import { addKubeObject } from './model-object.js';
import { isDns1035Label, isDnsSubdomain } from './names.js';
import { checkNamespace } from './network-peers.js';
import { DEFAULT_RUN_AS_ID, checkContainerResources, checkScratchDirectories, containerResources, containerSecurityContext, podSecurityContext, scratchVolumes, secretFileVolume, } from './pod-hardening.js';
import { parseQuantity } from './quantity.js';
import { WorkloadNetworkPolicy } from './workload-network-policy.js';
/** The script the job runs (kept as a file so it can be read, linted and tested on its own). */
export const PG_DUMP_SCRIPT = readFileSync(new URL('./pg-dump-backup.sh', import.meta.url), 'utf8');
const BACKUP_DIR = '/var/lib/backups';
const SECRET_DIR = '/var/run/secrets/postgres';
const TMP = { path: '/tmp', sizeLimit: '16Mi' };
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
/** A PostgreSQL identifier that needs no quoting (database and role names). */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * A nightly `pg_dump -Fc` of one database into a PersistentVolumeClaim, keeping the newest N dumps:
 * a batch/v1 CronJob (hardened pod, one run at a time, bounded retries and run time), its own
 * ServiceAccount, the claim, and a NetworkPolicy that accepts no connections and lets the job reach
 * only the server's port and DNS. The server's policy must admit this peer (PostgresStatefulSet does).
 */
export class PgDumpBackup extends Construct {
    /** `app.kubernetes.io/name` of the job's pods. */
    peerName;
    namespace;
    /** Name of the CronJob (and of its ServiceAccount, claim and NetworkPolicy). */
    cronJobName;
    /** Name of the claim holding the dumps. */
    claimName;
    /** Directory the dumps are written to in the job's container. */
    backupDirectory = BACKUP_DIR;
    cronJob;
    networkPolicy;
    constructor(scope, id, props) {
        super(scope, id);
        const { keep, timeZone, timeoutSeconds } = this.validate(props);
        const identity = { name: props.name, version: props.version, component: props.component ?? 'database', partOf: props.partOf };
        const labels = recommendedLabels(identity);
        const metadata = () => ({ name: props.name, namespace: props.namespace, labels: { ...labels } });
        this.peerName = props.name;
        this.namespace = props.namespace;
        this.cronJobName = props.name;
        this.claimName = props.name;
        addKubeObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(), automountServiceAccountToken: false });
        addKubeObject(this, 'Claim', {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: metadata(),
            spec: {
                accessModes: ['ReadWriteOnce'],
                ...(props.storageClassName !== undefined ? { storageClassName: props.storageClassName } : {}),
                resources: { requests: { storage: props.storage } },
            },
        });
        const ids = { runAsUser: DEFAULT_RUN_AS_ID, runAsGroup: DEFAULT_RUN_AS_ID, fsGroup: DEFAULT_RUN_AS_ID };
        const scratch = scratchVolumes([TMP]);
        const password = secretFileVolume('password', { secretName: props.source.passwordSecret.name, key: props.source.passwordSecret.key, mountPath: SECRET_DIR });
        const { source } = props;
        this.cronJob = addKubeObject(this, 'CronJob', {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            metadata: metadata(),
            spec: {
                schedule: props.schedule,
                timeZone,
                // A dump still running when the next one is due would compete for the same claim.
                concurrencyPolicy: 'Forbid',
                // A run missed by more than an hour (controller down) waits for the next night.
                startingDeadlineSeconds: 3600,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: {
                    metadata: { labels: { ...labels } },
                    spec: {
                        backoffLimit: 2,
                        activeDeadlineSeconds: timeoutSeconds,
                        // Finished Jobs (and their logs) stay a week at most, even past the history limits.
                        ttlSecondsAfterFinished: 7 * 24 * 3600,
                        template: {
                            metadata: { labels: { ...labels } },
                            spec: {
                                serviceAccountName: props.name,
                                automountServiceAccountToken: false,
                                enableServiceLinks: false,
                                restartPolicy: 'Never',
                                // The claim's root keeps its owner after the first run; no recursive chown of old dumps.
                                securityContext: podSecurityContext(ids, 'OnRootMismatch'),
                                containers: [
                                    {
                                        name: 'pg-dump',
                                        image: props.image,
                                        imagePullPolicy: 'Always',
                                        command: ['/bin/bash', '-c', PG_DUMP_SCRIPT],
                                        env: [
                                            { name: 'PGHOST', value: source.host },
                                            { name: 'PGPORT', value: String(source.server.port) },
                                            { name: 'PGUSER', value: source.user },
                                            { name: 'PGDATABASE', value: source.database },
                                            { name: 'DB_PASSWORD_FILE', value: password.filePath },
                                            { name: 'BACKUP_DIR', value: BACKUP_DIR },
                                            { name: 'KEEP_DUMPS', value: String(keep) },
                                        ],
                                        resources: containerResources(props.resources),
                                        securityContext: containerSecurityContext(ids),
                                        volumeMounts: [...scratch.mounts, password.mount, { name: 'backups', mountPath: BACKUP_DIR }],
                                    },
                                ],
                                volumes: [...scratch.volumes, password.volume, { name: 'backups', persistentVolumeClaim: { claimName: this.claimName } }],
                            },
                        },
                    },
                },
            },
        });
        this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
            workload: this,
            identity,
            // A job serves nothing: the policy lists Ingress with no rule, so every inbound connection is denied.
            ingress: 'none',
            egress: [{ to: source.server, port: source.server.port }],
        });
    }
    /** Checks every prop before anything is built; throws naming this construct's path and the bad value. */
    validate(props) {
        checkBackupName(this, 'name', props.name);
        checkNamespace(this, 'namespace', props.namespace);
        for (const [prop, value] of [['partOf', props.partOf], ['version', props.version], ['component', props.component]]) {
            if (value !== undefined && (value === '' || !isValidLabelValue(value))) {
                invalidProp(this, prop, value, 'must be a non-empty label value (<= 63 chars, alphanumeric at both ends)');
            }
        }
        checkPasswordSecret(this, 'source.passwordSecret', props.source.passwordSecret);
        if (!SQL_IDENTIFIER.test(props.source.database))
            invalidProp(this, 'source.database', props.source.database, 'must be a lowercase SQL identifier');
        if (!SQL_IDENTIFIER.test(props.source.user))
            invalidProp(this, 'source.user', props.source.user, 'must be a lowercase SQL identifier');
        if (!isDnsSubdomain(props.source.host))
            invalidProp(this, 'source.host', props.source.host, 'must be a DNS name');
        checkCronSchedule(this, 'schedule', props.schedule);
        const timeZone = props.timeZone ?? 'Etc/UTC';
        checkTimeZone(this, 'timeZone', timeZone);
        checkStorage(this, 'storage', props.storage);
        const keep = props.keep ?? 7;
        if (!Number.isInteger(keep) || keep < 1 || keep > 100)
            invalidProp(this, 'keep', keep, 'must be an integer from 1 to 100');
        const timeoutSeconds = props.timeoutSeconds ?? 3600;
        if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60)
            invalidProp(this, 'timeoutSeconds', timeoutSeconds, 'must be an integer >= 60');
        checkContainerResources(this, 'resources', props.resources);
        checkScratchDirectories(this, 'tmp', [TMP], props.resources.limits.ephemeralStorage);
        return { keep, timeZone, timeoutSeconds };
    }
}
/** A DNS-1035 label short enough for the Job names the CronJob makes (`<name>-<minutes since epoch>`). */
function checkBackupName(scope, prop, name) {
    if (!isDns1035Label(name, 52)) {
        invalidProp(scope, prop, name, 'must be a DNS-1035 label of at most 52 characters (the CronJob adds an 11-character suffix to Job names)');
    }
}
/** An existing Secret's name and key. */
export function checkPasswordSecret(scope, prop, secret) {
    if (!isDnsSubdomain(secret.name))
        invalidProp(scope, `${prop}.name`, secret.name, 'must be a Secret name (DNS-1123 subdomain)');
    if (!SECRET_KEY.test(secret.key))
        invalidProp(scope, `${prop}.key`, secret.key, 'must be a Secret key (letters, digits, "-", "_", ".")');
}
/** A storage quantity greater than zero, e.g. `2Gi`. */
export function checkStorage(scope, prop, storage) {
    const bytes = parseQuantity(storage);
    if (bytes === undefined || bytes <= 0)
        invalidProp(scope, prop, storage, 'must be a positive Kubernetes quantity such as "2Gi"');
}
export function checkTimeZone(scope, prop, timeZone) {
    try {
        new Intl.DateTimeFormat('en', { timeZone });
    }
    catch {
        invalidProp(scope, prop, timeZone, 'is not an IANA time zone such as "Etc/UTC" or "Europe/Berlin"');
    }
}
const CRON_FIELDS = [
    { name: 'minute', min: 0, max: 59 },
    { name: 'hour', min: 0, max: 23 },
    { name: 'day of month', min: 1, max: 31 },
    { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
    { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];
const CRON_ITEM = /^(\*|([0-9A-Za-z]+)(-([0-9A-Za-z]+))?)(\/(\d+))?$/;
/**
 * A five-field cron schedule as the CronJob controller reads it: `*`, numbers, ranges, steps,
 * lists, and month/day names. Macros (`@daily`) and `TZ=` prefixes are refused: use `timeZone`.
 */
export function checkCronSchedule(scope, prop, schedule) {
    const fields = schedule.trim().split(/\s+/);
    if (fields.length !== 5) {
        invalidProp(scope, prop, schedule, `must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
    }
    fields.forEach((field, index) => {
        const spec = CRON_FIELDS[index];
        const names = 'names' in spec ? spec.names : [];
        const value = (token) => {
            const byName = names.indexOf(token.toUpperCase());
            if (byName >= 0)
                return byName + spec.min;
            return /^\d+$/.test(token) ? Number(token) : undefined;
        };
        for (const item of field.split(',')) {
            const match = CRON_ITEM.exec(item);
            const from = match?.[2] !== undefined ? value(match[2]) : spec.min;
            const to = match?.[4] !== undefined ? value(match[4]) : from;
            const step = match?.[6] !== undefined ? Number(match[6]) : 1;
            const ok = match !== null && from !== undefined && to !== undefined && from >= spec.min && to <= spec.max && from <= to && step >= 1;
            if (!ok)
                invalidProp(scope, prop, schedule, `the ${spec.name} field "${field}" is not valid (${spec.min}-${spec.max}, "*", ranges, steps, lists)`);
        }
    });
}
